using NodaTime;
using static ServiceDesk.Analytics.Tests.TestData;

namespace ServiceDesk.Analytics.Tests.Staffing;

/// <summary>
/// <see cref="QueueSimulation"/>: a cross-check of Erlang C where both apply (always open, nobody gives up), and what the
/// formula cannot do (abandonment, a business calendar).
/// </summary>
/// <remarks>Tolerance: 0.01 absolute on the service level and on the probability of waiting, after 2,000,000 callers
/// with the first 5,000 discarded as warm-up; seeds are fixed so the test is deterministic. Near saturation the
/// simulated figures converge slowly: at 87 % occupancy (60 agents, 52 erlangs) 500,000 callers were off by 0.013 with
/// seed 4, while 2,000,000 callers agree within 0.01 for seeds 4, 5 and 6.</remarks>
public sealed class QueueSimulationTests
{
    private static QueueSimulationOptions Options(int agents, double erlangs, int ahtSeconds, int withinSeconds, int seed, int contacts = 2_000_000) => new()
    {
        Agents = agents,
        ArrivalsPerHour = erlangs * 3600 / ahtSeconds,
        AverageHandleTime = Duration.FromSeconds(ahtSeconds),
        AnswerWithin = Duration.FromSeconds(withinSeconds),
        Contacts = contacts,
        Seed = seed,
    };

    [Theory]
    [InlineData(14, 10.0, 180, 20, 1)]
    [InlineData(12, 10.0, 180, 20, 2)]
    [InlineData(3, 1.5, 300, 30, 3)]
    [InlineData(60, 52.0, 240, 15, 4)]
    public void ErlangC_AgreesWithSimulation_WithinOnePercentagePoint(int agents, double erlangs, int aht, int within, int seed)
    {
        var result = QueueSimulation.Run(Options(agents, erlangs, aht, within, seed));

        Assert.InRange(ErlangC.ServiceLevel(agents, erlangs, Duration.FromSeconds(aht), Duration.FromSeconds(within)), result.ServiceLevel - 0.01, result.ServiceLevel + 0.01);
        Assert.InRange(ErlangC.ProbabilityOfWaiting(agents, erlangs), result.ProbabilityOfWaiting - 0.01, result.ProbabilityOfWaiting + 0.01);
        Assert.Equal(0, result.Abandoned);
        Assert.Equal(result.Contacts, result.Answered);
        var asa = ErlangC.AverageSpeedOfAnswer(agents, erlangs, Duration.FromSeconds(aht))!.Value.TotalSeconds;
        Assert.InRange(result.AverageSpeedOfAnswer.TotalSeconds, asa * 0.9 - 0.5, asa * 1.1 + 0.5);
    }

    [Fact]
    public void SameSeed_SameResult_OtherSeed_Differs()
    {
        var a = QueueSimulation.Run(Options(12, 10, 180, 20, 7, 20_000));
        Assert.Equal(a, QueueSimulation.Run(Options(12, 10, 180, 20, 7, 20_000)));
        Assert.NotEqual(a, QueueSimulation.Run(Options(12, 10, 180, 20, 8, 20_000)));
    }

    /// <summary>Callers who give up shorten everyone's wait: with abandonment the queue answers faster, some leave, and
    /// the counts add up; shorter patience means more abandonment.</summary>
    [Fact]
    public void Abandonment_ShortensWaits_AndMoreImpatienceMeansMoreLeaving()
    {
        var patient = QueueSimulation.Run(Options(11, 10.5, 180, 20, 3, 200_000));
        var options = Options(11, 10.5, 180, 20, 3, 200_000);
        options.MeanPatience = Duration.FromMinutes(2);
        var leaving = QueueSimulation.Run(options);
        options.MeanPatience = Duration.FromSeconds(30);
        var impatient = QueueSimulation.Run(options);

        Assert.Equal(leaving.Contacts, leaving.Answered + leaving.Abandoned);
        Assert.True(leaving.Abandoned > 0);
        Assert.True(leaving.AverageSpeedOfAnswer < patient.AverageSpeedOfAnswer);
        Assert.True(impatient.AbandonmentRate > leaving.AbandonmentRate);
        Assert.Equal((double)leaving.Abandoned / leaving.Contacts, leaving.AbandonmentRate);
    }

    /// <summary>Agents who work only office hours (weekdays 09:00-17:00) while contacts arrive around the clock: the
    /// service level falls far below the always-open queue's, since everything arriving at night waits for the morning.</summary>
    [Fact]
    public void Calendar_ClosedHours_ContactsWaitForTheOpening()
    {
        var always = QueueSimulation.Run(Options(14, 10, 180, 20, 5, 100_000));
        var options = Options(14, 10, 180, 20, 5, 100_000);
        options.Calendar = OfficeUtc;
        options.Start = Utc(2026, 1, 5, 0);
        var office = QueueSimulation.Run(options);

        Assert.True(always.ServiceLevel > 0.85);
        Assert.True(office.ServiceLevel < 0.5, $"office-hours service level {office.ServiceLevel}");
        Assert.True(office.AverageSpeedOfAnswer > Duration.FromHours(1));
    }

    [Fact]
    public void BadOptions_EveryFaultListedWithValueAndRange()
    {
        var ex = Assert.Throws<ArgumentException>(() => QueueSimulation.Run(new QueueSimulationOptions
        {
            Agents = 0,
            ArrivalsPerHour = double.NaN,
            AverageHandleTime = Duration.Zero,
            AnswerWithin = Duration.FromSeconds(-1),
            MeanPatience = Duration.Zero,
            Contacts = 10,
            WarmUp = -1,
        }));
        foreach (var expected in new[]
        {
            "Agents: 0 is outside 1 to 10,000", "ArrivalsPerHour: NaN must be more than zero", "AverageHandleTime: 0:00:00:00 must be more than zero",
            "AnswerWithin: -0:00:00:01 must be zero or more", "MeanPatience: 0:00:00:00 must be more than zero", "Contacts: 10 is outside 1,000 to 10,000,000",
            "WarmUp: -1 is outside 0 to 10,000,000",
        })
        {
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        }

        // A calendar is open every week (its builder refuses one that never opens), so only a start at the end of time
        // has no opening after it.
        var closed = Options(2, 1, 180, 20, 1, 1_000);
        closed.Calendar = OfficeUtc;
        closed.Start = Instant.FromUtc(9999, 12, 31, 18, 0);
        ex = Assert.Throws<ArgumentException>(() => QueueSimulation.Run(closed));
        Assert.Contains("Calendar: it is never open after Start", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => QueueSimulation.Run(null!));
    }
}
