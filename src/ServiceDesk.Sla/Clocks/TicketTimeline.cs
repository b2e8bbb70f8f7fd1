using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>Who made a timeline entry: the SLA clocks distinguish customer and agent replies.</summary>
public enum SlaActor
{
    /// <summary>The system or an automation.</summary>
    System = 0,

    /// <summary>A service desk agent.</summary>
    Agent = 1,

    /// <summary>The customer (requester or another customer-side contact).</summary>
    Customer = 2,
}

/// <summary>What happened at a timeline entry.</summary>
public enum TimelineEntryKind
{
    /// <summary>The ticket was created; always and only the first entry.</summary>
    Created = 0,

    /// <summary>The ticket's status, hold reason or priority changed (see <see cref="TimelineEntry.State"/>).</summary>
    StateChanged = 1,

    /// <summary>A comment (reply) was added, public or internal, by <see cref="TimelineEntry.Actor"/>.</summary>
    Comment = 2,

    /// <summary>A named custom event (see <see cref="TimelineEntry.EventName"/>).</summary>
    Custom = 3,

    /// <summary>A metric's due instant was set by hand, or the override cleared (see <see cref="TimelineEntry.Due"/>).</summary>
    DueOverridden = 4,
}

/// <summary>The SLA-relevant state of a ticket after a timeline entry.</summary>
/// <param name="Status">The status name (e.g. <c>"InProgress"</c>); compared ordinally.</param>
/// <param name="HoldReason">The hold reason while on hold (e.g. <c>"AwaitingCustomer"</c>), otherwise <see langword="null"/>.</param>
/// <param name="Priority">The priority.</param>
public readonly record struct TicketState(string Status, string? HoldReason, Priority Priority);

/// <summary>One entry of a <see cref="TicketTimeline"/>: what happened at an instant and the ticket's state after it.</summary>
/// <remarks>Create entries through <see cref="TicketTimelineBuilder"/>, which keeps them consistent.</remarks>
public sealed record TimelineEntry
{
    internal TimelineEntry(Instant at, TimelineEntryKind kind, TicketState state)
    {
        At = at;
        Kind = kind;
        State = state;
    }

    // The entries of each kind, for TicketTimelineBuilder and SlaTracker (which validate the instant's order themselves).
    internal static TimelineEntry StatusChange(Instant at, TicketState current, string status, string? holdReason)
    {
        ArgumentException.ThrowIfNullOrEmpty(status);
        return new(at, TimelineEntryKind.StateChanged, current with { Status = status, HoldReason = holdReason });
    }

    internal static TimelineEntry PriorityChange(Instant at, TicketState current, Priority priority)
        => new(at, TimelineEntryKind.StateChanged, current with { Priority = priority });

    internal static TimelineEntry CommentBy(Instant at, TicketState current, SlaActor actor, bool isPublic)
        => new(at, TimelineEntryKind.Comment, current) { Actor = actor, IsPublic = isPublic };

    internal static TimelineEntry Named(Instant at, TicketState current, string name, SlaActor actor)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(at, TimelineEntryKind.Custom, current) { EventName = name, Actor = actor };
    }

    internal static TimelineEntry Override(Instant at, TicketState current, string metric, Instant? due)
    {
        ArgumentException.ThrowIfNullOrEmpty(metric);
        return new(at, TimelineEntryKind.DueOverridden, current) { Metric = metric, Due = due, Actor = SlaActor.Agent };
    }

    /// <summary>Gets the instant of the entry.</summary>
    public Instant At { get; }

    /// <summary>Gets what happened.</summary>
    public TimelineEntryKind Kind { get; }

    /// <summary>Gets the ticket's state after the entry.</summary>
    public TicketState State { get; }

    /// <summary>Gets who made the entry (comments; <see cref="SlaActor.System"/> otherwise unless given).</summary>
    public SlaActor Actor { get; init; }

    /// <summary>Gets a value indicating whether a comment is public (visible to the customer) rather than internal.</summary>
    public bool IsPublic { get; init; }

    /// <summary>Gets the name of a <see cref="TimelineEntryKind.Custom"/> event.</summary>
    public string? EventName { get; init; }

    /// <summary>Gets the metric whose due instant a <see cref="TimelineEntryKind.DueOverridden"/> entry sets.</summary>
    public string? Metric { get; init; }

    /// <summary>Gets the manual due instant of a <see cref="TimelineEntryKind.DueOverridden"/> entry; <see langword="null"/> clears it.</summary>
    public Instant? Due { get; init; }
}

/// <summary>
/// The SLA-relevant history of one ticket: a creation entry followed by state changes, comments, custom events and
/// due overrides, in time order. SLA clocks are a pure function of a timeline, a metric and <c>now</c>.
/// </summary>
/// <remarks>Immutable and thread-safe. Build one with <see cref="Create"/>.</remarks>
public sealed class TicketTimeline
{
    internal TicketTimeline(TimelineEntry[] entries) => Entries = entries;

    /// <summary>Gets the entries in time order; the first is <see cref="TimelineEntryKind.Created"/>.</summary>
    public IReadOnlyList<TimelineEntry> Entries { get; }

    /// <summary>Gets the creation instant.</summary>
    public Instant CreatedAt => Entries[0].At;

    /// <summary>Starts a timeline with the ticket's creation.</summary>
    /// <param name="createdAt">The creation instant.</param>
    /// <param name="status">The initial status.</param>
    /// <param name="priority">The initial priority.</param>
    /// <param name="holdReason">The initial hold reason, if created on hold.</param>
    /// <returns>A builder to add the rest of the history.</returns>
    /// <exception cref="ArgumentException"><paramref name="status"/> is null or empty.</exception>
    public static TicketTimelineBuilder Create(Instant createdAt, string status, Priority priority, string? holdReason = null)
        => new(createdAt, status, priority, holdReason);
}

/// <summary>Builds a <see cref="TicketTimeline"/> entry by entry, in time order.</summary>
/// <remarks>
/// Every method checks at once that its instant is not before the previous entry's and throws
/// <see cref="ArgumentOutOfRangeException"/> naming both instants otherwise. Entries at the same instant keep the order
/// in which they were added. Not thread-safe; the timelines it builds are.
/// </remarks>
public sealed class TicketTimelineBuilder
{
    private readonly List<TimelineEntry> _entries = [];

    internal TicketTimelineBuilder(Instant createdAt, string status, Priority priority, string? holdReason)
    {
        ArgumentException.ThrowIfNullOrEmpty(status);
        _entries.Add(new TimelineEntry(createdAt, TimelineEntryKind.Created, new TicketState(status, holdReason, priority)));
    }

    /// <summary>Gets the ticket's state after the last entry added.</summary>
    public TicketState Current => _entries[^1].State;

    /// <summary>Records a change of status (and of hold reason: <see langword="null"/> when not on hold).</summary>
    /// <param name="at">The instant.</param>
    /// <param name="status">The new status.</param>
    /// <param name="holdReason">The hold reason after the change; <see langword="null"/> when not on hold.</param>
    /// <returns>This builder.</returns>
    public TicketTimelineBuilder ChangeStatus(Instant at, string status, string? holdReason = null)
        => Add(TimelineEntry.StatusChange(at, Current, status, holdReason));

    /// <summary>Records a change of priority.</summary>
    /// <param name="at">The instant.</param>
    /// <param name="priority">The new priority.</param>
    /// <returns>This builder.</returns>
    public TicketTimelineBuilder ChangePriority(Instant at, Priority priority) => Add(TimelineEntry.PriorityChange(at, Current, priority));

    /// <summary>Records a comment.</summary>
    /// <param name="at">The instant.</param>
    /// <param name="actor">Who wrote it.</param>
    /// <param name="isPublic"><see langword="true"/> for a reply visible to the customer, <see langword="false"/> for an internal note.</param>
    /// <returns>This builder.</returns>
    public TicketTimelineBuilder Comment(Instant at, SlaActor actor, bool isPublic = true) => Add(TimelineEntry.CommentBy(at, Current, actor, isPublic));

    /// <summary>Records a named custom event (matched by <see cref="SlaCondition.Event"/>).</summary>
    /// <param name="at">The instant.</param>
    /// <param name="name">The event name.</param>
    /// <param name="actor">Who caused it.</param>
    /// <returns>This builder.</returns>
    public TicketTimelineBuilder Event(Instant at, string name, SlaActor actor = SlaActor.System) => Add(TimelineEntry.Named(at, Current, name, actor));

    /// <summary>Sets a metric's due instant by hand (pauses do not move it), or clears the override.</summary>
    /// <param name="at">The instant the override was made.</param>
    /// <param name="metric">The metric name.</param>
    /// <param name="due">The manual due instant; <see langword="null"/> to return to the computed due.</param>
    /// <returns>This builder.</returns>
    public TicketTimelineBuilder OverrideDue(Instant at, string metric, Instant? due) => Add(TimelineEntry.Override(at, Current, metric, due));

    /// <summary>Builds the immutable timeline.</summary>
    /// <returns>The timeline.</returns>
    public TicketTimeline Build() => new([.. _entries]);

    private TicketTimelineBuilder Add(TimelineEntry entry)
    {
        var previous = _entries[^1].At;
        if (entry.At < previous)
        {
            throw new ArgumentOutOfRangeException("at", entry.At, $"Timeline entries must be in time order: {entry.At} is before the previous entry at {previous}.");
        }

        _entries.Add(entry);
        return this;
    }
}
