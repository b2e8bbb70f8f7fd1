using NodaTime;
using ServiceDesk.Billing;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>The invoice run of <see cref="DurableLedger"/> over the store.</content>
public abstract partial class BillingStoreConformanceTests
{
    /// <summary>A run issues one invoice per contract with billable work, and a rerun is unchanged: no document, no number.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Run_Twice_IssuesOnceThenUnchanged()
    {
        var tenant = NewTenant();
        var contracts = Enumerable.Range(1, 5).Select(i => TimeAndMaterials(tenant, $"C-{i}")).ToList();
        var ledger = new DurableLedger(Store, contracts);
        for (var i = 1; i <= 4; i++)
        {
            await ledger.RecordTimeAsync(Entry(tenant, $"E-{i}", day: i, minutes: 30 * i, contract: $"C-{i}"), Now);
        }

        await ledger.RecordWorkAsync(tenant, new OneOffWork(new OneOffWorkId("W-1"), new ContractId("C-1"), "VISIT", 1m, Instant.FromUtc(2025, 3, 12, 10, 0)) { Ticket = Ticket(1) }, Now);

        var first = await ledger.RunAsync(tenant, March, Now);
        Assert.Equal(4, first.Count(InvoiceRunOutcome.Issued));
        Assert.Equal(1, first.Count(InvoiceRunOutcome.NothingToInvoice));
        var c1 = first.Runs.Single(r => r.Invoice?.Contract == new ContractId("C-1")).Invoice!;
        Assert.Equal(5000 + 12000 + (950 + 2280), c1.TotalMinorUnits); // 0.5 h at 100 + a visit at 120, 19 % tax on each

        var second = await ledger.RunAsync(tenant, March, Now + Duration.FromDays(1));
        Assert.Equal(4, second.Count(InvoiceRunOutcome.Unchanged));
        Assert.Equal(4, await Store.GetLastNumberAsync(tenant, InvoiceDocumentKind.Invoice));
        Assert.Equal(4, (await Store.GetCurrentInvoicesAsync(tenant, March)).Count);
    }

    /// <summary>After a correction, or after the contract's terms change, the rerun reverses the current invoice with a credit
    /// note and issues a corrected one; numbers stay gapless.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Run_AfterCorrectionOrNewTerms_CreditNoteAndCorrectedInvoice()
    {
        var tenant = NewTenant();
        var ledger = new DurableLedger(Store, [TimeAndMaterials(tenant)]);
        var entry = await ledger.RecordTimeAsync(Entry(tenant, "E-1", minutes: 60), Now);
        var issued = (await ledger.RunAsync(tenant, March, Now)).Runs.Single().Invoice!;

        await ledger.RecordTimeAsync(entry.Correct(new TimeEntryId("E-1-fix"), duration: Duration.FromMinutes(120)), Now);
        var corrected = Assert.Single((await ledger.RunAsync(tenant, March, Now)).Runs);
        Assert.Equal(InvoiceRunOutcome.Corrected, corrected.Outcome);
        Assert.Equal(issued.Number, corrected.CreditNote!.Reverses);
        Assert.Equal(2 * issued.TotalMinorUnits, corrected.Invoice!.TotalMinorUnits);

        var repriced = new DurableLedger(Store, [TimeAndMaterials(tenant, hourlyRate: 80m)]);
        var changed = Assert.Single((await repriced.RunAsync(tenant, March, Now)).Runs);
        Assert.Equal(InvoiceRunOutcome.Corrected, changed.Outcome);
        Assert.Equal(16000 + 3040, changed.Invoice!.TotalMinorUnits);
        Assert.Equal(InvoiceRunOutcome.Unchanged, Assert.Single((await repriced.RunAsync(tenant, March, Now)).Runs).Outcome);

        Assert.Equal(3, (await AssertGaplessAsync(Store, tenant, InvoiceDocumentKind.Invoice)).Count);
        Assert.Equal(2, (await AssertGaplessAsync(Store, tenant, InvoiceDocumentKind.CreditNote)).Count);
        Assert.Equal(changed.Invoice.Number, Assert.Single(await Store.GetCurrentInvoicesAsync(tenant, March)).Number);
    }

    /// <summary>With approval required, pending and rejected time is not billed; approving it corrects the invoice.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Run_ApprovalRequired_BillsApprovedTimeOnly()
    {
        var tenant = NewTenant();
        var ledger = new DurableLedger(Store, [TimeAndMaterials(tenant, requireApproval: true)]);
        await ledger.RecordTimeAsync(Entry(tenant, "E-1", day: 3, approval: ApprovalState.Pending), Now);
        await ledger.RecordTimeAsync(Entry(tenant, "E-2", day: 4, approval: ApprovalState.Pending), Now);
        await ledger.RecordTimeAsync(Entry(tenant, "E-3", day: 5, approval: ApprovalState.Pending), Now);
        Assert.Equal(ApprovalState.Approved, (await ledger.SetApprovalAsync(tenant, new TimeEntryId("E-1"), ApprovalState.Approved)).Approval);
        await ledger.SetApprovalAsync(tenant, new TimeEntryId("E-3"), ApprovalState.Rejected);

        var first = Assert.Single((await ledger.RunAsync(tenant, March, Now)).Runs).Invoice!;
        Assert.Equal(["E-1"], first.BilledEntries.Select(e => e.Id.Value));

        await ledger.SetApprovalAsync(tenant, new TimeEntryId("E-2"), ApprovalState.Approved);
        var second = Assert.Single((await ledger.RunAsync(tenant, March, Now)).Runs);
        Assert.Equal(InvoiceRunOutcome.Corrected, second.Outcome);
        Assert.Equal(["E-1", "E-2"], second.Invoice!.BilledEntries.Select(e => e.Id.Value));
    }

    /// <summary>Bad input is refused with a message naming the value and the valid range, and nothing is stored: a negative
    /// or zero duration, time in the future, overlapping time, an unknown contract, a start outside the term, a work item
    /// not in the price list, a negative quantity, and a month outside the contract's range.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Ledger_BadInput_RefusedAndNothingStored()
    {
        var tenant = NewTenant();
        var ledger = new DurableLedger(Store, [TimeAndMaterials(tenant)]);
        await ledger.RecordTimeAsync(Entry(tenant, "E-ok", day: 3, minutes: 60), Now);

        var negative = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ledger.RecordTimeAsync(Entry(tenant, "E-neg", day: 10, minutes: -30), Now));
        Assert.Contains(Duration.FromMinutes(-30).ToString(), negative.Message, StringComparison.Ordinal);
        Assert.Contains("E-neg", negative.Message, StringComparison.Ordinal);
        Assert.Contains("more than 0 and at most", negative.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ledger.RecordTimeAsync(Entry(tenant, "E-zero", day: 10, minutes: 0), Now));
        var future = Entry(tenant, "E-future", day: 10) with { Start = Now + Duration.FromDays(2) };
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ledger.RecordTimeAsync(future, Now));
        var overlap = await Assert.ThrowsAsync<ArgumentException>(() => ledger.RecordTimeAsync(Entry(tenant, "E-overlap", day: 3, minutes: 15) with { Start = Instant.FromUtc(2025, 3, 3, 9, 30) }, Now));
        Assert.Contains("E-ok", overlap.Message, StringComparison.Ordinal);
        var longId = new string('x', 128);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => ledger.RecordTimeAsync(Entry(tenant, "E-u", day: 11, contract: longId), Now));
        Assert.Contains("C-1", unknown.Message, StringComparison.Ordinal);
        Assert.Contains(longId, unknown.Message, StringComparison.Ordinal);
        var early = Entry(tenant, "E-early") with { Start = Instant.FromUtc(2024, 12, 31, 9, 0) };
        var term = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ledger.RecordTimeAsync(early, Now));
        Assert.Contains("2025-01-01", term.Message, StringComparison.Ordinal);
        var longCode = new string('Q', 500);
        var item = await Assert.ThrowsAsync<ArgumentException>(() => ledger.RecordWorkAsync(tenant, new OneOffWork(new OneOffWorkId("W-x"), new ContractId("C-1"), longCode, 1m, Instant.FromUtc(2025, 3, 3, 0, 0)), Now));
        Assert.DoesNotContain(longCode, item.Message, StringComparison.Ordinal);
        Assert.Contains(longCode[..100], item.Message, StringComparison.Ordinal);
        Assert.Contains("'VISIT'", item.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ledger.RecordWorkAsync(tenant, new OneOffWork(new OneOffWorkId("W-y"), new ContractId("C-1"), "VISIT", -1m, Instant.FromUtc(2025, 3, 3, 0, 0)), Now));
        var period = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ledger.RunAsync(tenant, new YearMonth(2025, 6), Now));
        Assert.Contains("2025-01", period.Message, StringComparison.Ordinal);
        Assert.Contains("2025-04", period.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.RunAsync(NewTenant(), March, Now));

        Assert.Equal(["E-ok"], (await Store.ListTimeEntriesAsync(tenant, null, Instant.MaxValue)).Select(e => e.Id.Value));
        Assert.Empty(await Store.ListOneOffWorksAsync(tenant));
        Assert.Equal(0, await Store.GetLastNumberAsync(tenant, InvoiceDocumentKind.Invoice));
    }

    /// <summary>Two ledgers (on two stores when the adapter provides a second) run the same tenant and month at once: every
    /// contract ends with exactly one current invoice, the numbers are gapless and each contract was invoiced once.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Run_TwoInstancesAtOnce_OneCurrentInvoicePerContractGapless()
    {
        var tenant = NewTenant();
        var contracts = Enumerable.Range(1, 60).Select(i => TimeAndMaterials(tenant, $"C-{i:D3}")).ToList();
        var recorder = new DurableLedger(Store, contracts);
        foreach (var c in contracts)
        {
            await recorder.RecordTimeAsync(Entry(tenant, "E-" + c.Id.Value, contract: c.Id.Value, agent: "agent-" + c.Id.Value), Now);
        }

        var second = await CreateSecondStoreAsync();
        try
        {
            var a = new DurableLedger(Store, contracts) { BatchSize = 7 };
            var b = new DurableLedger(second, contracts) { BatchSize = 5 };
            var reports = await Task.WhenAll(Task.Run(() => a.RunAsync(tenant, March, Now)), Task.Run(() => b.RunAsync(tenant, March, Now)));

            var invoices = await AssertGaplessAsync(Store, tenant, InvoiceDocumentKind.Invoice);
            Assert.Equal(contracts.Count, invoices.Count);
            Assert.Equal(contracts.Select(c => c.Id.Value).Order(StringComparer.Ordinal), invoices.Select(d => d.Document.Contract.Value).Order(StringComparer.Ordinal));
            Assert.Equal(contracts.Count, (await Store.GetCurrentInvoicesAsync(tenant, March)).Count);
            Assert.Equal(0, await Store.GetLastNumberAsync(tenant, InvoiceDocumentKind.CreditNote));
            Assert.Equal(contracts.Count, reports.Sum(r => r.Count(InvoiceRunOutcome.Issued)));
            Assert.All(reports, r => Assert.Equal(contracts.Count, r.Runs.Count));
        }
        finally
        {
            if (!ReferenceEquals(second, Store))
            {
                await DisposeStoreAsync(second);
            }
        }
    }
}
