using FsCheck.Xunit;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Analytics.Tests.Compliance;
using static ServiceDesk.Analytics.Tests.TestData;

namespace ServiceDesk.Analytics.Tests.Statistics;

public sealed class FirstResponseTests
{
    [Fact]
    public void Compute_SlaDocTickets_FirstResponseWallAndBusiness()
    {
        var r = TicketStatistics.Compute(SlaComplianceTests.DocTickets().Select(t => t.History), new TicketStatisticsOptions { Calendar = OfficeUtc });

        // A 30 min, B 17 h 30 min (business 1 h 30 min), C 15 min, E 20 min (assigned to an agent), H 10 min;
        // D (internal note only, canceled), F and G (nothing) have none.
        Assert.Equal(5, r.Responded);
        Assert.Equal(
            new DurationSummary(5, Duration.FromMinutes(225), Duration.FromMinutes(20), Duration.FromMinutes(1050), Duration.FromMinutes(1050), Duration.FromMinutes(10), Duration.FromMinutes(1050)),
            r.FirstResponseTime);
        Assert.Equal(
            new DurationSummary(5, Duration.FromMinutes(33), Duration.FromMinutes(20), Duration.FromMinutes(90), Duration.FromMinutes(90), Duration.FromMinutes(10), Duration.FromMinutes(90)),
            r.FirstResponseBusinessTime);
    }

    [Fact]
    public void Compute_OnlyTheFirstResponseCounts_AndNonResponsesAreIgnored()
    {
        var h = new History("x", Utc(2026, 3, 2, 9))
            .Assign(Utc(2026, 3, 2, 9, 5), "desk")            // a group queue: not a response
            .Note(Utc(2026, 3, 2, 9, 10))                     // internal: not a response
            .Comment(Utc(2026, 3, 2, 9, 15))                  // public but by the system: not a response
            .Resolve(Utc(2026, 3, 2, 9, 20))                  // a status change: not a response
            .Reopen(Utc(2026, 3, 2, 9, 30))
            .Reply(Utc(2026, 3, 2, 10))                       // the first response: 1 h
            .AssignAgent(Utc(2026, 3, 2, 10, 30), "desk", "bob")
            .Events;
        var r = TicketStatistics.Compute([h]);

        Assert.Equal(1, r.Responded);
        Assert.Equal(Duration.FromHours(1), r.FirstResponseTime!.Max);
        Assert.Null(r.FirstResponseBusinessTime);             // no calendar
    }

    [Fact]
    public void Compute_ResponseAtTheOpeningInstant_IsZero()
    {
        var h = new History("z", Utc(2026, 3, 2, 9)).AssignAgent(Utc(2026, 3, 2, 9), "desk", "ann").Events;
        Assert.Equal(Duration.Zero, TicketStatistics.Compute([h]).FirstResponseTime!.Max);
    }

    [Fact]
    public void Compute_NoResponses_NullSummaries()
    {
        var r = TicketStatistics.Compute([new History("n", Utc(2026, 3, 2, 9)).Events], new TicketStatisticsOptions { Calendar = OfficeUtc });
        Assert.Equal(0, r.Responded);
        Assert.Null(r.FirstResponseTime);
        Assert.Null(r.FirstResponseBusinessTime);
    }

    [Property(Arbitrary = [typeof(SlaHistoryArbitraries)], MaxTest = 150)]
    public bool FirstResponse_MatchesNaiveLinq_AndBusinessNeverExceedsWall(SlaHistorySet set)
    {
        var firsts = set.Histories
            .Select(h => (Opened: h[0].At, First: h.Skip(1).FirstOrDefault(e =>
                e is CommentAdded { Visibility: CommentVisibility.Public, Actor.Kind: ActorKind.Agent } or Assigned { Agent: not null })))
            .Where(x => x.First is not null)
            .ToList();
        var r = TicketStatistics.Compute(set.Histories, new TicketStatisticsOptions { Calendar = OfficeBerlin });
        return r.Responded == firsts.Count
            && r.FirstResponseTime == DurationSummary.Of(firsts.Select(x => x.First!.At - x.Opened))
            && r.FirstResponseBusinessTime == DurationSummary.Of(firsts.Select(x => OfficeBerlin.BusinessTimeBetween(x.Opened, x.First!.At)))
            && (r.FirstResponseTime is null || r.FirstResponseBusinessTime!.Max <= r.FirstResponseTime.Max);
    }
}
