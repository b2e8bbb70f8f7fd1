using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Benchmarks.Workflow;
using ServiceDesk.Engine;
using ServiceDesk.Sla;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;
using ServiceDesk.Workflow.Replay;

namespace ServiceDesk.Benchmarks.Engine;

/// <summary>
/// The real ServiceNow incident log (UCI dataset 498) replayed through <see cref="ServiceDeskEngine"/> onto a store: the
/// first <see cref="Incidents"/> incidents, each opened with <see cref="ServiceDeskEngine.OpenTicketAsync"/> at its first
/// mapped event and moved with <see cref="ServiceDeskEngine.TransitionAsync"/> at every change of the mapped status (the
/// triggers of the tests' <c>UciIncidentMapping</c>, the clock set to the event's time). Every command is stored as in
/// production: snapshot, events, SLA schedule and outbox rows. Each iteration starts from an empty store (a new SQLite
/// file). Figures are per replay of the <see cref="Incidents"/> incidents; the setup prints the event and command counts
/// for events per second.
/// </summary>
[MemoryDiagnoser]
public class EngineReplayBenchmarks
{
    private static readonly ServiceDeskEngineOptions ReplayOptions = new(new Dictionary<TicketKind, WorkflowDefinition>
    {
        [TicketKind.Incident] = IncidentLifecycle.Create(UciIncidentMapping.Options),
    })
    {
        SlaPolicies = EngineBenchmarkData.CommandOptions.SlaPolicies,
    };

    private readonly TestClock _clock = new(Instant.FromUtc(2016, 1, 1, 0, 0));
    private UciEvent[] _events = [];
    private StoreLease _lease = null!;
    private ServiceDeskEngine _engine = null!;

    /// <summary>Gets the adapters available here (in-memory for reference: the engine's own cost).</summary>
    public static IEnumerable<string> Adapters => EngineAdapters.Available();

    /// <summary>Gets or sets the adapter.</summary>
    [ParamsSource(nameof(Adapters))]
    public string Adapter { get; set; } = EngineAdapters.Sqlite;

    /// <summary>Gets or sets how many incidents (from the start of the log) are replayed.</summary>
    [Params(1_000)]
    public int Incidents { get; set; }

    /// <summary>Reads the log and keeps the events of the first <see cref="Incidents"/> incidents; checks one replay.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var all = UciIncidentLog.Load(UciIncidentLog.DataPath());
        var count = 0;
        var end = all.Length;
        for (var i = 0; i < all.Length; i++)
        {
            if (all[i].StartsIncident && ++count > Incidents)
            {
                end = i;
                break;
            }
        }

        _events = all[..end];
        OpenStore();
        var counts = Replay().GetAwaiter().GetResult();
        CloseStore();
        Console.WriteLine($"// Replay of {Incidents:N0} incidents on {Adapter}: {_events.Length:N0} log events, {counts}");
        if (counts.Opened != Incidents || counts.Applied == 0)
        {
            throw new InvalidOperationException($"The replay opened {counts.Opened:N0} incidents; expected {Incidents:N0}.");
        }
    }

    /// <summary>Opens an empty store for the iteration.</summary>
    [IterationSetup]
    public void OpenStore()
    {
        _lease = EngineAdapters.OpenEmptyAsync(Adapter).GetAwaiter().GetResult();
        _engine = new ServiceDeskEngine(_lease.Store, _clock, ReplayOptions);
    }

    /// <summary>Drops the iteration's store.</summary>
    [IterationCleanup]
    public void CloseStore()
    {
        _engine.Dispose();
        _lease.Dispose();
    }

    /// <summary>Replays the incidents through the engine.</summary>
    [Benchmark]
    public async Task<EngineReplayCounts> Replay()
    {
        int opened = 0, updates = 0, unmapped = 0, applied = 0, rejected = 0;
        Ticket? ticket = null;
        foreach (var e in _events)
        {
            if (e.StartsIncident)
            {
                ticket = null;
            }

            if (e.Status is not { } status)
            {
                unmapped++;
                continue;
            }

            _clock.Reset(e.At);
            if (ticket is null)
            {
                _clock.Reset(e.OpenedAt < e.At ? e.OpenedAt : e.At);
                ticket = (await _engine.OpenTicketAsync(EngineBenchmarkData.Caller, EngineBenchmarkData.Incident)).Ticket!;
                opened++;
                _clock.Reset(e.At);
                if (status == TicketStatus.New)
                {
                    continue;
                }
            }

            if (ticket.Status == status && ticket.HoldReason == e.Reason)
            {
                updates++;
                continue;
            }

            var (trigger, context) = UciIncidentMapping.Decide(ticket, status, e.Reason, e.Actor, e.At, e.At);
            var result = await _engine.TransitionAsync(
                new CommandContext(EngineBenchmarkData.Tenant, e.Actor), ticket.Id, trigger, context.Reason, context.Notes);
            if (result.Outcome == CommandOutcome.Applied)
            {
                applied++;
                ticket = result.Ticket!;
            }
            else
            {
                rejected++;
            }
        }

        return new EngineReplayCounts(opened, updates, unmapped, applied, rejected);
    }
}

/// <summary>What an engine replay did.</summary>
/// <param name="Opened">Incidents opened.</param>
/// <param name="Updates">Log events that did not change the mapped status (no command).</param>
/// <param name="Unmapped">Log events in the unknown state, skipped.</param>
/// <param name="Applied">Transitions applied.</param>
/// <param name="Rejected">Transitions the lifecycle refused (the engine's ticket then stays where it is).</param>
public readonly record struct EngineReplayCounts(int Opened, int Updates, int Unmapped, int Applied, int Rejected);
