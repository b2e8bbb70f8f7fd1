using NodaTime;

namespace ServiceDesk.Sla.Tests;

/// <summary>
/// A deliberately simple reference: walks the calendar's business days one by one through
/// <see cref="BusinessCalendar.GetOpenIntervals"/>, without the compiled tables, prefix sums or bucket index.
/// </summary>
internal static class NaiveReference
{
    internal static Instant AddBusinessTime(BusinessCalendar calendar, Instant start, Duration amount)
    {
        if (amount == Duration.Zero)
        {
            return start;
        }

        var remaining = amount;
        for (var date = start.InZone(calendar.Zone).Date.PlusDays(-1); ; date = date.PlusDays(1))
        {
            foreach (var interval in calendar.GetOpenIntervals(date))
            {
                if (interval.End <= start)
                {
                    continue;
                }

                var from = interval.Start > start ? interval.Start : start;
                var available = interval.End - from;
                if (available >= remaining)
                {
                    return from + remaining;
                }

                remaining -= available;
            }
        }
    }

    internal static Duration BusinessTimeBetween(BusinessCalendar calendar, Instant start, Instant end)
    {
        var total = Duration.Zero;
        var last = end.InZone(calendar.Zone).Date;
        for (var date = start.InZone(calendar.Zone).Date.PlusDays(-1); date <= last; date = date.PlusDays(1))
        {
            foreach (var interval in calendar.GetOpenIntervals(date))
            {
                var from = interval.Start > start ? interval.Start : start;
                var to = interval.End < end ? interval.End : end;
                if (to > from)
                {
                    total += to - from;
                }
            }
        }

        return total;
    }
}
