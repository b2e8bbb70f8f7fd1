using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Benchmarks.Sla;

/// <summary>
/// The naive baseline: how typical business-hours libraries work. Each call walks the calendar day by day from the
/// start, converting each day's local intervals to instants with the zone and allocating a list per day; nothing is
/// cached or precompiled. Supports weekly hours, whole-day closures (one-off and yearly) and extra working days,
/// which is all the benchmarked calendars use.
/// </summary>
public sealed class NaiveDayWalker
{
    private readonly BusinessCalendar _definition;
    private readonly HashSet<LocalDate> _closed;
    private readonly HashSet<(int Month, int Day)> _closedYearly;
    private readonly Dictionary<LocalDate, IReadOnlyList<LocalTimeInterval>> _extra;

    public NaiveDayWalker(BusinessCalendar definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Closures.Any(c => !c.IsWholeDay))
        {
            throw new NotSupportedException("The naive baseline supports whole-day closures only.");
        }

        _definition = definition;
        _closed = [.. definition.Closures.Where(c => c.Date.HasValue).Select(c => c.Date!.Value)];
        _closedYearly = [.. definition.Closures.Where(c => c.IsYearly).Select(c => (c.MonthDay!.Value.Month, c.MonthDay.Value.Day))];
        _extra = definition.ExtraWorkingDays.ToDictionary(d => d.Date, d => d.Hours);
    }

    public Instant AddBusinessTime(Instant start, Duration amount)
    {
        if (amount == Duration.Zero)
        {
            return start;
        }

        var remaining = amount;
        for (var date = start.InZone(_definition.Zone).Date.PlusDays(-1); ; date = date.PlusDays(1))
        {
            foreach (var (from, to) in DayIntervals(date))
            {
                if (to <= start)
                {
                    continue;
                }

                var begin = from > start ? from : start;
                var available = to - begin;
                if (available >= remaining)
                {
                    return begin + remaining;
                }

                remaining -= available;
            }
        }
    }

    public Duration BusinessTimeBetween(Instant start, Instant end)
    {
        var total = Duration.Zero;
        var last = end.InZone(_definition.Zone).Date;
        for (var date = start.InZone(_definition.Zone).Date.PlusDays(-1); date <= last; date = date.PlusDays(1))
        {
            foreach (var (from, to) in DayIntervals(date))
            {
                var begin = from > start ? from : start;
                var finish = to < end ? to : end;
                if (finish > begin)
                {
                    total += finish - begin;
                }
            }
        }

        return total;
    }

    public bool IsOpen(Instant instant)
    {
        var date = instant.InZone(_definition.Zone).Date;
        foreach (var day in new[] { date.PlusDays(-1), date })
        {
            foreach (var (from, to) in DayIntervals(day))
            {
                if (from <= instant && instant < to)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private List<(Instant From, Instant To)> DayIntervals(LocalDate date)
    {
        var result = new List<(Instant, Instant)>();
        IReadOnlyList<LocalTimeInterval> hours;
        if (_extra.TryGetValue(date, out var extra))
        {
            hours = extra;
        }
        else if (_closed.Contains(date) || _closedYearly.Contains((date.Month, date.Day)))
        {
            return result;
        }
        else
        {
            hours = _definition.GetWeeklyHours(date.DayOfWeek);
        }

        foreach (var interval in hours)
        {
            var from = _definition.Zone.AtLeniently(date + interval.Start).ToInstant();
            var endDate = interval.EndsNextDay ? date.PlusDays(1) : date;
            var to = _definition.Zone.AtLeniently(endDate + interval.End).ToInstant();
            result.Add((from, to));
        }

        return result;
    }
}
