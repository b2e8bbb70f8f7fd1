using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Billing;

namespace ServiceDesk.Benchmarks.Billing;

/// <summary>
/// Invoice generation for 10,000 contracts for one month (20 entries per contract, three months of history):
/// LINQ GroupBy plus statements as the baseline, a first run through <see cref="InvoiceLedger"/> (validation,
/// numbering, bookkeeping) per contract and as one batch from the flat entries, and an idempotent rerun.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class InvoiceGenerationBenchmarks
{
    private static readonly LocalDate From = new(2026, 1, 1);
    private static readonly YearMonth Month = new(2026, 3);
    private Contract[] _contracts = [];
    private TimeEntry[] _entries = [];
    private TimeEntry[][] _byContract = [];
    private Dictionary<ContractId, Contract> _byId = [];
    private InvoiceLedger _filled = null!;

    /// <summary>Gets or sets the number of contracts.</summary>
    [Params(10_000)]
    public int Contracts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _contracts = BillingBenchmarkData.Contracts(Contracts, From);
        _entries = BillingBenchmarkData.Entries(_contracts, Contracts * 20 * 3, From, 3);
        _byId = _contracts.ToDictionary(c => c.Id);
        var index = _contracts.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i);
        _byContract = _entries.GroupBy(e => index[e.Contract]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        _filled = IssueAll();
    }

    /// <summary>
    /// Naive: LINQ GroupBy by contract, then every month's statement up to the invoiced one (lines and totals) per
    /// contract, keeping the last; no ledger.
    /// </summary>
    [Benchmark(Baseline = true)]
    public long LinqGroupByStatements()
        => _entries
            .GroupBy(e => e.Contract)
            .Select(g => BillingCalculator.CalculateMonths(_byId[g.Key], Month, g, null, BillingBenchmarkData.Now)[^1])
            .Sum(s => s.Total.ToMinorUnits());

    /// <summary>The month's statement per contract through <see cref="BillingCalculator.CalculateMonth"/> (earlier months carry balances only); no ledger.</summary>
    [Benchmark]
    public long CalculateMonthPerContract()
    {
        long total = 0;
        for (var i = 0; i < _contracts.Length; i++)
        {
            total += BillingCalculator.CalculateMonth(_contracts[i], Month, _byContract[i], null, BillingBenchmarkData.Now).Total.ToMinorUnits();
        }

        return total;
    }

    /// <summary>Issues 10,000 invoices through a new ledger with gapless numbering.</summary>
    [Benchmark]
    public int IssueInvoices() => IssueAll().Documents.Count;

    /// <summary>
    /// Issues 10,000 invoices through a new ledger from the flat list of entries, as the baseline gets them:
    /// <see cref="InvoiceLedger.InvoiceAll"/> groups them by contract once.
    /// </summary>
    [Benchmark]
    public int IssueInvoicesBatch() => new InvoiceLedger(new InMemoryInvoiceNumberSequence()).InvoiceAll(_contracts, Month, _entries, null, BillingBenchmarkData.Now).Count;

    /// <summary>Reruns invoicing on a ledger that already holds the invoices: every run is <see cref="InvoiceRunOutcome.Unchanged"/>.</summary>
    [Benchmark]
    public int RerunIdempotent()
    {
        var unchanged = 0;
        for (var i = 0; i < _contracts.Length; i++)
        {
            if (_filled.Invoice(_contracts[i], Month, _byContract[i], null, BillingBenchmarkData.Now).Outcome == InvoiceRunOutcome.Unchanged)
            {
                unchanged++;
            }
        }

        return unchanged;
    }

    private InvoiceLedger IssueAll()
    {
        var ledger = new InvoiceLedger(new InMemoryInvoiceNumberSequence());
        for (var i = 0; i < _contracts.Length; i++)
        {
            ledger.Invoice(_contracts[i], Month, _byContract[i], null, BillingBenchmarkData.Now);
        }

        return ledger;
    }
}
