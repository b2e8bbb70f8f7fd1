using NodaTime;
using ServiceDesk.Events;
using static ServiceDesk.Billing.Tests.TestData;

namespace ServiceDesk.Billing.Tests;

public class CsatAggregatorTests
{
    private static readonly Instant T = Instant.FromUtc(2026, 3, 1, 12, 0);

    [Fact]
    public void Aggregate_ByAgent_LatestRatingPerTicketCounts()
    {
        CsatRating[] ratings =
        [
            new(Ticket(1), 2, T) { Agent = Alice },
            new(Ticket(1), 5, T + Duration.FromHours(1)) { Agent = Alice },
            new(Ticket(2), 4, T) { Agent = Alice },
            new(Ticket(3), 1, T) { Agent = Bob },
            new(Ticket(4), 3, T),
        ];

        var summaries = CsatAggregator.Aggregate(ratings, CsatGrouping.Agent);

        Assert.Equal([null, "alice", "bob"], summaries.Select(s => s.Key));
        var alice = summaries[1];
        Assert.Equal((2, 4.5m, 1m), (alice.Count, alice.Average, alice.SatisfiedShare));
        Assert.Equal([0, 0, 0, 1, 1], alice.Distribution);
        Assert.Equal((1m, 0m), (summaries[2].Average, summaries[2].SatisfiedShare));
    }

    [Fact]
    public void Aggregate_ByGroupAndContract_FromEvents()
    {
        var rated = new SatisfactionRated(Tenant, Ticket(7), 3, T, Actor.System, 4);
        var rating = CsatRating.FromEvent(rated, Alice, new GroupId("l1"), new ContractId("C-1"));

        Assert.Equal("l1", CsatAggregator.Aggregate([rating], CsatGrouping.Group).Single().Key);
        Assert.Equal("C-1", CsatAggregator.Aggregate([rating], CsatGrouping.Contract).Single().Key);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CsatRating(Ticket(1), 6, T));
        Assert.Throws<ArgumentOutOfRangeException>(() => CsatAggregator.Aggregate([], (CsatGrouping)9));
    }
}
