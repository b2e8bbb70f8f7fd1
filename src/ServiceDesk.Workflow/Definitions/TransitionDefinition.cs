using ServiceDesk.Events;

namespace ServiceDesk.Workflow;

/// <summary>What a rejected transition means besides "not now".</summary>
public enum RejectionOutcome
{
    /// <summary>Nothing more: the trigger is rejected.</summary>
    None = 0,

    /// <summary>When the only unmet guard is <see cref="TransitionDefinition.OtherwiseGuard"/> (e.g. the reopen window
    /// ended), the caller should open a new ticket linked to this one (<see cref="TicketLinkType.FollowUpOf"/>);
    /// <see cref="TransitionResult.Outcome"/> is then <see cref="TransitionOutcome.NewLinkedTicketRequired"/>.</summary>
    NewLinkedTicket = 1,
}

/// <summary>When a transition happens, fire a trigger on every linked ticket of one link type and direction (e.g. resolving a
/// parent resolves its children; resolving a problem resolves the incidents it caused).</summary>
/// <param name="LinkType">The link type to follow.</param>
/// <param name="Direction">The direction to follow, seen from the ticket that transitions.</param>
/// <param name="Trigger">The trigger to fire on each linked ticket.</param>
/// <param name="Reason">The reason to give (e.g. a resolution code); <see langword="null"/> to pass on the reason of the transition.</param>
/// <param name="Notes">The notes to give; <see langword="null"/> to pass on the notes of the transition.</param>
/// <param name="SkipStatuses">Linked tickets in these statuses are left alone (by default <c>Resolved</c>, <c>Closed</c>, <c>Canceled</c>).</param>
public sealed record CascadeRule(
    TicketLinkType LinkType,
    LinkDirection Direction,
    WorkflowTrigger Trigger,
    string? Reason,
    string? Notes,
    IReadOnlyList<TicketStatus> SkipStatuses)
{
    /// <summary>Gets the statuses skipped by default: <c>Resolved</c>, <c>Closed</c> and <c>Canceled</c>.</summary>
    public static IReadOnlyList<TicketStatus> DefaultSkipStatuses { get; } = [TicketStatus.Resolved, TicketStatus.Closed, TicketStatus.Canceled];
}

/// <summary>A transition of a validated <see cref="WorkflowDefinition"/>: from a state, on a trigger, to a state, if every guard is met.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class TransitionDefinition
{
    internal TransitionDefinition(
        TicketStatus from,
        WorkflowTrigger trigger,
        TicketStatus to,
        IReadOnlyList<WorkflowGuard> guards,
        IReadOnlyList<string> reasons,
        bool requiresNotes,
        RejectionOutcome otherwise,
        string? otherwiseGuard,
        CascadeRule? cascade)
    {
        From = from;
        Trigger = trigger;
        To = to;
        Guards = guards;
        Reasons = reasons;
        RequiresNotes = requiresNotes;
        Otherwise = otherwise;
        OtherwiseGuard = otherwiseGuard;
        Cascade = cascade;
    }

    /// <summary>Gets the source state.</summary>
    public TicketStatus From { get; }

    /// <summary>Gets the trigger.</summary>
    public WorkflowTrigger Trigger { get; }

    /// <summary>Gets the target state (equal to <see cref="From"/> for a re-entry).</summary>
    public TicketStatus To { get; }

    /// <summary>Gets the guards, all of which must be met.</summary>
    public IReadOnlyList<WorkflowGuard> Guards { get; }

    /// <summary>Gets the reasons allowed on this transition: a subset of the target state's reasons, or empty for all of them.</summary>
    public IReadOnlyList<string> Reasons { get; }

    /// <summary>Gets a value indicating whether notes (<see cref="TransitionContext.Notes"/>) are required.</summary>
    public bool RequiresNotes { get; }

    /// <summary>Gets what a rejection of this transition by its guards means.</summary>
    public RejectionOutcome Otherwise { get; }

    /// <summary>Gets the guard whose failure alone leads to <see cref="Otherwise"/>; <see langword="null"/> when <see cref="Otherwise"/> is
    /// <see cref="RejectionOutcome.None"/>.</summary>
    public string? OtherwiseGuard { get; }

    /// <summary>Gets the cascade to linked tickets, if any.</summary>
    public CascadeRule? Cascade { get; }

    /// <summary>Returns <c>From --Trigger--&gt; To</c>.</summary>
    /// <returns>The display text.</returns>
    public override string ToString() => $"{From} --{Trigger}--> {To}";
}
