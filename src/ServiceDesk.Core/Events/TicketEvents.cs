using NodaTime;

namespace ServiceDesk.Events;

/// <summary>A ticket was opened. Always the first event of a ticket, with version 1.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced; must be 1.</param>
/// <param name="At">When it was opened.</param>
/// <param name="Actor">Who opened it.</param>
/// <param name="Number">The number allocated to it.</param>
/// <param name="Kind">The kind of ticket.</param>
/// <param name="Subject">The subject at opening.</param>
/// <param name="Priority">The priority at opening.</param>
/// <param name="Channel">How it reached the desk.</param>
public sealed record TicketOpened(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    TicketNumber Number, TicketKind Kind, string Subject, Priority Priority, Channel Channel)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets the version produced; always 1.</summary>
    public new long Version { get; init; } = Version == 1
        ? Version
        : throw new ArgumentOutOfRangeException(nameof(Version), Version, "TicketOpened is the first event of a ticket; its version must be 1.");

    /// <summary>Gets the number allocated to the ticket.</summary>
    public TicketNumber Number { get; init; } = Number.IsDefault
        ? throw new ArgumentException("TicketOpened needs the ticket's number.", nameof(Number))
        : Number;

    /// <summary>Gets the kind of ticket.</summary>
    public TicketKind Kind { get; init; } = EventGuard.Defined(Kind, nameof(Kind));

    /// <summary>Gets the subject at opening (1 to 200 characters).</summary>
    public string Subject { get; init; } = Guard.Text(Subject, ServiceDesk.Ticket.MaxSubjectLength, required: true, nameof(Subject));

    /// <summary>Gets the priority at opening.</summary>
    public Priority Priority { get; init; } = EventGuard.Defined(Priority, nameof(Priority));

    /// <summary>Gets how the ticket reached the desk.</summary>
    public Channel Channel { get; init; } = EventGuard.Defined(Channel, nameof(Channel));
}

/// <summary>The ticket moved from one status to another.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who moved it.</param>
/// <param name="From">The previous status.</param>
/// <param name="To">The new status.</param>
/// <param name="Reason">Why (a hold reason, a resolution code, a cancel reason), up to 100 characters; optional.</param>
public sealed record StatusChanged(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    TicketStatus From, TicketStatus To, string? Reason = null)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets the previous status.</summary>
    public TicketStatus From { get; init; } = EventGuard.Status(From, nameof(From));

    /// <summary>Gets the new status.</summary>
    public TicketStatus To { get; init; } = EventGuard.Status(To, nameof(To));

    /// <summary>Gets why, if given (1 to 100 characters).</summary>
    public string? Reason { get; init; } = Guard.OptionalText(Reason, ServiceDesk.Ticket.MaxHoldReasonLength, nameof(Reason));
}

/// <summary>The ticket was assigned, reassigned or unassigned.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who assigned it (an agent, or the system for automatic routing).</param>
/// <param name="Group">The new group, or <see langword="null"/> when unassigned.</param>
/// <param name="Agent">The new assignee, or <see langword="null"/> for the group's queue.</param>
/// <param name="PreviousGroup">The previous group, if any.</param>
/// <param name="PreviousAgent">The previous assignee, if any.</param>
public sealed record Assigned(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    GroupId? Group, AgentId? Agent, GroupId? PreviousGroup = null, AgentId? PreviousAgent = null)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets the new assignee; when set, <see cref="Group"/> is set too.</summary>
    public AgentId? Agent { get; init; } = Agent is not null && Group is null
        ? throw new ArgumentException($"Assigned: agent {Agent} needs a group.", nameof(Agent))
        : Agent;
}

/// <summary>The ticket's priority (or the impact and urgency it derives from) changed.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who changed it.</param>
/// <param name="From">The previous priority.</param>
/// <param name="To">The new priority.</param>
/// <param name="Impact">The impact after the change.</param>
/// <param name="Urgency">The urgency after the change.</param>
/// <param name="Reason">Why, up to 100 characters; optional.</param>
public sealed record PriorityChanged(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    Priority From, Priority To, Impact Impact, Urgency Urgency, string? Reason = null)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets the previous priority.</summary>
    public Priority From { get; init; } = EventGuard.Defined(From, nameof(From));

    /// <summary>Gets the new priority.</summary>
    public Priority To { get; init; } = EventGuard.Defined(To, nameof(To));

    /// <summary>Gets the impact after the change.</summary>
    public Impact Impact { get; init; } = Impact.IsDefault ? throw new ArgumentException("default(Impact) is not an impact.", nameof(Impact)) : Impact;

    /// <summary>Gets the urgency after the change.</summary>
    public Urgency Urgency { get; init; } = Urgency.IsDefault ? throw new ArgumentException("default(Urgency) is not an urgency.", nameof(Urgency)) : Urgency;

    /// <summary>Gets why, if given.</summary>
    public string? Reason { get; init; } = Guard.OptionalText(Reason, ServiceDesk.Ticket.MaxHoldReasonLength, nameof(Reason));
}

/// <summary>Whether a comment is visible to the requester.</summary>
public enum CommentVisibility
{
    /// <summary>Visible to the requester (a reply, a work note shared with the customer).</summary>
    Public = 1,

    /// <summary>Visible to agents only (a work note).</summary>
    Internal = 2,
}

/// <summary>Someone commented on the ticket. The <see cref="TicketEvent.Actor"/> says who: agent, requester or system.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who commented.</param>
/// <param name="Visibility">Public (seen by the requester) or internal.</param>
/// <param name="Text">The comment, 1 to 32,000 characters.</param>
public sealed record CommentAdded(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    CommentVisibility Visibility, string Text)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets whether the requester can see it.</summary>
    public CommentVisibility Visibility { get; init; } = EventGuard.Defined(Visibility, nameof(Visibility));

    /// <summary>Gets the comment text.</summary>
    public string Text { get; init; } = Guard.Text(Text, ServiceDesk.Ticket.MaxDescriptionLength, required: true, nameof(Text));
}

/// <summary>An agent logged time worked on the ticket.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it was logged.</param>
/// <param name="Actor">Who logged it.</param>
/// <param name="Agent">Who did the work.</param>
/// <param name="Started">When the work started: from <see cref="TimeLogged.MinStarted"/> (1900) to before
/// <see cref="TimeLogged.MaxStarted"/> (9000), so that every entry can be billed in any time zone and period.</param>
/// <param name="Duration">How long: more than zero and at most 24 hours per entry.</param>
/// <param name="Billable">Whether the time is billable.</param>
/// <param name="Activity">The activity (e.g. <c>remote</c>, <c>onsite</c>), up to 100 characters; optional.</param>
public sealed record TimeLogged(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    AgentId Agent, Instant Started, Duration Duration, bool Billable, string? Activity = null)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>The longest duration of one time entry: 24 hours.</summary>
    public static readonly Duration MaxDuration = Duration.FromHours(24);

    /// <summary>The earliest start of a time entry: 1900-01-01T00:00Z.</summary>
    public static readonly Instant MinStarted = Instant.FromUtc(1900, 1, 1, 0, 0);

    /// <summary>The end (exclusive) of the starts of time entries: 9000-01-01T00:00Z. Entries near the end of representable
    /// time would be stored and then make every billing run over the tenant overflow (its periods and zones reach past year
    /// 9999), so they are refused when the event is created.</summary>
    public static readonly Instant MaxStarted = Instant.FromUtc(9000, 1, 1, 0, 0);

    /// <summary>Gets when the work started.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside <see cref="MinStarted"/> to <see cref="MaxStarted"/>.</exception>
    public Instant Started { get; init; } = Started < MinStarted || Started >= MaxStarted
        ? throw new ArgumentOutOfRangeException(nameof(Started), Started, $"A time entry starts from {MinStarted} to before {MaxStarted}; got {Started}.")
        : Started;

    /// <summary>Gets who did the work.</summary>
    public AgentId Agent { get; init; } = Agent.IsDefault ? throw new ArgumentException("default(AgentId) identifies nobody.", nameof(Agent)) : Agent;

    /// <summary>Gets how long the work took.</summary>
    public Duration Duration { get; init; } = Duration <= Duration.Zero || Duration > MaxDuration
        ? throw new ArgumentOutOfRangeException(nameof(Duration), Duration, "A time entry must last more than zero and at most 24 hours.")
        : Duration;

    /// <summary>Gets the activity, if given.</summary>
    public string? Activity { get; init; } = Guard.OptionalText(Activity, ServiceDesk.Ticket.MaxHoldReasonLength, nameof(Activity));
}

/// <summary>How two tickets are linked.</summary>
public enum TicketLinkType
{
    /// <summary>This ticket is caused by the other (an incident caused by a problem).</summary>
    CausedBy = 1,

    /// <summary>This ticket is fixed by the other (a problem fixed by a change).</summary>
    FixedBy = 2,

    /// <summary>This ticket is a child of the other.</summary>
    ChildOf = 3,

    /// <summary>This ticket duplicates the other.</summary>
    DuplicateOf = 4,

    /// <summary>The tickets are related.</summary>
    RelatedTo = 5,

    /// <summary>This ticket follows up the other (e.g. a reopen after closure created a new ticket).</summary>
    FollowUpOf = 6,
}

/// <summary>The ticket was linked to another ticket of the same tenant.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who linked them.</param>
/// <param name="Other">The other ticket; not the ticket itself.</param>
/// <param name="LinkType">How they are linked.</param>
public sealed record TicketLinked(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    TicketId Other, TicketLinkType LinkType)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets the other ticket.</summary>
    public TicketId Other { get; init; } = Other.IsDefault || Other == Ticket
        ? throw new ArgumentException($"A ticket must be linked to another, non-default ticket; got {Other}.", nameof(Other))
        : Other;

    /// <summary>Gets how they are linked.</summary>
    public TicketLinkType LinkType { get; init; } = EventGuard.Defined(LinkType, nameof(LinkType));
}

/// <summary>Another ticket of the same tenant was linked to this one: the incoming side of the <see cref="TicketLinked"/>
/// recorded on <paramref name="Other"/> ("the other ticket <paramref name="LinkType"/> this one"), appended to this ticket's
/// history in the same transaction, so that each ticket knows its links in both directions (for example, a problem knows
/// the incidents caused by it, a major incident its children).</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket linked to.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who linked them.</param>
/// <param name="Other">The ticket that links to this one; not the ticket itself.</param>
/// <param name="LinkType">How the other ticket is linked to this one.</param>
public sealed record TicketLinkedFrom(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    TicketId Other, TicketLinkType LinkType)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets the ticket that links to this one.</summary>
    public TicketId Other { get; init; } = Other.IsDefault || Other == Ticket
        ? throw new ArgumentException($"A ticket must be linked from another, non-default ticket; got {Other}.", nameof(Other))
        : Other;

    /// <summary>Gets how the other ticket is linked to this one.</summary>
    public TicketLinkType LinkType { get; init; } = EventGuard.Defined(LinkType, nameof(LinkType));
}

/// <summary>The requester rated their satisfaction with the service.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who rated.</param>
/// <param name="Score">The score, 1 (very unhappy) to 5 (very happy).</param>
/// <param name="Comment">An optional comment, up to 32,000 characters.</param>
public sealed record SatisfactionRated(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    int Score, string? Comment = null)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets the score, 1 to 5.</summary>
    public int Score { get; init; } = Score is < 1 or > 5
        ? throw new ArgumentOutOfRangeException(nameof(Score), Score, "A satisfaction score must be between 1 and 5.")
        : Score;

    /// <summary>Gets the comment, if any.</summary>
    public string? Comment { get; init; } = Guard.OptionalText(Comment, ServiceDesk.Ticket.MaxDescriptionLength, nameof(Comment));
}

/// <summary>What an escalation did.</summary>
public enum EscalationKind
{
    /// <summary>Notified people (assignee, group lead, manager chain, account manager).</summary>
    Notify = 1,

    /// <summary>Functional escalation: moved to the next tier or a named group.</summary>
    Functional = 2,

    /// <summary>Hierarchical escalation: raised priority or declared a major incident.</summary>
    Hierarchical = 3,
}

/// <summary>The ticket was escalated.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who escalated it (usually the system).</param>
/// <param name="Level">The escalation level, 1 to 99.</param>
/// <param name="EscalationKind">What the escalation did.</param>
/// <param name="Target">Who or where it went (a group, a role), up to 128 characters; optional.</param>
public sealed record Escalated(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    int Level, EscalationKind EscalationKind, string? Target = null)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets the escalation level, 1 to 99.</summary>
    public int Level { get; init; } = Level is < 1 or > 99
        ? throw new ArgumentOutOfRangeException(nameof(Level), Level, "An escalation level must be between 1 and 99.")
        : Level;

    /// <summary>Gets what the escalation did.</summary>
    public EscalationKind EscalationKind { get; init; } = EventGuard.Defined(EscalationKind, nameof(EscalationKind));

    /// <summary>Gets who or where it went, if given.</summary>
    public string? Target { get; init; } = Guard.OptionalText(Target, 128, nameof(Target));

    /// <summary>Gets the SLA metric whose threshold triggered the escalation (1 to 64 characters), or <see langword="null"/>
    /// for an idle rule or when not recorded. With <see cref="Cycle"/> and <see cref="IdleSince"/> it records which rule
    /// fired for what, so that a rule fires once per SLA cycle or idle period.</summary>
    public string? Metric
    {
        get;
        init => field = Guard.OptionalText(value, 64, nameof(Metric));
    }

    /// <summary>Gets the SLA cycle the escalation was for (1 or more), or <see langword="null"/>.</summary>
    public int? Cycle
    {
        get;
        init => field = value is < 0
            ? throw new ArgumentOutOfRangeException(nameof(Cycle), value, "An SLA cycle is 0 (idle rules) or more.")
            : value;
    }

    /// <summary>Gets, for an idle rule, the last public update the idle time was counted from, or <see langword="null"/>.</summary>
    public Instant? IdleSince { get; init; }

    /// <summary>Gets, for a notification deferred to business hours, the earliest instant it should be delivered (the next
    /// opening of the rule's calendar); <see langword="null"/> when it is due at once. Outbox dispatchers hold the message
    /// until then (ServiceDesk.Notifications does).</summary>
    public Instant? DeliverAt { get; init; }
}

/// <summary>An SLA clock of the ticket reached a threshold (a warning level or the breach).</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it was detected.</param>
/// <param name="Actor">Usually the system.</param>
/// <param name="Metric">The SLA metric, e.g. <c>resolution</c>, 1 to 64 characters.</param>
/// <param name="Cycle">The SLA cycle, 1 or more (a reopen may start a new cycle).</param>
/// <param name="Threshold">The threshold's name, e.g. <c>75%</c> or <c>breach</c>, 1 to 64 characters.</param>
/// <param name="ReachedAt">The instant the threshold was reached (may be before <see cref="TicketEvent.At"/>).</param>
public sealed record SlaThresholdReached(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    string Metric, int Cycle, string Threshold, Instant ReachedAt)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets the SLA metric.</summary>
    public string Metric { get; init; } = Guard.Text(Metric, 64, required: true, nameof(Metric));

    /// <summary>Gets the SLA cycle, 1 or more.</summary>
    public int Cycle { get; init; } = Cycle < 1
        ? throw new ArgumentOutOfRangeException(nameof(Cycle), Cycle, "An SLA cycle is 1 or more.")
        : Cycle;

    /// <summary>Gets the threshold's name.</summary>
    public string Threshold { get; init; } = Guard.Text(Threshold, 64, required: true, nameof(Threshold));
}

internal static class EventGuard
{
    public static TEnum Defined<TEnum>(TEnum value, string paramName)
        where TEnum : struct, Enum
    {
        Guard.Defined(value, paramName);
        return value;
    }

    public static TicketStatus Status(TicketStatus value, string paramName)
        => value.IsDefault ? throw new ArgumentException("default(TicketStatus) is not a status.", paramName) : value;
}

/// <summary>A custom attribute of the ticket was set, changed or removed (e.g. a problem's known-error flag).</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who changed it.</param>
/// <param name="Key">The attribute key (see <see cref="CustomAttributes"/> for the rules).</param>
/// <param name="Value">The new value, or <see langword="null"/> when the attribute was removed.</param>
public sealed record AttributeChanged(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    string Key, AttributeValue? Value)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets the attribute key.</summary>
    public string Key { get; init; } = CustomAttributes.ValidateKey(Key);

    /// <summary>Gets the new value, or <see langword="null"/> when removed.</summary>
    public AttributeValue? Value { get; init; } = Value is { Kind: 0 }
        ? throw new ArgumentException("default(AttributeValue) is not a value; use null to record a removal.", nameof(Value))
        : Value;
}

/// <summary>The ticket's SLA clocks were re-evaluated under a changed definition of its policy (a repair after calendars or
/// SLA policies changed): deadlines and timers were recomputed from the history.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When the repair ran.</param>
/// <param name="Actor">Usually the system.</param>
/// <param name="Policy">The SLA policy's name, 1 to 200 characters.</param>
/// <param name="FromFingerprint">The fingerprint of the definition the clocks were computed with before, or
/// <see langword="null"/> when unknown (a ticket stored before fingerprints were recorded).</param>
/// <param name="ToFingerprint">The fingerprint of the definition now in force, 1 to 64 characters.</param>
public sealed record SlaRepaired(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    string Policy, string? FromFingerprint, string ToFingerprint)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>Gets the SLA policy's name.</summary>
    public string Policy { get; init; } = Guard.Text(Policy, 200, required: true, nameof(Policy));

    /// <summary>Gets the fingerprint of the definition before, if known.</summary>
    public string? FromFingerprint { get; init; } = FromFingerprint is null ? null : Guard.Text(FromFingerprint, 64, required: true, nameof(FromFingerprint));

    /// <summary>Gets the fingerprint of the definition now in force.</summary>
    public string ToFingerprint { get; init; } = Guard.Text(ToFingerprint, 64, required: true, nameof(ToFingerprint));
}
