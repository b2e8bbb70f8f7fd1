using NodaTime;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.InMemory.Tests;

public sealed class TestClockTests
{
    private static readonly Instant Start = Instant.FromUtc(2024, 3, 31, 0, 30);

    [Fact]
    public void Constructor_NoArguments_StandsStillAtDefaultStart()
    {
        var clock = new TestClock();

        Assert.Equal(Instant.FromUtc(2025, 1, 6, 9, 0), clock.GetCurrentInstant());
        Assert.Equal(TestClock.DefaultStart, clock.GetCurrentInstant());
        Assert.Equal(Duration.Zero, clock.AutoAdvance);
    }

    [Fact]
    public void FromUtc_DateAndTime_StartsThere()
        => Assert.Equal(Instant.FromUtc(2024, 2, 29, 13, 14, 15), TestClock.FromUtc(2024, 2, 29, 13, 14, 15).Now);

    [Fact]
    public void Advance_ByDurations_MovesForwardByTheirSum()
    {
        var clock = new TestClock(Start);

        clock.Advance(Duration.FromMilliseconds(250));
        clock.AdvanceSeconds(5);
        clock.AdvanceMinutes(2);
        clock.AdvanceHours(3);
        clock.AdvanceDays(1);
        clock.Advance(Duration.Zero);

        var expected = Start + Duration.FromMilliseconds(250) + Duration.FromSeconds(5) + Duration.FromMinutes(2)
            + Duration.FromHours(3) + Duration.FromDays(1);
        Assert.Equal(expected, clock.GetCurrentInstant());
    }

    [Fact]
    public void Advance_NegativeDuration_ThrowsAndDoesNotMove()
    {
        var clock = new TestClock(Start);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(Duration.FromTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.AdvanceMinutes(-5));

        Assert.Equal("duration", ex.ParamName);
        Assert.Contains("Reset", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Start, clock.Now);
    }

    [Fact]
    public void Reset_EarlierInstant_MovesBack()
    {
        var clock = new TestClock(Start);
        clock.AdvanceHours(10);

        clock.Reset(Start - Duration.FromDays(365));

        Assert.Equal(Start - Duration.FromDays(365), clock.GetCurrentInstant());
    }

    [Fact]
    public void GetCurrentInstant_WithAutoAdvance_ReturnsThenSteps()
    {
        var clock = new TestClock(Start, Duration.FromSeconds(10));

        var first = clock.GetCurrentInstant();
        var second = clock.GetCurrentInstant();

        Assert.Equal(Start, first);
        Assert.Equal(Start + Duration.FromSeconds(10), second);
        Assert.Equal(Start + Duration.FromSeconds(20), clock.Now);
        Assert.Equal(Start + Duration.FromSeconds(20), clock.Now);
    }

    [Fact]
    public void AutoAdvance_SetLater_AppliesFromNextReading()
    {
        var clock = new TestClock(Start);
        Assert.Equal(Start, clock.GetCurrentInstant());

        clock.AutoAdvance = Duration.FromMinutes(1);

        Assert.Equal(Start, clock.GetCurrentInstant());
        Assert.Equal(Start + Duration.FromMinutes(1), clock.GetCurrentInstant());
        clock.AutoAdvance = Duration.Zero;
        Assert.Equal(clock.GetCurrentInstant(), clock.GetCurrentInstant());
    }

    [Fact]
    public void AutoAdvance_Negative_Throws()
    {
        var clock = new TestClock(Start);

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.AutoAdvance = Duration.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TestClock(Start, Duration.FromSeconds(-1)));
        Assert.Equal(Duration.Zero, clock.AutoAdvance);
    }

    [Fact]
    public async Task GetCurrentInstant_ConcurrentReaders_EachGetDistinctInstantAndNoStepIsLost()
    {
        const int Readers = 8;
        const int ReadsEach = 5_000;
        var clock = new TestClock(Start, Duration.FromTicks(1));

        var readings = await Task.WhenAll(Enumerable.Range(0, Readers).Select(_ => Task.Run(() =>
        {
            var mine = new Instant[ReadsEach];
            for (var i = 0; i < ReadsEach; i++)
            {
                mine[i] = clock.GetCurrentInstant();
            }

            return mine;
        })));

        var all = readings.SelectMany(r => r).ToList();
        Assert.Equal(Readers * ReadsEach, all.Distinct().Count());
        Assert.Equal(Start, all.Min());
        Assert.Equal(Start + Duration.FromTicks((Readers * ReadsEach) - 1), all.Max());
        Assert.Equal(Start + Duration.FromTicks(Readers * ReadsEach), clock.Now);
    }

    [Fact]
    public async Task Advance_ConcurrentCallers_LoseNoStep()
    {
        var clock = new TestClock(Start);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                clock.AdvanceSeconds(1);
            }
        })));

        Assert.Equal(Start + Duration.FromSeconds(8_000), clock.Now);
    }

    [Fact]
    public void ToString_DescribesInstantAndStep()
    {
        Assert.Equal("TestClock at 2024-03-31T00:30:00Z", new TestClock(Start).ToString());
        Assert.Contains("per reading", new TestClock(Start, Duration.FromSeconds(1)).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TestClock_AsIClock_IsUsableWherever_AClockIsExpected()
    {
        IClock clock = new TestClock(Start, Duration.FromHours(1));

        var zoned = clock.GetCurrentInstant().InUtc();

        Assert.Equal(new LocalDateTime(2024, 3, 31, 0, 30), zoned.LocalDateTime);
        Assert.Equal(Start + Duration.FromHours(1), clock.GetCurrentInstant());
    }
}
