using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Storage;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;

namespace ServiceDesk.Benchmarks.Engine;

/// <summary>
/// Command throughput of <see cref="ServiceDeskEngine"/> on each storage adapter: opening incidents, and transitions
/// (start, hold for the caller, resume) on freshly opened incidents. Every command validates, loads the ticket and its
/// history, decides with the workflow, evaluates the SLA clocks and appends the snapshot, the events, the next timer and
/// the outbox rows in one transaction. Figures are per command (<c>OperationsPerInvoke</c>). The baseline is the bare
/// store: the same appends built by hand (<see cref="TicketFactory"/>) without the engine's loading, deciding and
/// SLA evaluation, so the ratio reads as the engine's cost over the adapter's raw append.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class EngineCommandBenchmarks
{
    /// <summary>Commands per invocation of the open benchmarks.</summary>
    public const int Opens = 200;

    /// <summary>Tickets per invocation of the transition benchmarks (three transitions each).</summary>
    public const int Tickets = 100;

    private const int TransitionsPerTicket = 3;

    private readonly TestClock _clock = new(Instant.FromUtc(2026, 3, 2, 9, 0), Duration.FromSeconds(1));
    private StoreLease _lease = null!;
    private ServiceDeskEngine _engine = null!;
    private TicketFactory _factory = null!;
    private Ticket[] _raw = [];
    private TicketId[] _opened = [];

    /// <summary>Gets the adapters available here.</summary>
    public static IEnumerable<string> Adapters => EngineAdapters.Available();

    /// <summary>Gets or sets the adapter.</summary>
    [ParamsSource(nameof(Adapters))]
    public string Adapter { get; set; } = EngineAdapters.InMemory;

    /// <summary>Opens the store and the engine.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _lease = EngineAdapters.OpenEmptyAsync(Adapter).GetAwaiter().GetResult();
        _engine = new ServiceDeskEngine(_lease.Store, _clock, EngineBenchmarkData.CommandOptions);
        _factory = new TicketFactory(EngineBenchmarkData.Tenant, _clock);
    }

    /// <summary>Disposes the engine and drops the store.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _lease.Dispose();
    }

    /// <summary>Opens the tickets the next transition invocation works on, through the engine (not measured).</summary>
    [IterationSetup(Target = nameof(Transition))]
    public void OpenForTransitions()
    {
        _opened = new TicketId[Tickets];
        for (var i = 0; i < Tickets; i++)
        {
            _opened[i] = _engine.OpenTicketAsync(EngineBenchmarkData.Caller, EngineBenchmarkData.Incident).GetAwaiter().GetResult().Ticket!.Id;
        }
    }

    /// <summary>Opens the tickets the next raw transition invocation works on (not measured).</summary>
    [IterationSetup(Target = nameof(Transition_StoreOnly))]
    public void OpenForRawTransitions()
    {
        _raw = new Ticket[Tickets];
        for (var i = 0; i < Tickets; i++)
        {
            _raw[i] = _factory.OpenAsync(_lease.Store).GetAwaiter().GetResult();
        }
    }

    /// <summary>The bare store: allocate a number and append a hand-built <c>TicketOpened</c>.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Opens)]
    [BenchmarkCategory("Open")]
    public async Task<long> Open_StoreOnly()
    {
        long last = 0;
        for (var i = 0; i < Opens; i++)
        {
            last = (await _factory.OpenAsync(_lease.Store)).Version;
        }

        return last;
    }

    /// <summary><see cref="ServiceDeskEngine.OpenTicketAsync"/>: validate, number, priority, SLA policy, schedule, append.</summary>
    [Benchmark(OperationsPerInvoke = Opens)]
    [BenchmarkCategory("Open")]
    public async Task<long> OpenTicket()
    {
        long last = 0;
        for (var i = 0; i < Opens; i++)
        {
            last = (await _engine.OpenTicketAsync(EngineBenchmarkData.Caller, EngineBenchmarkData.Incident)).Ticket!.Version;
        }

        return last;
    }

    /// <summary>The bare store: three hand-built status changes per ticket, each appended at the known version.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Tickets * TransitionsPerTicket)]
    [BenchmarkCategory("Transition")]
    public async Task<long> Transition_StoreOnly()
    {
        long last = 0;
        foreach (var opened in _raw)
        {
            var t = (await _lease.Store.AppendAsync(_factory.ChangeStatus(opened, TicketStatus.InProgress))).Ticket;
            t = (await _lease.Store.AppendAsync(_factory.ChangeStatus(t, TicketStatus.OnHold, IncidentLifecycle.AwaitingCaller))).Ticket;
            t = (await _lease.Store.AppendAsync(_factory.ChangeStatus(t, TicketStatus.InProgress))).Ticket;
            last = t.Version;
        }

        return last;
    }

    /// <summary><see cref="ServiceDeskEngine.TransitionAsync"/>: Start, Hold (awaiting caller, pauses the SLA), Resume.</summary>
    [Benchmark(OperationsPerInvoke = Tickets * TransitionsPerTicket)]
    [BenchmarkCategory("Transition")]
    public async Task<long> Transition()
    {
        var agent = EngineBenchmarkData.Agent;
        long last = 0;
        foreach (var id in _opened)
        {
            Check(await _engine.TransitionAsync(agent, id, IncidentLifecycle.Start));
            Check(await _engine.TransitionAsync(agent, id, IncidentLifecycle.Hold, IncidentLifecycle.AwaitingCaller));
            last = Check(await _engine.TransitionAsync(agent, id, IncidentLifecycle.Resume));
        }

        return last;
    }

    private static long Check(CommandResult result) => result.Outcome == CommandOutcome.Applied
        ? result.Ticket!.Version
        : throw new InvalidOperationException($"The transition was {result.Outcome}: {string.Join("; ", result.UnmetGuards)}.");
}
