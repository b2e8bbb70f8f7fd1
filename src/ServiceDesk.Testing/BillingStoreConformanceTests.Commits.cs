using NodaTime;
using ServiceDesk.Billing;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Commits: numbering, current invoices, the billed-entry index and concurrency.</content>
public abstract partial class BillingStoreConformanceTests
{
    /// <summary>A first invoice takes number 1, becomes current, reads back equal (lines, money, entries, works) and puts
    /// its entries in the index.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Commit_FirstInvoice_NumberOneCurrentAndIndexed()
    {
        var tenant = NewTenant();
        var contract = TimeAndMaterials(tenant);
        var a = Entry(tenant, "E-a");
        var b = Entry(tenant, "E-b", day: 4, minutes: 30) with { Notes = "with notes" };
        var line1 = new InvoiceLine(InvoiceLineKind.TimeAndMaterials, "Support ½", 1.5m, "hour", new Money(100m, Currency.Eur), new Money(150m, Currency.Eur), 0.19m, new Money(28.5m, Currency.Eur));
        var line2 = new InvoiceLine(InvoiceLineKind.OneOffWork, "On-site visit", 0.333333333333m, "visit", new Money(120.1234m, Currency.Eur), new Money(40.04m, Currency.Eur), 0m, new Money(0m, Currency.Eur));
        var draft = InvoiceDraft.ForInvoice(contract, March, new LocalDate(2025, 3, 31), [line1, line2], [a, b], [new OneOffWorkId("W-1")]);

        var result = await CommitAsync(new InvoiceCommit(null, null, draft));

        Assert.Null(result.CreditNote);
        var invoice = result.Invoice!;
        Assert.Equal(new InvoiceNumber(InvoiceDocumentKind.Invoice, 1), invoice.Number);
        var current = Assert.Single(await Store.GetCurrentInvoicesAsync(tenant, March));
        Assert.Equal(invoice.Number, current.Number);
        Assert.Equal([line1, line2], current.Lines);
        Assert.Equal([a, b], current.BilledEntries);
        Assert.Equal([new OneOffWorkId("W-1")], current.Works);
        Assert.Equal(contract.ClientLegalName, current.ClientLegalName);
        Assert.Equal(new LocalDate(2025, 3, 31), current.IssuedOn);
        Assert.Equal(invoice.TotalMinorUnits, current.TotalMinorUnits);
        Assert.Equal(1, await Store.GetLastNumberAsync(tenant, InvoiceDocumentKind.Invoice));
        Assert.Equal(0, await Store.GetLastNumberAsync(tenant, InvoiceDocumentKind.CreditNote));
        var billed = await Store.GetBilledEntriesAsync(tenant, contract.Id);
        Assert.Equal([new BilledEntry(a, invoice.Number, contract.Id, March), new BilledEntry(b, invoice.Number, contract.Id, March)], billed);
        Assert.Empty(await Store.GetCurrentInvoicesAsync(tenant, March.PlusMonths(1)));
        Assert.Empty(await Store.GetCurrentInvoicesAsync(NewTenant(), March));
    }

    /// <summary>A correction: the credit note takes credit-note number 1 and reverses the invoice, the new invoice takes
    /// number 2 and becomes current; entries of the old invoice leave the index (their first snapshot kept), entries of the
    /// new one enter it; the statuses show it.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Commit_Correction_CreditNoteReversesAndNewInvoiceIsCurrent()
    {
        var tenant = NewTenant();
        var contract = TimeAndMaterials(tenant);
        var a = Entry(tenant, "E-a");
        var b = Entry(tenant, "E-b", day: 4);
        var first = (await CommitAsync(new InvoiceCommit(null, null, Draft(contract, 2m, a, b)))).Invoice!;

        var fix = a.Correct(new TimeEntryId("E-a-fix"), duration: Duration.FromMinutes(30)).WithApproval(ApprovalState.Approved);
        var credit = InvoiceDraft.CreditNoteFor(first, new LocalDate(2025, 4, 2));
        var result = await CommitAsync(new InvoiceCommit(first.Number, credit, Draft(contract, 1.5m, b, fix)));

        Assert.Equal("CN-000001", result.CreditNote!.Number.ToString());
        Assert.Equal(first.Number, result.CreditNote.Reverses);
        Assert.Equal(-first.TotalMinorUnits, result.CreditNote.TotalMinorUnits);
        Assert.Equal("INV-000002", result.Invoice!.Number.ToString());
        Assert.Equal(result.Invoice.Number, Assert.Single(await Store.GetCurrentInvoicesAsync(tenant, March, contract.Id)).Number);

        var invoices = await AssertGaplessAsync(Store, tenant, InvoiceDocumentKind.Invoice);
        Assert.Equal([InvoiceStatus.Reversed, InvoiceStatus.Current], invoices.Select(d => d.Status));
        Assert.Equal(result.CreditNote.Number, invoices[0].ReversedBy);
        var credits = await AssertGaplessAsync(Store, tenant, InvoiceDocumentKind.CreditNote);
        Assert.Equal(InvoiceStatus.CreditNote, Assert.Single(credits).Status);
        Assert.Equal(first.Number, credits[0].Document.Reverses);

        var billed = (await Store.GetBilledEntriesAsync(tenant)).ToDictionary(e => e.Snapshot.Id.Value);
        Assert.Null(billed["E-a"].Invoice);
        Assert.Equal(result.Invoice.Number, billed["E-b"].Invoice);
        Assert.Equal(result.Invoice.Number, billed["E-a-fix"].Invoice);
        Assert.Equal(b, billed["E-b"].Snapshot);
    }

    /// <summary>A credit note without a new invoice cancels the month: no current invoice remains.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Commit_CreditNoteOnly_LeavesNoCurrentInvoice()
    {
        var tenant = NewTenant();
        var contract = TimeAndMaterials(tenant);
        var first = (await CommitAsync(new InvoiceCommit(null, null, Draft(contract, 1m, Entry(tenant, "E-1"))))).Invoice!;
        var result = await CommitAsync(new InvoiceCommit(first.Number, InvoiceDraft.CreditNoteFor(first, new LocalDate(2025, 4, 2)), null));

        Assert.Null(result.Invoice);
        Assert.Empty(await Store.GetCurrentInvoicesAsync(tenant, March));
        Assert.Null(Assert.Single(await Store.GetBilledEntriesAsync(tenant)).Invoice);

        // The month can be invoiced afresh: a first invoice again, numbered on.
        var again = await CommitAsync(new InvoiceCommit(null, null, Draft(contract, 1m, Entry(tenant, "E-1"))));
        Assert.Equal(2, again.Invoice!.Number.Sequence);
    }

    /// <summary>A commit whose expected current invoice is not the stored one throws
    /// <see cref="BillingConcurrencyException"/> naming both; nothing of the whole call is stored and no number is used.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Commit_StaleExpectation_ThrowsAndStoresNothing()
    {
        var tenant = NewTenant();
        var c1 = TimeAndMaterials(tenant, "C-1");
        var c2 = TimeAndMaterials(tenant, "C-2");
        var first = (await CommitAsync(new InvoiceCommit(null, null, Draft(c2, 1m)))).Invoice!;

        // C-1 is fine, C-2 expects no invoice but has one: the whole batch fails.
        var ex = await Assert.ThrowsAsync<BillingConcurrencyException>(() => Store.CommitAsync(
            [new InvoiceCommit(null, null, Draft(c1, 1m, Entry(tenant, "E-1"))), new InvoiceCommit(null, null, Draft(c2, 3m))]));
        Assert.Equal(c2.Id, ex.Contract);
        Assert.Null(ex.Expected);
        Assert.Equal(first.Number, ex.Actual);

        // Expecting an invoice that is not (or no longer) current fails the same way.
        var wrong = new InvoiceNumber(InvoiceDocumentKind.Invoice, 99);
        await Assert.ThrowsAsync<BillingConcurrencyException>(() => Store.CommitAsync(
            [new InvoiceCommit(wrong, CreditFor(c1, wrong), null)]));

        Assert.Equal(1, await Store.GetLastNumberAsync(tenant, InvoiceDocumentKind.Invoice));
        Assert.Equal(0, await Store.GetLastNumberAsync(tenant, InvoiceDocumentKind.CreditNote));
        Assert.Empty(await Store.GetCurrentInvoicesAsync(tenant, March, c1.Id));
        Assert.Empty(await Store.GetBilledEntriesAsync(tenant));
        var next = await CommitAsync(new InvoiceCommit(null, null, Draft(c1, 1m)));
        Assert.Equal(2, next.Invoice!.Number.Sequence);
        await AssertGaplessAsync(Store, tenant, InvoiceDocumentKind.Invoice);
    }

    /// <summary>Many writers (on two stores when the adapter provides a second) commit first invoices of different contracts
    /// at once: every number from 1 to the count is used exactly once, and every contract has its invoice.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Commit_ConcurrentWriters_NumbersGaplessAndUnique()
    {
        var tenant = NewTenant();
        var second = await CreateSecondStoreAsync();
        try
        {
            const int PerWriter = 6;
            var writers = Enumerable.Range(0, Concurrency).Select(w => Task.Run(async () =>
            {
                var store = w % 2 == 0 ? Store : second;
                var numbers = new List<long>();
                for (var i = 0; i < PerWriter; i++)
                {
                    var contract = TimeAndMaterials(tenant, $"C-{w:D2}-{i:D2}");
                    var results = await store.CommitAsync([new InvoiceCommit(null, null, Draft(contract, 1m))]);
                    numbers.Add(results[0].Invoice!.Number.Sequence);
                }

                return numbers;
            })).ToArray();
            var all = (await Task.WhenAll(writers)).SelectMany(n => n).Order().ToList();

            Assert.Equal(Enumerable.Range(1, Concurrency * PerWriter).Select(i => (long)i), all);
            await AssertGaplessAsync(second, tenant, InvoiceDocumentKind.Invoice);
            Assert.Equal(Concurrency * PerWriter, (await Store.GetCurrentInvoicesAsync(tenant, March)).Count);
        }
        finally
        {
            if (!ReferenceEquals(second, Store))
            {
                await DisposeStoreAsync(second);
            }
        }
    }

    /// <summary>Writers race to issue the first invoice of one contract and month: exactly one wins, the others get
    /// <see cref="BillingConcurrencyException"/>, and one number is used.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Commit_RaceForOneContract_ExactlyOneWins()
    {
        var tenant = NewTenant();
        var contract = TimeAndMaterials(tenant);
        var second = await CreateSecondStoreAsync();
        try
        {
            var racers = Enumerable.Range(0, Concurrency).Select(w => Task.Run(async () =>
            {
                try
                {
                    await (w % 2 == 0 ? Store : second).CommitAsync([new InvoiceCommit(null, null, Draft(contract, w + 1))]);
                    return true;
                }
                catch (BillingConcurrencyException)
                {
                    return false;
                }
            })).ToArray();
            var won = await Task.WhenAll(racers);

            Assert.Equal(1, won.Count(w => w));
            Assert.Equal(1, await Store.GetLastNumberAsync(tenant, InvoiceDocumentKind.Invoice));
            Assert.Single(await Store.GetCurrentInvoicesAsync(tenant, March));
        }
        finally
        {
            if (!ReferenceEquals(second, Store))
            {
                await DisposeStoreAsync(second);
            }
        }
    }

    /// <summary>Each tenant numbers its own invoices and credit notes from 1.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Numbers_PerTenantAndSeries()
    {
        var t1 = NewTenant();
        var t2 = NewTenant();
        var i1 = (await CommitAsync(new InvoiceCommit(null, null, Draft(TimeAndMaterials(t1), 1m)))).Invoice!;
        await CommitAsync(new InvoiceCommit(null, null, Draft(TimeAndMaterials(t1, "C-2"), 1m)));
        var i2 = (await CommitAsync(new InvoiceCommit(null, null, Draft(TimeAndMaterials(t2), 1m)))).Invoice!;
        var cn = (await CommitAsync(new InvoiceCommit(i2.Number, InvoiceDraft.CreditNoteFor(i2, new LocalDate(2025, 4, 1)), null))).CreditNote!;

        Assert.Equal(1, i1.Number.Sequence);
        Assert.Equal(1, i2.Number.Sequence);
        Assert.Equal(1, cn.Number.Sequence);
        Assert.Equal(2, await Store.GetLastNumberAsync(t1, InvoiceDocumentKind.Invoice));
        Assert.Equal(0, await Store.GetLastNumberAsync(t1, InvoiceDocumentKind.CreditNote));
        Assert.Equal(1, await Store.GetLastNumberAsync(t2, InvoiceDocumentKind.CreditNote));
        Assert.Equal(2, (await Store.ListDocumentsAsync(t1, InvoiceDocumentKind.Invoice)).Count);
        Assert.Equal([2L], (await Store.ListDocumentsAsync(t1, InvoiceDocumentKind.Invoice, afterSequence: 1)).Select(d => d.Document.Number.Sequence));
        Assert.Single(await Store.ListDocumentsAsync(t1, InvoiceDocumentKind.Invoice, maxCount: 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListDocumentsAsync(t1, InvoiceDocumentKind.Invoice, maxCount: 0));
    }

    /// <summary>Bad commit batches are refused before anything is stored: two tenants, a repeated contract and month.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Commit_BadBatch_Refused()
    {
        var t1 = NewTenant();
        var t2 = NewTenant();
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(
            [new InvoiceCommit(null, null, Draft(TimeAndMaterials(t1), 1m)), new InvoiceCommit(null, null, Draft(TimeAndMaterials(t2), 1m))]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitAsync(
            [new InvoiceCommit(null, null, Draft(TimeAndMaterials(t1), 1m)), new InvoiceCommit(null, null, Draft(TimeAndMaterials(t1), 2m))]));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.CommitAsync(null!));
        Assert.Equal(0, await Store.GetLastNumberAsync(t1, InvoiceDocumentKind.Invoice));
        Assert.Empty(await Store.CommitAsync([]));
    }

    private static InvoiceDraft CreditFor(Contract contract, InvoiceNumber reverses)
    {
        // A stand-in invoice with the given number, to draft a credit note that reverses it.
        var invoice = Draft(contract, 1m).ToDocument(reverses.Sequence);
        return InvoiceDraft.CreditNoteFor(invoice, new LocalDate(2025, 4, 1));
    }
}
