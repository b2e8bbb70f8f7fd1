using NodaTime;

namespace ServiceDesk.Events;

/// <summary>Where an approval stands.</summary>
public enum ApprovalOutcome
{
    /// <summary>More decisions are needed.</summary>
    Pending = 1,

    /// <summary>The approval's rule is met: approved.</summary>
    Granted = 2,

    /// <summary>The approval's rule can no longer be met: rejected.</summary>
    Denied = 3,

    /// <summary>The approval was withdrawn before it was decided.</summary>
    Withdrawn = 4,
}

/// <summary>Approval of a ticket was asked of named approvers or of an approver group.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who asked.</param>
/// <param name="Approval">The approval's number on the ticket: 1 for the first approval asked, then one more each time.</param>
/// <param name="Approvers">The agents asked (ids, 1 to 128 characters each, no duplicates); empty when a group is asked.</param>
/// <param name="ApproverGroup">The group asked (any one member decides for the group), or <see langword="null"/>.</param>
/// <param name="Required">How many approvals grant it: 0 for all of <paramref name="Approvers"/>, otherwise at least this many
/// (1 is "any approver").</param>
/// <param name="DueAt">When a decision is due, or <see langword="null"/>.</param>
public sealed record ApprovalRequested(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    int Approval, IReadOnlyList<string> Approvers, GroupId? ApproverGroup, int Required, Instant? DueAt)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>The most approvers one approval may name: 100.</summary>
    public const int MaxApprovers = 100;

    /// <summary>Gets the approval's number on the ticket, 1 or more.</summary>
    public int Approval { get; init; } = Approval < 1
        ? throw new ArgumentOutOfRangeException(nameof(Approval), Approval, "An approval number is 1 or more.")
        : Approval;

    /// <summary>Gets the agents asked; empty when a group is asked.</summary>
    public IReadOnlyList<string> Approvers { get; init; } = CheckApprovers(Approvers, ApproverGroup);

    /// <summary>Gets the group asked, or <see langword="null"/>.</summary>
    public GroupId? ApproverGroup { get; init; } = ApproverGroup;

    /// <summary>Gets how many approvals grant the approval: 0 for all approvers, otherwise at least this many.</summary>
    public int Required { get; init; } = Required < 0 || Required > MaxApprovers
        ? throw new ArgumentOutOfRangeException(nameof(Required), Required, $"Required approvals are 0 (all) to {MaxApprovers}.")
        : Required;

    /// <summary>Gets when a decision is due, if set.</summary>
    public Instant? DueAt { get; init; } = DueAt;

    /// <summary>Compares every value, the approvers by content and order (not by list instance), so an event read back
    /// from JSON equals the one written.</summary>
    /// <param name="other">The other event.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(ApprovalRequested? other)
        => other is not null && base.Equals(other) && Approval == other.Approval && Approvers.SequenceEqual(other.Approvers, StringComparer.Ordinal)
            && ApproverGroup == other.ApproverGroup && Required == other.Required && DueAt == other.DueAt;

    /// <summary>Returns a hash of the values, consistent with <see cref="Equals(ApprovalRequested?)"/>.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Approval, Approvers.Count, ApproverGroup, Required, DueAt);

    private static IReadOnlyList<string> CheckApprovers(IReadOnlyList<string> approvers, GroupId? group)
    {
        ArgumentNullException.ThrowIfNull(approvers, nameof(Approvers));
        if (approvers.Count > MaxApprovers)
        {
            throw new ArgumentOutOfRangeException(nameof(Approvers), approvers.Count, $"An approval names at most {MaxApprovers} approvers.");
        }

        if ((approvers.Count == 0) == (group is null))
        {
            throw new ArgumentException("An approval asks either named approvers or one approver group.", nameof(Approvers));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var approver in approvers)
        {
            if (!seen.Add(Guard.Text(approver, Identifier.MaxLength, required: true, nameof(Approvers))))
            {
                throw new ArgumentException($"The approver {TextPolicy.Echo(approver)} is named twice.", nameof(Approvers));
            }
        }

        return [.. approvers];
    }
}

/// <summary>An approver approved or rejected an approval.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">The approver who decided.</param>
/// <param name="Approval">The approval's number on the ticket.</param>
/// <param name="Approved"><see langword="true"/> for approve, <see langword="false"/> for reject.</param>
/// <param name="Comment">The approver's comment, up to 32,000 characters, if any.</param>
/// <param name="Outcome">Where the approval stands after this decision: <see cref="ApprovalOutcome.Pending"/>,
/// <see cref="ApprovalOutcome.Granted"/> or <see cref="ApprovalOutcome.Denied"/>.</param>
public sealed record ApprovalDecided(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    int Approval, bool Approved, string? Comment, ApprovalOutcome Outcome)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets the approval's number on the ticket.</summary>
    public int Approval { get; init; } = Approval < 1
        ? throw new ArgumentOutOfRangeException(nameof(Approval), Approval, "An approval number is 1 or more.")
        : Approval;

    /// <summary>Gets the approver's comment, if any.</summary>
    public string? Comment { get; init; } = Guard.OptionalText(Comment, ServiceDesk.Ticket.MaxDescriptionLength, nameof(Comment));

    /// <summary>Gets where the approval stands after this decision.</summary>
    public ApprovalOutcome Outcome { get; init; } = Outcome is ApprovalOutcome.Pending or ApprovalOutcome.Granted or ApprovalOutcome.Denied
        ? Outcome
        : throw new ArgumentOutOfRangeException(nameof(Outcome), Outcome, "A decision leaves an approval Pending, Granted or Denied.");
}

/// <summary>A pending approval was withdrawn: its decisions no longer count and no more are taken.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who withdrew it.</param>
/// <param name="Approval">The approval's number on the ticket.</param>
/// <param name="Reason">Why, up to 100 characters, if given.</param>
public sealed record ApprovalWithdrawn(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    int Approval, string? Reason)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets the approval's number on the ticket.</summary>
    public int Approval { get; init; } = Approval < 1
        ? throw new ArgumentOutOfRangeException(nameof(Approval), Approval, "An approval number is 1 or more.")
        : Approval;

    /// <summary>Gets why, if given.</summary>
    public string? Reason { get; init; } = Guard.OptionalText(Reason, ServiceDesk.Ticket.MaxHoldReasonLength, nameof(Reason));
}

/// <summary>A ticket was declared a major incident, or the declaration was cleared (<see cref="ServiceDesk.Ticket.IsMajorIncident"/>).</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who declared or cleared it (the system for an escalation rule).</param>
/// <param name="Declared"><see langword="true"/> when declared, <see langword="false"/> when cleared.</param>
/// <param name="Reason">Why, up to 100 characters, if given.</param>
public sealed record MajorIncidentChanged(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    bool Declared, string? Reason)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets why, if given.</summary>
    public string? Reason { get; init; } = Guard.OptionalText(Reason, ServiceDesk.Ticket.MaxHoldReasonLength, nameof(Reason));
}
