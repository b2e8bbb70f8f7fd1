using NodaTime;
using NodaTime.Calendars;
using ServiceDesk.Analytics;
using ServiceDesk.Events;
using ServiceDesk.Sla;

namespace ServiceDesk.Samples.Replay;

/// <summary>Availability of one of the log's categories, from its high-impact incidents (an approximation, see
/// <see cref="ReplayAnalytics.OutageDefinition"/>).</summary>
/// <param name="Category">The log's category.</param>
/// <param name="Incidents">Incidents of the category.</param>
/// <param name="Figures">Availability, downtime, failures, MTBF, MTRS and MTBSI over the replayed period.</param>
public sealed record CategoryAvailability(string Category, int Incidents, AvailabilityFigures Figures);

/// <summary>The analytics package's figures for the replayed tickets, computed in one pass over their histories.</summary>
public sealed record ReplayAnalytics
{
    /// <summary>How an outage is read from the log: the log has no service-down record, so this is an approximation.</summary>
    public const string OutageDefinition =
        "an incident opened with impact 1 (High) marks its category down from opening to its first resolution " +
        "(or to the end of the replay when never resolved); agreed hours are the replay's business calendar. " +
        "An approximation: the log records no outages, and a high-impact incident need not mean the whole category was down.";

    /// <summary>Gets the ticket statistics (resolution times, first response, FCR, reopens, arrivals, backlog).</summary>
    public required TicketStatisticsReport Statistics { get; init; }

    /// <summary>Gets SLA compliance under the replay's policy.</summary>
    public required SlaComplianceReport Compliance { get; init; }

    /// <summary>Gets SLA compliance with every resolution target 20 % shorter (the what-if).</summary>
    public required SlaComplianceReport Stricter { get; init; }

    /// <summary>Gets how many tickets the replay's policy met and the stricter one did not (a shorter target never turns a
    /// breach into a met target, so this is the difference of the met counts).</summary>
    public required int MetToBreached { get; init; }

    /// <summary>Gets the availability of the busiest categories (most incidents first).</summary>
    public required IReadOnlyList<CategoryAvailability> Availability { get; init; }

    /// <summary>Gets the staffing target (service level and answer time).</summary>
    public required StaffingTarget StaffingTarget { get; init; }

    /// <summary>Gets the average handle time used for staffing: the work time logged on the tickets divided by the tickets.</summary>
    public required Duration HandleTime { get; init; }

    /// <summary>Gets the weeks the arrivals are averaged over: the ISO weeks with at least a tenth of the busiest week's
    /// arrivals (the log's busy period).</summary>
    public required int Weeks { get; init; }

    /// <summary>Gets the agents needed per hour of week (168, Monday 00:00 first).</summary>
    public required IReadOnlyList<StaffingRequirement> Staffing { get; init; }

    /// <summary>Gets the top problem candidates (category and subcategory, 28-day window).</summary>
    public required IReadOnlyList<ProblemCandidate> Problems { get; init; }

    /// <summary>Gets how many problem candidates there are in all.</summary>
    public required int ProblemCount { get; init; }
}

/// <summary>
/// Feeds each replayed ticket's history, read once, to the analytics accumulators (statistics, compliance in force and
/// stricter, problem candidates) and collects the outages for availability; <see cref="ToAnalytics"/> finishes them.
/// </summary>
internal sealed class ReplayAnalyticsCollector
{
    /// <summary>The what-if: resolution targets this much shorter.</summary>
    public const double StricterFactor = 0.8;

    private readonly BusinessCalendar _calendar;
    private readonly TicketStatisticsAccumulator _statistics;
    private readonly SlaComplianceAccumulator _compliance;
    private readonly SlaComplianceAccumulator _stricter;
    private readonly ProblemCandidateFinder _problems;
    private readonly Dictionary<string, (int Incidents, List<(Instant Start, Instant? End)> Outages)> _categories = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Year, int Week), int> _arrivalsPerWeek = [];
    private Duration _logged;

    /// <summary>Initializes the accumulators.</summary>
    /// <param name="calendar">The replay's business calendar.</param>
    /// <param name="targets">The replay's resolution targets by priority.</param>
    /// <param name="asOf">The end of the replay (clocks still running are judged then).</param>
    public ReplayAnalyticsCollector(BusinessCalendar calendar, IReadOnlyDictionary<Priority, Duration> targets, Instant asOf)
    {
        _calendar = calendar;
        _statistics = new TicketStatisticsAccumulator(new TicketStatisticsOptions { Calendar = calendar, Zone = DateTimeZone.Utc });
        _compliance = new SlaComplianceAccumulator(Options(ReplaySetup.SlaPolicies(calendar, targets), asOf));
        var stricter = targets.ToDictionary(t => t.Key, t => Duration.FromTicks((long)(t.Value.BclCompatibleTicks * StricterFactor)));
        _stricter = new SlaComplianceAccumulator(Options(ReplaySetup.SlaPolicies(calendar, stricter), asOf));
        _problems = new ProblemCandidateFinder(new ProblemCandidateOptions
        {
            Calendar = calendar,
            GroupBy = ProblemGrouping.Category | ProblemGrouping.Subcategory,
        });
    }

    /// <summary>Gets the tickets added.</summary>
    public int Count => _statistics.Count;

    /// <summary>Adds one replayed ticket.</summary>
    /// <param name="ticket">The ticket as stored at the end of the replay.</param>
    /// <param name="history">Its history, in version order.</param>
    /// <param name="openingImpact">The log's impact at opening (1 = High).</param>
    /// <param name="category">The log's category, if any.</param>
    public void Add(Ticket ticket, IReadOnlyList<TicketEvent> history, int openingImpact, string? category)
    {
        _statistics.Add(history);
        var opened = history[0].At.InUtc().Date;
        var week = (WeekYearRules.Iso.GetWeekYear(opened), WeekYearRules.Iso.GetWeekOfWeekYear(opened));
        _arrivalsPerWeek[week] = _arrivalsPerWeek.GetValueOrDefault(week) + 1;
        _compliance.Add(history);
        _stricter.Add(history);
        _problems.Add(history, IncidentFacts.FromTicket(ticket));
        foreach (var e in history)
        {
            if (e is TimeLogged logged)
            {
                _logged += logged.Duration;
            }
        }

        if (category is null)
        {
            return;
        }

        var (incidents, outages) = _categories.TryGetValue(category, out var entry) ? entry : (0, new List<(Instant, Instant?)>());
        if (openingImpact == 1)
        {
            outages.Add((history[0].At, FirstResolution(history)));
        }

        _categories[category] = (incidents + 1, outages);
    }

    /// <summary>Finishes every figure.</summary>
    /// <param name="start">The first simulated instant.</param>
    /// <param name="end">The last simulated instant.</param>
    /// <param name="categories">How many of the busiest categories get an availability row.</param>
    /// <param name="problems">How many problem candidates to keep.</param>
    /// <returns>The figures.</returns>
    public ReplayAnalytics ToAnalytics(Instant start, Instant end, int categories = 5, int problems = 8)
    {
        var statistics = _statistics.ToReport();
        var compliance = _compliance.ToReport();
        var stricter = _stricter.ToReport();
        var availability = new List<CategoryAvailability>();
        if (end > start && _calendar.BusinessTimeBetween(start, end) > Duration.Zero)
        {
            foreach (var (name, (incidents, outages)) in _categories.OrderByDescending(c => c.Value.Incidents).ThenBy(c => c.Key, StringComparer.Ordinal).Take(categories))
            {
                var service = new ServiceId(ReplaySetup.Slug(name));
                var report = AvailabilityCalculator.Compute(
                    service, _calendar, start, end,
                    outages.Select(o => (o.Start, End: o.End is { } e && e <= end ? e : end)).Where(o => o.End > o.Start)
                        .Select(o => new Outage(service, o.Start, o.End)));
                availability.Add(new CategoryAvailability(name, incidents, report.Total));
            }
        }

        // Staffing: mean arrivals per hour of week over the busy weeks (at least a tenth of the busiest week's arrivals:
        // the log is dense from March to May 2016 and has a thin tail to February 2017, which averaging over the whole
        // span would spread thin), the logged work time per ticket as handle time.
        var target = new StaffingTarget(0.8, Duration.FromHours(1));
        var busiest = _arrivalsPerWeek.Values.DefaultIfEmpty().Max();
        var weeks = Math.Max(1, _arrivalsPerWeek.Values.Count(n => n * 10 >= busiest));
        var handle = statistics.Tickets > 0 && _logged > Duration.Zero ? Duration.FromTicks(_logged.BclCompatibleTicks / statistics.Tickets) : Duration.FromMinutes(30);
        var staffing = StaffingCalculator.PerInterval(
            target, [.. statistics.ArrivalsByHourOfWeek.Select(a => a / weeks)], Duration.FromHours(1), handle);
        var candidates = _problems.ToCandidates();
        return new ReplayAnalytics
        {
            Statistics = statistics,
            Compliance = compliance,
            Stricter = stricter,
            MetToBreached = Math.Max(0, (compliance.Metric(ReplaySetup.Metric)?.Total.Met ?? 0) - (stricter.Metric(ReplaySetup.Metric)?.Total.Met ?? 0)),
            Availability = availability,
            StaffingTarget = target,
            HandleTime = handle,
            Weeks = weeks,
            Staffing = staffing,
            Problems = [.. candidates.Take(problems)],
            ProblemCount = candidates.Count,
        };
    }

    private static SlaComplianceOptions Options(SlaPolicySet policies, Instant asOf) => new()
    {
        Policies = policies,
        Zone = DateTimeZone.Utc,
        AsOf = asOf,
    };

    private static Instant? FirstResolution(IReadOnlyList<TicketEvent> history)
    {
        foreach (var e in history)
        {
            if (e is StatusChanged s && (s.To == TicketStatus.Resolved || s.To == TicketStatus.Closed))
            {
                return s.At;
            }
        }

        return null;
    }
}
