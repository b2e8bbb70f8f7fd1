using NodaTime;
using static ServiceDesk.Billing.Tests.TestData;

namespace ServiceDesk.Billing.Tests;

/// <summary>The three worked examples of docs/billing.md, with the exact expected invoices.</summary>
public class WorkedExampleTests
{
    private static readonly YearMonth March = new(2026, 3);

    public static Contract SubscriptionContract()
    {
        var o = Options("C-SUB");
        o.TaxRate = 0.19m;
        o.TimeRounding = TimeRoundingRule.UpTo(15, 30);
        o.PriceList = new PriceListBuilder("Standard 2026", Currency.Eur)
            .Add("OVERAGE-HOUR", "Support hour beyond the subscription", CatalogueItem.HourUnit, 90.00m)
            .Build();
        o.Subscription = new SubscriptionPlan(Eur(500.00m), Duration.FromHours(10)) { OverageItemCode = "OVERAGE-HOUR" };
        return o.Build();
    }

    public static IReadOnlyList<TimeEntry> SubscriptionEntries() =>
    [
        Entry("S1", Local(2026, 3, 3, 9), Duration.FromHours(3), contract: "C-SUB"),
        Entry("S2", Local(2026, 3, 5, 10), Duration.FromMinutes(250), contract: "C-SUB", agent: Bob),
        Entry("S3", Local(2026, 3, 10, 14), Duration.FromMinutes(20), contract: "C-SUB"),
        Entry("S4", Local(2026, 3, 12, 9), Duration.FromHours(5), contract: "C-SUB", agent: Bob),
        Entry("S5", Local(2026, 3, 13, 9), Duration.FromHours(1), contract: "C-SUB", billable: false),
        Entry("S6", Local(2026, 3, 20, 9), Duration.FromHours(2), contract: "C-SUB", approval: ApprovalState.Pending),
    ];

    public static Contract CallOutContract()
    {
        var o = Options("C-TM");
        o.TaxRate = 0.20m;
        o.TimeRounding = TimeRoundingRule.UpTo(15, 30);
        o.TimeAndMaterials = new TimeAndMaterialsPlan
        {
            DefaultHourlyRate = Eur(80.00m),
            Rates = [new HourlyRate(Eur(120.00m)) { Activity = "callout", Priority = Priority.P1Critical }],
            AfterHoursMultiplier = 1.5m,
            BusinessHours = OfficeHours(),
        };
        return o.Build();
    }

    public static IReadOnlyList<TimeEntry> CallOutEntries() =>
    [
        Entry("T1", Local(2026, 3, 6, 17), Duration.FromHours(3), activity: "callout", contract: "C-TM") with { Priority = Priority.P1Critical },
        Entry("T2", Local(2026, 3, 9, 10), Duration.FromMinutes(40), contract: "C-TM") with { Priority = Priority.P3Moderate },
    ];

    public static Contract BundleContract()
    {
        var o = Options("C-PRE");
        o.TaxRate = 0.21m;
        o.PrepaidBundles.Add(new PrepaidBundle("B20", Duration.FromHours(20), new LocalDate(2026, 2, 1)) { Price = Eur(1600.00m) });
        o.TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = Eur(95.00m) };
        return o.Build();
    }

    public static IReadOnlyList<TimeEntry> BundleEntries() =>
    [
        Entry("P1", Local(2026, 2, 3, 9), Duration.FromHours(5), contract: "C-PRE"),
        Entry("P2", Local(2026, 2, 10, 9), Duration.FromHours(5), contract: "C-PRE"),
        Entry("P3", Local(2026, 2, 17, 9), Duration.FromHours(5), contract: "C-PRE"),
        Entry("M1", Local(2026, 3, 3, 9), Duration.FromHours(3), contract: "C-PRE"),
        Entry("M2", Local(2026, 3, 10, 9), Duration.FromHours(4), contract: "C-PRE"),
        Entry("M3", Local(2026, 3, 17, 9), Duration.FromHours(2), contract: "C-PRE"),
    ];

    [Fact]
    public void Invoice_SubscriptionWithOverage_ExactInvoice()
    {
        var ledger = new InvoiceLedger(new InMemoryInvoiceNumberSequence());

        var run = ledger.Invoice(SubscriptionContract(), March, SubscriptionEntries(), null, Now);

        var invoice = run.Invoice!;
        Assert.Equal(InvoiceRunOutcome.Issued, run.Outcome);
        Assert.Equal("INV-000001", invoice.Number.ToString());
        Assert.Equal(
            [
                new InvoiceLine(InvoiceLineKind.SubscriptionFee, "Subscription: monthly fee 2026-03", 1m, "month", Eur(500.00m), Eur(500.00m), 0.19m, Eur(95.00m)),
                new InvoiceLine(InvoiceLineKind.Overage, "Subscription: overage beyond the included time", 2.75m, "hour", Eur(90.00m), Eur(247.50m), 0.19m, Eur(47.03m)),
            ],
            invoice.Lines);
        Assert.Equal((74750L, 14203L, 88953L), (invoice.NetMinorUnits, invoice.TaxMinorUnits, invoice.TotalMinorUnits));
        var s = run.Statement;
        Assert.Equal(Duration.FromMinutes(765), s.BillableTime);
        Assert.Equal(Duration.FromHours(1), s.NonBillableTime);
        Assert.Equal((Duration.FromHours(10), Duration.Zero), (s.QuotaUsed, s.QuotaLeft));
        Assert.Equal(Duration.FromMinutes(165), s.OverageTime);
        var excluded = Assert.Single(s.Excluded);
        Assert.Equal(("S6", ExclusionReason.NotApproved), (excluded.Id, excluded.Reason));
        Assert.Equal(["S1", "S2", "S3", "S4", "S5"], invoice.BilledEntries.Select(e => e.Id.Value));
    }

    [Fact]
    public void Invoice_AfterHoursP1CallOut_ExactInvoice()
    {
        var ledger = new InvoiceLedger(new InMemoryInvoiceNumberSequence());

        var run = ledger.Invoice(CallOutContract(), March, CallOutEntries(), null, Now);

        var invoice = run.Invoice!;
        Assert.Equal(
            [
                new InvoiceLine(InvoiceLineKind.TimeAndMaterials, "Time and materials: callout, P1", 1m, "hour", Eur(120.00m), Eur(120.00m), 0.20m, Eur(24.00m)),
                new InvoiceLine(InvoiceLineKind.TimeAndMaterials, "Time and materials: callout, P1, after hours (x1.5)", 2m, "hour", Eur(180.00m), Eur(360.00m), 0.20m, Eur(72.00m)),
                new InvoiceLine(InvoiceLineKind.TimeAndMaterials, "Time and materials: standard rate", 0.75m, "hour", Eur(80.00m), Eur(60.00m), 0.20m, Eur(12.00m)),
            ],
            invoice.Lines);
        Assert.Equal((54000L, 10800L, 64800L), (invoice.NetMinorUnits, invoice.TaxMinorUnits, invoice.TotalMinorUnits));
        var callout = run.Statement.Allocations.Single(a => a.Entry.Id.Value == "T1");
        Assert.Equal((Duration.FromHours(3), Duration.FromHours(2)), (callout.Time, callout.AfterHoursTime));
        Assert.Equal(Eur(480m), callout.Revenue);
    }

    [Fact]
    public void Invoice_PrepaidBundleRunsOutMidMonth_ExactInvoices()
    {
        var ledger = new InvoiceLedger(new InMemoryInvoiceNumberSequence());
        var contract = BundleContract();

        var february = ledger.Invoice(contract, new YearMonth(2026, 2), BundleEntries(), null, Now);
        var march = ledger.Invoice(contract, March, BundleEntries(), null, Now);

        Assert.Equal(
            [new InvoiceLine(InvoiceLineKind.PrepaidBundle, "Prepaid bundle 'B20': 20 h", 1m, "bundle", Eur(1600.00m), Eur(1600.00m), 0.21m, Eur(336.00m))],
            february.Invoice!.Lines);
        Assert.Equal(193600L, february.Invoice.TotalMinorUnits);
        Assert.Equal(
            [new InvoiceLine(InvoiceLineKind.TimeAndMaterials, "Time and materials: standard rate", 4m, "hour", Eur(95.00m), Eur(380.00m), 0.21m, Eur(79.80m))],
            march.Invoice!.Lines);
        Assert.Equal((38000L, 7980L, 45980L), (march.Invoice.NetMinorUnits, march.Invoice.TaxMinorUnits, march.Invoice.TotalMinorUnits));
        Assert.Equal(new BundleUsage("B20", Duration.FromHours(5), Duration.FromHours(5), Duration.Zero), Assert.Single(march.Statement.Bundles));
        Assert.Equal(["INV-000001", "INV-000002"], ledger.Documents.Select(d => d.Number.ToString()));
        var m2 = march.Statement.Allocations.Where(a => a.Entry.Id.Value == "M2").Select(a => (a.Source, a.Time)).ToArray();
        Assert.Equal([(AllocationSource.PrepaidBundle, Duration.FromHours(2)), (AllocationSource.TimeAndMaterials, Duration.FromHours(2))], m2);
    }
}
