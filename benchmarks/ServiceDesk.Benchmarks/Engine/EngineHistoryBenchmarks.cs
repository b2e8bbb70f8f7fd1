using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using ServiceDesk.Testing;

namespace ServiceDesk.Benchmarks.Engine;

/// <summary>
/// The cost of a command on a ticket with a long history: a public agent comment on a ticket with 10 to 10,000 prior
/// events. <see cref="Comment"/> is the engine as shipped (it reads the ticket and its memory in one row);
/// <see cref="Comment_FromHistory"/> is the baseline, the same engine over a store that keeps no derived state, so every
/// command reads and folds the whole history (what the engine did before it kept a memory). The goal: the
/// 10,000-event command costs at most 1.2 times the 10-event one. Every iteration works on a fresh ticket given exactly
/// <see cref="PriorEvents"/> events in its setup (stored 1,000 per transaction), so the histories do not grow during a run;
/// one invocation (10 comments) per iteration.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class EngineHistoryBenchmarks
{
    private const int Comments = 10;

    private readonly TestClock _clock = new(Instant.FromUtc(2026, 3, 2, 9, 0), Duration.FromSeconds(1));
    private StoreLease _lease = null!;
    private ServiceDeskEngine _engine = null!;
    private ServiceDeskEngine _fromHistory = null!;
    private TicketId _ticket;

    /// <summary>Gets the adapters: in memory and SQLite.</summary>
    public static IEnumerable<string> Adapters => [EngineAdapters.InMemory, EngineAdapters.Sqlite];

    /// <summary>Gets or sets the adapter.</summary>
    [ParamsSource(nameof(Adapters))]
    public string Adapter { get; set; } = EngineAdapters.InMemory;

    /// <summary>Gets or sets the number of events on the ticket before the measured commands.</summary>
    [Params(10, 100, 1_000, 10_000)]
    public int PriorEvents { get; set; }

    /// <summary>Opens the store and the engines.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _lease = EngineAdapters.OpenEmptyAsync(Adapter).GetAwaiter().GetResult();
        _engine = new ServiceDeskEngine(_lease.Store, _clock, EngineBenchmarkData.CommandOptions);
        _fromHistory = new ServiceDeskEngine(new OriginalMembersTicketStore(_lease.Store), _clock, EngineBenchmarkData.CommandOptions);
    }

    /// <summary>Opens a fresh ticket and gives it its history (1,000 events per transaction where the store has batches).</summary>
    [IterationSetup]
    public void PrepareTicket()
    {
        var opened = _engine.OpenTicketAsync(EngineBenchmarkData.Caller, EngineBenchmarkData.Incident).GetAwaiter().GetResult();
        _ticket = opened.Ticket.Id;
        var events = opened.Ticket.Version;
        while (events < PriorEvents)
        {
            var batch = _lease.Store is ITicketBatchStore ? _engine.BeginBatch(EngineBenchmarkData.Tenant) : null;
            var target = batch?.Engine ?? _engine;
            for (var i = 0; i < 1_000 && events < PriorEvents; i++, events++)
            {
                target.CommentAsync(EngineBenchmarkData.Agent, _ticket, CommentVisibility.Internal, "note " + events).GetAwaiter().GetResult();
            }

            batch?.CommitAsync().GetAwaiter().GetResult();
        }
    }

    /// <summary>Disposes the engines and drops the store.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _fromHistory.Dispose();
        _lease.Dispose();
    }

    /// <summary>The baseline: every command reads and folds the whole history.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Comments)]
    public async Task<long> Comment_FromHistory() => await CommentAsync(_fromHistory);

    /// <summary>The shipped engine: one row read per command, whatever the history.</summary>
    [Benchmark(OperationsPerInvoke = Comments)]
    public async Task<long> Comment() => await CommentAsync(_engine);

    private async Task<long> CommentAsync(ServiceDeskEngine engine)
    {
        long last = 0;
        for (var i = 0; i < Comments; i++)
        {
            last = (await engine.CommentAsync(EngineBenchmarkData.Agent, _ticket, CommentVisibility.Public, "Looking into it.")).Ticket.Version;
        }

        return last;
    }
}
