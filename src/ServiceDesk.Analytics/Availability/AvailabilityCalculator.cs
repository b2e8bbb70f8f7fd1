using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Analytics;

/// <summary>
/// Computes the availability of services over their agreed service hours from outages (ITIL Availability Management):
/// availability, downtime, MTBF, MTRS and MTBSI, in total and per calendar month.
/// </summary>
/// <remarks>
/// <para><b>Definitions.</b> Agreed service time (AST) is the open time of the service's <see cref="BusinessCalendar"/> in
/// the period. Outages are clipped to the period and merged (overlapping or touching outages form one episode), so
/// time is never counted twice; downtime is the calendar's open time inside the episodes, so outages in closed hours
/// cost nothing. A failure is an episode with some downtime. See docs/analytics.md for the formulas and worked examples.</para>
/// <para><b>Cost.</b> O(n log n) in the outages of a service (a sort), plus O(1) business-time queries per episode and
/// month. Pure and thread-safe: no state, no clock.</para>
/// </remarks>
public static class AvailabilityCalculator
{
    /// <summary>Computes the availability of one service.</summary>
    /// <param name="service">The service; outages of other services are ignored.</param>
    /// <param name="agreedHours">The agreed service hours of the service.</param>
    /// <param name="start">The start of the period (inclusive).</param>
    /// <param name="end">The end of the period (exclusive); after <paramref name="start"/>.</param>
    /// <param name="outages">The outages; any order, may overlap, may reach outside the period.</param>
    /// <param name="degraded">Whether degraded time counts as downtime; by default it does not.</param>
    /// <returns>The figures in total and per month of the calendar's zone.</returns>
    /// <exception cref="ArgumentNullException">An argument or an outage is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="service"/> is the default value, <paramref name="end"/> is not
    /// after <paramref name="start"/>, or the calendar is never open in the period (availability would be undefined).</exception>
    public static AvailabilityReport Compute(
        ServiceId service, BusinessCalendar agreedHours, Instant start, Instant end, IEnumerable<Outage> outages,
        DegradedCounting degraded = DegradedCounting.AsAvailable)
    {
        ServiceId.ThrowIfDefault(service);
        ArgumentNullException.ThrowIfNull(agreedHours);
        ArgumentNullException.ThrowIfNull(outages);
        CheckPeriod(start, end, degraded);
        var list = new List<Outage>();
        foreach (var outage in outages)
        {
            ArgumentNullException.ThrowIfNull(outage, nameof(outages));
            if (outage.Service == service)
            {
                list.Add(outage);
            }
        }

        return ComputeCore(service, agreedHours, start, end, list, degraded);
    }

    /// <summary>Computes the availability of every service that has an outage, each over its own agreed hours.</summary>
    /// <param name="outages">The outages of any services.</param>
    /// <param name="agreedHours">Gives the agreed service hours of a service.</param>
    /// <param name="start">The start of the period (inclusive).</param>
    /// <param name="end">The end of the period (exclusive); after <paramref name="start"/>.</param>
    /// <param name="degraded">Whether degraded time counts as downtime; by default it does not.</param>
    /// <returns>One report per service with at least one outage, ordered by service id (ordinal). A service without
    /// outages is not listed; its availability is 100 % (compute it with <see cref="Compute"/> for its figures).</returns>
    /// <exception cref="ArgumentNullException">An argument or an outage is <see langword="null"/>, or
    /// <paramref name="agreedHours"/> returns <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="end"/> is not after <paramref name="start"/>, or a service's
    /// calendar is never open in the period.</exception>
    public static IReadOnlyList<AvailabilityReport> ByService(
        IEnumerable<Outage> outages, Func<ServiceId, BusinessCalendar> agreedHours, Instant start, Instant end,
        DegradedCounting degraded = DegradedCounting.AsAvailable)
    {
        ArgumentNullException.ThrowIfNull(outages);
        ArgumentNullException.ThrowIfNull(agreedHours);
        CheckPeriod(start, end, degraded);
        var byService = new SortedDictionary<string, List<Outage>>(StringComparer.Ordinal);
        foreach (var outage in outages)
        {
            ArgumentNullException.ThrowIfNull(outage, nameof(outages));
            if (!byService.TryGetValue(outage.Service.Value, out var list))
            {
                byService.Add(outage.Service.Value, list = []);
            }

            list.Add(outage);
        }

        var reports = new List<AvailabilityReport>(byService.Count);
        foreach (var (id, list) in byService)
        {
            var service = new ServiceId(id);
            var calendar = agreedHours(service)
                ?? throw new ArgumentNullException(nameof(agreedHours), $"No calendar was given for service {TextPolicy.Echo(id)}.");
            reports.Add(ComputeCore(service, calendar, start, end, list, degraded));
        }

        return reports;
    }

    private static void CheckPeriod(Instant start, Instant end, DegradedCounting degraded)
    {
        if (end <= start)
        {
            throw new ArgumentException($"The period must end after it starts: start {TextPolicy.Echo(start)}, end {TextPolicy.Echo(end)}.", nameof(end));
        }

        if (!Enum.IsDefined(degraded))
        {
            throw new ArgumentOutOfRangeException(nameof(degraded), degraded, "degraded must be AsAvailable or AsDown.");
        }
    }

    private static AvailabilityReport ComputeCore(
        ServiceId service, BusinessCalendar calendar, Instant start, Instant end, List<Outage> outages, DegradedCounting degraded)
    {
        var months = Months(calendar, start, end);
        var agreed = new Duration[months.Count];
        var total = Duration.Zero;
        for (var m = 0; m < months.Count; m++)
        {
            agreed[m] = calendar.BusinessTimeBetween(months[m].Start, months[m].End);
            total += agreed[m];
        }

        if (total == Duration.Zero)
        {
            throw new ArgumentException(
                $"The agreed service hours of service {TextPolicy.Echo(service.Value)} are never open between {TextPolicy.Echo(start)} and {TextPolicy.Echo(end)}, so its availability is undefined.",
                nameof(calendar));
        }

        var down = new Duration[months.Count];
        var failures = new int[months.Count];
        var affected = new Duration[months.Count];
        var countsAsDown = degraded == DegradedCounting.AsDown;
        Accumulate(calendar, Merge(outages, start, end, o => countsAsDown || o.Kind == OutageKind.Down), months, down, failures);
        Accumulate(calendar, Merge(outages, start, end, _ => true), months, affected, null);

        var monthly = new MonthlyAvailability[months.Count];
        Duration totalDown = Duration.Zero, totalAffected = Duration.Zero;
        var totalFailures = 0;
        for (var m = 0; m < months.Count; m++)
        {
            monthly[m] = new MonthlyAvailability(
                months[m].Month,
                new AvailabilityFigures(months[m].Start, months[m].End, agreed[m], down[m], affected[m] - down[m], failures[m]));
            totalDown += down[m];
            totalAffected += affected[m];
            totalFailures += failures[m];
        }

        return new AvailabilityReport(
            service,
            new AvailabilityFigures(start, end, total, totalDown, totalAffected - totalDown, totalFailures),
            Array.AsReadOnly(monthly));
    }

    /// <summary>Clips the selected outages to the period and merges overlapping or touching ones, in order.</summary>
    private static List<(Instant Start, Instant End)> Merge(List<Outage> outages, Instant start, Instant end, Func<Outage, bool> include)
    {
        var clipped = new List<(Instant Start, Instant End)>(outages.Count);
        foreach (var o in outages)
        {
            if (!include(o))
            {
                continue;
            }

            var s = o.Start > start ? o.Start : start;
            var e = o.End < end ? o.End : end;
            if (s < e)
            {
                clipped.Add((s, e));
            }
        }

        clipped.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<(Instant Start, Instant End)>(clipped.Count);
        foreach (var interval in clipped)
        {
            if (merged.Count > 0 && interval.Start <= merged[^1].End)
            {
                if (interval.End > merged[^1].End)
                {
                    merged[^1] = (merged[^1].Start, interval.End);
                }
            }
            else
            {
                merged.Add(interval);
            }
        }

        return merged;
    }

    private static void Accumulate(
        BusinessCalendar calendar, List<(Instant Start, Instant End)> episodes, List<(YearMonth Month, Instant Start, Instant End)> months,
        Duration[] time, int[]? failures)
    {
        var m = 0;
        foreach (var (s, e) in episodes)
        {
            while (months[m].End <= s)
            {
                m++;
            }

            var counted = false;
            for (var k = m; k < months.Count && months[k].Start < e; k++)
            {
                var from = s > months[k].Start ? s : months[k].Start;
                var to = e < months[k].End ? e : months[k].End;
                var open = calendar.BusinessTimeBetween(from, to);
                time[k] += open;
                if (failures is not null && !counted && open > Duration.Zero)
                {
                    failures[k]++;
                    counted = true;
                }
            }
        }
    }

    private static List<(YearMonth Month, Instant Start, Instant End)> Months(BusinessCalendar calendar, Instant start, Instant end)
    {
        var zone = calendar.Zone;
        var month = start.InZone(zone).Date.ToYearMonth();
        var months = new List<(YearMonth, Instant, Instant)>();
        var from = start;
        while (from < end)
        {
            var next = month.PlusMonths(1);
            var boundary = zone.AtStartOfDay(next.OnDayOfMonth(1)).ToInstant();
            var to = boundary < end ? boundary : end;
            months.Add((month, from, to));
            from = to;
            month = next;
        }

        return months;
    }
}
