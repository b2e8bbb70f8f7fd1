using System.Runtime.CompilerServices;
using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>
/// A business calendar: an IANA time zone, weekly opening hours, dated closures and extra working days, with exact,
/// allocation-free business-time arithmetic on UTC <see cref="Instant"/>s.
/// </summary>
/// <remarks>
/// <para>
/// <b>Semantics.</b> Business time is real elapsed time inside open intervals (a daylight-saving night shift has
/// one hour more or less than its wall-clock length). An instant is open when the zone's wall clock shows a time
/// inside an open interval of the business day it belongs to. Intervals are half-open: the opening instant is open,
/// the closing instant is not. See <see cref="AddBusinessTime"/> and <see cref="BusinessTimeBetween"/> for the exact
/// contracts, and <see cref="AddBusinessDays(Instant, int)"/> for the separate business-day arithmetic.
/// </para>
/// <para>
/// <b>Precision and range.</b> Instants and durations are processed at tick (100 ns) precision: sub-tick
/// nanoseconds of arguments are dropped (instants toward the past, durations toward zero). The calendar is defined
/// over the whole <see cref="Instant"/> range of NodaTime (years -9998 to 9999); a result that would fall outside
/// it throws <see cref="ArgumentOutOfRangeException"/>.
/// </para>
/// <para>
/// <b>Performance.</b> The hot-path members (<see cref="IsOpen"/>, <see cref="NextOpen"/>, <see cref="AddBusinessTime"/>,
/// <see cref="BusinessTimeBetween"/>) allocate nothing and cost O(log n) in the number of open intervals spanned:
/// the calendar compiles its open time lazily into immutable tables of about 7.1 years each (sorted UTC intervals
/// with prefix sums of open time and a bucket index), the first time an instant in that span is used, and publishes
/// them atomically. A query that spans many spans steps through them at O(1) each, so a duration of a year costs
/// about as much as an hour, and far-past or far-future instants only compile the spans they touch.
/// </para>
/// <para>
/// <b>Thread safety.</b> Instances are immutable (the compiled tables are a cache that is never changed once
/// published) and safe to share between any number of threads. Build them with <see cref="BusinessCalendarBuilder"/>
/// or <see cref="FromJson(string)"/>.
/// </para>
/// </remarks>
public sealed partial class BusinessCalendar
{
    private static readonly long MinTicks = Instant.MinValue.ToUnixTimeTicks();
    private static readonly long MaxTicks = Instant.MaxValue.ToUnixTimeTicks();
    private static readonly int MinBlock = (int)(MinTicks >> Block.Shift);
    private static readonly int MaxBlock = (int)(MaxTicks >> Block.Shift);
    private static readonly Duration MaxAmount = Duration.FromTicks(MaxTicks - MinTicks);

    private readonly LocalTimeInterval[][] _week;
    private readonly IReadOnlyList<LocalTimeInterval>[] _weekView;
    private readonly Block?[] _blocks;

    internal BusinessCalendar(DateTimeZone zone, LocalTimeInterval[][] week, CalendarClosure[] closures, ExtraWorkingDay[] extraDays)
    {
        Zone = zone;
        _week = week;
        _weekView = [.. week.Select(Array.AsReadOnly)];
        Closures = Array.AsReadOnly(closures);
        ExtraWorkingDays = Array.AsReadOnly(extraDays);
        _blocks = new Block?[MaxBlock - MinBlock + 1];
        _rules = new Rules(week, closures, extraDays);
    }

    /// <summary>Gets the time zone whose wall clock the opening hours and dates are written in.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>Gets the dated closures, in definition order.</summary>
    public IReadOnlyList<CalendarClosure> Closures { get; }

    /// <summary>Gets the extra working days, in definition order.</summary>
    public IReadOnlyList<ExtraWorkingDay> ExtraWorkingDays { get; }

    /// <summary>Gets the weekly opening hours of a weekday, ordered by start.</summary>
    /// <param name="day">Monday to Sunday.</param>
    /// <returns>The intervals that start on that weekday (possibly none).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="day"/> is not Monday..Sunday.</exception>
    public IReadOnlyList<LocalTimeInterval> GetWeeklyHours(IsoDayOfWeek day) => _weekView[BusinessCalendarBuilder.DayIndex(day)];

    /// <summary>Gets a value indicating whether the calendar is open at an instant.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns><see langword="true"/> at an opening instant and inside an interval; <see langword="false"/> at a closing instant.</returns>
    /// <remarks>Allocation-free; O(1) once the span of the instant is compiled.</remarks>
    public bool IsOpen(Instant instant)
    {
        var t = instant.ToUnixTimeTicks();
        var block = GetBlock((int)(t >> Block.Shift));
        var i = block.FirstEndingAfter(t);
        return i < block.Count && block.Segments[i].Start <= t;
    }

    /// <summary>Gets the first open instant at or after <paramref name="instant"/>.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns><paramref name="instant"/> itself when open (sub-tick nanoseconds kept), otherwise the next opening.</returns>
    /// <exception cref="ArgumentOutOfRangeException">There is no opening before the end of the supported range (year 9999).</exception>
    public Instant NextOpen(Instant instant)
    {
        var t = instant.ToUnixTimeTicks();
        var index = (int)(t >> Block.Shift);
        var block = GetBlock(index);
        var i = block.FirstEndingAfter(t);
        if (i < block.Count)
        {
            return block.Segments[i].Start <= t ? instant : Instant.FromUnixTimeTicks(block.Segments[i].Start);
        }

        while (++index <= MaxBlock)
        {
            block = GetBlock(index);
            if (block.Count > 0)
            {
                return Instant.FromUnixTimeTicks(block.Segments[0].Start);
            }
        }

        throw new ArgumentOutOfRangeException(nameof(instant), instant, "The calendar does not open again before the end of the supported range (Instant.MaxValue, year 9999).");
    }

    /// <summary>Adds an amount of business time to an instant.</summary>
    /// <param name="start">The instant to count from.</param>
    /// <param name="amount">
    /// The business time to add; negative to count backwards. Its absolute value must not exceed the length of the
    /// supported <see cref="Instant"/> range.
    /// </param>
    /// <returns>
    /// For a positive amount, the earliest instant <c>t</c> such that the open time in <c>[start, t)</c> equals
    /// <paramref name="amount"/>; for zero, <paramref name="start"/>; for a negative amount, the latest instant <c>t</c>
    /// such that the open time in <c>[t, start)</c> equals its absolute value.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="amount"/> is longer than the supported range, or the result falls outside it.
    /// </exception>
    /// <remarks>
    /// <para>
    /// A start outside business hours counts from the next opening: Friday 19:00 + 1 hour on a 09:00-18:00 calendar is
    /// Monday 10:00. A due time that uses up the last business tick exactly at an interval's end is that end: Friday
    /// 17:00 + 1 hour is Friday 18:00, not Monday 09:00; Monday 12:00 + 1 hour on a calendar with a 13:00-14:00 lunch
    /// break is 13:00. Counting backwards mirrors this: Monday 10:00 - 1 hour is Monday 09:00, not Friday 18:00.
    /// </para>
    /// <para>
    /// For every start <c>s</c> and amount <c>d &gt; 0</c>:
    /// <c>BusinessTimeBetween(s, AddBusinessTime(s, d)) == d</c>, and
    /// <c>AddBusinessTime(AddBusinessTime(s, a), b) == AddBusinessTime(s, a + b)</c> for <c>a, b &gt; 0</c>.
    /// </para>
    /// <para>Allocation-free; O(log n) in the open intervals spanned, plus O(1) per 7.1-year span crossed.</para>
    /// </remarks>
    public Instant AddBusinessTime(Instant start, Duration amount)
    {
        if (amount > MaxAmount || amount < -MaxAmount)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, $"The amount must be between {-MaxAmount} and {MaxAmount} (the supported Instant range).");
        }

        var d = amount.BclCompatibleTicks;
        if (d == 0)
        {
            return start;
        }

        var t = start.ToUnixTimeTicks();
        return Instant.FromUnixTimeTicks(d > 0 ? Forward(t, d) : Backward(t, -d));
    }

    /// <summary>Measures the business time between two instants.</summary>
    /// <param name="start">The start, inclusive.</param>
    /// <param name="end">The end, exclusive.</param>
    /// <returns>
    /// The open time in <c>[start, end)</c>; zero when they are equal; when <paramref name="end"/> is before
    /// <paramref name="start"/>, the negated open time in <c>[end, start)</c>.
    /// </returns>
    /// <remarks>
    /// Never more than <c>end - start</c>. Additive: <c>Between(a, b) + Between(b, c) == Between(a, c)</c>.
    /// Allocation-free; O(1) within a compiled span, plus O(1) per 7.1-year span crossed.
    /// </remarks>
    public Duration BusinessTimeBetween(Instant start, Instant end)
    {
        var a = start.ToUnixTimeTicks();
        var b = end.ToUnixTimeTicks();
        return b >= a ? Duration.FromTicks(Between(a, b)) : -Duration.FromTicks(Between(b, a));
    }

    /// <summary>Describes the calendar by its JSON definition.</summary>
    /// <returns>The same text as <see cref="ToJson"/>.</returns>
    public override string ToString() => ToJson();

    /// <summary>Creates a builder holding this calendar's definition, to derive a modified calendar.</summary>
    /// <returns>A new builder; changing it does not change this calendar.</returns>
    public BusinessCalendarBuilder ToBuilder()
    {
        var builder = new BusinessCalendarBuilder(Zone);
        for (var d = IsoDayOfWeek.Monday; d <= IsoDayOfWeek.Sunday; d++)
        {
            foreach (var interval in GetWeeklyHours(d))
            {
                builder.AddHours(d, interval);
            }
        }

        foreach (var closure in Closures)
        {
            builder.Close(closure);
        }

        foreach (var day in ExtraWorkingDays)
        {
            builder.AddExtraWorkingDay(day);
        }

        return builder;
    }

    private long Forward(long t, long d)
    {
        var index = (int)(t >> Block.Shift);
        var block = GetBlock(index);
        var i = block.FirstEndingAfter(t);
        var target = block.OpenBefore(t, i) + d;
        while (target > block.Total)
        {
            target -= block.Total;
            if (++index > MaxBlock)
            {
                throw new ArgumentOutOfRangeException("amount", Duration.FromTicks(d), "The due instant falls after the end of the supported range (Instant.MaxValue, year 9999).");
            }

            block = GetBlock(index);
            i = 0;
        }

        ref readonly var s = ref block.Segments[block.FirstCumEndAtLeast(i, target)];
        return s.End - (s.CumEnd - target);
    }

    private long Backward(long t, long d)
    {
        var index = (int)(t >> Block.Shift);
        var block = GetBlock(index);
        var target = block.OpenBefore(t, block.FirstEndingAfter(t)) - d;
        while (target < 0)
        {
            if (--index < MinBlock)
            {
                throw new ArgumentOutOfRangeException("amount", -Duration.FromTicks(d), "The instant falls before the start of the supported range (Instant.MinValue, year -9998).");
            }

            block = GetBlock(index);
            target += block.Total;
        }

        ref readonly var s = ref block.Segments[block.FirstCumEndAbove(target)];
        return s.End - (s.CumEnd - target);
    }

    private long Between(long a, long b)
    {
        var ia = (int)(a >> Block.Shift);
        var ib = (int)(b >> Block.Shift);
        var blockA = GetBlock(ia);
        var beforeA = blockA.OpenBefore(a, blockA.FirstEndingAfter(a));
        if (ia == ib)
        {
            return blockA.OpenBefore(b, blockA.FirstEndingAfter(b)) - beforeA;
        }

        var total = blockA.Total - beforeA;
        for (var index = ia + 1; index < ib; index++)
        {
            total += GetBlock(index).Total;
        }

        var blockB = GetBlock(ib);
        return total + blockB.OpenBefore(b, blockB.FirstEndingAfter(b));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Block GetBlock(int index) => Volatile.Read(ref _blocks[index - MinBlock]) ?? CompileAndPublish(index);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Block CompileAndPublish(int index)
    {
        var compiled = Compile(index);
        return Interlocked.CompareExchange(ref _blocks[index - MinBlock], compiled, null) ?? compiled;
    }
}
