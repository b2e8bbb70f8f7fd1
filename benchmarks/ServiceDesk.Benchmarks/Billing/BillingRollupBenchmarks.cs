using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Billing;

namespace ServiceDesk.Benchmarks.Billing;

/// <summary>
/// Rollup of 1,000,000 time entries of 1,000 contracts over 12 months by contract and month (quota, bundles, overage,
/// after-hours time and materials, revenue): the bucketed fast path against LINQ GroupBy.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class BillingRollupBenchmarks
{
    private static readonly LocalDate From = new(2026, 1, 1);
    private static readonly YearMonth Through = new(2026, 12);
    private Contract[] _contracts = [];
    private TimeEntry[] _entries = [];
    private TimeEntry[] _byStart = [];
    private Dictionary<ContractId, Contract> _byId = [];

    /// <summary>Gets or sets the number of entries.</summary>
    [Params(1_000_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _contracts = BillingBenchmarkData.Contracts(1_000, From);
        _entries = BillingBenchmarkData.Entries(_contracts, Entries, From, 12);
        _byId = _contracts.ToDictionary(c => c.Id);
        // Copies allocated in order of start, as a store query ordered by start would materialize them (sorting only the
        // references would make every read a cache miss, which no loader does).
        _byStart = [.. _entries.OrderBy(e => e.Start).ThenBy(e => e.Id).Select(e => e with { })];
    }

    /// <summary>Naive: LINQ GroupBy by contract and by month (zone conversion per entry), then the statement per contract-month, then the rollup.</summary>
    [Benchmark(Baseline = true)]
    public int LinqGroupByStatements()
    {
        var statements = _entries
            .GroupBy(e => e.Contract)
            .SelectMany(g => BillingCalculator.CalculateMonths(_byId[g.Key], Through, g, null, BillingBenchmarkData.Now));
        return BillingRollup.Aggregate(statements, RollupDimensions.Contract | RollupDimensions.Period).Count;
    }

    /// <summary>Naive time-only rollup: LINQ GroupBy on (contract, month) and sums, without pricing; a floor for LINQ.</summary>
    [Benchmark]
    public int LinqGroupByTimeOnly()
        => _entries
            .GroupBy(e => (e.Contract, Month: _byId[e.Contract].GetMonth(e.Start)))
            .Select(g => (g.Key, Billable: g.Where(e => e.Billable).Sum(e => e.Duration.BclCompatibleTicks), NonBillable: g.Where(e => !e.Billable).Sum(e => e.Duration.BclCompatibleTicks)))
            .Count();

    /// <summary>The fast path: buckets by contract and month with precomputed month boundaries, then prices each bucket.</summary>
    [Benchmark]
    public int ByContractAndMonth() => BillingRollup.ByContractAndMonth(_contracts, _entries, Through, BillingBenchmarkData.Now).Count;

    /// <summary>The fast path on the same entries in order of start (as a store query ordered by start returns them): the buckets need no sort.</summary>
    [Benchmark]
    public int ByContractAndMonthOrderedByStart() => BillingRollup.ByContractAndMonth(_contracts, _byStart, Through, BillingBenchmarkData.Now).Count;
}
