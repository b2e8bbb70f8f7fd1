using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;

namespace ServiceDesk.Notifications.Tests;

public sealed class OutboxDispatcherTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "servicedesk-notify-" + Guid.NewGuid().ToString("N"));
    private readonly TestClock _clock = new(TestClock.DefaultStart);
    private readonly TicketFactory _factory;

    public OutboxDispatcherTests()
    {
        _factory = new TicketFactory(new TenantId("acme"), _clock);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static OutboxDispatcherOptions Fast(Action<OutboxDispatcherOptions>? change = null)
    {
        var o = new OutboxDispatcherOptions { InitialBackoff = Duration.FromSeconds(10), MaxBackoff = Duration.FromMinutes(1), MaxAttempts = 3 };
        change?.Invoke(o);
        return o;
    }

    private async Task<SqliteTicketStore> SqliteAsync() => await SqliteTicketStore.OpenAsync(Path.Combine(_folder, "desk.db"));

    private async Task<Ticket> AppendAsync(ITicketStore store, TicketAppend append) => (await store.AppendAsync(append)).Ticket;

    [Fact]
    public async Task DispatchOnce_SqliteStore_DeliversEveryMessageInVersionOrderPerTicketAndCheckpoints()
    {
        await using var store = await SqliteAsync();
        var a = await AppendAsync(store, _factory.Open());
        var b = await AppendAsync(store, _factory.Open());
        await AppendAsync(store, _factory.AddComments(a, 3));
        await AppendAsync(store, _factory.AddComments(b, 2));
        var handler = new RecordingHandler();
        var dispatcher = new OutboxDispatcher(store, "mail", handler, _clock, Fast());

        var result = await dispatcher.DispatchOnceAsync();
        var again = await dispatcher.DispatchOnceAsync();

        Assert.Equal(new OutboxDispatchResult(7, 7, 0, 0, 0, 0), result);
        Assert.Equal(0, again.Claimed);
        foreach (var ticket in new[] { a.Id, b.Id })
        {
            var versions = handler.Calls.Where(c => c.Message.Event.Ticket == ticket).Select(c => c.Message.Event.Version).ToList();
            Assert.Equal(versions.Order(), versions);
        }

        Assert.Equal(handler.Positions.Max(), await store.GetOutboxCheckpointAsync("mail"));
    }

    [Fact]
    public async Task DispatchOnce_FailingMessage_BlocksOnlyItsTicket_BacksOffExponentially_ThenParks_AndReplays()
    {
        var store = new InMemoryTicketStore();
        var a = await AppendAsync(store, _factory.Open());
        await AppendAsync(store, _factory.AddComment(a));
        var b = await AppendAsync(store, _factory.Open());
        var poison = (await store.ReadOutboxAsync(10))[0].Position;
        var healthy = false;
        var handler = new RecordingHandler(d => d.Message.Position == poison && !healthy ? OutboxHandlerResult.Failed("HTTP 503") : OutboxHandlerResult.Delivered);
        var dispatcher = new OutboxDispatcher(store, "hooks", handler, _clock, Fast());
        _clock.AutoAdvance = Duration.Zero;

        var first = await dispatcher.DispatchOnceAsync();
        Assert.Equal(new OutboxDispatchResult(3, 1, 1, 0, 0, 1), first);
        Assert.Equal(b.Id, handler.Calls.Last().Message.Event.Ticket);

        _clock.Advance(Duration.FromSeconds(9));
        Assert.Equal(0, (await dispatcher.DispatchOnceAsync()).Claimed);
        _clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(new OutboxDispatchResult(2, 0, 1, 0, 0, 1), await dispatcher.DispatchOnceAsync());

        // The second failure waits twice as long (20 s); the third attempt is the last (MaxAttempts 3): parked, and the
        // ticket's next message goes on.
        _clock.Advance(Duration.FromSeconds(19));
        Assert.Equal(0, (await dispatcher.DispatchOnceAsync()).Claimed);
        _clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(new OutboxDispatchResult(2, 1, 0, 0, 1, 0), await dispatcher.DispatchOnceAsync());

        var parked = Assert.Single(await store.ListParkedAsync("hooks", 10));
        Assert.Equal((poison, 3, "HTTP 503"), (parked.Message.Position, parked.Attempts, parked.Error));
        Assert.Equal([poison, poison, poison], handler.Calls.Where(c => c.Message.Position == poison).Select(c => c.Message.Position));
        Assert.Equal([0, 1, 2], handler.Calls.Where(c => c.Message.Position == poison).Select(c => c.Attempts));

        healthy = true;
        Assert.Equal(1, await store.ReplayParkedAsync("hooks", [poison]));
        Assert.Equal(new OutboxDispatchResult(1, 1, 0, 0, 0, 0), await dispatcher.DispatchOnceAsync());
        Assert.Empty(await store.ListParkedAsync("hooks", 10));
    }

    [Fact]
    public async Task DispatchOnce_HandlerThrows_CountsAFailedAttemptWithTheExceptionMessage()
    {
        var store = new InMemoryTicketStore();
        await AppendAsync(store, _factory.Open());
        var handler = new RecordingHandler(_ => throw new InvalidOperationException("receiver exploded"));
        var dispatcher = new OutboxDispatcher(store, "c", handler, _clock, Fast(o => o.MaxAttempts = 1));

        var result = await dispatcher.DispatchOnceAsync();

        Assert.Equal(1, result.Parked);
        var parked = Assert.Single(await store.ListParkedAsync("c", 10));
        Assert.Equal("InvalidOperationException: receiver exploded", parked.Error);
    }

    [Fact]
    public async Task DispatchOnce_BusinessHoursNotification_IsHeldUntilDeliverAtWithoutAnAttempt()
    {
        var store = new InMemoryTicketStore();
        _clock.AutoAdvance = Duration.Zero;
        var a = await AppendAsync(store, _factory.Open());
        var opening = _clock.Now + Duration.FromHours(15);
        var escalated = new Escalated(a.Tenant, a.Id, a.Version + 1, _clock.Now, _factory.Actor, 1, EscalationKind.Notify, "lead") { DeliverAt = opening };
        var notified = await AppendAsync(store, _factory.Update(a, [escalated]));
        await AppendAsync(store, _factory.AddComment(notified));
        var handler = new RecordingHandler();
        var dispatcher = new OutboxDispatcher(store, "c", handler, _clock, Fast());

        Assert.Equal(new OutboxDispatchResult(3, 1, 0, 1, 0, 1), await dispatcher.DispatchOnceAsync());
        _clock.Advance(Duration.FromHours(15) - Duration.FromSeconds(1));
        Assert.Equal(0, (await dispatcher.DispatchOnceAsync()).Claimed);
        _clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(new OutboxDispatchResult(2, 2, 0, 0, 0, 0), await dispatcher.DispatchOnceAsync());

        var held = handler.Calls.Single(c => c.Message.Event is Escalated);
        Assert.Equal(0, held.Attempts);
        Assert.Equal([1L, 2, 3], handler.Calls.Select(c => c.Message.Event.Version));
    }

    [Fact]
    public async Task DispatchOnce_TwoConsumers_EachReceiveEveryMessage()
    {
        await using var store = await SqliteAsync();
        var a = await AppendAsync(store, _factory.Open());
        await AppendAsync(store, _factory.AddComments(a, 2));
        var mail = new RecordingHandler();
        var hooks = new RecordingHandler();

        await new OutboxDispatcher(store, "mail", mail, _clock).DispatchOnceAsync();
        await new OutboxDispatcher(store, "hooks", hooks, _clock).DispatchOnceAsync();

        Assert.Equal(3, mail.Calls.Count);
        Assert.Equal(mail.Positions, hooks.Positions);
    }

    [Fact]
    public async Task RunAsync_TwoInstancesOnOneSqliteFile_DeliverEachMessageOnceAndNeverConcurrently()
    {
        await using (var seed = await SqliteAsync())
        {
            for (var i = 0; i < 40; i++)
            {
                var t = await AppendAsync(seed, _factory.Open());
                await AppendAsync(seed, _factory.AddComment(t));
            }
        }

        await using var one = await SqliteAsync();
        await using var two = await SqliteAsync();
        var handler = new RecordingHandler(delay: TimeSpan.FromMilliseconds(2));
        using var cts = new CancellationTokenSource();
        var clock = SystemLikeClock();
        var runs = new[] { one, two }.Select(s => new OutboxDispatcher(s, "race", handler, clock, new OutboxDispatcherOptions { BatchSize = 7, PollInterval = Duration.FromMilliseconds(20) })
            .RunAsync(null, cts.Token)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (handler.Calls.Count < 80 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await cts.CancelAsync();
        await Task.WhenAll(runs);

        Assert.Equal(80, handler.Calls.Count);
        Assert.Equal(80, handler.Positions.Distinct().Count());
        Assert.Equal(0, handler.Overlaps);
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryFault()
    {
        var options = new OutboxDispatcherOptions
        {
            BatchSize = 0,
            MaxAttempts = 0,
            LeaseDuration = Duration.Zero,
            InitialBackoff = Duration.FromHours(2),
            MaxParallelTickets = 1_000,
        };

        var ex = Assert.Throws<ArgumentException>(() => new OutboxDispatcher(new InMemoryTicketStore(), "c", new RecordingHandler(), _clock, options));

        foreach (var field in new[] { "c.BatchSize: 0", "c.MaxAttempts: 0", "c.LeaseDuration", "c.InitialBackoff", "c.MaxParallelTickets: 1000" })
        {
            Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        }

        Assert.Throws<ArgumentException>(() => new OutboxDispatcher(new InMemoryTicketStore(), "no spaces", new RecordingHandler(), _clock));
    }

    /// <summary>A clock on the real timeline, read through the NodaTime interface (the dispatcher never reads the machine
    /// clock itself).</summary>
    private static IClock SystemLikeClock() => new ServiceDesk.Extensions.DependencyInjection.TimeProviderClock(TimeProvider.System);
}
