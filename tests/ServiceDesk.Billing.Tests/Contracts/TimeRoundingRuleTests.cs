using FsCheck.Xunit;
using NodaTime;

namespace ServiceDesk.Billing.Tests;

public class TimeRoundingRuleTests
{
    [Theory]
    [InlineData(10, 30)]
    [InlineData(30, 30)]
    [InlineData(31, 45)]
    [InlineData(45, 45)]
    [InlineData(46, 60)]
    public void Apply_Up15Min30_RoundsUpThenMinimum(int minutes, int expected)
    {
        Assert.Equal(Duration.FromMinutes(expected), TimeRoundingRule.UpTo(15, 30).Apply(Duration.FromMinutes(minutes)));
    }

    [Fact]
    public void Apply_NearestAndDown_RoundAsNamed()
    {
        var nearest = new TimeRoundingRule(Duration.FromMinutes(10), Duration.Zero, TimeRoundingMode.Nearest);
        var down = new TimeRoundingRule(Duration.FromMinutes(10), Duration.FromMinutes(10), TimeRoundingMode.Down);

        Assert.Equal(Duration.FromMinutes(10), nearest.Apply(Duration.FromMinutes(14)));
        Assert.Equal(Duration.FromMinutes(20), nearest.Apply(Duration.FromMinutes(15)));
        Assert.Equal(Duration.FromMinutes(10), down.Apply(Duration.FromMinutes(19)));
        Assert.Equal(Duration.FromMinutes(10), down.Apply(Duration.FromMinutes(3)));
        Assert.Equal(Duration.FromSeconds(61), TimeRoundingRule.None.Apply(Duration.FromSeconds(61)));
    }

    [Fact]
    public void Constructor_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeRoundingRule(Duration.FromMinutes(-1), Duration.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeRoundingRule(Duration.FromHours(25), Duration.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeRoundingRule(Duration.Zero, Duration.FromHours(25)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeRoundingRule(Duration.Zero, Duration.Zero, (TimeRoundingMode)7));
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeRoundingRule.UpTo(15).Apply(Duration.Zero));
    }

    [Property(MaxTest = 300)]
    public bool Apply_Up_IsSmallestMultipleNotBelowActual(int seconds, byte incrementMinutes)
    {
        var actual = Duration.FromSeconds((Math.Abs((long)seconds) % 86_400) + 1);
        var increment = Duration.FromMinutes((incrementMinutes % 60) + 1);
        var rounded = new TimeRoundingRule(increment, Duration.Zero).Apply(actual);
        return rounded >= actual
            && rounded - actual < increment
            && rounded.BclCompatibleTicks % increment.BclCompatibleTicks == 0;
    }
}
