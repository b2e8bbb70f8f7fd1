using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>Compilation of the calendar's rules into blocks of UTC open intervals.</summary>
public sealed partial class BusinessCalendar
{
    private const long MaxOffsetTicks = 18 * NodaConstants.TicksPerHour;

    private readonly Rules _rules;

    /// <summary>The ticks of the local midnight of a date on a UTC-like local time line (proleptic Gregorian).</summary>
    internal static long LocalMidnightTicks(LocalDate date) => DaysFromCivil(date.Year, date.Month, date.Day) * NodaConstants.TicksPerDay;

    private static long DaysFromCivil(long y, long m, long d)
    {
        y -= m <= 2 ? 1 : 0;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yoe = y - (era * 400);
        var doy = ((153 * (m > 2 ? m - 3 : m + 9)) + 2) / 5 + d - 1;
        var doe = (yoe * 365) + (yoe / 4) - (yoe / 100) + doy;
        return (era * 146097) + doe - 719468;
    }

    private static LocalDate PlusDaysClamped(LocalDate date, int days)
    {
        if (days < 0 && date < LocalDate.MinIsoValue.PlusDays(-days))
        {
            return LocalDate.MinIsoValue;
        }

        if (days > 0 && date > LocalDate.MaxIsoValue.PlusDays(-days))
        {
            return LocalDate.MaxIsoValue;
        }

        return date.PlusDays(days);
    }

    private static long Clamp(long ticks) => Math.Clamp(ticks, MinTicks, MaxTicks);

    private static List<(long Start, long End)> Merge(List<(long Start, long End)> pieces)
    {
        pieces.Sort(static (x, y) => x.Start.CompareTo(y.Start));
        var merged = new List<(long Start, long End)>(pieces.Count);
        foreach (var piece in pieces)
        {
            if (merged.Count > 0 && piece.Start <= merged[^1].End)
            {
                if (piece.End > merged[^1].End)
                {
                    merged[^1] = (merged[^1].Start, piece.End);
                }
            }
            else
            {
                merged.Add(piece);
            }
        }

        return merged;
    }

    /// <summary>Removes the closed windows from the open pieces and clips the result to [lo, hi).</summary>
    private static List<(long Start, long End)> Subtract(List<(long Start, long End)> open, List<(long Start, long End)> closed, long lo, long hi)
    {
        var result = new List<(long Start, long End)>(open.Count);
        var c = 0;
        foreach (var (openStart, openEnd) in open)
        {
            var start = Math.Max(openStart, lo);
            var end = Math.Min(openEnd, hi);
            while (start < end)
            {
                while (c < closed.Count && closed[c].End <= start)
                {
                    c++;
                }

                if (c == closed.Count || closed[c].Start >= end)
                {
                    result.Add((start, end));
                    break;
                }

                if (closed[c].Start > start)
                {
                    result.Add((start, closed[c].Start));
                }

                start = closed[c].End;
            }
        }

        return result;
    }

    private Block Compile(int index)
    {
        var blockStart = (long)index << Block.Shift;
        var blockEnd = blockStart + (1L << Block.Shift);
        var lo = Math.Max(blockStart, MinTicks);
        var hi = Math.Min(blockEnd, MaxTicks);
        var first = PlusDaysClamped(LocalDateAt(lo), -2);
        var last = PlusDaysClamped(LocalDateAt(hi), 1);
        var open = new List<(long Start, long End)>(2048);
        var closed = new List<(long Start, long End)>();
        for (var date = first; ; date = date.PlusDays(1))
        {
            AppendOpen(date, open);
            AppendClosed(date, closed);
            if (date >= last)
            {
                break;
            }
        }

        return new Block(blockStart, Subtract(Merge(open), Merge(closed), lo, hi));
    }

    /// <summary>The local date at an instant, for instants at least a day inside the supported range.</summary>
    private LocalDate LocalDateAt(long ticks)
        => Instant.FromUnixTimeTicks(Math.Clamp(ticks, MinTicks + NodaConstants.TicksPerDay, MaxTicks - NodaConstants.TicksPerDay)).InZone(Zone).Date;

    /// <summary>The open time that belongs to a date, after its own and its neighbours' partial closures.</summary>
    private List<(long Start, long End)> DayPieces(LocalDate date)
    {
        var open = new List<(long Start, long End)>();
        AppendOpen(date, open);
        if (open.Count == 0)
        {
            return open;
        }

        var closed = new List<(long Start, long End)>();
        AppendClosed(PlusDaysClamped(date, -1), closed);
        AppendClosed(date, closed);
        AppendClosed(PlusDaysClamped(date, 1), closed);
        return Subtract(Merge(open), Merge(closed), MinTicks, MaxTicks);
    }

    private void AppendOpen(LocalDate date, List<(long Start, long End)> output)
    {
        var hours = _rules.HoursOf(date);
        if (hours.Length == 0)
        {
            return;
        }

        var midnight = LocalMidnightTicks(date);
        foreach (var interval in hours)
        {
            AppendPreimage(midnight + interval.StartTick, midnight + interval.EndTickOfSpan, output);
        }
    }

    private void AppendClosed(LocalDate date, List<(long Start, long End)> output)
    {
        var windows = _rules.PartialClosuresOf(date);
        if (windows is null)
        {
            return;
        }

        var midnight = LocalMidnightTicks(date);
        foreach (var window in windows)
        {
            AppendPreimage(midnight + window.StartTick, midnight + window.EndTickOfSpan, output);
        }
    }

    /// <summary>
    /// Appends the instants whose wall-clock time in the zone lies in [localStart, localEnd): one piece per zone
    /// interval (offset) that the local range maps into, so skipped wall times contribute nothing and repeated wall
    /// times contribute both occurrences.
    /// </summary>
    private void AppendPreimage(long localStart, long localEnd, List<(long Start, long End)> output)
    {
        var upper = localEnd + MaxOffsetTicks;
        var zoneInterval = Zone.GetZoneInterval(Instant.FromUnixTimeTicks(Clamp(localStart - MaxOffsetTicks)));
        while (true)
        {
            var zoneStart = zoneInterval.HasStart ? zoneInterval.Start.ToUnixTimeTicks() : long.MinValue;
            var zoneEnd = zoneInterval.HasEnd ? zoneInterval.End.ToUnixTimeTicks() : long.MaxValue;
            var offset = zoneInterval.WallOffset.Ticks;
            var start = Math.Max(Math.Max(zoneStart, localStart - offset), MinTicks);
            var end = Math.Min(Math.Min(zoneEnd, localEnd - offset), MaxTicks);
            if (start < end)
            {
                output.Add((start, end));
            }

            if (!zoneInterval.HasEnd || zoneEnd >= upper || zoneEnd > MaxTicks)
            {
                return;
            }

            zoneInterval = Zone.GetZoneInterval(zoneInterval.End);
        }
    }

    /// <summary>The definition, indexed for compilation.</summary>
    private sealed class Rules
    {
        private readonly LocalTimeInterval[][] _week;
        private readonly HashSet<LocalDate> _closedDates = [];
        private readonly bool[] _closedMonthDays = new bool[13 * 32];
        private readonly Dictionary<LocalDate, List<LocalTimeInterval>> _partialByDate = [];
        private readonly Dictionary<int, List<LocalTimeInterval>> _partialByMonthDay = [];
        private readonly Dictionary<LocalDate, LocalTimeInterval[]> _extraDays = [];

        internal Rules(LocalTimeInterval[][] week, CalendarClosure[] closures, ExtraWorkingDay[] extraDays)
        {
            _week = week;
            foreach (var closure in closures)
            {
                if (closure.Date is { } date)
                {
                    if (closure.Hours is { } hours)
                    {
                        GetOrAdd(_partialByDate, date).Add(hours);
                    }
                    else
                    {
                        _closedDates.Add(date);
                    }
                }
                else
                {
                    var key = (closure.MonthDay!.Value.Month * 32) + closure.MonthDay.Value.Day;
                    if (closure.Hours is { } hours)
                    {
                        GetOrAdd(_partialByMonthDay, key).Add(hours);
                    }
                    else
                    {
                        _closedMonthDays[key] = true;
                    }
                }
            }

            foreach (var day in extraDays)
            {
                _extraDays[day.Date] = [.. day.Hours];
            }
        }

        internal LocalTimeInterval[] HoursOf(LocalDate date)
        {
            if (_extraDays.TryGetValue(date, out var extra))
            {
                return extra;
            }

            if (_closedDates.Contains(date) || _closedMonthDays[(date.Month * 32) + date.Day])
            {
                return [];
            }

            return _week[(int)date.DayOfWeek - 1];
        }

        internal IEnumerable<LocalTimeInterval>? PartialClosuresOf(LocalDate date)
        {
            _partialByDate.TryGetValue(date, out var byDate);
            _partialByMonthDay.TryGetValue((date.Month * 32) + date.Day, out var byMonthDay);
            return byDate is null ? byMonthDay : byMonthDay is null ? byDate : byDate.Concat(byMonthDay);
        }

        private static List<LocalTimeInterval> GetOrAdd<TKey>(Dictionary<TKey, List<LocalTimeInterval>> map, TKey key)
            where TKey : notnull
        {
            if (!map.TryGetValue(key, out var list))
            {
                list = [];
                map[key] = list;
            }

            return list;
        }
    }
}
