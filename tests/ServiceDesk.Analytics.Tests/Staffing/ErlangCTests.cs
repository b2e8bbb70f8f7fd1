using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace ServiceDesk.Analytics.Tests.Staffing;

public sealed class ErlangCTests
{
    private static readonly Duration Aht = Duration.FromSeconds(180);
    private static readonly Duration Twenty = Duration.FromSeconds(20);

    [Theory]
    [InlineData(11, 0.6821182046893324)]
    [InlineData(12, 0.44938822429827086)]
    [InlineData(13, 0.28527045303649295)]
    [InlineData(14, 0.17413193359504983)]
    [InlineData(15, 0.10204236700798801)]
    public void ProbabilityOfWaiting_TenErlangs_MatchesPublishedTable(int agents, double expected)
    {
        // Values of the summation form with exact factorials (A = 10 erlangs).
        Assert.Equal(expected, ErlangC.ProbabilityOfWaiting(agents, 10), 12);
        Assert.Equal(expected, ErlangCReference.ProbabilityOfWaiting(agents, 10), 12);
    }

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(2, 0.5)]
    [InlineData(20, 7.3)]
    [InlineData(50, 42.1)]
    [InlineData(150, 139.9)]
    [InlineData(400, 371.25)]
    [InlineData(1000, 963.5)]
    public void ProbabilityOfWaiting_MatchesLogSpaceSummation(int agents, double erlangs)
        => Assert.Equal(ErlangCReference.ProbabilityOfWaiting(agents, erlangs), ErlangC.ProbabilityOfWaiting(agents, erlangs), 9);

    [Fact]
    public void ServiceLevel_TextbookExample_FourteenAgentsAnswer88Point8PercentIn20Seconds()
    {
        // 100 calls in 30 minutes, 3-minute handle time: 10 erlangs.
        Assert.Equal(0.88835, ErlangC.ServiceLevel(14, 10, Aht, Twenty), 4);
        Assert.Equal(0.79559, ErlangC.ServiceLevel(13, 10, Aht, Twenty), 4);
        Assert.Equal(Duration.FromTicks((long)(0.17413193359504983 * Aht.BclCompatibleTicks / 4)), ErlangC.AverageSpeedOfAnswer(14, 10, Aht));
    }

    [Fact]
    public void Unstable_AllWaitAndNoServiceLevel()
    {
        Assert.Equal(1, ErlangC.ProbabilityOfWaiting(10, 10));
        Assert.Equal(0, ErlangC.ServiceLevel(9, 10, Aht, Twenty));
        Assert.Null(ErlangC.AverageSpeedOfAnswer(10, 10, Aht));
        Assert.Equal(0, ErlangC.ProbabilityOfWaiting(0, 0));
        Assert.Equal(1, ErlangC.ServiceLevel(0, 0, Aht, Twenty));
    }

    [Fact]
    public void BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.ProbabilityOfWaiting(-1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.ProbabilityOfWaiting(1, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.ProbabilityOfWaiting(1, -0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.ServiceLevel(1, 0.5, Duration.Zero, Twenty));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErlangC.ServiceLevel(1, 0.5, Aht, Duration.FromSeconds(-1)));
    }

    public static Arbitrary<(int Agents, double Erlangs, int Within)> Cases()
        => Gen.Choose(0, 300).Zip(Gen.Choose(1, 250_000)).Zip(Gen.Choose(0, 600))
            .Select(t => (t.Item1.Item1, t.Item1.Item2 / 1000.0, t.Item2)).ToArbitrary();

    [Property(Arbitrary = [typeof(ErlangCTests)], MaxTest = 300)]
    public bool MoreAgents_NeverLowerTheServiceLevel((int Agents, double Erlangs, int Within) c)
    {
        var within = Duration.FromSeconds(c.Within);
        return ErlangC.ServiceLevel(c.Agents + 1, c.Erlangs, Aht, within) >= ErlangC.ServiceLevel(c.Agents, c.Erlangs, Aht, within)
            && ErlangC.ProbabilityOfWaiting(c.Agents + 1, c.Erlangs) <= ErlangC.ProbabilityOfWaiting(c.Agents, c.Erlangs);
    }

    [Property(Arbitrary = [typeof(ErlangCTests)], MaxTest = 300)]
    public bool ServiceLevel_AgreesWithReferenceFormula((int Agents, double Erlangs, int Within) c)
        => Math.Abs(ErlangC.ServiceLevel(c.Agents, c.Erlangs, Aht, Duration.FromSeconds(c.Within))
                    - ErlangCReference.ServiceLevel(c.Agents, c.Erlangs, 180, c.Within)) < 1e-9;
}
