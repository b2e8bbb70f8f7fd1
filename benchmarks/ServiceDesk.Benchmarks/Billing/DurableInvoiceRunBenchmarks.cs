using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using NodaTime;
using ServiceDesk.Billing;
using ServiceDesk.Storage.Sqlite;

namespace ServiceDesk.Benchmarks.Billing;

/// <summary>
/// The durable invoice run of 10,000 contracts for one month on a SQLite file (30,000 time entries over three months):
/// <see cref="DurableLedger.RunAsync(TenantId, YearMonth, Instant, CancellationToken)"/> (one read of the tenant's data,
/// 200 contracts per commit) against the naive baseline that runs each contract alone (its own reads, one transaction
/// per contract: <see cref="DurableLedger.RunAsync(Contract, YearMonth, Instant, CancellationToken)"/> in a loop), and the
/// idempotent rerun. Every iteration starts from a copy of the same seeded file.
/// </summary>
[MemoryDiagnoser]
public class DurableInvoiceRunBenchmarks
{
    private static readonly LocalDate From = new(2026, 1, 1);
    private static readonly YearMonth Month = new(2026, 3);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sd-bench-invoicerun-" + Guid.NewGuid().ToString("N"));
    private Contract[] _contracts = [];
    private string _seeded = string.Empty;
    private string _invoiced = string.Empty;
    private SqliteTicketStore? _store;

    /// <summary>Gets or sets the number of contracts.</summary>
    [Params(10_000)]
    public int Contracts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_folder);
        _contracts = BillingBenchmarkData.Contracts(Contracts, From);
        var entries = BillingBenchmarkData.Entries(_contracts, Contracts * 3, From, 3);
        _seeded = Path.Combine(_folder, "seeded.db");
        _invoiced = Path.Combine(_folder, "invoiced.db");
        using (var store = SqliteTicketStore.OpenAsync(_seeded).GetAwaiter().GetResult())
        {
            foreach (var e in entries)
            {
                store.AddTimeEntryAsync(e).GetAwaiter().GetResult();
            }
        }

        SqliteConnection.ClearAllPools();
        File.Copy(_seeded, _invoiced);
        using (var store = SqliteTicketStore.OpenAsync(_invoiced).GetAwaiter().GetResult())
        {
            new DurableLedger(store, _contracts).RunAsync(BillingBenchmarkData.Tenant, Month, BillingBenchmarkData.Now).GetAwaiter().GetResult();
        }

        SqliteConnection.ClearAllPools();
    }

    [IterationSetup(Targets = [nameof(PerContractRuns), nameof(DurableRun)])]
    public void FreshCopy() => _store = Open(_seeded);

    [IterationSetup(Target = nameof(DurableRerun))]
    public void InvoicedCopy() => _store = Open(_invoiced);

    [IterationCleanup]
    public void Close()
    {
        _store?.Dispose();
        _store = null;
        SqliteConnection.ClearAllPools();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Naive: each contract read and committed alone (four queries and one transaction per contract).</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> PerContractRuns()
    {
        var ledger = new DurableLedger(_store!, _contracts);
        var issued = 0;
        foreach (var c in _contracts)
        {
            issued += (await ledger.RunAsync(c, Month, BillingBenchmarkData.Now)).Outcome == InvoiceRunOutcome.Issued ? 1 : 0;
        }

        return issued;
    }

    /// <summary>The invoice run: one read of the tenant's entries, works, index and current invoices; 200 contracts per commit.</summary>
    [Benchmark]
    public async Task<int> DurableRun()
        => (await new DurableLedger(_store!, _contracts).RunAsync(BillingBenchmarkData.Tenant, Month, BillingBenchmarkData.Now)).Count(InvoiceRunOutcome.Issued);

    /// <summary>The same run again on a file where it already ran: every contract is unchanged, nothing is written.</summary>
    [Benchmark]
    public async Task<int> DurableRerun()
        => (await new DurableLedger(_store!, _contracts).RunAsync(BillingBenchmarkData.Tenant, Month, BillingBenchmarkData.Now)).Count(InvoiceRunOutcome.Unchanged);

    private SqliteTicketStore Open(string template)
    {
        var path = Path.Combine(_folder, "run-" + Guid.NewGuid().ToString("N") + ".db");
        File.Copy(template, path);
        return SqliteTicketStore.OpenAsync(path).GetAwaiter().GetResult();
    }
}
