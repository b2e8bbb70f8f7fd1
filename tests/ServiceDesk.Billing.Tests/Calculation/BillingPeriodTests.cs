using FsCheck.Xunit;
using NodaTime;
using static ServiceDesk.Billing.Tests.TestData;

namespace ServiceDesk.Billing.Tests;

/// <summary>Subscription periods of any number of months, pro-rating of partial periods, and unit quotas (docs/billing.md, example 4).</summary>
public class BillingPeriodTests
{
    private static PriceList Prices()
        => new PriceListBuilder("Standard 2026", Currency.Eur)
            .Add("CALLOUT", "On-site call-out", "callout", 150.00m)
            .Add("VISIT", "Planned visit", "visit", 80.00m)
            .Build();

    /// <summary>Example 4: quarterly, starting mid-February, with call-outs included.</summary>
    public static Contract QuarterlyContract()
    {
        var o = Options("C-Q");
        o.Start = new LocalDate(2026, 2, 16);
        o.TaxRate = 0.19m;
        o.PriceList = Prices();
        o.OneOffWorks = new OneOffWorksPlan();
        o.Subscription = new SubscriptionPlan(Eur(1200.00m), Duration.FromHours(30))
        {
            PeriodMonths = 3,
            RolloverUnused = true,
            OverageHourlyRate = Eur(95.00m),
            IncludedUnits = [new UnitQuota("CALLOUT", 4)],
        };
        return o.Build();
    }

    public static IReadOnlyList<TimeEntry> QuarterlyEntries() =>
    [
        Entry("Q1", Local(2026, 2, 20, 8), Duration.FromHours(8), contract: "C-Q"),
        Entry("Q2", Local(2026, 3, 10, 8), Duration.FromHours(10), contract: "C-Q"),
        Entry("Q3", Local(2026, 4, 14, 9), Duration.FromHours(5), contract: "C-Q"),
        Entry("Q4", Local(2026, 5, 4, 8), Duration.FromHours(8), contract: "C-Q"),
        Entry("Q5", Local(2026, 5, 5, 8), Duration.FromHours(8), contract: "C-Q"),
        Entry("Q6", Local(2026, 5, 6, 8), Duration.FromHours(8), contract: "C-Q"),
        Entry("Q7", Local(2026, 5, 7, 8), Duration.FromHours(9), contract: "C-Q"),
    ];

    public static IReadOnlyList<OneOffWork> QuarterlyWorks() =>
    [
        new(new OneOffWorkId("W1"), new ContractId("C-Q"), "CALLOUT", 2, Local(2026, 3, 5, 10)),
        new(new OneOffWorkId("W2"), new ContractId("C-Q"), "CALLOUT", 2, Local(2026, 4, 10, 10)),
    ];

    [Fact]
    public void WorkedExample_QuarterlyProRatedWithCallOuts_ExactInvoices()
    {
        var contract = QuarterlyContract();
        var ledger = new InvoiceLedger(new InMemoryInvoiceNumberSequence());
        var runs = Enumerable.Range(0, 4)
            .Select(m => ledger.Invoice(contract, new YearMonth(2026, 2).PlusMonths(m), QuarterlyEntries(), QuarterlyWorks(), Now))
            .ToList();

        // February: the first quarter (Feb-Apr, 89 days) is in force on 74 days: 1,200.00 x 74 / 89 = 997.7528 -> 997.75.
        var feb = runs[0];
        var fee = Assert.Single(feb.Invoice!.Lines);
        Assert.Equal("Subscription: fee 2026-02 to 2026-04 (pro rata 74/89 days)", fee.Description);
        Assert.Equal("period", fee.Unit);
        Assert.Equal(Eur(997.75m), fee.Net);
        Assert.Equal(Eur(189.57m), fee.Tax);
        Assert.Equal(Eur(1187.32m), feb.Invoice.Total);
        Assert.Equal(Duration.FromMinutes(1497), feb.Statement.IncludedTime); // 1,800 min x 74 / 89 = 1,496.63 -> 1,497
        Assert.Equal(Duration.FromMinutes(1497 - 480), feb.Statement.RolloverOut);
        var febUnits = Assert.Single(feb.Statement.UnitQuotas);
        Assert.Equal(new UnitQuotaUsage("CALLOUT", "callout", 3m, 0m, 0m, 3m, 3m), febUnits); // 4 x 74 / 89 = 3.33 -> 3

        // March: time and call-outs within the quarter's quota, so nothing to invoice.
        var mar = runs[1];
        Assert.Equal(InvoiceRunOutcome.NothingToInvoice, mar.Outcome);
        Assert.Equal(Duration.Zero, mar.Statement.IncludedTime);
        Assert.Equal(Duration.FromMinutes(1017), mar.Statement.RolloverIn);
        Assert.Equal(Duration.FromHours(10), mar.Statement.QuotaUsed);
        Assert.Equal(new UnitQuotaUsage("CALLOUT", "callout", 0m, 3m, 2m, 1m, 1m), Assert.Single(mar.Statement.UnitQuotas));

        // April: the quarter's last call-out is used, the fourth is charged; 1 h 57 min of time rolls over into May.
        var apr = runs[2];
        var callout = Assert.Single(apr.Invoice!.Lines);
        Assert.Equal(InvoiceLineKind.OneOffWork, callout.Kind);
        Assert.Equal(1m, callout.Quantity);
        Assert.Equal(Eur(150.00m), callout.Net);
        Assert.Equal(Eur(28.50m), callout.Tax);
        Assert.Equal(Duration.FromMinutes(117), apr.Statement.QuotaLeft);
        Assert.Equal(Duration.FromMinutes(117), apr.Statement.RolloverOut);
        Assert.Equal(new UnitQuotaUsage("CALLOUT", "callout", 0m, 1m, 1m, 0m, 0m), Assert.Single(apr.Statement.UnitQuotas));
        Assert.Equal([(1m, 1m)], apr.Statement.WorkAllocations.Select(w => (w.FromQuota, w.Charged)));

        // May: a full quarter (1,200.00, 30 h) plus the 1 h 57 min rolled over; 33 h used, 1 h 03 min overage at 95.00.
        var may = runs[3];
        Assert.Equal(
            ["Subscription: fee 2026-05 to 2026-07", "Subscription: overage beyond the included time"],
            may.Invoice!.Lines.Select(l => l.Description));
        Assert.Equal([Eur(1200.00m), Eur(99.75m)], may.Invoice.Lines.Select(l => l.Net));
        Assert.Equal([Eur(228.00m), Eur(18.95m)], may.Invoice.Lines.Select(l => l.Tax));
        Assert.Equal(Eur(1546.70m), may.Invoice.Total);
        Assert.Equal(Duration.FromHours(30), may.Statement.IncludedTime);
        Assert.Equal(Duration.FromMinutes(117), may.Statement.RolloverIn);
        Assert.Equal(Duration.FromMinutes(63), may.Statement.OverageTime);
        Assert.Equal(new UnitQuotaUsage("CALLOUT", "callout", 4m, 0m, 0m, 4m, 4m), Assert.Single(may.Statement.UnitQuotas));
        Assert.Equal(["INV-000001", "INV-000002", "INV-000003"], ledger.Documents.Select(d => d.Number.ToString()));
    }

    [Theory]
    [InlineData(1, "2026-03", "2026-03", "2026-03")]
    [InlineData(3, "2026-05", "2026-03", "2026-05")]
    [InlineData(3, "2026-06", "2026-06", "2026-08")]
    [InlineData(12, "2027-01", "2026-03", "2027-02")]
    [InlineData(12, "2027-03", "2027-03", "2028-02")]
    [InlineData(5, "2026-08", "2026-08", "2026-12")]
    public void GetBillingPeriod_AnchoredAtStartMonth_CoversPeriodMonths(int months, string month, string first, string last)
    {
        var o = Options();
        o.Start = new LocalDate(2026, 3, 10);
        o.Subscription = new SubscriptionPlan(Eur(100m), Duration.Zero) { PeriodMonths = months, OverageHourlyRate = Eur(90m) };
        var period = o.Build().GetBillingPeriod(YearMonth(month));

        Assert.Equal((YearMonth(first), YearMonth(last)), period);
    }

    [Fact]
    public void Calculate_ContractEndingMidMonth_ProRatesLastPeriod()
    {
        var o = Options();
        o.End = new LocalDate(2026, 3, 15);
        o.Subscription = new SubscriptionPlan(Eur(500m), Duration.FromHours(10)) { OverageHourlyRate = Eur(90m) };
        var march = BillingCalculator.CalculateMonth(o.Build(), new YearMonth(2026, 3), [], null, Now);

        var fee = Assert.Single(march.Lines);
        Assert.Equal("Subscription: monthly fee 2026-03 (pro rata 15/31 days)", fee.Description);
        Assert.Equal(Eur(241.94m), fee.Net); // 500 x 15 / 31 = 241.935 -> 241.94 (half away from zero)
        Assert.Equal(Duration.FromMinutes(290), march.IncludedTime); // 600 min x 15 / 31 = 290.3 -> 290
    }

    [Fact]
    public void Calculate_ProRatingOff_ChargesFullFee()
    {
        var o = Options();
        o.Start = new LocalDate(2026, 1, 20);
        o.Subscription = new SubscriptionPlan(Eur(1200m), Duration.FromHours(30)) { PeriodMonths = 12, ProRatePartialPeriods = false, OverageHourlyRate = Eur(90m) };
        var statements = BillingCalculator.CalculateMonths(o.Build(), new YearMonth(2027, 1), [], null, Now);

        Assert.Equal(13, statements.Count);
        Assert.Equal("Subscription: fee 2026-01 to 2026-12", Assert.Single(statements[0].Lines).Description);
        Assert.Equal(Eur(1200m), statements[0].NetTotal);
        Assert.All(statements.Skip(1).Take(11), s => Assert.Empty(s.Lines));
        Assert.Equal(Eur(1200m), statements[12].NetTotal);
        Assert.Equal(Duration.FromHours(30), statements[12].IncludedTime);
    }

    [Theory]
    [InlineData(0, "Subscription.PeriodMonths: must be 1 to 120")]
    [InlineData(121, "Subscription.PeriodMonths: must be 1 to 120")]
    public void Build_PeriodMonthsOutOfRange_Throws(int months, string message)
    {
        var o = Options();
        o.Subscription = new SubscriptionPlan(Eur(100m), Duration.Zero) { PeriodMonths = months, OverageHourlyRate = Eur(90m) };

        var error = Assert.Throws<InvalidDefinitionException>(() => o.Build());
        Assert.Contains(error.Errors, e => e.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Build_BadUnitQuotas_ListsEveryFault()
    {
        var o = Options();
        o.PriceList = Prices();
        o.OneOffWorks = new OneOffWorksPlan { AllowedItems = ["VISIT"] };
        o.Subscription = new SubscriptionPlan(Eur(100m), Duration.Zero)
        {
            OverageHourlyRate = Eur(90m),
            IncludedUnits = [new UnitQuota("NOPE", 1), new UnitQuota("VISIT", 1.5m), new UnitQuota("CALLOUT", 2), new UnitQuota("VISIT", 1)],
        };

        var error = Assert.Throws<InvalidDefinitionException>(() => o.Build());
        Assert.Contains(error.Errors, e => e.StartsWith("Subscription.IncludedUnits[0]: 'NOPE' is not an item", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("Subscription.IncludedUnits[1]: the quantity must be a positive whole number", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("Subscription.IncludedUnits[2]: 'CALLOUT' is drawn down by one-off works", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("Subscription.IncludedUnits[3]: 'VISIT' appears more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void Rollup_UnitQuota_CountsOnlyChargedWorks()
    {
        var contract = QuarterlyContract();
        var statements = BillingCalculator.CalculateMonths(contract, new YearMonth(2026, 5), QuarterlyEntries(), QuarterlyWorks(), Now);
        var byTicket = BillingRollup.Aggregate(statements, RollupDimensions.Ticket);

        Assert.Equal(statements.Sum(s => s.Revenue.Amount), byTicket.Sum(r => r.Revenue.Amount));
        Assert.Equal(997.75m + 150m + 1200m + (95m * 63 / 60), statements.Sum(s => s.Revenue.Amount));
    }

    /// <summary>Quota used + left = included + brought forward, for time and units, for every period length, start day and input.</summary>
    [Property(MaxTest = 60)]
    public bool Quota_AnyPeriodLength_UsedPlusLeftEqualsIncludedPlusRollover(int seed)
    {
        var random = new Random(seed);
        var months = new[] { 1, 2, 3, 4, 6, 12 }[random.Next(6)];
        var o = Options("P");
        o.Start = new LocalDate(2026, 1 + random.Next(3), 1 + random.Next(28));
        o.End = random.Next(3) == 0 ? new LocalDate(2026, 5 + random.Next(3), 1 + random.Next(28)) : null;
        o.TaxRate = 0.19m;
        o.TimeRounding = TimeRoundingRule.UpTo(15, 30);
        o.PriceList = Prices();
        o.OneOffWorks = new OneOffWorksPlan();
        o.Subscription = new SubscriptionPlan(Eur(random.Next(0, 3000) + 0.99m), Duration.FromHours(random.Next(0, 40)))
        {
            PeriodMonths = months,
            RolloverUnused = random.Next(2) == 0,
            ProRatePartialPeriods = random.Next(4) > 0,
            OverageHourlyRate = Eur(95m),
            IncludedUnits = [new UnitQuota("CALLOUT", random.Next(1, 6))],
        };
        var contract = o.Build();
        var entries = RandomEntries(seed, 60, ["P"], new YearMonth(2026, 1), 5);
        var works = Enumerable.Range(0, 8)
            .Select(i => new OneOffWork(new OneOffWorkId($"W{i}"), contract.Id, random.Next(3) == 0 ? "VISIT" : "CALLOUT", random.Next(1, 4), Local(2026, 1 + random.Next(5), 1 + random.Next(28), 12)))
            .ToList();
        var through = new YearMonth(2026, 5);
        var statements = BillingCalculator.CalculateMonths(contract, through, entries, works, Now);
        var last = BillingCalculator.CalculateMonth(contract, through, entries, works, Now);

        var ok = statements.All(s =>
            s.QuotaUsed + s.QuotaLeft == s.IncludedTime + s.RolloverIn
            && s.UnitQuotas.All(u => u.Used + u.Left == u.Included + u.RolloverIn && u.Used >= 0m && u.Left >= 0m)
            && s.NetTotal.ToMinorUnits() == s.Lines.Sum(l => l.NetMinorUnits)
            && s.Total == Money.Sum(s.Lines.Select(l => l.Gross), Currency.Eur));
        for (var i = 1; i < statements.Count; i++)
        {
            ok &= statements[i - 1].RolloverOut == statements[i].RolloverIn;
            ok &= statements[i - 1].UnitQuotas[0].RolloverOut == statements[i].UnitQuotas[0].RolloverIn;
            var (first, _) = contract.GetBillingPeriod(statements[i].Month);
            ok &= statements[i].Month == first || (statements[i].IncludedTime == Duration.Zero && statements[i].UnitQuotas[0].Included == 0m);
        }

        // The last month's statement is the same whether earlier months are computed in full or only for their balances.
        ok &= last.Lines.SequenceEqual(statements[^1].Lines) && last.UnitQuotas.SequenceEqual(statements[^1].UnitQuotas) && last.QuotaLeft == statements[^1].QuotaLeft;
        return ok;
    }

    private static YearMonth YearMonth(string text) => new(int.Parse(text[..4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(text[5..], System.Globalization.CultureInfo.InvariantCulture));
}
