using NodaTime;

namespace ServiceDesk.Analytics;

/// <summary>The number of open tickets at the end of one local day.</summary>
/// <param name="Date">The day, in the zone of <see cref="TicketStatisticsOptions.Zone"/>.</param>
/// <param name="Open">Tickets opened on or before the day and not resolved, closed or canceled at its end.</param>
public sealed record BacklogDay(LocalDate Date, int Open);

/// <summary>Ticket statistics over a set of histories. See docs/analytics.md for every definition.</summary>
/// <param name="Tickets">The number of tickets (histories).</param>
/// <param name="Resolved">Tickets whose last state is resolved or closed (not canceled, not reopened and still open).</param>
/// <param name="ResolutionTime">Wall time from opening to the final resolution of the <paramref name="Resolved"/> tickets;
/// <see langword="null"/> when none.</param>
/// <param name="ResolutionBusinessTime">The same in business time of the calendar; <see langword="null"/> when none or
/// without a calendar.</param>
/// <param name="ResolvedAtLeastOnce">Tickets resolved or closed at least once (the reopen rate's denominator).</param>
/// <param name="ReopenedTickets">Tickets reopened at least once.</param>
/// <param name="Reopens">Reopens in all: moves from a resolved or closed status to a status that is not resolved,
/// closed or canceled.</param>
/// <param name="FirstContactResolutions">Resolved tickets never reopened and never reassigned to another group.</param>
/// <param name="Reassignments">Assignments that moved a ticket from one group to a different group.</param>
/// <param name="TicketsReassigned">Tickets with at least one reassignment.</param>
/// <param name="PingPongs">Reassignments back to a group the ticket had been assigned to before.</param>
/// <param name="TicketsWithPingPong">Tickets with at least one ping-pong.</param>
/// <param name="ArrivalsByHourOfWeek">168 counts of openings: index <c>(ISO day - 1) × 24 + hour</c>, Monday 00:00-01:00
/// first, in the options' zone.</param>
/// <param name="Backlog">Open tickets at the end of every local day from the first to the last day any event happened,
/// without gaps; empty when there are no tickets.</param>
public sealed record TicketStatisticsReport(
    int Tickets,
    int Resolved,
    DurationSummary? ResolutionTime,
    DurationSummary? ResolutionBusinessTime,
    int ResolvedAtLeastOnce,
    int ReopenedTickets,
    int Reopens,
    int FirstContactResolutions,
    int Reassignments,
    int TicketsReassigned,
    int PingPongs,
    int TicketsWithPingPong,
    IReadOnlyList<int> ArrivalsByHourOfWeek,
    IReadOnlyList<BacklogDay> Backlog)
{
    /// <summary>Gets the number of tickets with a first response (see <see cref="FirstResponseTime"/>).</summary>
    public int Responded { get; init; }

    /// <summary>Gets the wall time from opening to the first response of the <see cref="Responded"/> tickets;
    /// <see langword="null"/> when none.</summary>
    /// <remarks>The <b>first response</b> is the earliest of: a public comment by an agent (<see cref="Events.CommentAdded"/>
    /// with <see cref="Events.CommentVisibility.Public"/> and an actor of kind <see cref="ActorKind.Agent"/>), or an
    /// assignment to an agent (<see cref="Events.Assigned"/> with an <see cref="Events.Assigned.Agent"/>). Internal notes,
    /// system and integration comments, requester comments, assignments to a group queue and status changes are not
    /// responses. A ticket without one (also a canceled or resolved one) has no first-response time.</remarks>
    public DurationSummary? FirstResponseTime { get; init; }

    /// <summary>Gets the same in business time of the calendar; <see langword="null"/> when none or without a calendar.</summary>
    public DurationSummary? FirstResponseBusinessTime { get; init; }

    /// <summary>Gets the reopen rate <c>ReopenedTickets / ResolvedAtLeastOnce</c>; <see langword="null"/> when no ticket
    /// was ever resolved.</summary>
    public double? ReopenRate => ResolvedAtLeastOnce == 0 ? null : (double)ReopenedTickets / ResolvedAtLeastOnce;

    /// <summary>Gets the first-contact resolution rate <c>FirstContactResolutions / Resolved</c>; <see langword="null"/>
    /// when no ticket is resolved.</summary>
    public double? FirstContactResolutionRate => Resolved == 0 ? null : (double)FirstContactResolutions / Resolved;
}
