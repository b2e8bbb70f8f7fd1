using System.Collections.Concurrent;
using NodaTime;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Per-consumer outbox delivery (<see cref="IOutboxDeliveryStore"/>): checkpoints, leases, per-ticket order,
/// retries, deferrals, parking and replay.</content>
public abstract partial class SchedulingStoreConformanceTests
{
    private static readonly Duration DeliveryLease = Duration.FromMinutes(1);

    /// <summary>Gets the store under test as an <see cref="IOutboxDeliveryStore"/>.</summary>
    /// <exception cref="InvalidOperationException">The store does not implement it.</exception>
    protected IOutboxDeliveryStore Deliveries => Store as IOutboxDeliveryStore
        ?? throw new InvalidOperationException($"{Store.GetType().FullName} does not implement IOutboxDeliveryStore; every shipped adapter does.");

    /// <summary>A new consumer leases every message, replays none twice, in position order, with no attempts and the lease
    /// it asked for.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Delivery_NewConsumer_LeasesEveryMessageInPositionOrder()
    {
        var factory = Factory(NewTenant());
        var a = await AppendAsync(factory.Open());
        var b = await AppendAsync(factory.Open());
        await AppendAsync(factory.AddComments(a, 2));
        await AppendAsync(factory.AddComment(b));
        var expected = await ReadOutboxAsync(factory.Tenant);
        var now = Clock.Now;

        var claimed = await Deliveries.ClaimOutboxAsync("conformance", now, IOutboxDeliveryStore.MaxClaim, DeliveryLease);

        Assert.Equal(expected, claimed.Select(d => d.Message));
        Assert.All(claimed, d => Assert.Equal((0, now + DeliveryLease, "conformance"), (d.Attempts, d.LeaseExpiresAt, d.Consumer)));
        Assert.Equal(claimed.Count, claimed.Select(d => d.LeaseToken).Distinct().Count());
        Assert.Empty(await Deliveries.ClaimOutboxAsync("conformance", now, IOutboxDeliveryStore.MaxClaim, DeliveryLease));
    }

    /// <summary>Each named consumer sees every message: delivering to one leaves the other's state alone.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Delivery_TwoConsumers_EachReceiveEveryMessage()
    {
        var factory = Factory(NewTenant());
        var a = await AppendAsync(factory.Open());
        await AppendAsync(factory.AddComments(a, 3));

        var first = await Deliveries.ClaimOutboxAsync("webhooks", Clock.Now, 100, DeliveryLease);
        Assert.Equal(4, await Deliveries.SettleOutboxAsync("webhooks", [.. first.Select(OutboxSettlement.Delivered)], Clock.Now));
        var second = await Deliveries.ClaimOutboxAsync("email", Clock.Now, 100, DeliveryLease);

        Assert.Equal(first.Select(d => d.Message), second.Select(d => d.Message));
        Assert.Empty(await Deliveries.ClaimOutboxAsync("webhooks", Clock.Now + Duration.FromDays(2), 100, DeliveryLease));
        Assert.Equal(first[^1].Message.Position, await Deliveries.GetOutboxCheckpointAsync("webhooks"));
        Assert.Equal(0, await Deliveries.GetOutboxCheckpointAsync("email"));
    }

    /// <summary>A lease holds until it expires; then the message is claimable again with a new token, and a settlement with
    /// the old token is ignored.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Delivery_ExpiredLease_IsClaimedAgainAndTheStaleSettlementIsIgnored()
    {
        var factory = Factory(NewTenant());
        await AppendAsync(factory.Open());
        var now = Clock.Now;

        var first = Assert.Single(await Deliveries.ClaimOutboxAsync("c1", now, 10, DeliveryLease));
        Assert.Empty(await Deliveries.ClaimOutboxAsync("c1", now + DeliveryLease - Duration.FromSeconds(1), 10, DeliveryLease));
        var second = Assert.Single(await Deliveries.ClaimOutboxAsync("c1", now + DeliveryLease, 10, DeliveryLease));

        Assert.Equal(first.Message, second.Message);
        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
        Assert.Equal(0, await Deliveries.SettleOutboxAsync("c1", [OutboxSettlement.Delivered(first)], now));
        Assert.Equal(1, await Deliveries.SettleOutboxAsync("c1", [OutboxSettlement.Delivered(second)], now));
        Assert.Empty(await Deliveries.ClaimOutboxAsync("c1", now + Duration.FromDays(1), 10, DeliveryLease));
    }

    /// <summary>A failed message blocks the later messages of its ticket (and only of its ticket) until its retry is due;
    /// then the ticket's messages come again in version order, the failed one with one attempt counted.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Delivery_FailedMessage_BlocksOnlyItsTicketUntilTheRetryIsDue()
    {
        var factory = Factory(NewTenant());
        var a = await AppendAsync(factory.Open());
        var b = await AppendAsync(factory.Open());
        await AppendAsync(factory.AddComments(a, 2));
        var now = Clock.Now;
        var claimed = await Deliveries.ClaimOutboxAsync("c", now, 100, DeliveryLease);
        var ofA = claimed.Where(d => d.Message.Event.Ticket == a.Id).ToList();
        var retryAt = now + Duration.FromMinutes(10);

        await Deliveries.SettleOutboxAsync(
            "c",
            [OutboxSettlement.Failed(ofA[0], retryAt, "HTTP 500"), .. ofA.Skip(1).Select(OutboxSettlement.Released), .. claimed.Where(d => d.Message.Event.Ticket == b.Id).Select(OutboxSettlement.Delivered)],
            now);
        await AppendAsync(factory.AddComment(b));

        var beforeDue = await Deliveries.ClaimOutboxAsync("c", retryAt - Duration.FromSeconds(1), 100, DeliveryLease);
        Assert.All(beforeDue, d => Assert.Equal(b.Id, d.Message.Event.Ticket));
        Assert.Single(beforeDue);
        var atDue = await Deliveries.ClaimOutboxAsync("c", retryAt, 100, DeliveryLease);
        Assert.Equal(ofA.Select(d => d.Message), atDue.Select(d => d.Message));
        Assert.Equal([1, 0, 0], atDue.Select(d => d.Attempts));
    }

    /// <summary>A deferred message waits until its delivery instant without an attempt counted, blocking its ticket.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Delivery_DeferredMessage_WaitsWithoutCountingAnAttempt()
    {
        var factory = Factory(NewTenant());
        var a = await AppendAsync(factory.Open());
        await AppendAsync(factory.AddComment(a));
        var now = Clock.Now;
        var claimed = await Deliveries.ClaimOutboxAsync("c", now, 100, DeliveryLease);
        var deliverAt = now + Duration.FromHours(12);

        await Deliveries.SettleOutboxAsync("c", [OutboxSettlement.Deferred(claimed[0], deliverAt), OutboxSettlement.Released(claimed[1])], now);

        Assert.Empty(await Deliveries.ClaimOutboxAsync("c", deliverAt - Duration.FromSeconds(1), 100, DeliveryLease));
        var due = await Deliveries.ClaimOutboxAsync("c", deliverAt, 100, DeliveryLease);
        Assert.Equal(claimed.Select(d => d.Message), due.Select(d => d.Message));
        Assert.All(due, d => Assert.Equal(0, d.Attempts));
    }

    /// <summary>A parked message unblocks its ticket, is listed with its attempts, error and instant, and a replay makes
    /// it claimable again at once with its attempts reset; delivered, it leaves the list.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Delivery_ParkedMessage_IsListedAndReplayed()
    {
        var factory = Factory(NewTenant());
        var a = await AppendAsync(factory.Open());
        await AppendAsync(factory.AddComment(a));
        var now = Clock.Now;
        var claimed = await Deliveries.ClaimOutboxAsync("ops", now, 100, DeliveryLease);

        await Deliveries.SettleOutboxAsync("ops", [OutboxSettlement.Parked(claimed[0], "HTTP 400 bad payload"), OutboxSettlement.Released(claimed[1])], now);
        var next = Assert.Single(await Deliveries.ClaimOutboxAsync("ops", now, 100, DeliveryLease));
        await Deliveries.SettleOutboxAsync("ops", [OutboxSettlement.Delivered(next)], now);
        var parked = Assert.Single(await Deliveries.ListParkedAsync("ops", 100));

        Assert.Equal(claimed[1].Message, next.Message);
        Assert.Equal(new ParkedOutboxMessage("ops", claimed[0].Message, 1, now, "HTTP 400 bad payload"), parked);
        Assert.Empty(await Deliveries.ListParkedAsync("ops", 100, parked.Message.Position));
        Assert.Empty(await Deliveries.ListParkedAsync("other", 100));
        Assert.Equal(claimed[1].Message.Position, await Deliveries.GetOutboxCheckpointAsync("ops"));
        Assert.Equal(0, await Deliveries.ReplayParkedAsync("ops", [next.Message.Position, 999_999_999]));
        Assert.Equal(1, await Deliveries.ReplayParkedAsync("ops", [parked.Message.Position, parked.Message.Position]));

        var replayed = Assert.Single(await Deliveries.ClaimOutboxAsync("ops", now, 100, DeliveryLease));
        Assert.Equal((claimed[0].Message, 0), (replayed.Message, replayed.Attempts));
        Assert.Equal(1, await Deliveries.SettleOutboxAsync("ops", [OutboxSettlement.Delivered(replayed)], now));
        Assert.Empty(await Deliveries.ListParkedAsync("ops", 100));
        Assert.Empty(await Deliveries.ClaimOutboxAsync("ops", now + Duration.FromDays(1), 100, DeliveryLease));
    }

    /// <summary>Messages appended after the checkpoint passed everything are claimed; a claim returns at most the count
    /// asked for, oldest first; while a ticket's earlier messages are leased its later ones wait.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Delivery_MessagesAfterTheCheckpoint_AreClaimedUpToMaxCount()
    {
        var factory = Factory(NewTenant());
        var a = await AppendAsync(factory.Open());
        var first = await Deliveries.ClaimOutboxAsync("c", Clock.Now, 100, DeliveryLease);
        await Deliveries.SettleOutboxAsync("c", [.. first.Select(OutboxSettlement.Delivered)], Clock.Now);

        await AppendAsync(factory.AddComments(a, 5));
        var two = await Deliveries.ClaimOutboxAsync("c", Clock.Now, 2, DeliveryLease);
        var whileLeased = await Deliveries.ClaimOutboxAsync("c", Clock.Now, 100, DeliveryLease);
        await Deliveries.SettleOutboxAsync("c", [.. two.Select(OutboxSettlement.Delivered)], Clock.Now);
        var rest = await Deliveries.ClaimOutboxAsync("c", Clock.Now, 100, DeliveryLease);

        Assert.Equal([2L, 3], two.Select(d => d.Message.Event.Version));
        Assert.Empty(whileLeased);
        Assert.Equal([4L, 5, 6], rest.Select(d => d.Message.Event.Version));
    }

    /// <summary>Racing claimers of one consumer never lease the same message while its lease runs, and together lease every
    /// message once.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Delivery_ConcurrentClaimers_LeaseEveryMessageExactlyOnce()
    {
        var factory = Factory(NewTenant());
        for (var i = 0; i < 60; i++)
        {
            await AppendAsync(factory.Open());
        }

        var now = Clock.Now;
        var seen = new ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, ConcurrentClaimers).Select(_ => Task.Run(async () =>
        {
            for (var round = 0; round < 30; round++)
            {
                foreach (var d in await Deliveries.ClaimOutboxAsync("race", now, 7, DeliveryLease))
                {
                    seen.Add(d.Message.Position);
                }
            }
        })));

        Assert.Equal(60, seen.Count);
        Assert.Equal(60, seen.Distinct().Count());
    }

    /// <summary>Claimers that settle what they claimed at once, racing each other (so checkpoints advance and delivered
    /// records are cleaned up while other claims run), still lease every message exactly once.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Delivery_ConcurrentClaimAndSettle_LeaseEveryMessageExactlyOnce()
    {
        var factory = Factory(NewTenant());
        for (var i = 0; i < 40; i++)
        {
            var t = await AppendAsync(factory.Open());
            await AppendAsync(factory.AddComment(t));
        }

        var now = Clock.Now;
        var seen = new ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, ConcurrentClaimers).Select(_ => Task.Run(async () =>
        {
            for (var round = 0; round < 40; round++)
            {
                var claimed = await Deliveries.ClaimOutboxAsync("settling", now, 3, DeliveryLease);
                foreach (var d in claimed)
                {
                    seen.Add(d.Message.Position);
                }

                await Deliveries.SettleOutboxAsync("settling", [.. claimed.Select(OutboxSettlement.Delivered)], now);
            }
        })));

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(80, seen.Count);
    }

    /// <summary>Bad arguments throw before anything changes, naming the bad value.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Delivery_BadArguments_Throw()
    {
        var now = Clock.Now;
        var name = await Assert.ThrowsAsync<ArgumentException>(() => Deliveries.ClaimOutboxAsync("bad name!", now, 1, DeliveryLease));
        Assert.Contains("bad name!", name.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => Deliveries.ClaimOutboxAsync(new string('x', 101), now, 1, DeliveryLease));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Deliveries.ClaimOutboxAsync("c", now, 0, DeliveryLease));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Deliveries.ClaimOutboxAsync("c", now, 1_001, DeliveryLease));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Deliveries.ClaimOutboxAsync("c", now, 1, Duration.Zero));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Deliveries.SettleOutboxAsync("c", null!, now));
        await Assert.ThrowsAsync<ArgumentException>(() => Deliveries.SettleOutboxAsync("c", [new OutboxSettlement(1, Guid.NewGuid(), OutboxOutcome.Failed, null, null)], now));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Deliveries.ListParkedAsync("c", 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Deliveries.ListParkedAsync("c", 1, -1));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Deliveries.ReplayParkedAsync("c", null!));
    }
}
