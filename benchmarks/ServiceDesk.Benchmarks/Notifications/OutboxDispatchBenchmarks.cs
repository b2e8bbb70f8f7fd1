using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using NodaTime;
using ServiceDesk.Notifications;
using ServiceDesk.Storage;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;

namespace ServiceDesk.Benchmarks.Notifications;

/// <summary>
/// Dispatcher throughput on SQLite: every message of an outbox of <see cref="Messages"/> messages (half as many tickets,
/// two events each) delivered to a handler that does nothing, so the figure is the cost of claiming, ordering and
/// settling. Each invocation uses a new consumer name, which starts at checkpoint 0 and so sees the whole outbox.
/// </summary>
/// <remarks>The baseline is the naive dispatcher: one message per claim and one settlement per message (two write
/// transactions per message), as a loop over "take the next message, deliver it, mark it" would do. Both use the same
/// store contract, so the ratio is what batching claims and settlements buys.</remarks>
[MemoryDiagnoser]
public class OutboxDispatchBenchmarks
{
    private static readonly Instant Base = Instant.FromUtc(2026, 3, 2, 9, 0);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sd-bench-outbox-" + Guid.NewGuid().ToString("N"));
    private SqliteTicketStore _store = null!;
    private int _consumer;

    /// <summary>Gets or sets the number of outbox messages.</summary>
    [Params(2_000)]
    public int Messages { get; set; }

    /// <summary>Builds the SQLite file with its outbox.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        Directory.CreateDirectory(_folder);
        _store = await SqliteTicketStore.OpenAsync(Path.Combine(_folder, "desk.db"));
        var factory = new TicketFactory(new TenantId("bench"), new TestClock(Base, Duration.FromSeconds(1)));
        for (var i = 0; i < Messages / 2; i++)
        {
            var opened = (await _store.AppendAsync(factory.Open())).Ticket;
            await _store.AppendAsync(factory.AddComment(opened));
        }
    }

    /// <summary>Deletes the file.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The naive dispatcher: claim one, settle one.</summary>
    /// <returns>The messages delivered.</returns>
    [Benchmark(Baseline = true)]
    public async Task<int> OneMessagePerTransaction()
    {
        var consumer = "naive-" + Interlocked.Increment(ref _consumer);
        var delivered = 0;
        while (true)
        {
            var claimed = await _store.ClaimOutboxAsync(consumer, Base, 1, Duration.FromMinutes(5));
            if (claimed.Count == 0)
            {
                return Check(delivered);
            }

            delivered += await _store.SettleOutboxAsync(consumer, [OutboxSettlement.Delivered(claimed[0])], Base);
        }
    }

    /// <summary>The dispatcher: batches of 500 claimed and settled in one transaction each.</summary>
    /// <returns>The messages delivered.</returns>
    [Benchmark]
    public async Task<int> Dispatcher()
    {
        var consumer = "dispatcher-" + Interlocked.Increment(ref _consumer);
        var dispatcher = new OutboxDispatcher(_store, consumer, NoOp.Instance, new TestClock(Base), new OutboxDispatcherOptions { BatchSize = 500 });
        var delivered = 0;
        while (true)
        {
            var result = await dispatcher.DispatchOnceAsync();
            if (result.Claimed == 0)
            {
                return Check(delivered);
            }

            delivered += result.Delivered;
        }
    }

    private int Check(int delivered)
        => delivered == Messages ? delivered : throw new InvalidOperationException($"Delivered {delivered} of {Messages} messages.");

    private sealed class NoOp : IOutboxHandler
    {
        public static readonly NoOp Instance = new();

        public ValueTask<OutboxHandlerResult> HandleAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
            => ValueTask.FromResult(OutboxHandlerResult.Delivered);
    }
}
