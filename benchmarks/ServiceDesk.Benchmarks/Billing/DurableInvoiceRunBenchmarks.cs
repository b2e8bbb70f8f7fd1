using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Npgsql;
using NodaTime;
using ServiceDesk.Benchmarks.Engine;
using ServiceDesk.Billing;
using ServiceDesk.Storage.PostgreSql;
using ServiceDesk.Storage.Sqlite;

namespace ServiceDesk.Benchmarks.Billing;

/// <summary>
/// The durable invoice run of 10,000 contracts for one month (30,000 time entries over three months) on SQLite (a file) and
/// PostgreSQL (loopback; only when <c>SERVICEDESK_POSTGRES</c> is set):
/// <see cref="DurableLedger.RunAsync(TenantId, YearMonth, Instant, CancellationToken)"/> (one read of the tenant's data,
/// 200 contracts per commit) against the naive baseline that runs each contract alone (its own reads, one transaction
/// per contract: <see cref="DurableLedger.RunAsync(Contract, YearMonth, Instant, CancellationToken)"/> in a loop), and the
/// idempotent rerun. Every iteration starts from a copy of the same seeded database (SQLite: a copied file; PostgreSQL: a
/// database created from a template database).
/// </summary>
[MemoryDiagnoser]
public class DurableInvoiceRunBenchmarks
{
    private static readonly LocalDate From = new(2026, 1, 1);
    private static readonly YearMonth Month = new(2026, 3);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sd-bench-invoicerun-" + Guid.NewGuid().ToString("N"));
    private readonly string _templates = "bench_invoicerun_" + Guid.NewGuid().ToString("N")[..12];
    private Contract[] _contracts = [];
    private string _seeded = string.Empty;
    private string _invoiced = string.Empty;
    private IBillingStore? _store;
    private Action? _drop;

    /// <summary>Gets the adapters: SQLite, and PostgreSQL when <c>SERVICEDESK_POSTGRES</c> is set (otherwise a note is printed).</summary>
    /// <returns>The adapters.</returns>
    public static IEnumerable<string> Adapters() => EngineAdapters.Available().Where(a => a != EngineAdapters.InMemory);

    /// <summary>Gets or sets the adapter.</summary>
    [ParamsSource(nameof(Adapters))]
    public string Adapter { get; set; } = EngineAdapters.Sqlite;

    /// <summary>Gets or sets the number of contracts.</summary>
    [Params(10_000)]
    public int Contracts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _contracts = BillingBenchmarkData.Contracts(Contracts, From);
        var entries = BillingBenchmarkData.Entries(_contracts, Contracts * 3, From, 3);
        if (Adapter == EngineAdapters.Sqlite)
        {
            Directory.CreateDirectory(_folder);
            _seeded = Path.Combine(_folder, "seeded.db");
            _invoiced = Path.Combine(_folder, "invoiced.db");
            using (var store = SqliteTicketStore.OpenAsync(_seeded).GetAwaiter().GetResult())
            {
                Seed(store, entries);
            }

            SqliteConnection.ClearAllPools();
            File.Copy(_seeded, _invoiced);
            using (var store = SqliteTicketStore.OpenAsync(_invoiced).GetAwaiter().GetResult())
            {
                new DurableLedger(store, _contracts).RunAsync(BillingBenchmarkData.Tenant, Month, BillingBenchmarkData.Now).GetAwaiter().GetResult();
            }

            SqliteConnection.ClearAllPools();
            return;
        }

        // PostgreSQL: two template databases, seeded and invoiced; each iteration creates a database from one of them.
        var cs = Postgres();
        _seeded = _templates + "_seeded";
        _invoiced = _templates + "_invoiced";
        Execute(cs, $"CREATE DATABASE {_seeded}");
        using (var store = PostgreSqlTicketStore.OpenAsync(WithDatabase(cs, _seeded)).GetAwaiter().GetResult())
        {
            Seed(store, entries);
        }

        NpgsqlConnection.ClearAllPools();
        Execute(cs, $"CREATE DATABASE {_invoiced} TEMPLATE {_seeded}");
        using (var store = PostgreSqlTicketStore.OpenAsync(WithDatabase(cs, _invoiced)).GetAwaiter().GetResult())
        {
            new DurableLedger(store, _contracts).RunAsync(BillingBenchmarkData.Tenant, Month, BillingBenchmarkData.Now).GetAwaiter().GetResult();
        }

        NpgsqlConnection.ClearAllPools();
    }

    [IterationSetup(Targets = [nameof(PerContractRuns), nameof(DurableRun)])]
    public void FreshCopy() => Open(_seeded);

    [IterationSetup(Target = nameof(DurableRerun))]
    public void InvoicedCopy() => Open(_invoiced);

    [IterationCleanup]
    public void Close()
    {
        (_store as IDisposable)?.Dispose();
        _store = null;
        _drop?.Invoke();
        _drop = null;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Adapter == EngineAdapters.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
            return;
        }

        NpgsqlConnection.ClearAllPools();
        Execute(Postgres(), $"DROP DATABASE IF EXISTS {_invoiced} WITH (FORCE)");
        Execute(Postgres(), $"DROP DATABASE IF EXISTS {_seeded} WITH (FORCE)");
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

    /// <summary>The same run again on a database where it already ran: every contract is unchanged, nothing is written.</summary>
    [Benchmark]
    public async Task<int> DurableRerun()
        => (await new DurableLedger(_store!, _contracts).RunAsync(BillingBenchmarkData.Tenant, Month, BillingBenchmarkData.Now)).Count(InvoiceRunOutcome.Unchanged);

    private static void Seed(IBillingStore store, TimeEntry[] entries)
    {
        foreach (var chunk in entries.Chunk(IBillingStore.MaxEntriesPerAdd))
        {
            store.AddTimeEntriesAsync(chunk).GetAwaiter().GetResult();
        }
    }

    private void Open(string template)
    {
        if (Adapter == EngineAdapters.Sqlite)
        {
            var path = Path.Combine(_folder, "run-" + Guid.NewGuid().ToString("N") + ".db");
            File.Copy(template, path);
            _store = SqliteTicketStore.OpenAsync(path).GetAwaiter().GetResult();
            _drop = SqliteConnection.ClearAllPools;
            return;
        }

        var cs = Postgres();
        var name = "bench_run_" + Guid.NewGuid().ToString("N")[..16];
        Execute(cs, $"CREATE DATABASE {name} TEMPLATE {template}");
        _store = PostgreSqlTicketStore.OpenAsync(WithDatabase(cs, name)).GetAwaiter().GetResult();
        _drop = () =>
        {
            NpgsqlConnection.ClearAllPools();
            Execute(cs, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        };
    }

    private static string Postgres()
        => EngineAdapters.PostgresConnectionString ?? throw new InvalidOperationException($"{EngineAdapters.PostgresVariable} is not set.");

    private static string WithDatabase(string cs, string database)
        => new NpgsqlConnectionStringBuilder(cs) { Database = database }.ConnectionString;

    private static void Execute(string cs, string sql)
    {
        using var connection = new NpgsqlConnection(cs);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
