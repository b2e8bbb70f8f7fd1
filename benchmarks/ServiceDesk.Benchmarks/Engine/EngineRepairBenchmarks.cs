using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Testing;

namespace ServiceDesk.Benchmarks.Engine;

/// <summary>
/// SLA repair of open tickets on SQLite after the resolution target changed: each invocation switches the definitions
/// (8 h to 6 h, then back), so every ticket is repaired every time. <see cref="Repair_TicketByTicket"/> is the baseline (a
/// page of one ticket: one read, one history read and one transaction per ticket); <see cref="Repair"/> repairs 500
/// tickets per transaction. 10,000 tickets, so that the baseline runs in the same run; see
/// <see cref="EngineRepairAtScaleBenchmarks"/> for 100,000.
/// </summary>
[MemoryDiagnoser]
public class EngineRepairBenchmarks : EngineRepairBase
{
    /// <summary>Gets or sets the number of open tickets.</summary>
    [Params(10_000)]
    public int Count { get => Tickets; set => Tickets = value; }

    /// <summary>The baseline: one ticket per page, so one transaction per ticket.</summary>
    [Benchmark(Baseline = true)]
    public Task<SlaRepairProgress> Repair_TicketByTicket() => RunAsync(1);

    /// <summary>Pages of 500 tickets, each stored in one transaction.</summary>
    [Benchmark]
    public Task<SlaRepairProgress> Repair() => RunAsync(500);
}

/// <summary>The repair of <see cref="EngineRepairBenchmarks"/> on 100,000 open tickets (the baseline would take many
/// minutes per invocation here; it is measured on 10,000).</summary>
[MemoryDiagnoser]
public class EngineRepairAtScaleBenchmarks : EngineRepairBase
{
    /// <summary>Gets or sets the number of open tickets.</summary>
    [Params(100_000)]
    public int Count { get => Tickets; set => Tickets = value; }

    /// <summary>Pages of 500 tickets, each stored in one transaction.</summary>
    [Benchmark]
    public Task<SlaRepairProgress> Repair() => RunAsync(500);
}

/// <summary>The shared setup: the tickets, opened on a fresh SQLite file 1,000 per transaction.</summary>
public abstract class EngineRepairBase
{
    private readonly TestClock _clock = new(Instant.FromUtc(2026, 3, 2, 9, 0), Duration.FromMilliseconds(1));
    private readonly ServiceDeskEngineOptions _eight = EngineBenchmarkData.WithResolution(Duration.FromHours(8));
    private readonly ServiceDeskEngineOptions _six = EngineBenchmarkData.WithResolution(Duration.FromHours(6));
    private StoreLease _lease = null!;
    private bool _toSix = true;

    /// <summary>Gets or sets the number of open tickets.</summary>
    protected int Tickets { get; set; }

    /// <summary>Opens the tickets on a fresh SQLite file, 1,000 per transaction.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _lease = EngineAdapters.OpenEmptyAsync(EngineAdapters.Sqlite).GetAwaiter().GetResult();
        using var engine = new ServiceDeskEngine(_lease.Store, _clock, _eight);
        for (var opened = 0; opened < Tickets;)
        {
            var batch = engine.BeginBatch(EngineBenchmarkData.Tenant);
            for (var i = 0; i < 1_000 && opened < Tickets; i++, opened++)
            {
                batch.Engine.OpenTicketAsync(EngineBenchmarkData.Caller, EngineBenchmarkData.Incident).GetAwaiter().GetResult();
            }

            batch.CommitAsync().GetAwaiter().GetResult();
        }
    }

    /// <summary>Drops the store.</summary>
    [GlobalCleanup]
    public void Cleanup() => _lease.Dispose();

    /// <summary>Repairs every ticket with pages of <paramref name="pageSize"/>.</summary>
    /// <param name="pageSize">Tickets per page (and per transaction).</param>
    /// <returns>The totals.</returns>
    protected async Task<SlaRepairProgress> RunAsync(int pageSize)
    {
        using var engine = new ServiceDeskEngine(_lease.Store, _clock, _toSix ? _six : _eight);
        _toSix = !_toSix;
        var result = await engine.RepairSlasAsync(EngineBenchmarkData.Tenant, new SlaRepairOptions { PageSize = pageSize });
        return result.Repaired == Tickets ? result : throw new InvalidOperationException($"Repaired {result.Repaired} of {Tickets}.");
    }
}
