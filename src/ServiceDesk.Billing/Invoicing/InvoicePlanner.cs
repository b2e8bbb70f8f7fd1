using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>What to do for one contract and month, decided from the entries, the works, the billed-entry index and the
/// current invoice. Applied in memory by <see cref="InvoiceLedger"/> and through a store by <see cref="DurableLedger"/>.</summary>
internal sealed record InvoicePlan(InvoiceRunOutcome Outcome, ContractMonthStatement Statement, TimeEntry[] Entries, OneOffWorkId[] Works)
{
    /// <summary>Makes the drafts of the plan (none when it is <see cref="InvoiceRunOutcome.Unchanged"/> or
    /// <see cref="InvoiceRunOutcome.NothingToInvoice"/>).</summary>
    public (InvoiceDraft? CreditNote, InvoiceDraft? Invoice) Drafts(Contract contract, YearMonth period, InvoiceDocument? existing, Instant now)
    {
        if (Outcome is InvoiceRunOutcome.Unchanged or InvoiceRunOutcome.NothingToInvoice)
        {
            return (null, null);
        }

        var issuedOn = contract.GetDate(now);
        var credit = existing is null ? null : InvoiceDraft.CreditNoteFor(existing, issuedOn);
        var invoice = Statement.Lines.Count == 0 ? null : InvoiceDraft.ForInvoice(contract, period, issuedOn, Statement.Lines, Entries, Works);
        return (credit, invoice);
    }
}

/// <summary>The pure decision of an invoice run for one contract and month, shared by the in-memory and the durable ledger.</summary>
internal static class InvoicePlanner
{
    /// <param name="contract">The contract.</param>
    /// <param name="period">The month.</param>
    /// <param name="input">The contract's entries up to and including the month.</param>
    /// <param name="works">The contract's works, or <see langword="null"/>.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="validation">Validation settings.</param>
    /// <param name="billed">Snapshots of billed entries by id, or <see langword="null"/> when nothing was billed.</param>
    /// <param name="billedOn">The (contract, month) of the current invoice an entry is on, or <see langword="null"/>.</param>
    /// <param name="existing">The current invoice of the contract and month, or <see langword="null"/>.</param>
    public static InvoicePlan Plan(
        Contract contract, YearMonth period, IReadOnlyCollection<TimeEntry> input, IReadOnlyCollection<OneOffWork>? works, Instant now,
        TimeEntryValidationOptions? validation, IReadOnlyDictionary<TimeEntryId, TimeEntry>? billed,
        Func<TimeEntryId, (ContractId Contract, YearMonth Period)?> billedOn, InvoiceDocument? existing)
    {
        var statement = BillingCalculator.Calculate(contract, period, input, works, now, validation, billed, lastOnly: true)[^1];
        var elsewhere = billed is null ? null : Elsewhere(statement, billedOn, contract.Id, period);
        if (elsewhere is not null)
        {
            statement = BillingCalculator.Calculate(contract, period, input.Where(e => !elsewhere.Contains(e.Id)), works, now, validation, billed, lastOnly: true)[^1];
        }

        var entries = BilledEntries(statement.Allocations);
        var billedWorks = statement.Works.Select(w => w.Id).OrderBy(w => w).ToArray();
        if (existing is not null
            && existing.Lines.SequenceEqual(statement.Lines)
            && existing.BilledEntries.Select(e => e.Id).SequenceEqual(entries.Select(e => e.Id))
            && existing.Works.SequenceEqual(billedWorks))
        {
            return new InvoicePlan(InvoiceRunOutcome.Unchanged, statement, entries, billedWorks);
        }

        var outcome = (existing, statement.Lines.Count) switch
        {
            (null, 0) => InvoiceRunOutcome.NothingToInvoice,
            (null, _) => InvoiceRunOutcome.Issued,
            (_, 0) => InvoiceRunOutcome.Cancelled,
            _ => InvoiceRunOutcome.Corrected,
        };
        return new InvoicePlan(outcome, statement, entries, billedWorks);
    }

    /// <summary>Decides a contract-month from stored data: the billed-entry index as the store keeps it (the durable ledger
    /// and the stored reports decide the same way).</summary>
    /// <param name="contract">The contract.</param>
    /// <param name="period">The month.</param>
    /// <param name="entries">The contract's entries up to and including the month.</param>
    /// <param name="works">The contract's works.</param>
    /// <param name="billed">The contract's part of the billed-entry index.</param>
    /// <param name="existing">The current invoice of the contract and month, or <see langword="null"/>.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="validation">Validation settings.</param>
    public static InvoicePlan Plan(
        Contract contract, YearMonth period, TimeEntry[] entries, OneOffWork[] works, IEnumerable<BilledEntry> billed,
        InvoiceDocument? existing, Instant now, TimeEntryValidationOptions? validation)
    {
        Dictionary<TimeEntryId, TimeEntry>? snapshots = null;
        Dictionary<TimeEntryId, (ContractId, YearMonth)>? on = null;
        foreach (var b in billed)
        {
            (snapshots ??= [])[b.Snapshot.Id] = b.Snapshot;
            if (b.Invoice is not null)
            {
                (on ??= [])[b.Snapshot.Id] = (b.Contract, b.Period);
            }
        }

        return Plan(
            contract, period, entries, works, now, validation, snapshots,
            id => on is not null && on.TryGetValue(id, out var where) ? where : null,
            existing);
    }

    /// <summary>The entries of a statement that are on a current invoice of another contract or month, or <see langword="null"/> when none is.</summary>
    private static HashSet<TimeEntryId>? Elsewhere(ContractMonthStatement statement, Func<TimeEntryId, (ContractId Contract, YearMonth Period)?> billedOn, ContractId contract, YearMonth period)
    {
        HashSet<TimeEntryId>? elsewhere = null;
        foreach (var a in statement.Allocations)
        {
            if (billedOn(a.Entry.Id) is { } on && (on.Contract != contract || on.Period != period))
            {
                (elsewhere ??= []).Add(a.Entry.Id);
            }
        }

        return elsewhere;
    }

    /// <summary>The distinct entries of the allocations (an entry's allocations are adjacent), in id order.</summary>
    private static TimeEntry[] BilledEntries(IReadOnlyList<TimeAllocation> allocations)
    {
        var entries = new List<TimeEntry>(allocations.Count);
        HashSet<TimeEntryId>? seen = null;
        foreach (var a in allocations)
        {
            var e = a.Entry;
            if (entries.Count > 0 && entries[^1].Id == e.Id)
            {
                continue;
            }

            // Adjacent splits are skipped above; the set only guards against ids that repeat further apart.
            if ((seen ??= new HashSet<TimeEntryId>(allocations.Count)).Add(e.Id))
            {
                entries.Add(e);
            }
        }

        var result = entries.ToArray();
        Array.Sort(result, static (x, y) => x.Id.CompareTo(y.Id));
        return result;
    }
}
