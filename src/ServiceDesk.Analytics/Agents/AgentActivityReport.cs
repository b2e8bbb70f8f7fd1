using NodaTime;

namespace ServiceDesk.Analytics;

/// <summary>One agent's load in one calendar month (see docs/analytics.md, "Agent load").</summary>
/// <param name="Agent">The agent.</param>
/// <param name="Month">The month, in <see cref="AgentActivityOptions.Zone"/>.</param>
/// <param name="TicketsAssigned">Tickets assigned to the agent during the month, each ticket once however often.</param>
/// <param name="TicketsResolved">Tickets resolved during the month while assigned to the agent (each resolution once;
/// a ticket resolved again after a reopen counts again).</param>
/// <param name="OpenAtMonthEnd">Tickets assigned to the agent and not resolved or canceled at the end of the month (the
/// first instant of the next month); only tickets whose history reaches past that instant's month are known, see
/// <see cref="AgentActivityAccumulator"/>.</param>
/// <param name="TimeLogged">Time the agent logged (<c>TimeLogged</c> events naming them) that started in the month.</param>
/// <param name="BillableTimeLogged">The billable part of <paramref name="TimeLogged"/>.</param>
/// <param name="WorkingTime">The calendar's working time in the month, when a calendar is given.</param>
/// <param name="Utilisation">TimeLogged / WorkingTime, when a calendar is given and it has working time that month; may
/// exceed 1 (overtime).</param>
public sealed record AgentMonthLoad(
    AgentId Agent,
    YearMonth Month,
    int TicketsAssigned,
    int TicketsResolved,
    int OpenAtMonthEnd,
    Duration TimeLogged,
    Duration BillableTimeLogged,
    Duration? WorkingTime,
    double? Utilisation);

/// <summary>Customer satisfaction in one group of ratings (a month, or an agent).</summary>
/// <param name="Ratings">How many ratings.</param>
/// <param name="MeanScore">The mean score, 1 to 5.</param>
/// <param name="SatisfiedShare">The share of ratings of 4 or 5 (the usual "CSAT %"), 0 to 1.</param>
/// <param name="ScoreCounts">How many ratings of each score: index 0 for score 1 to index 4 for score 5.</param>
public sealed record CsatFigures(int Ratings, double MeanScore, double SatisfiedShare, IReadOnlyList<int> ScoreCounts);

/// <summary>Customer satisfaction of one calendar month (by the instant of the rating).</summary>
/// <param name="Month">The month, in <see cref="AgentActivityOptions.Zone"/>.</param>
/// <param name="Figures">The ratings of the month.</param>
public sealed record CsatMonth(YearMonth Month, CsatFigures Figures);

/// <summary>Customer satisfaction attributed to one agent: the ratings of tickets the agent was assigned to when rated.</summary>
/// <param name="Agent">The agent.</param>
/// <param name="Figures">Their ratings.</param>
public sealed record AgentCsat(AgentId Agent, CsatFigures Figures);

/// <summary>Agent load per month and CSAT trends, from <see cref="AgentActivityAccumulator"/>.</summary>
/// <param name="Tickets">How many histories were added.</param>
/// <param name="Load">One row per agent and month with any activity, ordered by agent id (ordinal), then month.</param>
/// <param name="CsatByMonth">One row per month with ratings, in month order.</param>
/// <param name="CsatByAgent">One row per agent with ratings, ordered by agent id (ordinal).</param>
/// <param name="UnattributedRatings">Ratings of tickets that had no assigned agent when rated (counted in
/// <paramref name="CsatByMonth"/>, not in <paramref name="CsatByAgent"/>).</param>
public sealed record AgentActivityReport(
    int Tickets,
    IReadOnlyList<AgentMonthLoad> Load,
    IReadOnlyList<CsatMonth> CsatByMonth,
    IReadOnlyList<AgentCsat> CsatByAgent,
    int UnattributedRatings);
