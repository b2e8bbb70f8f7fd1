using FsCheck.Xunit;
using NodaTime;
using ServiceDesk.Sla;
using static ServiceDesk.Billing.Tests.TestData;

namespace ServiceDesk.Billing.Tests;

/// <summary>The FsCheck properties of issue 6, over random contracts and entries reproducible from a seed.</summary>
public class BillingPropertyTests
{
    private static readonly BusinessCalendar Calendar = OfficeHours();
    private static readonly YearMonth Through = new(2026, 4);
    private static readonly string[] ContractIds = ["K1", "K2", "K3"];

    private static (Contract[] Contracts, List<TimeEntry> Entries, List<OneOffWork> Works) World(int seed)
    {
        var contracts = ContractIds.Select((id, i) => RandomContract(seed + i, id, Calendar)).ToArray();
        var entries = RandomEntries(seed, 40 + Math.Abs(seed % 60), ContractIds, new YearMonth(2026, 1), 4);
        entries.Add(Entry("X-evening", Local(2026, 1, 14, 17), Duration.FromMinutes(150), activity: "onsite", contract: "K2"));
        var random = new Random(seed);
        var works = Enumerable.Range(0, 4)
            .Select(i => new OneOffWork(new OneOffWorkId($"W{i}"), new ContractId(ContractIds[random.Next(3)]), "VISIT", random.Next(1, 4), Local(2026, 1 + random.Next(4), 10, 10)))
            .ToList();
        return (contracts, entries, works);
    }

    private static IEnumerable<ContractMonthStatement> Statements(int seed)
    {
        var (contracts, entries, works) = World(seed);
        return contracts.SelectMany(c => BillingCalculator.CalculateMonths(c, Through, entries, works, Now)).ToList();
    }

    [Fact]
    public void World_FixedSeed_ExercisesEverySourceLineKindAndExclusion()
    {
        var statements = Statements(7).ToList();

        Assert.Equal(Enum.GetValues<AllocationSource>(), statements.SelectMany(s => s.Allocations).Select(a => a.Source).Distinct().Order());
        Assert.Equal(Enum.GetValues<InvoiceLineKind>(), statements.SelectMany(s => s.Lines).Select(l => l.Kind).Distinct().Order());
        Assert.Contains(statements.SelectMany(s => s.Excluded), x => x.Reason == ExclusionReason.NotApproved);
        Assert.Contains(statements.SelectMany(s => s.Allocations), a => a.AfterHoursTime > Duration.Zero && a.AfterHoursTime < a.Time);
        Assert.Contains(statements, s => s.RolloverIn > Duration.Zero);
    }

    [Property(MaxTest = 40)]
    public bool Statement_AnyInput_LinesSumToTotals(int seed)
    {
        return Statements(seed).All(s =>
            s.NetTotal.ToMinorUnits() == s.Lines.Sum(l => l.NetMinorUnits)
            && s.TaxTotal.ToMinorUnits() == s.Lines.Sum(l => l.TaxMinorUnits)
            && s.Total == s.Lines.Aggregate(Money.Zero(Currency.Eur), (sum, l) => sum + l.Gross));
    }

    [Property(MaxTest = 40)]
    public bool Invoice_AnyInput_LinesSumToInvoiceTotal(int seed)
    {
        var (contracts, entries, works) = World(seed);
        var ledger = new InvoiceLedger(new InMemoryInvoiceNumberSequence());
        foreach (var c in contracts)
        {
            for (var m = new YearMonth(2026, 1); m <= Through; m = m.PlusMonths(1))
            {
                ledger.Invoice(c, m, entries, works, Now);
            }
        }

        return ledger.Documents.All(d =>
            d.NetMinorUnits == d.Lines.Sum(l => l.Net.ToMinorUnits())
            && d.TaxMinorUnits == d.Lines.Sum(l => l.Tax.ToMinorUnits())
            && d.Total == d.Net + d.Tax
            && d.Total == Money.Sum(d.Lines.Select(l => l.Gross), d.Currency));
    }

    [Property(MaxTest = 40)]
    public bool Rollup_AnyGrouping_SumsToSameGrandTotal(int seed, byte dimensions)
    {
        var statements = Statements(seed).ToList();
        var total = Assert.Single(BillingRollup.Aggregate(statements, RollupDimensions.None));
        var rows = BillingRollup.Aggregate(statements, (RollupDimensions)(dimensions & 127));
        return rows.Aggregate(Duration.Zero, (d, r) => d + r.BillableTime) == total.BillableTime
            && rows.Aggregate(Duration.Zero, (d, r) => d + r.NonBillableTime) == total.NonBillableTime
            && rows.Aggregate(Duration.Zero, (d, r) => d + r.QuotaUsed) == total.QuotaUsed
            && rows.Aggregate(Duration.Zero, (d, r) => d + r.QuotaLeft) == total.QuotaLeft
            && rows.Aggregate(Duration.Zero, (d, r) => d + r.OverageTime) == total.OverageTime
            && Money.Sum(rows.Select(r => r.Revenue), Currency.Eur) == total.Revenue
            && total.Revenue == Money.Sum(statements.Select(s => s.Revenue), Currency.Eur)
            && total.BillableTime == statements.Aggregate(Duration.Zero, (d, s) => d + s.BillableTime);
    }

    [Property(MaxTest = 40)]
    public bool Statement_AnyInput_QuotaUsedPlusLeftEqualsIncludedPlusRollover(int seed)
    {
        return Statements(seed).All(s =>
            s.QuotaUsed + s.QuotaLeft == s.IncludedTime + s.RolloverIn
            && s.BillableTime == s.QuotaUsed + s.PrepaidUsed + s.OverageTime + s.TimeAndMaterialsTime + s.UncoveredTime
            && s.RolloverOut <= s.IncludedTime
            && s.Bundles.All(b => b.Opening - b.Used == b.Closing && b.Closing >= Duration.Zero));
    }

    [Property(MaxTest = 40)]
    public bool Statement_AnyInput_RolloverChainsIntoNextMonth(int seed)
    {
        var statements = Statements(seed).GroupBy(s => s.Contract.Id);
        return statements.All(g => g.Zip(g.Skip(1)).All(p => p.First.RolloverOut == p.Second.RolloverIn));
    }

    [Property(MaxTest = 40)]
    public bool Statement_AnyInput_EachLineRoundsByAtMostHalfAMinorUnit(int seed)
    {
        var half = 0.005m + 0.0000000001m;
        return Statements(seed).SelectMany(s => s.Lines).All(l =>
            Math.Abs(l.Net.Amount - (l.UnitPrice.Amount * l.Quantity)) <= half
            && Math.Abs(l.Tax.Amount - (l.Net.Amount * l.TaxRate)) <= 0.005m
            && l.Net.IsRounded && l.Tax.IsRounded);
    }

    [Property(MaxTest = 30)]
    public bool InvoiceAll_AnyInput_SameDocumentsAsInvoicePerContract(int seed)
    {
        var (contracts, entries, works) = World(seed);
        var one = new InvoiceLedger(new InMemoryInvoiceNumberSequence());
        var batch = new InvoiceLedger(new InMemoryInvoiceNumberSequence());
        var outcomes = true;
        for (var m = new YearMonth(2026, 1); m <= Through; m = m.PlusMonths(1))
        {
            var single = contracts.Select(c => one.Invoice(c, m, entries, works, Now)).ToList();
            var many = batch.InvoiceAll(contracts, m, entries, works, Now);
            outcomes &= single.Select(r => r.Outcome).SequenceEqual(many.Select(r => r.Outcome))
                && single.Zip(many).All(p => p.First.Statement.Lines.SequenceEqual(p.Second.Statement.Lines));
        }

        static string Show(InvoiceDocument d)
            => $"{d.Number} {d.Contract} {d.Period} {d.Reverses} {string.Join(",", d.BilledEntries.Select(e => e.Id))} {string.Join(",", d.Works)} {string.Join("|", d.Lines)}";

        return outcomes && one.Documents.Count > 0 && one.Documents.Select(Show).SequenceEqual(batch.Documents.Select(Show));
    }

    /// <summary>The durable ledger over the in-memory store makes the same documents, with the same numbers, as
    /// <see cref="InvoiceLedger.InvoiceAll"/> month after month, and then a correction of every month issues the same
    /// credit notes and corrected invoices.</summary>
    [Property(MaxTest = 20)]
    public bool DurableLedger_AnyInput_SameDocumentsAsInvoiceLedger(int seed)
    {
        var (contracts, entries, works) = World(seed);
        var memory = new InvoiceLedger(new InMemoryInvoiceNumberSequence());
        var store = new ServiceDesk.Storage.InMemory.InMemoryBillingStore();
        var durable = new DurableLedger(store, contracts) { BatchSize = 2 };
        foreach (var e in entries.DistinctBy(e => e.Id))
        {
            store.AddTimeEntryAsync(e).GetAwaiter().GetResult();
        }

        foreach (var w in works)
        {
            store.AddOneOffWorkAsync(Tenant, w).GetAwaiter().GetResult();
        }

        var stored = entries.DistinctBy(e => e.Id).ToList();
        var outcomes = true;
        void Month(YearMonth m, List<TimeEntry> input)
        {
            var expected = memory.InvoiceAll(contracts, m, input, works, Now);
            var actual = durable.RunAsync(Tenant, m, Now).GetAwaiter().GetResult().Runs;
            outcomes &= expected.Select(r => r.Outcome).SequenceEqual(actual.Select(r => r.Outcome));
        }

        for (var m = new YearMonth(2026, 1); m <= Through; m = m.PlusMonths(1))
        {
            Month(m, stored);
        }

        // Correct the first entry of every contract (half its time) and rerun every month.
        var corrections = stored.GroupBy(e => e.Contract).Select(g => g.First().Correct(new TimeEntryId(g.First().Id.Value + "-fix"), duration: g.First().Duration / 2)
            .WithApproval(ApprovalState.Approved)).ToList();
        foreach (var c in corrections)
        {
            store.AddTimeEntryAsync(c).GetAwaiter().GetResult();
        }

        stored.AddRange(corrections);
        for (var m = new YearMonth(2026, 1); m <= Through; m = m.PlusMonths(1))
        {
            Month(m, stored);
        }

        static string Show(InvoiceDocument d)
            => $"{d.Number} {d.Contract} {d.Period} {d.Reverses} {string.Join(",", d.BilledEntries.Select(e => e.Id))} {string.Join(",", d.Works)} {string.Join("|", d.Lines)}";

        var same = true;
        foreach (var kind in new[] { InvoiceDocumentKind.Invoice, InvoiceDocumentKind.CreditNote })
        {
            var documents = store.ListDocumentsAsync(Tenant, kind, 0, IBillingStore.MaxList).GetAwaiter().GetResult();
            same &= memory.Documents.Where(d => d.Kind == kind).Select(Show).SequenceEqual(documents.Select(d => Show(d.Document)));
        }

        return outcomes && same && memory.Documents.Any(d => d.Kind == InvoiceDocumentKind.CreditNote);
    }

    [Property(MaxTest = 30)]
    public bool Invoice_SamePeriodTwice_ChangesNothing(int seed)
    {
        var (contracts, entries, works) = World(seed);
        var numbers = new InMemoryInvoiceNumberSequence();
        var ledger = new InvoiceLedger(numbers);
        var month = new YearMonth(2026, 1 + Math.Abs(seed % 4));
        var first = contracts.Select(c => ledger.Invoice(c, month, entries, works, Now)).ToList();
        var documents = ledger.Documents.Count;
        var shuffled = entries.OrderBy(e => e.Id.Value.GetHashCode(StringComparison.Ordinal) ^ seed).ToList();
        var second = contracts.Select(c => ledger.Invoice(c, month, shuffled, works, Now)).ToList();
        return second.All(r => r.Outcome is InvoiceRunOutcome.Unchanged or InvoiceRunOutcome.NothingToInvoice)
            && first.Zip(second).All(p => ReferenceEquals(p.First.Invoice, p.Second.Invoice))
            && ledger.Documents.Count == documents
            && numbers.Current(Tenant, InvoiceDocumentKind.Invoice) == documents;
    }

    [Property(MaxTest = 25)]
    public bool ByContractAndMonth_AnyInput_EqualsAggregateOfStatements(int seed)
    {
        var (contracts, entries, _) = World(seed);
        var statements = contracts.SelectMany(c => BillingCalculator.CalculateMonths(c, Through, entries, null, Now));
        var slow = BillingRollup.Aggregate(statements, RollupDimensions.Contract | RollupDimensions.Period);
        var fast = BillingRollup.ByContractAndMonth(contracts, entries, Through, Now);
        return slow.SequenceEqual(fast);
    }
}
