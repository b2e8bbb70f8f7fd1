using System.Collections.Concurrent;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>The outbox.</content>
public abstract partial class SchedulingStoreConformanceTests
{
    /// <summary>Every appended event is in the outbox once, equal to the appended event, in append order, with positions
    /// that strictly increase.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Outbox_AppendedEvents_AreReadOnceInPositionOrder()
    {
        var factory = Factory(NewTenant());
        var appended = new List<TicketEvent>();
        async Task<Ticket> AddAsync(TicketAppend append)
        {
            appended.AddRange(append.Events);
            return await AppendAsync(append);
        }

        var a1 = await AddAsync(factory.Open());
        var b1 = await AddAsync(WithSchedule(factory.Open(TicketKind.Change), TimerAt(Clock.Now, "timer")));
        var a2 = await AddAsync(factory.ChangeStatus(a1, TicketStatus.InProgress));
        await AddAsync(factory.AddComments(b1, 4));
        await AddAsync(factory.LogTime(a2, Clock.Now, NodaTime.Duration.FromMinutes(15)));

        var messages = await ReadOutboxAsync(factory.Tenant);

        Assert.Equal(appended, messages.Select(m => m.Event));
        Assert.Equal(appended.Count, messages.Select(m => m.Position).Distinct().Count());
    }

    /// <summary>Within one ticket, positions increase with the version, across appends and within one append.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Outbox_PositionsOfOneTicket_IncreaseWithVersion()
    {
        var factory = Factory(NewTenant());
        var other = Factory(NewTenant());
        var v1 = await AppendAsync(factory.Open());
        var o1 = await AppendAsync(other.Open());
        var v4 = await AppendAsync(factory.AddComments(v1, 3));
        await AppendAsync(other.AddComment(o1));
        await AppendAsync(factory.AddComment(v4));

        var messages = await ReadOutboxAsync(factory.Tenant);

        Assert.Equal([1L, 2, 3, 4, 5], messages.Select(m => m.Event.Version));
        Assert.All(messages, m => Assert.Equal(v1.Id, m.Event.Ticket));
    }

    /// <summary>Reads return at most the requested count, the oldest first; unacknowledged messages are read again.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Outbox_Read_ReturnsOldestUpToMaxCountAndRepeatsUntilAcknowledged()
    {
        var factory = Factory(NewTenant());
        var v1 = await AppendAsync(factory.Open());
        await AppendAsync(factory.AddComments(v1, 4));
        var all = await ReadOutboxAsync(factory.Tenant);

        var firstTwo = await Outbox.ReadOutboxAsync(2, factory.Tenant);
        var again = await Outbox.ReadOutboxAsync(2, factory.Tenant);

        Assert.Equal(5, all.Count);
        Assert.Equal(all.Take(2), firstTwo);
        Assert.Equal(firstTwo, again);
        Assert.Equal(all, await ReadOutboxAsync(factory.Tenant));
    }

    /// <summary>Acknowledging removes messages and returns how many this call acknowledged; unknown, repeated and already
    /// acknowledged positions are ignored.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Outbox_Acknowledge_RemovesMessagesAndCountsOnlyNewOnes()
    {
        var factory = Factory(NewTenant());
        var v1 = await AppendAsync(factory.Open());
        var v5 = await AppendAsync(factory.AddComments(v1, 4));
        var all = await ReadOutboxAsync(factory.Tenant);
        var p = all.Select(m => m.Position).ToList();

        Assert.Equal(2, await Outbox.AcknowledgeOutboxAsync([p[0], p[1], p[1]]));
        Assert.Equal(all.Skip(2), await ReadOutboxAsync(factory.Tenant));
        Assert.Equal(1, await Outbox.AcknowledgeOutboxAsync([p[0], p[3], long.MaxValue, long.MinValue, p[^1] + 1_000_000]));
        Assert.Equal([all[2], all[4]], await ReadOutboxAsync(factory.Tenant));
        Assert.Equal(0, await Outbox.AcknowledgeOutboxAsync([]));
        Assert.Equal(2, await Outbox.AcknowledgeOutboxAsync([p[2], p[4]]));
        Assert.Empty(await ReadOutboxAsync(factory.Tenant));
        Assert.Equal(0, await Outbox.AcknowledgeOutboxAsync(p));

        var v6 = await AppendAsync(factory.AddComment(v5));
        var next = Assert.Single(await ReadOutboxAsync(factory.Tenant));
        Assert.Equal(6, next.Event.Version);
        Assert.True(next.Position > p[^1]);
        Assert.Equal(6, v6.Version);
    }

    /// <summary>A tenant's read returns only its messages, and acknowledging them leaves other tenants' messages.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Outbox_TenantFilter_ReadsOnlyThatTenant()
    {
        var a = Factory(NewTenant());
        var b = Factory(NewTenant());
        var a1 = await AppendAsync(a.Open());
        var b1 = await AppendAsync(b.Open());
        await AppendAsync(a.AddComment(a1));
        await AppendAsync(b.AddComments(b1, 2));

        var ofA = await ReadOutboxAsync(a.Tenant);
        var ofB = await ReadOutboxAsync(b.Tenant);

        Assert.Equal(2, ofA.Count);
        Assert.Equal(3, ofB.Count);
        Assert.Equal(2, await Outbox.AcknowledgeOutboxAsync([.. ofA.Select(m => m.Position)]));
        Assert.Empty(await ReadOutboxAsync(a.Tenant));
        Assert.Equal(ofB, await ReadOutboxAsync(b.Tenant));
        Assert.Empty(await ReadOutboxAsync(NewTenant()));
    }

    /// <summary>A read for every tenant returns messages of several tenants by position: whatever other tests left in a
    /// shared store, every message of this test's tenants up to the last position returned is there.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Outbox_ReadForEveryTenant_ReturnsAllTenantsByPosition()
    {
        var a = Factory(NewTenant());
        var b = Factory(NewTenant());
        var a1 = await AppendAsync(a.Open());
        await AppendAsync(b.Open());
        await AppendAsync(a.AddComment(a1));
        var mine = (await ReadOutboxAsync(a.Tenant)).Concat(await ReadOutboxAsync(b.Tenant)).OrderBy(m => m.Position).ToList();

        var every = await Outbox.ReadOutboxAsync(IOutboxStore.MaxRead);

        AssertIncreasingPositions(every);
        var last = every.Count == IOutboxStore.MaxRead ? every[^1].Position : long.MaxValue;
        var expected = mine.Where(m => m.Position <= last).ToList();
        Assert.Equal(expected, every.Where(m => m.Event.Tenant == a.Tenant || m.Event.Tenant == b.Tenant));
        if (every.Count < IOutboxStore.MaxRead)
        {
            Assert.Equal(3, expected.Count);
        }
    }

    /// <summary>A replayed idempotent append, an append rejected as a conflict and an invalid append add nothing to the
    /// outbox.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Outbox_ReplayedConflictingOrRejectedAppend_AddsNothing()
    {
        var factory = Factory(NewTenant());
        var v1 = await AppendAsync(factory.Open());
        var change = factory.ChangeStatus(v1, TicketStatus.InProgress, idempotencyKey: "start");
        var v2 = await AppendAsync(change);
        var before = await ReadOutboxAsync(factory.Tenant);

        Assert.True((await Store.AppendAsync(change)).IsReplay);
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.AppendAsync(factory.AddComment(v1)));
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.AppendAsync(factory.Open(configure: t => t with { Id = v1.Id })));
        var renumbered = factory.AddComment(v2);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync(new TicketAppend(
            renumbered.Ticket with { Number = new TicketNumber(TicketKind.Incident, 999) }, renumbered.Events, renumbered.ExpectedVersion)));

        Assert.Equal(before, await ReadOutboxAsync(factory.Tenant));
        Assert.Equal(2, before.Count);
    }

    /// <summary>Concurrent writers on different tickets: every event is in the outbox once, with unique positions, and each
    /// ticket's events in version order.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Outbox_ConcurrentAppends_EveryEventOnceInVersionOrderPerTicket()
    {
        const int AppendsPerWriter = 10;
        var factory = Factory(NewTenant());
        var appended = new ConcurrentBag<TicketEvent>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, Math.Max(2, Concurrency)).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            var open = factory.Open();
            var current = (await Store.AppendAsync(open)).Ticket;
            open.Events.ToList().ForEach(appended.Add);
            for (var i = 0; i < AppendsPerWriter; i++)
            {
                var next = factory.AddComment(current);
                current = (await Store.AppendAsync(next)).Ticket;
                next.Events.ToList().ForEach(appended.Add);
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(writers);

        var messages = await ReadOutboxAsync(factory.Tenant);

        Assert.Equal(appended.Count, messages.Count);
        Assert.Equal(
            appended.OrderBy(e => e.Ticket.Value).ThenBy(e => e.Version).ToList(),
            messages.Select(m => m.Event).OrderBy(e => e.Ticket.Value).ThenBy(e => e.Version).ToList());
        foreach (var ticket in messages.GroupBy(m => m.Event.Ticket))
        {
            Assert.Equal(Enumerable.Range(1, AppendsPerWriter + 1).Select(v => (long)v), ticket.Select(m => m.Event.Version));
        }
    }

    /// <summary>Out-of-range counts, too many positions, a null list and a default tenant are rejected with the documented
    /// exceptions, and acknowledge nothing.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Outbox_BadArguments_ThrowDocumentedExceptions()
    {
        var factory = Factory(NewTenant());
        await AppendAsync(factory.Open());
        var messages = await ReadOutboxAsync(factory.Tenant);
        var tooMany = Enumerable.Range(0, IOutboxStore.MaxRead).Select(i => (long)i + long.MaxValue / 2).Append(messages[0].Position).ToList();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Outbox.ReadOutboxAsync(0, factory.Tenant));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Outbox.ReadOutboxAsync(-1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Outbox.ReadOutboxAsync(IOutboxStore.MaxRead + 1, factory.Tenant));
        await Assert.ThrowsAsync<ArgumentException>(() => Outbox.ReadOutboxAsync(1, default(TenantId)));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Outbox.AcknowledgeOutboxAsync(null!));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Outbox.AcknowledgeOutboxAsync(tooMany));

        Assert.Equal(messages, await ReadOutboxAsync(factory.Tenant));
        Assert.Equal(1, await Outbox.AcknowledgeOutboxAsync(tooMany.Skip(1).ToList()));
    }
}
