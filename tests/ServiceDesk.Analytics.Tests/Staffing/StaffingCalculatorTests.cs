using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace ServiceDesk.Analytics.Tests.Staffing;

public sealed class StaffingCalculatorTests
{
    private static readonly Duration HalfHour = Duration.FromMinutes(30);
    private static readonly Duration Aht = Duration.FromSeconds(180);
    private static readonly StaffingTarget EightyTwenty = new(0.80, Duration.FromSeconds(20));

    [Fact]
    public void Required_TextbookExample_FourteenAgents()
    {
        var r = StaffingCalculator.Required(EightyTwenty, 100, HalfHour, Aht);

        Assert.Equal(10, r.Erlangs, 12);
        Assert.Equal(14, r.Agents);
        Assert.Equal(14, r.ScheduledAgents);
        Assert.Equal(0.88835, r.ServiceLevel, 4);
        Assert.Equal(10.0 / 14, r.Occupancy, 12);
        Assert.False(r.LimitedByOccupancy);
    }

    [Fact]
    public void Required_Shrinkage_ScalesScheduledAgentsUpExactly()
    {
        // 14 / (1 - 0.3) = 20 exactly; floating point would give 20.000000000000004 and round up to 21.
        var r = StaffingCalculator.Required(EightyTwenty with { Shrinkage = 0.30 }, 100, HalfHour, Aht);

        Assert.Equal(14, r.Agents);
        Assert.Equal(20, r.ScheduledAgents);
        Assert.Equal(16, StaffingCalculator.Required(EightyTwenty with { Shrinkage = 0.1 }, 100, HalfHour, Aht).ScheduledAgents);
    }

    [Fact]
    public void Required_OccupancyCap_AddsAgents()
    {
        // 80 % within 60 s on 10 erlangs needs 13 agents (77 % busy); a 70 % cap needs ceil(10 / 0.7) = 15.
        var loose = StaffingCalculator.Required(new StaffingTarget(0.80, Duration.FromSeconds(60)), 100, HalfHour, Aht);
        var capped = StaffingCalculator.Required(new StaffingTarget(0.80, Duration.FromSeconds(60)) { MaxOccupancy = 0.70 }, 100, HalfHour, Aht);

        Assert.Equal(13, loose.Agents);
        Assert.Equal(15, capped.Agents);
        Assert.True(capped.LimitedByOccupancy);
        Assert.True(capped.Occupancy <= 0.70);
    }

    [Fact]
    public void Required_CapExactlyMet_DoesNotAddAnAgentForFloatingPointNoise()
    {
        // Found by the property below: 2,148 arrivals in half an hour at 180 s are 214.8 erlangs; 214.8 / 0.6 is
        // 358.00000000000006 in binary floating point, whose ceiling is 359, yet 358 agents are exactly 60 % busy.
        var r = StaffingCalculator.Required(new StaffingTarget(0.82, Duration.FromSeconds(90)) { MaxOccupancy = 0.60 }, 2_148, HalfHour, Aht);

        Assert.Equal(358, r.Agents);
        Assert.True(r.LimitedByOccupancy);
    }

    [Fact]
    public void Required_NoArrivals_NoAgents()
    {
        var r = StaffingCalculator.Required(EightyTwenty, 0, HalfHour, Aht);

        Assert.Equal((0, 0, 1.0, 0.0), (r.Agents, r.ScheduledAgents, r.ServiceLevel, r.Occupancy));
    }

    [Fact]
    public void PerInterval_HoursOfWeek_OneRequirementEach()
    {
        var arrivals = Enumerable.Range(0, 168).Select(h => h % 24 is >= 8 and < 18 ? 200.0 : 5.0).ToArray();

        var result = StaffingCalculator.PerInterval(EightyTwenty, arrivals, Duration.FromHours(1), Aht);

        Assert.Equal(168, result.Count);
        Assert.Equal(StaffingCalculator.Required(EightyTwenty, 200, Duration.FromHours(1), Aht), result[9]);
        Assert.True(result[3].Agents < result[9].Agents);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Target_ZeroOrHundredPercentOrOutside_ThrowsNamingTheValue(double level)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new StaffingTarget(level, Duration.FromSeconds(20)));

        Assert.Equal("ServiceLevel", ex.ParamName);
        Assert.Contains(TextPolicy.Echo(level), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadValues_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EightyTwenty with { Shrinkage = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => EightyTwenty with { MaxOccupancy = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new StaffingTarget(0.8, Duration.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => StaffingCalculator.Required(EightyTwenty, -1, HalfHour, Aht));
        Assert.Throws<ArgumentOutOfRangeException>(() => StaffingCalculator.Required(EightyTwenty, 1, Duration.Zero, Aht));
        Assert.Throws<ArgumentOutOfRangeException>(() => StaffingCalculator.Required(EightyTwenty, 1e12, HalfHour, Aht));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => StaffingCalculator.PerInterval(EightyTwenty, [1, double.PositiveInfinity], HalfHour, Aht));
        Assert.Contains("interval 1", ex.Message, StringComparison.Ordinal);
    }

    public static Arbitrary<(int Arrivals, int Level, int Within, int Cap)> Cases()
        => Gen.Choose(1, 3000).Zip(Gen.Choose(1, 99)).Zip(Gen.Choose(0, 120).Zip(Gen.Choose(50, 100)))
            .Select(t => (t.Item1.Item1, t.Item1.Item2, t.Item2.Item1, t.Item2.Item2)).ToArbitrary();

    [Property(Arbitrary = [typeof(StaffingCalculatorTests)], MaxTest = 200)]
    public bool Required_IsTheFewestAgentsMeetingTargetAndCap((int Arrivals, int Level, int Within, int Cap) c)
    {
        var target = new StaffingTarget(c.Level / 100.0, Duration.FromSeconds(c.Within)) { MaxOccupancy = c.Cap / 100.0 };
        var r = StaffingCalculator.Required(target, c.Arrivals, HalfHour, Aht);
        var a = r.Erlangs;
        bool Meets(int n) => n > a && a / n <= target.MaxOccupancy
            && ErlangCReference.ServiceLevel(n, a, 180, c.Within) >= target.ServiceLevel - 1e-12;
        return Meets(r.Agents) && !Meets(r.Agents - 1);
    }
}
