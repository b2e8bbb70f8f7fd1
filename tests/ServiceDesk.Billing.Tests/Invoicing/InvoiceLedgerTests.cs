using NodaTime;
using static ServiceDesk.Billing.Tests.TestData;

namespace ServiceDesk.Billing.Tests;

public class InvoiceLedgerTests
{
    private static readonly YearMonth March = new(2026, 3);

    [Fact]
    public void Invoice_SamePeriodTwice_UnchangedAndNoNumberUsed()
    {
        var numbers = new InMemoryInvoiceNumberSequence();
        var ledger = new InvoiceLedger(numbers);
        var contract = WorkedExampleTests.SubscriptionContract();

        var first = ledger.Invoice(contract, March, WorkedExampleTests.SubscriptionEntries(), null, Now);
        var second = ledger.Invoice(contract, March, WorkedExampleTests.SubscriptionEntries().Reverse(), null, Now + Duration.FromDays(3));

        Assert.Equal(InvoiceRunOutcome.Unchanged, second.Outcome);
        Assert.Same(first.Invoice, second.Invoice);
        Assert.Single(ledger.Documents);
        Assert.Equal(1, numbers.Current(Tenant, InvoiceDocumentKind.Invoice));
    }

    [Fact]
    public void Invoice_CorrectionOfBilledEntry_CreditNoteAndNewInvoiceWithoutGaps()
    {
        var numbers = new InMemoryInvoiceNumberSequence();
        var ledger = new InvoiceLedger(numbers);
        var contract = WorkedExampleTests.SubscriptionContract();
        var entries = WorkedExampleTests.SubscriptionEntries().ToList();
        var first = ledger.Invoice(contract, March, entries, null, Now);

        entries.Add(entries[3].Correct(new TimeEntryId("S4-fix"), duration: Duration.FromHours(4)).WithApproval(ApprovalState.Approved));
        var second = ledger.Invoice(contract, March, entries, null, Now);

        Assert.Equal(InvoiceRunOutcome.Corrected, second.Outcome);
        var credit = second.CreditNote!;
        Assert.Equal("CN-000001", credit.Number.ToString());
        Assert.Equal(first.Invoice!.Number, credit.Reverses);
        Assert.Equal(-first.Invoice.TotalMinorUnits, credit.TotalMinorUnits);
        Assert.Equal("INV-000002", second.Invoice!.Number.ToString());
        Assert.Equal(1.75m, second.Invoice.Lines[1].Quantity);
        Assert.Equal(Eur(157.50m), second.Invoice.Lines[1].Net);
        Assert.Null(ledger.FindInvoiceOf(Tenant, new TimeEntryId("S4")));
        Assert.Equal(second.Invoice, ledger.FindInvoiceOf(Tenant, new TimeEntryId("S4-fix")));
        Assert.Equal(second.Invoice, ledger.GetCurrentInvoice(Tenant, contract.Id, March));
        Assert.Equal(["INV-000001", "CN-000001", "INV-000002"], ledger.Documents.Select(d => d.Number.ToString()));
    }

    [Fact]
    public void Invoice_EditedBilledEntry_LeftOutAndReported()
    {
        var ledger = new InvoiceLedger(new InMemoryInvoiceNumberSequence());
        var contract = WorkedExampleTests.SubscriptionContract();
        var entries = WorkedExampleTests.SubscriptionEntries().ToList();
        ledger.Invoice(contract, March, entries, null, Now);

        entries[0] = entries[0] with { Duration = Duration.FromHours(8) };
        var run = ledger.Invoice(contract, March, entries, null, Now);

        Assert.Contains(run.Statement.Faults, f => f.Entry.Value == "S1" && f.Kind == TimeEntryFaultKind.BilledEntryModified);
        Assert.Contains(run.Statement.Excluded, x => x.Id == "S1" && x.Reason == ExclusionReason.Invalid);
        Assert.Equal(InvoiceRunOutcome.Corrected, run.Outcome);
    }

    [Fact]
    public void Invoice_BilledPendingEntryApprovedLater_Unchanged()
    {
        var o = Options("C-A");
        o.RequireApproval = false;
        o.TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = Eur(100m) };
        var contract = o.Build();
        var pending = Entry("A", Local(2026, 3, 2, 9), Duration.FromHours(1), contract: "C-A", approval: ApprovalState.Pending);
        var ledger = new InvoiceLedger(new InMemoryInvoiceNumberSequence());
        ledger.Invoice(contract, March, [pending], null, Now);

        var run = ledger.Invoice(contract, March, [pending.WithApproval(ApprovalState.Approved)], null, Now);

        Assert.Equal(InvoiceRunOutcome.Unchanged, run.Outcome);
        Assert.Empty(run.Statement.Faults);
    }

    [Fact]
    public void Invoice_BilledEntryOfferedToAnotherContract_NotBilledTwice()
    {
        var ledger = new InvoiceLedger(new InMemoryInvoiceNumberSequence());
        var tm = WorkedExampleTests.CallOutContract();
        var o = Options("C-OTHER");
        o.TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = Eur(100m) };
        var other = o.Build();
        var entries = WorkedExampleTests.CallOutEntries();
        var first = ledger.Invoice(tm, March, entries, null, Now);

        var moved = entries[1] with { Contract = other.Id };
        var run = ledger.Invoice(other, March, [moved], null, Now);

        Assert.Equal(InvoiceRunOutcome.NothingToInvoice, run.Outcome);
        Assert.Contains(run.Statement.Faults, f => f.Entry == moved.Id && f.Kind == TimeEntryFaultKind.BilledEntryModified);
        Assert.Equal(first.Invoice, ledger.FindInvoiceOf(Tenant, moved.Id));
    }

    [Fact]
    public void Invoice_EverythingWithdrawn_CreditNoteOnly()
    {
        var ledger = new InvoiceLedger(new InMemoryInvoiceNumberSequence());
        var contract = WorkedExampleTests.CallOutContract();
        var entries = WorkedExampleTests.CallOutEntries().ToList();
        ledger.Invoice(contract, March, entries, null, Now);

        entries.Add(entries[0].Correct(new TimeEntryId("T1-x"), billable: false).WithApproval(ApprovalState.Approved));
        entries.Add(entries[1].Correct(new TimeEntryId("T2-x"), billable: false).WithApproval(ApprovalState.Approved));
        var run = ledger.Invoice(contract, March, entries, null, Now);

        Assert.Equal(InvoiceRunOutcome.Cancelled, run.Outcome);
        Assert.Null(run.Invoice);
        Assert.Equal(-64800L, run.CreditNote!.TotalMinorUnits);
        Assert.Null(ledger.GetCurrentInvoice(Tenant, contract.Id, March));
    }

    [Fact]
    public void Invoice_NothingBillable_NoDocumentNoNumber()
    {
        var numbers = new InMemoryInvoiceNumberSequence();
        var ledger = new InvoiceLedger(numbers);

        var run = ledger.Invoice(WorkedExampleTests.CallOutContract(), March, [], null, Now);

        Assert.Equal(InvoiceRunOutcome.NothingToInvoice, run.Outcome);
        Assert.Empty(ledger.Documents);
        Assert.Equal(0, numbers.Current(Tenant, InvoiceDocumentKind.Invoice));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.Invoice(WorkedExampleTests.CallOutContract(), new YearMonth(2025, 12), [], null, Now));
    }

    [Fact]
    public void Next_PerTenantAndSeries_StartsAtOneWithoutGaps()
    {
        var numbers = new InMemoryInvoiceNumberSequence();
        var other = new TenantId("other");

        Assert.Equal([1L, 2L, 3L], [numbers.Next(Tenant, InvoiceDocumentKind.Invoice), numbers.Next(Tenant, InvoiceDocumentKind.Invoice), numbers.Next(Tenant, InvoiceDocumentKind.Invoice)]);
        Assert.Equal(1L, numbers.Next(other, InvoiceDocumentKind.Invoice));
        Assert.Equal(1L, numbers.Next(Tenant, InvoiceDocumentKind.CreditNote));
        Assert.Throws<ArgumentException>(() => numbers.Next(default, InvoiceDocumentKind.Invoice));
    }

    [Fact]
    public void Invoice_OneOffWorks_PricedFromPriceListAndChecked()
    {
        var o = Options("C-W");
        o.TaxRate = 0.19m;
        o.PriceList = new PriceListBuilder("P", Currency.Eur)
            .Add("VISIT", "On-site visit", "visit", 120m, 0.07m)
            .Add("INSTALL", "Installation", "each", 49.99m)
            .Add("SECRET", "Not allowed", "each", 1m)
            .Build();
        o.OneOffWorks = new OneOffWorksPlan { AllowedItems = ["VISIT", "INSTALL"] };
        var contract = o.Build();
        var at = Local(2026, 3, 4, 10);
        var id = new ContractId("C-W");
        OneOffWork[] works =
        [
            new(new OneOffWorkId("W1"), id, "VISIT", 2m, at),
            new(new OneOffWorkId("W2"), id, "INSTALL", 3m, at),
            new(new OneOffWorkId("W3"), id, "SECRET", 1m, at),
            new(new OneOffWorkId("W4"), id, "NOPE", 1m, at),
            new(new OneOffWorkId("W5"), id, "INSTALL", 1m, at),
            new(new OneOffWorkId("W5-cancel"), id, "INSTALL", 0m, at) { Supersedes = new OneOffWorkId("W5") },
            new(new OneOffWorkId("W6"), id, "INSTALL", -1m, at),
        ];

        var run = new InvoiceLedger(new InMemoryInvoiceNumberSequence()).Invoice(contract, March, [], works, Now);

        Assert.Equal(
            [
                new InvoiceLine(InvoiceLineKind.OneOffWork, "Installation", 3m, "each", Eur(49.99m), Eur(149.97m), 0.19m, Eur(28.49m)),
                new InvoiceLine(InvoiceLineKind.OneOffWork, "On-site visit", 2m, "visit", Eur(120m), Eur(240m), 0.07m, Eur(16.80m)),
            ],
            run.Invoice!.Lines);
        Assert.Equal([("W3", ExclusionReason.ItemNotAllowed), ("W4", ExclusionReason.UnknownItem), ("W6", ExclusionReason.Invalid)], run.Statement.Excluded.Select(x => (x.Id, x.Reason)));
        Assert.Equal(["W1", "W2"], run.Invoice.Works.Select(w => w.Value));
    }
}
