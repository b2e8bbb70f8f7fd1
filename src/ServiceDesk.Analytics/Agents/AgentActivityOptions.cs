using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Analytics;

/// <summary>What <see cref="AgentActivityAccumulator"/> measures against: the zone whose months the figures fall into,
/// the working calendar for utilisation, and which statuses end a ticket.</summary>
/// <remarks>Defaults: UTC, no calendar (no utilisation), resolved <c>Resolved</c> and <c>Closed</c>, canceled
/// <c>Canceled</c>. Read once when the accumulator is created.</remarks>
public sealed class AgentActivityOptions
{
    /// <summary>Gets or sets the zone whose calendar months the figures are reported by; default UTC.</summary>
    public DateTimeZone Zone { get; set; } = DateTimeZone.Utc;

    /// <summary>Gets or sets the agents' working calendar: when set, <see cref="AgentMonthLoad.Utilisation"/> is the time
    /// they logged in a month over the calendar's working time in that month; <see langword="null"/> (the default) leaves
    /// it empty.</summary>
    public BusinessCalendar? Calendar { get; set; }

    /// <summary>Gets the statuses that mean "resolved" (default <c>Resolved</c> and <c>Closed</c>).</summary>
    public ICollection<TicketStatus> ResolvedStatuses { get; } = [TicketStatus.Resolved, TicketStatus.Closed];

    /// <summary>Gets the statuses that end a ticket unresolved (default <c>Canceled</c>).</summary>
    public ICollection<TicketStatus> CanceledStatuses { get; } = [TicketStatus.Canceled];
}
