using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Analytics;

/// <summary>What <see cref="TicketStatistics"/> measures against: the calendar for business time, the zone for days and
/// hours of the week, and which statuses end a ticket.</summary>
/// <remarks>Defaults: no calendar (no business-time figures), UTC, resolved status <c>Resolved</c>, closed status
/// <c>Closed</c>, canceled status <c>Canceled</c>. The sets must not overlap. Read once when a
/// <see cref="TicketStatisticsAccumulator"/> is created; later changes have no effect on it.</remarks>
public sealed class TicketStatisticsOptions
{
    /// <summary>Gets or sets the business calendar for business-time durations; <see langword="null"/> (the default)
    /// leaves <see cref="TicketStatisticsReport.ResolutionBusinessTime"/> empty.</summary>
    public BusinessCalendar? Calendar { get; set; }

    /// <summary>Gets or sets the zone whose local days and hours the backlog and the arrivals by hour of week use; default
    /// UTC. When <see langword="null"/>, the calendar's zone (or UTC without a calendar).</summary>
    public DateTimeZone? Zone { get; set; } = DateTimeZone.Utc;

    /// <summary>Gets the statuses that mean "resolved" (default <c>Resolved</c>).</summary>
    public ICollection<TicketStatus> ResolvedStatuses { get; } = [TicketStatus.Resolved];

    /// <summary>Gets the statuses that mean "closed" (default <c>Closed</c>); a ticket that reaches one without having been
    /// resolved is resolved at that moment.</summary>
    public ICollection<TicketStatus> ClosedStatuses { get; } = [TicketStatus.Closed];

    /// <summary>Gets the statuses that mean "canceled" (default <c>Canceled</c>): the ticket leaves the backlog unresolved.</summary>
    public ICollection<TicketStatus> CanceledStatuses { get; } = [TicketStatus.Canceled];
}
