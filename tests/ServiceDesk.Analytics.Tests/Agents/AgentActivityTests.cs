using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using ServiceDesk.Events;
using static ServiceDesk.Analytics.Tests.TestData;

namespace ServiceDesk.Analytics.Tests.Agents;

public sealed class AgentActivityTests
{
    private static readonly AgentId Ann = new("ann");
    private static readonly AgentId Bob = new("bob");

    private static AgentActivityReport Run(AgentActivityOptions? options, params History[] tickets)
    {
        var accumulator = new AgentActivityAccumulator(options);
        foreach (var t in tickets)
        {
            accumulator.Add(t.Events);
        }

        return accumulator.ToReport();
    }

    private static AgentMonthLoad Row(AgentActivityReport report, AgentId agent, int year, int month)
        => Assert.Single(report.Load, r => r.Agent == agent && r.Month == new YearMonth(year, month));

    /// <summary>A ticket assigned to Ann in January, reassigned to Bob in February and resolved by him in March: open at the
    /// end of January for Ann and of February for Bob; assigned once each; resolved once, by Bob, in March.</summary>
    [Fact]
    public void Load_AssignedReassignedResolved_CountsEachMonthForTheRightAgent()
    {
        var t = new History("t1", Utc(2026, 1, 10, 9))
            .AssignAgent(Utc(2026, 1, 10, 10), "desk", "ann")
            .AssignAgent(Utc(2026, 1, 20, 10), "desk", "ann") // again in the same month: still one ticket
            .AssignAgent(Utc(2026, 2, 5, 10), "desk", "bob")
            .Resolve(Utc(2026, 3, 3, 12));

        var report = Run(null, t);

        Assert.Equal(1, report.Tickets);
        Assert.Equal(new AgentMonthLoad(Ann, new YearMonth(2026, 1), 1, 0, 1, Duration.Zero, Duration.Zero, null, null), Row(report, Ann, 2026, 1));
        Assert.Equal((1, 0, 1), (Row(report, Bob, 2026, 2).TicketsAssigned, Row(report, Bob, 2026, 2).TicketsResolved, Row(report, Bob, 2026, 2).OpenAtMonthEnd));
        Assert.Equal((0, 1, 0), (Row(report, Bob, 2026, 3).TicketsAssigned, Row(report, Bob, 2026, 3).TicketsResolved, Row(report, Bob, 2026, 3).OpenAtMonthEnd));
        Assert.Equal(3, report.Load.Count);
    }

    /// <summary>Reopened and resolved again: two resolutions; no month-end count while resolved; a month end at the exact
    /// instant of a reassignment belongs to the previous assignee.</summary>
    [Fact]
    public void Load_ReopenAndBoundaryInstant_CountedOnce()
    {
        var t = new History("t2", Utc(2026, 1, 5, 9))
            .AssignAgent(Utc(2026, 1, 5, 9), "desk", "ann")
            .Resolve(Utc(2026, 1, 25, 9))
            .Reopen(Utc(2026, 2, 10, 9))
            .AssignAgent(Utc(2026, 3, 1, 0), "desk", "bob") // exactly the end of February (UTC)
            .Resolve(Utc(2026, 3, 2, 9));

        var report = Run(null, t);

        Assert.Equal(0, Row(report, Ann, 2026, 1).OpenAtMonthEnd); // resolved on the 25th
        Assert.Equal(1, Row(report, Ann, 2026, 1).TicketsResolved);
        Assert.Equal(1, Row(report, Ann, 2026, 2).OpenAtMonthEnd);
        Assert.Equal((1, 1, 0), (Row(report, Bob, 2026, 3).TicketsAssigned, Row(report, Bob, 2026, 3).TicketsResolved, Row(report, Bob, 2026, 3).OpenAtMonthEnd));
    }

    /// <summary>Logged time goes to the month its work started (in the zone), billable apart; utilisation is over the
    /// calendar's working time of that month: 2026-01 has 22 weekdays of 8 h = 176 h in the office calendar.</summary>
    [Fact]
    public void Load_TimeLoggedAndUtilisation_ByStartMonthAgainstTheCalendar()
    {
        var t = new History("t3", Utc(2026, 1, 30, 9))
            .AssignAgent(Utc(2026, 1, 30, 9), "desk", "ann")
            .LogTime(Utc(2026, 2, 2, 9), "ann", Utc(2026, 1, 31, 22), Duration.FromHours(4))
            .LogTime(Utc(2026, 2, 2, 9), "ann", Utc(2026, 2, 2, 8), Duration.FromHours(2), billable: false);

        var report = Run(new AgentActivityOptions { Calendar = OfficeUtc }, t);

        var january = Row(report, Ann, 2026, 1);
        Assert.Equal(Duration.FromHours(4), january.TimeLogged);
        Assert.Equal(Duration.FromHours(4), january.BillableTimeLogged);
        Assert.Equal(Duration.FromHours(176), january.WorkingTime);
        Assert.Equal(4.0 / 176, january.Utilisation!.Value, 12);
        var february = Row(report, Ann, 2026, 2);
        Assert.Equal((Duration.FromHours(2), Duration.Zero), (february.TimeLogged, february.BillableTimeLogged));
        Assert.Equal(Duration.FromHours(160), february.WorkingTime); // 20 weekdays

        // In a zone 3 hours ahead, the entry started 2026-01-31T22:00Z falls in February.
        var ahead = Run(new AgentActivityOptions { Zone = DateTimeZoneProviders.Tzdb["Europe/Moscow"] }, t);
        Assert.Equal(Duration.FromHours(6), Row(ahead, Ann, 2026, 2).TimeLogged);
        Assert.Null(Row(ahead, Ann, 2026, 2).Utilisation);
    }

    /// <summary>CSAT per month of rating and per agent assigned when rated: mean, share of 4 and 5, counts per score.</summary>
    [Fact]
    public void Csat_ByMonthAndByAgent()
    {
        var t1 = new History("c1", Utc(2026, 1, 2, 9)).AssignAgent(Utc(2026, 1, 2, 9), "desk", "ann").Resolve(Utc(2026, 1, 3, 9)).Rate(Utc(2026, 1, 4, 9), 5);
        var t2 = new History("c2", Utc(2026, 1, 2, 9)).AssignAgent(Utc(2026, 1, 2, 9), "desk", "ann").Resolve(Utc(2026, 1, 3, 9)).Rate(Utc(2026, 1, 4, 9), 2);
        var t3 = new History("c3", Utc(2026, 1, 2, 9)).AssignAgent(Utc(2026, 1, 2, 9), "desk", "bob").Resolve(Utc(2026, 2, 3, 9)).Rate(Utc(2026, 2, 4, 9), 4);
        var t4 = new History("c4", Utc(2026, 1, 2, 9)).Resolve(Utc(2026, 2, 3, 9)).Rate(Utc(2026, 2, 4, 9), 1);

        var report = Run(null, t1, t2, t3, t4);

        var january = Assert.Single(report.CsatByMonth, m => m.Month == new YearMonth(2026, 1)).Figures;
        Assert.Equal(2, january.Ratings);
        Assert.Equal(3.5, january.MeanScore);
        Assert.Equal(0.5, january.SatisfiedShare);
        Assert.Equal([0, 1, 0, 0, 1], january.ScoreCounts);
        var february = Assert.Single(report.CsatByMonth, m => m.Month == new YearMonth(2026, 2)).Figures;
        Assert.Equal((2, 2.5, 0.5), (february.Ratings, february.MeanScore, february.SatisfiedShare));
        Assert.Equal([Ann, Bob], report.CsatByAgent.Select(a => a.Agent));
        Assert.Equal((2, 3.5), (report.CsatByAgent[0].Figures.Ratings, report.CsatByAgent[0].Figures.MeanScore));
        Assert.Equal(1, report.UnattributedRatings);
    }

    /// <summary>The worked example of docs/analytics.md ("Agent load and CSAT trends").</summary>
    internal static History[] DocHistories() =>
    [
        new History("d1", Utc(2026, 1, 10, 9))
            .AssignAgent(Utc(2026, 1, 10, 10), "desk", "ann")
            .LogTime(Utc(2026, 1, 12, 12), "ann", Utc(2026, 1, 12, 9), Duration.FromHours(3))
            .AssignAgent(Utc(2026, 2, 5, 10), "desk", "bob")
            .LogTime(Utc(2026, 2, 10, 14), "bob", Utc(2026, 2, 10, 9), Duration.FromHours(4))
            .LogTime(Utc(2026, 2, 10, 15), "bob", Utc(2026, 2, 10, 14), Duration.FromHours(1), billable: false)
            .Resolve(Utc(2026, 3, 3, 12))
            .Rate(Utc(2026, 3, 4, 9), 4),
        new History("d2", Utc(2026, 2, 2, 9))
            .AssignAgent(Utc(2026, 2, 2, 9), "desk", "ann")
            .LogTime(Utc(2026, 2, 2, 11), "ann", Utc(2026, 2, 2, 9), Duration.FromHours(2))
            .Resolve(Utc(2026, 2, 2, 11))
            .Rate(Utc(2026, 2, 3, 9), 2),
        new History("d3", Utc(2026, 3, 2, 9))
            .AssignAgent(Utc(2026, 3, 2, 9), "desk", "bob")
            .Resolve(Utc(2026, 3, 2, 10))
            .Rate(Utc(2026, 3, 2, 12), 5),
    ];

    [Fact]
    public void Empty_NoHistories_EmptyReport()
    {
        var report = new AgentActivityAccumulator().ToReport();
        Assert.Equal(0, report.Tickets);
        Assert.Empty(report.Load);
        Assert.Empty(report.CsatByMonth);
        Assert.Empty(report.CsatByAgent);
    }

    [Fact]
    public void BadInput_ClearErrors_NothingCounted()
    {
        var accumulator = new AgentActivityAccumulator();
        var ex = Assert.Throws<ArgumentException>(() => accumulator.Add([]));
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
        var events = new History("bad", Utc(2026, 1, 2, 9)).AssignAgent(Utc(2026, 1, 2, 10), "desk", "ann").Events;
        var swapped = new List<TicketEvent> { events[0], events[1] with { At = Utc(2026, 1, 1, 9) } };
        ex = Assert.Throws<ArgumentException>(() => accumulator.Add(swapped));
        Assert.Contains("before the previous event", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, accumulator.Count);
        Assert.Throws<ArgumentNullException>(() => accumulator.Add(null!));

        var options = new AgentActivityOptions();
        options.CanceledStatuses.Add(TicketStatus.Resolved);
        ex = Assert.Throws<ArgumentException>(() => new AgentActivityAccumulator(options));
        Assert.Contains("'Resolved' is both resolved and canceled", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new AgentActivityAccumulator(new AgentActivityOptions { Zone = null! }));
    }

    /// <summary>Every resolution is counted once, for the agent assigned at that moment or nobody; every rating once per
    /// month; the month-end counts equal a naive check of every month end of the history.</summary>
    [Fact]
    public void Property_CountsAgreeWithANaiveWalk()
    {
        var agents = new[] { "ann", "bob", null };
        var step = Gen.Choose(0, 3).SelectMany(kind => Gen.Choose(1, 40 * 24).SelectMany(hours => Gen.Elements(agents).SelectMany(agent => Gen.Choose(1, 5).Select(score => (kind, hours, agent, score)))));
        Prop.ForAll(Arb.From(Gen.ListOf(step)), steps =>
        {
            var at = Utc(2026, 1, 15, 9);
            var t = new History("p", at);
            var open = true;
            foreach (var (kind, hours, agent, score) in steps.Take(30))
            {
                at += Duration.FromHours(hours);
                switch (kind)
                {
                    case 0 when agent is not null: t.AssignAgent(at, "desk", agent); break;
                    case 1 when open: t.Resolve(at); open = false; break;
                    case 2 when !open: t.Reopen(at); open = true; break;
                    case 3: t.Rate(at, score); break;
                }
            }

            var report = Run(null, t);
            var naive = NaiveOpenAtMonthEnds(t.Events);
            var resolutions = t.Events.OfType<StatusChanged>().Count(s => s.To == TicketStatus.Resolved);
            var attributed = report.Load.Sum(r => r.TicketsResolved);
            var ratings = t.Events.OfType<SatisfactionRated>().Count();
            return report.Load.Sum(r => r.OpenAtMonthEnd) == naive
                && attributed <= resolutions
                && report.CsatByMonth.Sum(m => m.Figures.Ratings) == ratings
                && report.CsatByAgent.Sum(a => a.Figures.Ratings) + report.UnattributedRatings == ratings;
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>For each month end up to the last event, the assignee and state as of that instant (events at the instant
    /// included), counted when assigned and open.</summary>
    private static int NaiveOpenAtMonthEnds(IReadOnlyList<TicketEvent> events)
    {
        var count = 0;
        var first = events[0].At.InUtc().Date;
        for (var month = new YearMonth(first.Year, first.Month); ; month = month.PlusMonths(1))
        {
            var end = month.PlusMonths(1).OnDayOfMonth(1).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
            if (end > events[^1].At)
            {
                return count;
            }

            AgentId? agent = null;
            var open = true;
            foreach (var e in events.Where(e => e.At < end))
            {
                switch (e)
                {
                    case Assigned a: agent = a.Agent; break;
                    case StatusChanged s: open = s.To != TicketStatus.Resolved; break;
                }
            }

            if (agent is not null && open)
            {
                count++;
            }
        }
    }
}
