using ServiceDesk.Events;

namespace ServiceDesk.Workflow;

/// <summary>What came of firing a trigger.</summary>
public enum TransitionOutcome
{
    /// <summary>The ticket moved (or re-entered its state); the events are ready to append.</summary>
    Transitioned = 1,

    /// <summary>The trigger is not permitted now; <see cref="TransitionResult.UnmetGuards"/> says why.</summary>
    Rejected = 2,

    /// <summary>The trigger is rejected and the workflow's answer is a new ticket linked to this one
    /// (<see cref="TicketLinkType.FollowUpOf"/>), e.g. a reopen after the reopen window closed.</summary>
    NewLinkedTicketRequired = 3,
}

/// <summary>A condition that was not met, with a readable description.</summary>
/// <param name="Name">The guard's name (e.g. <c>WithinReopenWindow</c>, <c>actor:Agent</c>), or <c>reason</c>, <c>notes</c> or
/// <c>trigger</c> for a missing input or an unknown trigger.</param>
/// <param name="Description">What must be true, e.g. <c>"the actor is an agent"</c>.</param>
public sealed record UnmetGuard(string Name, string Description)
{
    /// <summary>Returns <c>Name: not met: Description</c>, e.g. <c>notes: not met: notes are given for 'Resolve'</c>: the
    /// description states what must be true, so the text says that it is not.</summary>
    /// <returns>The display text.</returns>
    public override string ToString() => $"{Name}: not met: {Description}";
}

/// <summary>A trigger the caller should fire on a linked ticket because of this transition (see <see cref="CascadeRule"/>).</summary>
/// <param name="Target">The linked ticket.</param>
/// <param name="Trigger">The trigger to fire on it, with its own workflow.</param>
/// <param name="Reason">The reason to give, if any.</param>
/// <param name="Notes">The notes to give, if any.</param>
/// <param name="LinkType">The link that was followed.</param>
public sealed record CascadeAction(TicketId Target, WorkflowTrigger Trigger, string? Reason, string? Notes, TicketLinkType LinkType);

/// <summary>The decision on one trigger: the new state and the events to append, or why not.</summary>
/// <remarks>
/// <para>On success, <see cref="Events"/> holds a <see cref="StatusChanged"/> (its reason is the reason given) and, when
/// notes were given, a public <see cref="CommentAdded"/>; their versions follow <see cref="Ticket.Version"/> of the
/// original ticket, and <see cref="Ticket"/> is the ticket after them. <see cref="SlaEffect"/> says what the SLA
/// clocks do. <see cref="Cascades"/> lists triggers to fire on linked tickets.</para>
/// <para>On rejection, <see cref="Ticket"/> is the original ticket, <see cref="Events"/> and <see cref="Cascades"/> are empty and
/// <see cref="UnmetGuards"/> lists every unmet condition of every transition the trigger could have taken.</para>
/// </remarks>
public sealed record TransitionResult
{
    internal TransitionResult(
        TransitionOutcome outcome,
        Ticket ticket,
        WorkflowTrigger trigger,
        TicketStatus from,
        TicketStatus to,
        IReadOnlyList<TicketEvent> events,
        SlaEffect slaEffect,
        IReadOnlyList<UnmetGuard> unmetGuards,
        IReadOnlyList<CascadeAction> cascades)
    {
        Outcome = outcome;
        Ticket = ticket;
        Trigger = trigger;
        From = from;
        To = to;
        Events = events;
        SlaEffect = slaEffect;
        UnmetGuards = unmetGuards;
        Cascades = cascades;
    }

    /// <summary>Gets what came of the trigger.</summary>
    public TransitionOutcome Outcome { get; }

    /// <summary>Gets a value indicating whether the ticket transitioned.</summary>
    public bool Succeeded => Outcome == TransitionOutcome.Transitioned;

    /// <summary>Gets the ticket after the transition, or the original ticket when rejected.</summary>
    public Ticket Ticket { get; }

    /// <summary>Gets the trigger fired.</summary>
    public WorkflowTrigger Trigger { get; }

    /// <summary>Gets the status before.</summary>
    public TicketStatus From { get; }

    /// <summary>Gets the status after (equal to <see cref="From"/> when rejected).</summary>
    public TicketStatus To { get; }

    /// <summary>Gets the events to append, in order; empty when rejected.</summary>
    public IReadOnlyList<TicketEvent> Events { get; }

    /// <summary>Gets what the transition does to the SLA clocks; <see cref="SlaEffect.None"/> when rejected.</summary>
    public SlaEffect SlaEffect { get; }

    /// <summary>Gets the unmet conditions; empty on success.</summary>
    public IReadOnlyList<UnmetGuard> UnmetGuards { get; }

    /// <summary>Gets the triggers to fire on linked tickets; empty when rejected or when there is no cascade.</summary>
    public IReadOnlyList<CascadeAction> Cascades { get; }
}

/// <summary>Thrown by <see cref="WorkflowDefinition.Fire"/> when a trigger is not permitted.</summary>
/// <remarks>The <see cref="Result"/> holds the unmet guards and the outcome (<see cref="TransitionOutcome.Rejected"/> or
/// <see cref="TransitionOutcome.NewLinkedTicketRequired"/>). Use <see cref="WorkflowDefinition.TryFire"/> when rejection is
/// an expected outcome.</remarks>
public sealed class InvalidTransitionException : InvalidOperationException
{
    /// <summary>Initializes a new instance for a rejected result.</summary>
    /// <param name="result">The rejected result.</param>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="result"/> succeeded.</exception>
    public InvalidTransitionException(TransitionResult result)
        : base(BuildMessage(result))
    {
        Result = result;
    }

    /// <summary>Gets the rejected result.</summary>
    public TransitionResult Result { get; }

    private static string BuildMessage(TransitionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Succeeded)
        {
            throw new ArgumentException("The result succeeded; only a rejected result explains an invalid transition.", nameof(result));
        }

        var head = $"Ticket {result.Ticket.Number} cannot take trigger {TextPolicy.Echo(result.Trigger)} from status {TextPolicy.Echo(result.From)}";
        var tail = result.Outcome == TransitionOutcome.NewLinkedTicketRequired ? "; open a new ticket linked to it instead" : string.Empty;
        return head + tail + ":" + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", result.UnmetGuards);
    }
}
