using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine;

/// <summary>What <see cref="ServiceDeskEngine.RequestApprovalAsync"/> asks: named approvers or one approver group, the rule,
/// and an optional due time.</summary>
/// <remarks>Immutable and thread-safe when <see cref="Approvers"/> is not changed afterwards.</remarks>
public sealed record ApprovalRequest
{
    /// <summary>Gets the agents asked (1 to 100, no duplicates); empty when <see cref="ApproverGroup"/> is asked.</summary>
    public IReadOnlyList<AgentId> Approvers { get; init; } = [];

    /// <summary>Gets the group asked, or <see langword="null"/>. Any one member (an agent whose
    /// <see cref="CommandContext.Groups"/> holds the group) decides for the group, so the rule of a group approval is
    /// <see cref="ApprovalRule.Any"/>.</summary>
    public GroupId? ApproverGroup { get; init; }

    /// <summary>Gets the rule: <see cref="ApprovalRule.All"/> (the default), <see cref="ApprovalRule.Any"/> or
    /// <see cref="ApprovalRule.NOfM"/> with n at most the number of approvers. It replaces the lifecycle's configured rule
    /// for this approval (<see cref="ApprovalSet.Rule"/>).</summary>
    public ApprovalRule Rule { get; init; } = ApprovalRule.All;

    /// <summary>Gets how long the approvers have, in business time on <see cref="ServiceDeskEngineOptions.BusinessCalendar"/>
    /// (wall-clock time without one), or <see langword="null"/> for no due time; more than zero, at most 3,650 days.</summary>
    public Duration? DueIn { get; init; }

    /// <summary>Creates a request asking named agents.</summary>
    /// <param name="rule">The rule.</param>
    /// <param name="approvers">The agents.</param>
    /// <returns>The request.</returns>
    public static ApprovalRequest Of(ApprovalRule rule, params AgentId[] approvers) => new() { Rule = rule, Approvers = approvers };

    /// <summary>Creates a request asking a group (any one member decides).</summary>
    /// <param name="group">The group.</param>
    /// <returns>The request.</returns>
    public static ApprovalRequest OfGroup(GroupId group) => new() { ApproverGroup = group, Rule = ApprovalRule.Any };

    /// <summary>Validates the request and returns the required count as stored (0 for all).</summary>
    internal int Validate()
    {
        if (Approvers is null)
        {
            throw new ArgumentNullException(nameof(Approvers), "ApprovalRequest.Approvers is null; use an empty list with an approver group.");
        }

        if (Rule is null)
        {
            throw new ArgumentNullException(nameof(Rule), "ApprovalRequest.Rule is null; use ApprovalRule.All, Any or NOfM(n).");
        }

        if ((Approvers.Count == 0) == (ApproverGroup is null))
        {
            throw new ArgumentException(
                $"An approval asks either named approvers or one approver group; got {Approvers.Count} approvers and {(ApproverGroup is { } g ? "group " + TextPolicy.Echo(g.Value) : "no group")}.",
                nameof(Approvers));
        }

        if (Approvers.Count > ApprovalRequested.MaxApprovers)
        {
            throw new ArgumentOutOfRangeException(nameof(Approvers), Approvers.Count, $"An approval names 1 to {ApprovalRequested.MaxApprovers} approvers.");
        }

        var seen = new HashSet<AgentId>();
        foreach (var approver in Approvers)
        {
            AgentId.ThrowIfDefault(approver, nameof(Approvers));
            if (!seen.Add(approver))
            {
                throw new ArgumentException($"The approver {TextPolicy.Echo(approver.Value)} is named twice.", nameof(Approvers));
            }
        }

        if (DueIn is { } due && (due <= Duration.Zero || due > Duration.FromDays(3650)))
        {
            throw new ArgumentOutOfRangeException(nameof(DueIn), due, "An approval's due time is more than zero and at most 3,650 days away.");
        }

        if (ApproverGroup is not null)
        {
            return Rule.Mode == ApprovalMode.Any
                ? 1
                : throw new ArgumentException($"A group approval is decided by the first member to decide (rule Any); got rule '{Rule}'.", nameof(Rule));
        }

        return Rule.Mode switch
        {
            ApprovalMode.All => 0,
            ApprovalMode.Any => 1,
            _ when Rule.Required > Approvers.Count => throw new ArgumentOutOfRangeException(
                nameof(Rule), Rule.Required, $"The rule needs {Rule.Required} approvals but only {Approvers.Count} approvers are asked."),
            _ => Rule.Required,
        };
    }
}

/// <summary>A ticket's latest approval as <see cref="ServiceDeskEngine.GetApprovalAsync"/> returns it.</summary>
/// <param name="Number">The approval's number on the ticket (1 for the first asked).</param>
/// <param name="Approvers">The agents asked; empty for a group approval.</param>
/// <param name="ApproverGroup">The group asked, or <see langword="null"/>.</param>
/// <param name="Rule">The rule.</param>
/// <param name="DueAt">When a decision is due, or <see langword="null"/>.</param>
/// <param name="Outcome">Where it stands.</param>
/// <param name="Decisions">The decisions so far, oldest first.</param>
public sealed record ApprovalView(
    int Number, IReadOnlyList<string> Approvers, GroupId? ApproverGroup, ApprovalRule Rule, Instant? DueAt, ApprovalOutcome Outcome,
    IReadOnlyList<ApprovalDecision> Decisions);

/// <summary>Thrown when the actor may not run a command on a ticket (for example an agent deciding an approval that was not
/// asked of them, or someone other than the requester confirming a resolution); nothing is stored.</summary>
public sealed class CommandDeniedException : UnauthorizedAccessException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="actor">Who tried.</param>
    /// <param name="action">The command, e.g. <c>DecideApproval</c>.</param>
    /// <param name="ticket">The ticket's number.</param>
    /// <param name="reason">Why not, phrased as what would be needed.</param>
    public CommandDeniedException(Actor actor, string action, TicketNumber ticket, string reason)
        : base($"{actor} may not {action} on ticket {ticket}: {reason}.")
    {
        Actor = actor;
        Action = action;
        Ticket = ticket;
    }

    /// <summary>Initializes a new instance for an action on no ticket yet (opening one).</summary>
    /// <param name="actor">Who tried.</param>
    /// <param name="action">The command, e.g. <c>OpenTicket</c>.</param>
    /// <param name="reason">Why not, phrased as what would be needed.</param>
    public CommandDeniedException(Actor actor, string action, string reason)
        : base($"{actor} may not {action}: {reason}.")
    {
        Actor = actor;
        Action = action;
    }

    /// <summary>Gets who tried.</summary>
    public Actor Actor { get; }

    /// <summary>Gets the command that was denied.</summary>
    public string Action { get; }

    /// <summary>Gets the ticket's number; <see langword="null"/> for an opening.</summary>
    public TicketNumber? Ticket { get; }
}
