using NodaTime;

namespace ServiceDesk.Analytics;

/// <summary>
/// The distribution of a set of durations: count, mean, exact nearest-rank percentiles, minimum and maximum.
/// </summary>
/// <remarks>
/// <para><b>Percentiles</b> use the nearest-rank definition: with the <c>n</c> values sorted ascending
/// <c>x[1] ≤ … ≤ x[n]</c>, the p-th percentile is <c>x[ceil(p / 100 · n)]</c>, the smallest value with at least p % of
/// the values at or below it. It is always one of the values, never interpolated. The median is the 50th percentile,
/// so for an even count it is the lower of the two middle values.</para>
/// <para><b>Mean</b> is the exact sum (128-bit, in ticks) divided by the count, truncated toward zero to a whole tick.</para>
/// </remarks>
/// <param name="Count">The number of values, at least 1.</param>
/// <param name="Mean">The arithmetic mean.</param>
/// <param name="Median">The 50th percentile (nearest rank).</param>
/// <param name="P90">The 90th percentile (nearest rank).</param>
/// <param name="P99">The 99th percentile (nearest rank).</param>
/// <param name="Min">The smallest value.</param>
/// <param name="Max">The largest value.</param>
public sealed record DurationSummary(int Count, Duration Mean, Duration Median, Duration P90, Duration P99, Duration Min, Duration Max)
{
    /// <summary>Summarizes a set of durations.</summary>
    /// <param name="values">The durations, in any order; sub-tick nanoseconds are dropped.</param>
    /// <returns>The summary, or <see langword="null"/> when there are no values.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    public static DurationSummary? Of(IEnumerable<Duration> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var ticks = new List<long>();
        foreach (var value in values)
        {
            ticks.Add(value.BclCompatibleTicks);
        }

        return OfTicks(ticks);
    }

    /// <summary>Gets the p-th percentile of sorted values by nearest rank.</summary>
    /// <param name="sorted">The values, sorted ascending; at least one.</param>
    /// <param name="percent">The percentile, more than 0 and at most 100.</param>
    /// <returns><c>sorted[ceil(percent / 100 · n) - 1]</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sorted"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="sorted"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is not in <c>(0, 100]</c>.</exception>
    public static Duration Percentile(IReadOnlyList<Duration> sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            throw new ArgumentException("A percentile of no values is undefined.", nameof(sorted));
        }

        return sorted[Rank(sorted.Count, percent) - 1];
    }

    internal static DurationSummary? OfTicks(List<long> ticks)
    {
        if (ticks.Count == 0)
        {
            return null;
        }

        ticks.Sort();
        Int128 sum = 0;
        foreach (var t in ticks)
        {
            sum += t;
        }

        var n = ticks.Count;
        return new DurationSummary(
            n,
            Duration.FromTicks((long)(sum / n)),
            Duration.FromTicks(ticks[Rank(n, 50) - 1]),
            Duration.FromTicks(ticks[Rank(n, 90) - 1]),
            Duration.FromTicks(ticks[Rank(n, 99) - 1]),
            Duration.FromTicks(ticks[0]),
            Duration.FromTicks(ticks[^1]));
    }

    /// <summary>The 1-based nearest rank <c>ceil(p / 100 · n)</c>, computed exactly for whole-number percents.</summary>
    internal static int Rank(int n, double percent)
    {
        if (!double.IsFinite(percent) || percent is <= 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "The percentile must be more than 0 and at most 100.");
        }

        var rank = (int)decimal.Ceiling((decimal)percent * n / 100m);
        return Math.Clamp(rank, 1, n);
    }
}
