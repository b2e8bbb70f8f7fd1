using NodaTime;
using ServiceDesk.Events;
using static ServiceDesk.Analytics.Tests.TestData;

namespace ServiceDesk.Analytics.Tests.Statistics;

public sealed class TicketStatisticsTests
{
    /// <summary>The worked example of docs/analytics.md: four tickets in the week of Monday 2 March 2026 (UTC).</summary>
    internal static IReadOnlyList<IReadOnlyList<TicketEvent>> DocHistories() =>
    [
        // A: opened Monday 09:00, resolved Monday 11:00 by the first group, closed Wednesday.
        new History("A", Utc(2026, 3, 2, 9)).Assign(Utc(2026, 3, 2, 9), "desk").Resolve(Utc(2026, 3, 2, 11)).Close(Utc(2026, 3, 4, 9)).Events,
        // B: opened Monday 16:00, desk -> network -> desk (a ping-pong), resolved Tuesday 10:00.
        new History("B", Utc(2026, 3, 2, 16)).Assign(Utc(2026, 3, 2, 16), "desk").Assign(Utc(2026, 3, 2, 17), "network")
            .Assign(Utc(2026, 3, 3, 9), "desk").Resolve(Utc(2026, 3, 3, 10)).Events,
        // C: opened Tuesday 20:00, resolved Wednesday 10:00, reopened Wednesday 12:00, resolved again Thursday 12:00.
        new History("C", Utc(2026, 3, 3, 20)).Assign(Utc(2026, 3, 3, 20), "desk").Resolve(Utc(2026, 3, 4, 10))
            .Reopen(Utc(2026, 3, 4, 12)).Resolve(Utc(2026, 3, 5, 12)).Events,
        // D: opened Thursday 09:30, still open.
        new History("D", Utc(2026, 3, 5, 9, 30)).Assign(Utc(2026, 3, 5, 9, 30), "desk").Comment(Utc(2026, 3, 6, 9)).Events,
    ];

    [Fact]
    public void Compute_DocExample_AllFigures()
    {
        var r = TicketStatistics.Compute(DocHistories(), new TicketStatisticsOptions { Calendar = OfficeUtc });

        Assert.Equal(4, r.Tickets);
        Assert.Equal(3, r.Resolved);
        // Wall: A 2 h, B 18 h, C 40 h (to the final resolution).
        Assert.Equal(
            new DurationSummary(3, Duration.FromHours(20), Duration.FromHours(18), Duration.FromHours(40), Duration.FromHours(40), Duration.FromHours(2), Duration.FromHours(40)),
            r.ResolutionTime);
        // Business (Mon-Fri 09-17): A 2 h, B 1 h (Mon 16-17) + 1 h (Tue 09-10) = 2 h, C Wed 09-17 8 h + Thu 09-12 3 h = 11 h.
        Assert.Equal(
            new DurationSummary(3, Duration.FromMinutes(5 * 60), Duration.FromHours(2), Duration.FromHours(11), Duration.FromHours(11), Duration.FromHours(2), Duration.FromHours(11)),
            r.ResolutionBusinessTime);
        Assert.Equal((3, 1, 1), (r.ResolvedAtLeastOnce, r.ReopenedTickets, r.Reopens));
        Assert.Equal(1.0 / 3, r.ReopenRate);
        Assert.Equal(1, r.FirstContactResolutions);                // A only: B was reassigned, C reopened
        Assert.Equal(1.0 / 3, r.FirstContactResolutionRate);
        Assert.Equal((2, 1, 1, 1), (r.Reassignments, r.TicketsReassigned, r.PingPongs, r.TicketsWithPingPong));
        Assert.Equal(4, r.ArrivalsByHourOfWeek.Sum());
        Assert.Equal(1, r.ArrivalsByHourOfWeek[9]);                // Monday 09:00
        Assert.Equal(1, r.ArrivalsByHourOfWeek[16]);               // Monday 16:00
        Assert.Equal(1, r.ArrivalsByHourOfWeek[24 + 20]);          // Tuesday 20:00
        Assert.Equal(1, r.ArrivalsByHourOfWeek[(3 * 24) + 9]);     // Thursday 09:30
        Assert.Equal(
            [
                new BacklogDay(new LocalDate(2026, 3, 2), 1),          // A resolved; B open
                new BacklogDay(new LocalDate(2026, 3, 3), 1),          // B resolved; C open
                new BacklogDay(new LocalDate(2026, 3, 4), 1),          // C resolved and reopened
                new BacklogDay(new LocalDate(2026, 3, 5), 1),          // C resolved; D open
                new BacklogDay(new LocalDate(2026, 3, 6), 1),
            ],
            r.Backlog);
    }

    [Fact]
    public async Task ComputeAsync_SameAsCompute()
    {
        static async IAsyncEnumerable<IReadOnlyList<TicketEvent>> Stream()
        {
            foreach (var h in DocHistories())
            {
                await Task.Yield();
                yield return h;
            }
        }

        var options = new TicketStatisticsOptions { Calendar = OfficeUtc };
        var streamed = await TicketStatistics.ComputeAsync(Stream(), options);
        var inMemory = TicketStatistics.Compute(DocHistories(), options);

        Assert.Equal(inMemory with { ArrivalsByHourOfWeek = [], Backlog = [] }, streamed with { ArrivalsByHourOfWeek = [], Backlog = [] });
        Assert.Equal(inMemory.ArrivalsByHourOfWeek, streamed.ArrivalsByHourOfWeek);
        Assert.Equal(inMemory.Backlog, streamed.Backlog);
    }

    [Fact]
    public void Compute_NoHistories_DocumentedEmptyReport()
    {
        var r = TicketStatistics.Compute([], new TicketStatisticsOptions { Calendar = OfficeUtc });

        Assert.Equal(0, r.Tickets);
        Assert.Null(r.ResolutionTime);
        Assert.Null(r.ResolutionBusinessTime);
        Assert.Null(r.ReopenRate);
        Assert.Null(r.FirstContactResolutionRate);
        Assert.Equal(168, r.ArrivalsByHourOfWeek.Count);
        Assert.All(r.ArrivalsByHourOfWeek, n => Assert.Equal(0, n));
        Assert.Empty(r.Backlog);
    }

    [Fact]
    public void Compute_WithoutCalendar_NoBusinessFigures()
        => Assert.Null(TicketStatistics.Compute(DocHistories()).ResolutionBusinessTime);

    [Fact]
    public void Add_EmptyHistory_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => TicketStatistics.Compute([Array.Empty<TicketEvent>()]));

        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_EventsOutOfOrder_ThrowsNamingTicketAndEvent()
    {
        var events = new History("late", Utc(2026, 3, 2, 9)).Resolve(Utc(2026, 3, 2, 11)).Close(Utc(2026, 3, 2, 12)).Events;
        var swapped = new[] { events[0], events[2], events[1] };

        var ex = Assert.Throws<ArgumentException>(() => TicketStatistics.Compute([swapped]));

        Assert.Contains(TextPolicy.Echo(History.IdOf("late").ToString()), ex.Message, StringComparison.Ordinal);
        Assert.Contains("event 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_EarlierInstantWithLaterVersion_Throws()
    {
        var events = new History("clock", Utc(2026, 3, 2, 9)).Resolve(Utc(2026, 3, 2, 8)).Events;

        var ex = Assert.Throws<ArgumentException>(() => TicketStatistics.Compute([events]));

        Assert.Contains("before the previous event", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_NotStartingWithOpened_Throws()
    {
        var events = new History("x", Utc(2026, 3, 2, 9)).Resolve(Utc(2026, 3, 2, 10)).Events;

        Assert.Throws<ArgumentException>(() => TicketStatistics.Compute([events.Skip(1).ToArray()]));
    }

    [Fact]
    public void Add_BadHistory_CountsNothingOfIt()
    {
        var accumulator = new TicketStatisticsAccumulator();
        var events = new History("clock", Utc(2026, 3, 2, 9)).Resolve(Utc(2026, 3, 2, 8)).Events;

        Assert.Throws<ArgumentException>(() => accumulator.Add(events));

        Assert.Equal(0, accumulator.Count);
        Assert.Empty(accumulator.ToReport().Backlog);
    }

    [Fact]
    public void Compute_CalendarNeverOpenWhileHandled_BusinessTimeZeroNotAnError()
    {
        // A weekend ticket on a Monday-Friday calendar: handled entirely outside business hours.
        var weekend = new History("w", Utc(2026, 3, 7, 9)).Resolve(Utc(2026, 3, 7, 11)).Events;

        var r = TicketStatistics.Compute([weekend], new TicketStatisticsOptions { Calendar = OfficeUtc });

        Assert.Equal(Duration.Zero, r.ResolutionBusinessTime!.Max);
        Assert.Equal(Duration.FromHours(2), r.ResolutionTime!.Max);
    }

    [Fact]
    public void Options_StatusInTwoSets_Throws()
    {
        var options = new TicketStatisticsOptions();
        options.ClosedStatuses.Add(TicketStatus.Resolved);

        var ex = Assert.Throws<ArgumentException>(() => new TicketStatisticsAccumulator(options));

        Assert.Contains("'Resolved'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Canceled_LeavesBacklogUnresolved()
    {
        var canceled = new History("c", Utc(2026, 3, 2, 9)).Status(Utc(2026, 3, 3, 9), TicketStatus.Canceled).Events;

        var r = TicketStatistics.Compute([canceled]);

        Assert.Equal(0, r.Resolved);
        Assert.Equal(0, r.ResolvedAtLeastOnce);
        Assert.Equal([1, 0], r.Backlog.Select(d => d.Open));
    }

    [Fact]
    public void ClosedWithoutResolved_ResolvedAtClose_AndZoneDecidesDays()
    {
        var h = new History("z", Utc(2026, 3, 2, 23, 30)).Close(Utc(2026, 3, 3, 1)).Events;

        var r = TicketStatistics.Compute([h], new TicketStatisticsOptions { Zone = DateTimeZoneProviders.Tzdb["Europe/Berlin"] });

        Assert.Equal(Duration.FromMinutes(90), r.ResolutionTime!.Mean);
        // 00:30 and 02:00 on Tuesday in Berlin: one day, nothing open at its end.
        Assert.Equal([new BacklogDay(new LocalDate(2026, 3, 3), 0)], r.Backlog);
        Assert.Equal(1, r.ArrivalsByHourOfWeek[24]);
    }

    [Fact]
    public void ReopenedAndStillOpen_NotResolvedButCountedAsReopened()
    {
        var h = new History("r", Utc(2026, 3, 2, 9)).Resolve(Utc(2026, 3, 2, 10)).Reopen(Utc(2026, 3, 2, 11)).Events;

        var r = TicketStatistics.Compute([h]);

        Assert.Equal((0, 1, 1), (r.Resolved, r.ResolvedAtLeastOnce, r.ReopenedTickets));
        Assert.Equal(1.0, r.ReopenRate);
        Assert.Null(r.FirstContactResolutionRate);
    }
}
