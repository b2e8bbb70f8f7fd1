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
    private readonly Dictionary<TenantId, BilledIndex> _billed = [];

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
        CheckPeriod(contract, period);
        var input = entries as IReadOnlyCollection<TimeEntry> ?? [.. entries];
        var workList = works is null ? null : works as IReadOnlyCollection<OneOffWork> ?? [.. works];
        lock (_lock)
        {
            return InvoiceCore(contract, period, input, workList, now);
        }
    }

    /// <summary>
    /// Invoices many contracts for a month in one pass: the entries and works are grouped by contract once (by tenant
    /// and contract id), then each contract is invoiced as by <see cref="Invoice"/>, in the order given.
    /// </summary>
    /// <param name="contracts">The contracts; each (tenant, id) at most once.</param>
    /// <param name="period">The month (in each contract's zone); not before any contract's start month.</param>
    /// <param name="entries">Time entries of any of the contracts, up to and including the month; entries of other contracts are ignored.</param>
    /// <param name="works">One-off works of any of the contracts, or <see langword="null"/>.</param>
    /// <param name="now">The current instant: validation and the issue date.</param>
    /// <returns>One run per contract, in the order of <paramref name="contracts"/>.</returns>
    /// <exception cref="ArgumentException">A contract appears twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is before a contract's start month (nothing is invoiced then).</exception>
    /// <remarks>
    /// The result is the same as calling <see cref="Invoice"/> for each contract with all the entries and works
    /// (property-tested), but the input is read once rather than once per contract. The ledger is locked for the
    /// whole batch.
    /// </remarks>
    public IReadOnlyList<InvoiceRun> InvoiceAll(IReadOnlyList<Contract> contracts, YearMonth period, IEnumerable<TimeEntry> entries, IEnumerable<OneOffWork>? works, Instant now)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        ArgumentNullException.ThrowIfNull(entries);
        var index = new Dictionary<(TenantId, ContractId), int>(contracts.Count);
        for (var i = 0; i < contracts.Count; i++)
        {
            var c = contracts[i];
            ArgumentNullException.ThrowIfNull(c, nameof(contracts));
            CheckPeriod(c, period);
            if (!index.TryAdd((c.Tenant, c.Id), i))
            {
                throw new ArgumentException($"Contract {TextPolicy.Echo(c.Id)} of tenant {TextPolicy.Echo(c.Tenant)} appears more than once.", nameof(contracts));
            }
        }

        var byContract = new List<TimeEntry>?[contracts.Count];
        foreach (var e in entries)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(entries));
            if (index.TryGetValue((e.Tenant, e.Contract), out var i))
            {
                (byContract[i] ??= []).Add(e);
            }
        }

        List<OneOffWork>?[]? worksByContract = null;
        if (works is not null)
        {
            worksByContract = new List<OneOffWork>?[contracts.Count];
            var byId = new Dictionary<ContractId, List<int>>(contracts.Count);
            for (var i = 0; i < contracts.Count; i++)
            {
                if (!byId.TryGetValue(contracts[i].Id, out var list))
                {
                    byId[contracts[i].Id] = list = [];
                }

                list.Add(i);
            }

            foreach (var w in works)
            {
                // Works carry no tenant: a work goes to every listed contract with its contract id, as Invoice would take it.
                if (w is not null && byId.TryGetValue(w.Contract, out var targets))
                {
                    foreach (var i in targets)
                    {
                        (worksByContract[i] ??= []).Add(w);
                    }
                }
            }
        }

        var runs = new InvoiceRun[contracts.Count];
        lock (_lock)
        {
            for (var i = 0; i < contracts.Count; i++)
            {
                runs[i] = InvoiceCore(contracts[i], period, (IReadOnlyCollection<TimeEntry>?)byContract[i] ?? [], worksByContract is null ? null : (IReadOnlyCollection<OneOffWork>?)worksByContract[i] ?? [], now);
            }
        }

        return runs;
    }

    private static void CheckPeriod(Contract contract, YearMonth period)
    {
        if (period < contract.Start.ToYearMonth())
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"The month is before the start month {contract.Start.ToYearMonth()} of contract {TextPolicy.Echo(contract.Id)}.");
        }
    }

    /// <summary>Invoices one contract (under the lock): the decision is <see cref="InvoicePlanner"/>'s, shared with <see cref="DurableLedger"/>.</summary>
    private InvoiceRun InvoiceCore(Contract contract, YearMonth period, IReadOnlyCollection<TimeEntry> input, IReadOnlyCollection<OneOffWork>? workList, Instant now)
    {
        var key = (contract.Tenant, contract.Id, period);
        if (!_billed.TryGetValue(contract.Tenant, out var billed))
        {
            _billed[contract.Tenant] = billed = new BilledIndex();
        }

        _current.TryGetValue(key, out var existing);
        var plan = InvoicePlanner.Plan(
            contract, period, input, workList, now, _validation, billed.Count == 0 ? null : billed,
            id => billed.InvoiceOf(id) is { } doc ? (doc.Contract, doc.Period) : null,
            existing);
        switch (plan.Outcome)
        {
            case InvoiceRunOutcome.Unchanged:
                return new InvoiceRun(InvoiceRunOutcome.Unchanged, existing, null, plan.Statement);
            case InvoiceRunOutcome.NothingToInvoice:
                return new InvoiceRun(InvoiceRunOutcome.NothingToInvoice, null, null, plan.Statement);
        }

        var (creditDraft, invoiceDraft) = plan.Drafts(contract, period, existing, now);
        InvoiceDocument? credit = null;
        if (creditDraft is not null)
        {
            credit = creditDraft.ToDocument(_numbering.Next(contract.Tenant, InvoiceDocumentKind.CreditNote));
            _documents.Add(credit);
            _current.Remove(key);
            foreach (var e in existing!.BilledEntries)
            {
                billed.Release(e.Id);
            }
        }

        if (invoiceDraft is null)
        {
            return new InvoiceRun(InvoiceRunOutcome.Cancelled, null, credit, plan.Statement);
        }

        var invoice = invoiceDraft.ToDocument(_numbering.Next(contract.Tenant, InvoiceDocumentKind.Invoice));
        _documents.Add(invoice);
        _current[key] = invoice;
        foreach (var e in plan.Entries)
        {
            billed.Bill(e, invoice);
        }

        return new InvoiceRun(plan.Outcome, invoice, credit, plan.Statement);
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
            return _billed.TryGetValue(tenant, out var billed) ? billed.InvoiceOf(entry) : null;
        }
    }

    /// <summary>
    /// A tenant's billed entries in one index: the snapshot of each entry as first billed (to detect edits), and the
    /// current invoice it is on, if any. Read by the validator as the billed-snapshot dictionary.
    /// </summary>
    private sealed class BilledIndex : IReadOnlyDictionary<TimeEntryId, TimeEntry>
    {
        private readonly Dictionary<TimeEntryId, Slot> _slots = [];

        public int Count => _slots.Count;

        public IEnumerable<TimeEntryId> Keys => _slots.Keys;

        public IEnumerable<TimeEntry> Values => _slots.Values.Select(s => s.Snapshot);

        public TimeEntry this[TimeEntryId key] => _slots[key].Snapshot;

        public InvoiceDocument? InvoiceOf(TimeEntryId id) => _slots.TryGetValue(id, out var slot) ? slot.Invoice : null;

        public void Bill(TimeEntry entry, InvoiceDocument invoice)
        {
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_slots, entry.Id, out var exists);
            slot = new Slot(exists ? slot.Snapshot : entry, invoice);
        }

        public void Release(TimeEntryId id)
        {
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_slots, id);
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref slot))
            {
                slot = slot with { Invoice = null };
            }
        }

        public bool ContainsKey(TimeEntryId key) => _slots.ContainsKey(key);

        public bool TryGetValue(TimeEntryId key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TimeEntry value)
        {
            if (_slots.TryGetValue(key, out var slot))
            {
                value = slot.Snapshot;
                return true;
            }

            value = null;
            return false;
        }

        public IEnumerator<KeyValuePair<TimeEntryId, TimeEntry>> GetEnumerator()
            => _slots.Select(p => new KeyValuePair<TimeEntryId, TimeEntry>(p.Key, p.Value.Snapshot)).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private readonly record struct Slot(TimeEntry Snapshot, InvoiceDocument? Invoice);
    }
}
