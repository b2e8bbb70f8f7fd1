using BenchmarkDotNet.Attributes;
using Npgsql;
using NodaTime;
using ServiceDesk.Benchmarks.Engine;
using ServiceDesk.Billing;
using ServiceDesk.Storage.PostgreSql;

namespace ServiceDesk.Benchmarks.Billing;

/// <summary>
/// Invoice-number allocation throughput on PostgreSQL (loopback; only when <c>SERVICEDESK_POSTGRES</c> is set): 2,000
/// invoices of one tenant issued through <see cref="IBillingStore.CommitAsync"/>, each number taken in the transaction that
/// stores its document (gapless, no duplicates). The mean is per invoice (<c>OperationsPerInvoke</c>). Baseline: one instance
/// committing one invoice at a time. Then two instances (two stores, two connection pools, as two app processes) with four
/// writers each, one invoice per commit (every commit waits for the tenant's locked counter row); and two instances
/// committing 100 invoices per transaction (as <see cref="DurableLedger"/> batches them: the counter advances once per batch).
/// Every iteration uses a new tenant, so its series starts at 1; afterwards the series is checked gapless.
/// </summary>
[MemoryDiagnoser]
public class InvoiceNumberingBenchmarks
{
    /// <summary>Invoices per iteration.</summary>
    public const int Invoices = 2_000;

    private static readonly YearMonth Month = new(2026, 3);
    private readonly string _schema = "bench_numbers_" + Guid.NewGuid().ToString("N")[..12];
    private PostgreSqlTicketStore? _first;
    private PostgreSqlTicketStore? _second;
    private TenantId _tenant;
    private InvoiceCommit[] _commits = [];

    /// <summary>Gets the adapters: PostgreSQL only, when <c>SERVICEDESK_POSTGRES</c> is set (otherwise nothing runs and a note is printed).</summary>
    /// <returns>The adapters.</returns>
    public static IEnumerable<string> Adapters() => EngineAdapters.Available().Where(a => a == EngineAdapters.PostgreSql);

    /// <summary>Gets or sets the adapter.</summary>
    [ParamsSource(nameof(Adapters))]
    public string Adapter { get; set; } = EngineAdapters.PostgreSql;

    [GlobalSetup]
    public void Setup()
    {
        var cs = EngineAdapters.PostgresConnectionString ?? throw new InvalidOperationException($"{EngineAdapters.PostgresVariable} is not set.");
        _first = PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = cs + ";Application Name=instance-a", Schema = _schema }).GetAwaiter().GetResult();
        _second = PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = cs + ";Application Name=instance-b", Schema = _schema }).GetAwaiter().GetResult();
    }

    [IterationSetup]
    public void NewTenant()
    {
        _tenant = new TenantId("numbers-" + Guid.NewGuid().ToString("N")[..12]);
        var eur = Currency.Eur;
        var line = new InvoiceLine(InvoiceLineKind.TimeAndMaterials, "Support", 1m, "hour", new Money(100m, eur), new Money(100m, eur), 0.19m, new Money(19m, eur));
        _commits = [.. Enumerable.Range(0, Invoices).Select(i =>
        {
            var contract = new ContractOptions
            {
                Id = new ContractId($"C{i:D5}"),
                Tenant = _tenant,
                Client = new CustomerId("client"),
                ClientLegalName = "Client Ltd",
                Start = new LocalDate(2026, 1, 1),
                Zone = DateTimeZone.Utc,
                Currency = eur,
                Status = ContractStatus.Active,
                TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = new Money(100m, eur) },
            }.Build();
            return new InvoiceCommit(null, null, InvoiceDraft.ForInvoice(contract, Month, new LocalDate(2026, 3, 31), [line], [], []));
        })];
    }

    [IterationCleanup]
    public void CheckGapless()
    {
        var last = _first!.GetLastNumberAsync(_tenant, InvoiceDocumentKind.Invoice).GetAwaiter().GetResult();
        var listed = _first.ListDocumentsAsync(_tenant, InvoiceDocumentKind.Invoice, 0, IBillingStore.MaxList).GetAwaiter().GetResult();
        if (last != Invoices || listed.Count != Invoices || listed.Select((d, i) => d.Document.Number.Sequence != i + 1).Any(bad => bad))
        {
            throw new InvalidOperationException($"Tenant {_tenant}: last number {last}, {listed.Count} invoices listed; expected 1 to {Invoices} without gaps.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _first?.Dispose();
        _second?.Dispose();
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(EngineAdapters.PostgresConnectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        drop.ExecuteNonQuery();
    }

    /// <summary>One instance, one writer, one invoice per transaction.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Invoices)]
    public Task OneInstanceSerial() => WriteAsync([_first!], writersPerInstance: 1, perCommit: 1);

    /// <summary>Two instances, four writers each, one invoice per transaction.</summary>
    [Benchmark(OperationsPerInvoke = Invoices)]
    public Task TwoInstancesEightWriters() => WriteAsync([_first!, _second!], writersPerInstance: 4, perCommit: 1);

    /// <summary>Two instances, two writers each, 100 invoices per transaction (the ledger's way: one counter update per batch).</summary>
    [Benchmark(OperationsPerInvoke = Invoices)]
    public Task TwoInstancesBatched() => WriteAsync([_first!, _second!], writersPerInstance: 2, perCommit: 100);

    private Task WriteAsync(IBillingStore[] instances, int writersPerInstance, int perCommit)
    {
        var writers = instances.Length * writersPerInstance;
        var batches = _commits.Chunk(perCommit).ToArray();
        return Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var store = instances[w % instances.Length];
            for (var b = w; b < batches.Length; b += writers)
            {
                await store.CommitAsync(batches[b]);
            }
        })));
    }
}
