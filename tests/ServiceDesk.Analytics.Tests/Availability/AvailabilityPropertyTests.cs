using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using static ServiceDesk.Analytics.Tests.TestData;

namespace ServiceDesk.Analytics.Tests.Availability;

/// <summary>Outages at whole minutes in and around a two-week window that crosses a daylight-saving change in Berlin.</summary>
public sealed record OutageSet(IReadOnlyList<Outage> Outages)
{
    public override string ToString() => string.Join(", ", Outages.Select(o => $"{o.Start:HH:mm dd}-{o.End:HH:mm dd} {o.Kind}"));
}

public static class AvailabilityArbitraries
{
    internal static readonly Instant Start = Utc(2026, 3, 23, 0);
    internal const int Minutes = 14 * 24 * 60;

    public static Gen<Outage> OutageGen()
        => Gen.Choose(-600, Minutes + 600).Zip(Gen.Frequency((3, Gen.Choose(1, 180)), (1, Gen.Choose(1, 4000)))).Zip(Gen.Elements(OutageKind.Down, OutageKind.Degraded))
            .Select(t => new Outage(Email, Start + Duration.FromMinutes(t.Item1.Item1), Start + Duration.FromMinutes(t.Item1.Item1 + t.Item1.Item2), t.Item2));

    public static Arbitrary<OutageSet> Outages()
        => Gen.Choose(0, 12).SelectMany(n => OutageGen().ListOf(n)).Select(l => new OutageSet([.. l])).ToArbitrary();

    public static Arbitrary<Outage> Single() => OutageGen().ToArbitrary();
}

[Properties(Arbitrary = [typeof(AvailabilityArbitraries)], MaxTest = 150)]
public sealed class AvailabilityPropertyTests
{
    private static readonly Instant Start = AvailabilityArbitraries.Start;
    private static readonly Instant End = Start + Duration.FromMinutes(AvailabilityArbitraries.Minutes);

    /// <summary>An independent oracle: counts the open minutes covered by at least one counted outage.</summary>
    private static Duration OracleDowntime(IReadOnlyList<Outage> outages, bool degradedAsDown)
    {
        var minutes = 0;
        for (var t = Start; t < End; t += Duration.FromMinutes(1))
        {
            if (OfficeBerlin.IsOpen(t) && outages.Any(o => (degradedAsDown || o.Kind == OutageKind.Down) && o.Start <= t && t < o.End))
            {
                minutes++;
            }
        }

        return Duration.FromMinutes(minutes);
    }

    [Property(MaxTest = 60)]
    public bool Downtime_EqualsOpenMinutesCoveredByAnyOutage_SoOverlapsNeverDoubleCount(OutageSet set, bool degradedAsDown)
    {
        var t = AvailabilityCalculator.Compute(Email, OfficeBerlin, Start, End, set.Outages, degradedAsDown ? DegradedCounting.AsDown : DegradedCounting.AsAvailable).Total;
        return t.Downtime == OracleDowntime(set.Outages, degradedAsDown)
            && t.Downtime + t.Degraded == OracleDowntime(set.Outages, degradedAsDown: true);
    }

    [Property]
    public bool Availability_IsBetweenZeroAndOne(OutageSet set)
    {
        var a = AvailabilityCalculator.Compute(Email, OfficeBerlin, Start, End, set.Outages).Total.Availability!.Value;
        return a is >= 0 and <= 1;
    }

    [Property]
    public bool AddingAnOutage_NeverRaisesAvailability(OutageSet set, Outage extra)
    {
        var before = AvailabilityCalculator.Compute(Email, OfficeBerlin, Start, End, set.Outages, DegradedCounting.AsDown).Total;
        var after = AvailabilityCalculator.Compute(Email, OfficeBerlin, Start, End, set.Outages.Append(extra), DegradedCounting.AsDown).Total;
        return after.Availability <= before.Availability && after.Downtime >= before.Downtime;
    }

    [Property]
    public bool DuplicatingOrReorderingOutages_ChangesNothing(OutageSet set)
    {
        var once = AvailabilityCalculator.Compute(Email, OfficeBerlin, Start, End, set.Outages).Total;
        var twice = AvailabilityCalculator.Compute(Email, OfficeBerlin, Start, End, set.Outages.Concat(set.Outages.Reverse())).Total;
        return once == twice;
    }

    [Property]
    public bool SplittingThePeriod_IsAdditive(OutageSet set, PositiveInt cut)
    {
        // Any minute from Tuesday 24 March to Thursday 2 April, so that both halves have agreed hours (a period without any
        // is refused).
        var middle = Start + Duration.FromMinutes(24 * 60 + (cut.Get % (10 * 24 * 60)));
        var whole = AvailabilityCalculator.Compute(Email, OfficeBerlin, Start, End, set.Outages).Total;
        var first = AvailabilityCalculator.Compute(Email, OfficeBerlin, Start, middle, set.Outages).Total;
        var second = AvailabilityCalculator.Compute(Email, OfficeBerlin, middle, End, set.Outages).Total;
        return whole.Agreed == first.Agreed + second.Agreed
            && whole.Downtime == first.Downtime + second.Downtime
            && whole.Degraded == first.Degraded + second.Degraded
            // A failure spanning the cut shows in both halves; never fewer in the halves than in the whole.
            && first.Failures + second.Failures >= whole.Failures;
    }

    [Property]
    public bool Months_AddUpToTotal(OutageSet set, PositiveInt shift)
    {
        // Stretch the outages over four months so that many cross month ends.
        var stretched = set.Outages.Select(o => o with
        {
            Start = Start + ((o.Start - Start) * 9) + Duration.FromDays(shift.Get % 20),
            End = Start + ((o.End - Start) * 9) + Duration.FromDays(shift.Get % 20),
        }).ToList();
        var report = AvailabilityCalculator.Compute(Email, OfficeBerlin, Utc(2026, 2, 15, 0), Utc(2026, 6, 10, 0), stretched);
        var m = report.Months;
        return m.Count == 5
            && report.Total.Agreed == m.Aggregate(Duration.Zero, (s, x) => s + x.Figures.Agreed)
            && report.Total.Downtime == m.Aggregate(Duration.Zero, (s, x) => s + x.Figures.Downtime)
            && report.Total.Degraded == m.Aggregate(Duration.Zero, (s, x) => s + x.Figures.Degraded)
            && report.Total.Failures == m.Sum(x => x.Figures.Failures);
    }

    [Property]
    public bool MtbfPlusMtrs_IsMtbsiUpToRounding(OutageSet set)
    {
        var t = AvailabilityCalculator.Compute(Email, OfficeBerlin, Start, End, set.Outages).Total;
        return t.Failures == 0
            ? t.Mtbf is null && t.Mtrs is null && t.Mtbsi is null
            : Math.Abs((t.Mtbf!.Value + t.Mtrs!.Value - t.Mtbsi!.Value).BclCompatibleTicks) <= 1;
    }
}
