using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace ServiceDesk.Analytics.Tests.Statistics;

public sealed class DurationSummaryTests
{
    [Fact]
    public void Of_TenValues_NearestRank()
    {
        var values = Enumerable.Range(1, 10).Select(i => Duration.FromMinutes(i)).Reverse();

        var s = DurationSummary.Of(values)!;

        Assert.Equal(Duration.FromSeconds(330), s.Mean);
        Assert.Equal(Duration.FromMinutes(5), s.Median);     // ceil(0.5 x 10) = 5th: the lower middle
        Assert.Equal(Duration.FromMinutes(9), s.P90);        // ceil(0.9 x 10) = 9th
        Assert.Equal(Duration.FromMinutes(10), s.P99);       // ceil(0.99 x 10) = 10th
    }

    [Fact]
    public void Of_Nothing_IsNull() => Assert.Null(DurationSummary.Of([]));

    [Fact]
    public void Percentile_BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => DurationSummary.Percentile([], 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => DurationSummary.Percentile([Duration.Zero], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DurationSummary.Percentile([Duration.Zero], 100.5));
    }

    public static Arbitrary<long[]> Values()
        => Gen.Choose(1, 300).SelectMany(n => Gen.Choose(-1000, 1_000_000).Select(v => (long)v * 9_999).ArrayOf(n)).ToArbitrary();

    [Property(Arbitrary = [typeof(DurationSummaryTests)], MaxTest = 300)]
    public bool Percentiles_AreNearestRankOfNaiveSort(long[] ticks, PositiveInt p)
    {
        var percent = (p.Get % 100) + 1;
        var sorted = ticks.Order().ToArray();
        var value = DurationSummary.Percentile([.. sorted.Select(Duration.FromTicks)], percent).BclCompatibleTicks;
        // Nearest rank: at least percent % of the values are <= it, and fewer than percent % are < it.
        var atOrBelow = sorted.Count(t => t <= value);
        var below = sorted.Count(t => t < value);
        return sorted.Contains(value) && atOrBelow * 100 >= percent * sorted.Length && below * 100 < percent * sorted.Length;
    }

    [Property(Arbitrary = [typeof(DurationSummaryTests)], MaxTest = 300)]
    public bool Summary_IsOrderedAndMeanExact(long[] ticks)
    {
        var s = DurationSummary.Of(ticks.Select(Duration.FromTicks))!;
        var exactMean = (long)(ticks.Aggregate((Int128)0, (a, t) => a + t) / ticks.Length);
        return s.Count == ticks.Length && s.Min <= s.Median && s.Median <= s.P90 && s.P90 <= s.P99 && s.P99 <= s.Max
            && s.Mean.BclCompatibleTicks == exactMean && s.Min.BclCompatibleTicks == ticks.Min() && s.Max.BclCompatibleTicks == ticks.Max();
    }
}
