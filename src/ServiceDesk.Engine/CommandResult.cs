using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine;

/// <summary>What came of a command.</summary>
public enum CommandOutcome
{
    /// <summary>The command was applied: its events were appended and <see cref="CommandResult.Ticket"/> is the new snapshot.</summary>
    Applied = 1,

    /// <summary>The command asked for what the ticket already is (e.g. an assignment to the current assignee); nothing was stored.</summary>
    Unchanged = 2,

    /// <summary>The command's idempotency key had already been applied; nothing was stored and
    /// <see cref="CommandResult.Ticket"/> is the snapshot the first application stored.</summary>
    Replayed = 3,

    /// <summary>The workflow rejected the transition; <see cref="CommandResult.UnmetGuards"/> says why; nothing was stored.</summary>
    Rejected = 4,

    /// <summary>The workflow rejected the transition and asks for a new ticket linked to this one (e.g. a reopen after the
    /// reopen window): nothing was stored on this ticket, and the engine opened the follow-up ticket
    /// (<see cref="CommandResult.FollowUp"/>).</summary>
    NewLinkedTicketRequired = 5,
}

/// <summary>The result of a <see cref="ServiceDeskEngine"/> command: the outcome, the ticket, the appended events and
/// the next instant at which the ticket's SLA clocks need attention.</summary>
/// <remarks>
/// <para>Expected business outcomes (a rejected transition) are results; programming errors and bad input are
/// exceptions (see <c>docs/engine.md</c>). <see cref="EnsureSucceeded"/> is the throwing twin.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed record CommandResult
{
    internal CommandResult(CommandOutcome outcome, Ticket ticket, IReadOnlyList<TicketEvent> events)
    {
        Outcome = outcome;
        Ticket = ticket;
        Events = events;
    }

    /// <summary>Gets what came of the command.</summary>
    public CommandOutcome Outcome { get; }

    /// <summary>Gets a value indicating whether the ticket is now as the command asked: applied, unchanged or replayed.</summary>
    public bool Succeeded => Outcome is CommandOutcome.Applied or CommandOutcome.Unchanged or CommandOutcome.Replayed;

    /// <summary>Gets the ticket: the stored snapshot after the command, the unchanged ticket when nothing was stored, or for a
    /// replay the snapshot the first application stored.</summary>
    public Ticket Ticket { get; }

    /// <summary>Gets the events this call appended, in version order; empty unless <see cref="CommandOutcome.Applied"/>.</summary>
    public IReadOnlyList<TicketEvent> Events { get; }

    /// <summary>Gets the unmet conditions of a rejected transition; empty otherwise.</summary>
    public IReadOnlyList<UnmetGuard> UnmetGuards { get; init; } = [];

    /// <summary>Gets the triggers the workflow asked to fire on linked tickets after a transition; empty otherwise. On a store
    /// that implements <see cref="Storage.ITicketBatchStore"/> (every shipped adapter) the engine fires them in the command's
    /// own transaction (see <see cref="Cascaded"/> and docs/processes.md); on another store the caller fires them.</summary>
    public IReadOnlyList<CascadeAction> Cascades { get; init; } = [];

    /// <summary>Gets the linked tickets the command changed in its own transaction, as stored: the targets of the
    /// <see cref="Cascades"/> whose workflow accepted the trigger (a target that rejected it is left alone and logged), or the
    /// other ticket of <see cref="ServiceDeskEngine.LinkAsync"/>, which records the incoming link. Empty otherwise and for a
    /// replay.</summary>
    public IReadOnlyList<Ticket> Cascaded { get; init; } = [];

    /// <summary>Gets the follow-up ticket the engine opened, linked <see cref="TicketLinkType.FollowUpOf"/> this one, when the
    /// workflow answered <see cref="CommandOutcome.NewLinkedTicketRequired"/> (for a replay: the one first opened); otherwise
    /// <see langword="null"/>.</summary>
    public Ticket? FollowUp { get; init; }

    /// <summary>Gets the conflicts of a change's planned window that the command found: freeze windows it overlaps and other
    /// changes on the same configuration item or service whose windows overlap it. Reported by
    /// <see cref="ServiceDeskEngine.ScheduleChangeAsync"/> (with <see cref="CommandOutcome.Rejected"/> when a freeze refuses a
    /// normal or standard change) and by the approval decision that authorizes a change; empty otherwise.</summary>
    public IReadOnlyList<ChangeConflict> ChangeConflicts { get; init; } = [];

    /// <summary>Gets the name of the ticket's SLA policy, or <see langword="null"/> when no policy applies.</summary>
    public string? SlaPolicy { get; init; }

    /// <summary>
    /// Gets the next instant after the command at which one of the ticket's SLA clocks reaches a threshold or its due
    /// (the earliest <see cref="Sla.SlaClockState.NextTimerAt"/>), or <see langword="null"/> when no clock is running
    /// toward one. This is the timer an escalation scheduler stores with the ticket. Always <see langword="null"/> for a
    /// <see cref="CommandOutcome.Replayed"/> result: query the ticket instead.
    /// </summary>
    public Instant? NextSlaTimerAt { get; init; }

    /// <summary>Returns this result when it <see cref="Succeeded"/>, and throws otherwise.</summary>
    /// <returns>This result.</returns>
    /// <exception cref="CommandRejectedException">The transition was rejected; the exception holds this result.</exception>
    public CommandResult EnsureSucceeded() => Succeeded ? this : throw new CommandRejectedException(this);
}

/// <summary>Thrown by <see cref="CommandResult.EnsureSucceeded"/> when the workflow rejected a command.</summary>
public sealed class CommandRejectedException : InvalidOperationException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="result">The rejected result.</param>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is <see langword="null"/>.</exception>
    public CommandRejectedException(CommandResult result)
        : base(BuildMessage(result))
    {
        Result = result;
    }

    /// <summary>Gets the rejected result.</summary>
    public CommandResult Result { get; }

    private static string BuildMessage(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return $"The command on ticket {result.Ticket.Number} was {result.Outcome}:{Environment.NewLine}- "
            + string.Join(Environment.NewLine + "- ", result.UnmetGuards);
    }
}
