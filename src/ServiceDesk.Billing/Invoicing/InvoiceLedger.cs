using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>What an invoice run did.</summary>
public enum InvoiceRunOutcome
{
    /// <summary>Nothing to invoice and no earlier invoice: no document, no number used.</summary>
    NothingToInvoice = 0,

    /// <summary>A first invoice was issued for the contract and month.</summary>
    Issued = 1,

    /// <summary>The current invoice already bills exactly this: nothing was issued (idempotent rerun).</summary>
    Unchanged = 2,

    /// <summary>The billed content changed (corrections): the current invoice was reversed by a credit note and a new invoice was issued.</summary>
    Corrected = 3,

    /// <summary>Nothing is billable any more: the current invoice was reversed by a credit note and no new invoice was issued.</summary>
    Cancelled = 4,
}

/// <summary>The result of <see cref="InvoiceLedger.Invoice"/>.</summary>
public sealed class InvoiceRun
{
    internal InvoiceRun(InvoiceRunOutcome outcome, InvoiceDocument? invoice, InvoiceDocument? creditNote, ContractMonthStatement statement)
    {
        Outcome = outcome;
        Invoice = invoice;
        CreditNote = creditNote;
        Statement = statement;
    }

    /// <summary>Gets what the run did.</summary>
    public InvoiceRunOutcome Outcome { get; }

    /// <summary>Gets the current invoice of the contract and month after the run, or <see langword="null"/>.</summary>
    public InvoiceDocument? Invoice { get; }

    /// <summary>Gets the credit note issued by this run, or <see langword="null"/>.</summary>
    public InvoiceDocument? CreditNote { get; }

    /// <summary>Gets the statement the run billed (with the entries and works left out, and the validation faults).</summary>
    public ContractMonthStatement Statement { get; }
}

/// <summary>
/// Issues invoices and credit notes, idempotently, and remembers which entries are on which current invoice. An
/// in-memory store of billing documents; the pricing itself is <see cref="BillingCalculator"/>.
/// </summary>
/// <remarks>
/// <para><b>Idempotent.</b> Invoicing a contract and month again with the same entries changes nothing and uses no
/// number. When the billed content has changed (a correction, a late approval), the current invoice is reversed by a
/// credit note and a new invoice is issued; numbers are taken from the injected <see cref="InvoiceNumberSequence"/>
/// only for documents that are issued, so each tenant's series has no gaps.</para>
/// <para><b>Entries are invoiced once.</b> An entry on a current invoice is never billed by another contract or
/// month, and an entry that has been billed may not change (a correction must be a new entry): it is reported as
/// <see cref="TimeEntryFaultKind.BilledEntryModified"/> and left out.</para>
/// <para>Thread-safe (one lock). It reads no clock: pass <c>now</c>.</para>
/// </remarks>
public sealed class InvoiceLedger
{
    private readonly InvoiceNumberSequence _numbering;
    private readonly TimeEntryValidationOptions? _validation;
    private readonly Lock _lock = new();
    private readonly List<InvoiceDocument> _documents = [];
    private readonly Dictionary<(TenantId, ContractId, YearMonth), InvoiceDocument> _current = [];
    private readonly Dictionary<TenantId, Dictionary<TimeEntryId, InvoiceDocument>> _entryOn = [];
    private readonly Dictionary<TenantId, Dictionary<TimeEntryId, TimeEntry>> _everBilled = [];

    /// <summary>Initializes a ledger.</summary>
    /// <param name="numbering">Hands out document numbers.</param>
    /// <param name="validation">Time-entry validation settings, or <see langword="null"/> for the defaults.</param>
    public InvoiceLedger(InvoiceNumberSequence numbering, TimeEntryValidationOptions? validation = null)
    {
        ArgumentNullException.ThrowIfNull(numbering);
        _numbering = numbering;
        _validation = validation;
    }

    /// <summary>Gets every document issued, in issue order.</summary>
    public IReadOnlyList<InvoiceDocument> Documents
    {
        get
        {
            lock (_lock)
            {
                return [.. _documents];
            }
        }
    }

    /// <summary>Invoices a contract for a month.</summary>
    /// <param name="contract">The contract.</param>
    /// <param name="period">The month (in the contract's zone); not before the contract's start month.</param>
    /// <param name="entries">The contract's time entries up to and including the month (earlier months decide rollover and bundle balances).</param>
    /// <param name="works">The contract's one-off works, or <see langword="null"/>.</param>
    /// <param name="now">The current instant: validation and the issue date.</param>
    /// <returns>What was done, with the current invoice, any credit note, and the statement.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is before the contract's start month.</exception>
    public InvoiceRun Invoice(Contract contract, YearMonth period, IEnumerable<TimeEntry> entries, IEnumerable<OneOffWork>? works, Instant now)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(entries);
        if (period < contract.Start.ToYearMonth())
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"The month is before the contract's start month {contract.Start.ToYearMonth()}.");
        }

        var key = (contract.Tenant, contract.Id, period);
        var input = entries as IReadOnlyCollection<TimeEntry> ?? [.. entries];
        var workList = works is null ? null : works as IReadOnlyCollection<OneOffWork> ?? [.. works];
        lock (_lock)
        {
            var billed = _everBilled.GetValueOrDefault(contract.Tenant);
            var statement = BillingCalculator.Calculate(contract, period, input, workList, now, _validation, billed, lastOnly: true)[^1];
            if (!_entryOn.TryGetValue(contract.Tenant, out var entryOn))
            {
                _entryOn[contract.Tenant] = entryOn = [];
            }

            var elsewhere = Elsewhere(statement, entryOn, contract.Id, period);
            if (elsewhere is not null)
            {
                statement = BillingCalculator.Calculate(contract, period, input.Where(e => !elsewhere.Contains(e.Id)), workList, now, _validation, billed, lastOnly: true)[^1];
            }

            var billedEntries = BilledEntries(statement.Allocations);
            var billedWorks = statement.Works.Select(w => w.Id).OrderBy(w => w).ToArray();
            _current.TryGetValue(key, out var existing);
            if (existing is not null
                && existing.Lines.SequenceEqual(statement.Lines)
                && existing.BilledEntries.Select(e => e.Id).SequenceEqual(billedEntries.Select(e => e.Id))
                && existing.Works.SequenceEqual(billedWorks))
            {
                return new InvoiceRun(InvoiceRunOutcome.Unchanged, existing, null, statement);
            }

            if (existing is null && statement.Lines.Count == 0)
            {
                return new InvoiceRun(InvoiceRunOutcome.NothingToInvoice, null, null, statement);
            }

            var issuedOn = contract.GetDate(now);
            InvoiceDocument? credit = null;
            if (existing is not null)
            {
                credit = new InvoiceDocument(
                    new InvoiceNumber(InvoiceDocumentKind.CreditNote, _numbering.Next(contract.Tenant, InvoiceDocumentKind.CreditNote)),
                    contract, period, issuedOn, [.. existing.Lines.Select(l => l.Negate())], [], [], existing.Number);
                _documents.Add(credit);
                _current.Remove(key);
                foreach (var e in existing.BilledEntries)
                {
                    entryOn.Remove(e.Id);
                }
            }

            if (statement.Lines.Count == 0)
            {
                return new InvoiceRun(InvoiceRunOutcome.Cancelled, null, credit, statement);
            }

            var invoice = new InvoiceDocument(
                new InvoiceNumber(InvoiceDocumentKind.Invoice, _numbering.Next(contract.Tenant, InvoiceDocumentKind.Invoice)),
                contract, period, issuedOn, [.. statement.Lines], billedEntries, billedWorks, null);
            _documents.Add(invoice);
            _current[key] = invoice;
            if (!_everBilled.TryGetValue(contract.Tenant, out var snapshots))
            {
                _everBilled[contract.Tenant] = snapshots = [];
            }

            foreach (var e in billedEntries)
            {
                entryOn[e.Id] = invoice;
                snapshots.TryAdd(e.Id, e);
            }

            return new InvoiceRun(credit is null ? InvoiceRunOutcome.Issued : InvoiceRunOutcome.Corrected, invoice, credit, statement);
        }
    }

    /// <summary>The entries of a statement that are on a current invoice of another contract or month, or <see langword="null"/> when none is.</summary>
    private static HashSet<TimeEntryId>? Elsewhere(ContractMonthStatement statement, Dictionary<TimeEntryId, InvoiceDocument> entryOn, ContractId contract, YearMonth period)
    {
        HashSet<TimeEntryId>? elsewhere = null;
        if (entryOn.Count == 0)
        {
            return null;
        }

        foreach (var a in statement.Allocations)
        {
            if (entryOn.TryGetValue(a.Entry.Id, out var doc) && (doc.Contract != contract || doc.Period != period))
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

    /// <summary>Gets the current (not reversed) invoice of a contract and month.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="contract">The contract.</param>
    /// <param name="period">The month.</param>
    /// <returns>The invoice, or <see langword="null"/>.</returns>
    public InvoiceDocument? GetCurrentInvoice(TenantId tenant, ContractId contract, YearMonth period)
    {
        lock (_lock)
        {
            return _current.GetValueOrDefault((tenant, contract, period));
        }
    }

    /// <summary>Gets the current invoice an entry is billed on.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="entry">The entry.</param>
    /// <returns>The invoice, or <see langword="null"/> when the entry is not on a current invoice.</returns>
    public InvoiceDocument? FindInvoiceOf(TenantId tenant, TimeEntryId entry)
    {
        lock (_lock)
        {
            return _entryOn.TryGetValue(tenant, out var entryOn) ? entryOn.GetValueOrDefault(entry) : null;
        }
    }
}
