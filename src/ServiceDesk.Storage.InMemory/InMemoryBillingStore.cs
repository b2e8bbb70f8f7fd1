using NodaTime;
using ServiceDesk.Billing;

namespace ServiceDesk.Storage.InMemory;

/// <summary>
/// The reference <see cref="IBillingStore"/>: time entries, one-off works, billing documents, number sequences and the
/// billed-entry index in memory. Passes the billing conformance suite of ServiceDesk.Testing.
/// </summary>
/// <remarks>
/// <para>For tests, samples and single-process hosts that may lose their data on exit; each instance is independent.</para>
/// <para>Thread-safe: one lock per store, held only for the in-memory work of one call, so a commit (numbers, documents,
/// current invoices, index) is atomic and numbers have no gaps. Members complete synchronously.</para>
/// </remarks>
public sealed class InMemoryBillingStore : IBillingStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TenantId, TenantBilling> _tenants = [];

    /// <inheritdoc />
    public Task<bool> AddTimeEntryAsync(TimeEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(AddLocked(entry, undo: null));
        }
    }

    /// <inheritdoc />
    /// <remarks>The check and the insert run under the store's lock.</remarks>
    public Task<TimeEntry?> AddTimeEntryUnlessOverlappingAsync(TimeEntry entry, CancellationToken cancellationToken = default)
    {
        TimeEntryBatch.CheckOverlapCandidate(entry);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var blocking = !_tenants.TryGetValue(entry.Tenant, out var t)
                ? null
                : t.Entries.Values.Where(s => s.SupersededBy is null && entry.ConflictsWith(s.Entry))
                    .Select(s => s.Entry).OrderBy(e => e.Start).ThenBy(e => e.Id).FirstOrDefault();
            if (blocking is null)
            {
                AddLocked(entry, undo: null);
            }

            return Task.FromResult(blocking);
        }
    }

    /// <inheritdoc />
    public Task<int> AddTimeEntriesAsync(IReadOnlyList<TimeEntry> entries, CancellationToken cancellationToken = default)
    {
        TimeEntryBatch.Validate(entries);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            // All or nothing: every slot an entry changes is remembered, and put back if a later entry fails.
            var undo = new List<(TenantBilling Tenant, TimeEntryId Id, EntrySlot? Before)>();
            try
            {
                var stored = 0;
                foreach (var entry in entries)
                {
                    stored += AddLocked(entry, undo) ? 1 : 0;
                }

                return Task.FromResult(stored);
            }
            catch
            {
                for (var i = undo.Count - 1; i >= 0; i--)
                {
                    var (tenant, id, before) = undo[i];
                    if (before is null)
                    {
                        tenant.Entries.Remove(id);
                    }
                    else
                    {
                        tenant.Entries[id] = before;
                    }
                }

                throw;
            }
        }
    }

    /// <summary>Stores one entry under the lock (see <see cref="AddTimeEntryAsync"/>), remembering what it changes in
    /// <paramref name="undo"/> when given.</summary>
    private bool AddLocked(TimeEntry entry, List<(TenantBilling Tenant, TimeEntryId Id, EntrySlot? Before)>? undo)
    {
        var t = Tenant(entry.Tenant);
        if (t.Entries.TryGetValue(entry.Id, out var existing))
        {
            return existing.Entry with { Approval = entry.Approval } == entry
                ? false
                : throw new ArgumentException($"Time entry {TextPolicy.Echo(entry.Id)} is already stored with other content; record a correction (a new entry that supersedes it) instead.", nameof(entry));
        }

        if (entry.Supersedes is { } original)
        {
            if (original == entry.Id || !t.Entries.TryGetValue(original, out var slot) || slot.Entry.Contract != entry.Contract)
            {
                throw new ArgumentException($"Time entry {TextPolicy.Echo(entry.Id)} supersedes {TextPolicy.Echo(original)}, which is not another stored entry of contract {TextPolicy.Echo(entry.Contract)}.", nameof(entry));
            }

            if (slot.SupersededBy is { } by)
            {
                throw new InvalidOperationException($"Time entry {TextPolicy.Echo(original)} is already corrected by {TextPolicy.Echo(by)}; correct that entry instead.");
            }

            undo?.Add((t, original, slot));
            t.Entries[original] = slot with { SupersededBy = entry.Id };
        }

        undo?.Add((t, entry.Id, null));
        t.Entries[entry.Id] = new EntrySlot(entry, null);
        return true;
    }

    /// <inheritdoc />
    public Task<TimeEntry?> GetTimeEntryAsync(TenantId tenant, TimeEntryId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        CheckId(id);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(_tenants.TryGetValue(tenant, out var t) && t.Entries.TryGetValue(id, out var slot) ? slot.Entry : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TimeEntry>> ListTimeEntriesAsync(TenantId tenant, ContractId? contract, Instant before, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        if (contract is { } c)
        {
            ContractId.ThrowIfDefault(c);
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<TimeEntry> list = !_tenants.TryGetValue(tenant, out var t)
                ? []
                : [.. t.Entries.Values.Select(s => s.Entry).Where(e => e.Start < before && (contract is null || e.Contract == contract)).OrderBy(e => e.Start).ThenBy(e => e.Id)];
            return Task.FromResult(list);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TimeEntry>> ListAgentTimeEntriesAsync(TenantId tenant, AgentId agent, Interval interval, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        AgentId.ThrowIfDefault(agent);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<TimeEntry> list = !_tenants.TryGetValue(tenant, out var t)
                ? []
                : [.. t.Entries.Values.Where(s => s.SupersededBy is null && s.Entry.Agent == agent && s.Entry.Start < interval.End && s.Entry.End > interval.Start)
                    .Select(s => s.Entry).OrderBy(e => e.Start).ThenBy(e => e.Id)];
            return Task.FromResult(list);
        }
    }

    /// <inheritdoc />
    public Task<TimeEntry?> SetApprovalAsync(TenantId tenant, TimeEntryId id, ApprovalState approval, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        CheckId(id);
        CheckApproval(approval);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_tenants.TryGetValue(tenant, out var t) || !t.Entries.TryGetValue(id, out var slot))
            {
                return Task.FromResult<TimeEntry?>(null);
            }

            if (approval != ApprovalState.Approved && t.Billed.TryGetValue(id, out var billed) && billed.Invoice is { } invoice)
            {
                throw new InvalidOperationException($"Time entry {TextPolicy.Echo(id)} is on the current invoice {invoice}; it stays approved (record a correction instead).");
            }

            var changed = slot.Entry.WithApproval(approval);
            t.Entries[id] = slot with { Entry = changed };
            return Task.FromResult<TimeEntry?>(changed);
        }
    }

    /// <inheritdoc />
    public Task<bool> AddOneOffWorkAsync(TenantId tenant, OneOffWork work, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        ArgumentNullException.ThrowIfNull(work);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var t = Tenant(tenant);
            if (t.Works.TryGetValue(work.Id, out var existing))
            {
                return existing == work
                    ? Task.FromResult(false)
                    : throw new ArgumentException($"One-off work {TextPolicy.Echo(work.Id)} is already stored with other content; record a correction instead.", nameof(work));
            }

            t.Works[work.Id] = work;
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OneOffWork>> ListOneOffWorksAsync(TenantId tenant, ContractId? contract = null, TicketId? ticket = null, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<OneOffWork> list = !_tenants.TryGetValue(tenant, out var t)
                ? []
                : [.. t.Works.Values.Where(w => (contract is null || w.Contract == contract) && (ticket is null || w.Ticket == ticket)).OrderBy(w => w.PerformedAt).ThenBy(w => w.Id)];
            return Task.FromResult(list);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<InvoiceCommitResult>> CommitAsync(IReadOnlyList<InvoiceCommit> commits, CancellationToken cancellationToken = default)
    {
        var tenant = InvoiceCommit.CheckBatch(commits);
        cancellationToken.ThrowIfCancellationRequested();
        if (tenant is null)
        {
            return Task.FromResult<IReadOnlyList<InvoiceCommitResult>>([]);
        }

        lock (_lock)
        {
            var t = Tenant(tenant.Value);
            foreach (var c in commits)
            {
                var actual = t.Current.TryGetValue((c.Contract, c.Period), out var n) ? n : (InvoiceNumber?)null;
                if (actual != c.ExpectedCurrent)
                {
                    throw new BillingConcurrencyException(c.Tenant, c.Contract, c.Period, c.ExpectedCurrent, actual);
                }
            }

            var results = new InvoiceCommitResult[commits.Count];
            for (var i = 0; i < commits.Count; i++)
            {
                var c = commits[i];
                InvoiceDocument? credit = null;
                InvoiceDocument? invoice = null;
                if (c.CreditNote is { } cn)
                {
                    credit = cn.ToDocument(++t.Last[(int)InvoiceDocumentKind.CreditNote]);
                    t.Documents[credit.Number] = new StoredInvoiceDocument(credit, null);
                    var reversed = c.ExpectedCurrent!.Value;
                    t.Documents[reversed] = t.Documents[reversed] with { ReversedBy = credit.Number };
                    t.Current.Remove((c.Contract, c.Period));
                    foreach (var e in t.Documents[reversed].Document.BilledEntries)
                    {
                        if (t.Billed.TryGetValue(e.Id, out var b) && b.Invoice == reversed)
                        {
                            t.Billed[e.Id] = b with { Invoice = null };
                        }
                    }
                }

                if (c.Invoice is { } inv)
                {
                    invoice = inv.ToDocument(++t.Last[(int)InvoiceDocumentKind.Invoice]);
                    t.Documents[invoice.Number] = new StoredInvoiceDocument(invoice, null);
                    t.Current[(c.Contract, c.Period)] = invoice.Number;
                    foreach (var e in invoice.BilledEntries)
                    {
                        t.Billed[e.Id] = t.Billed.TryGetValue(e.Id, out var b)
                            ? b with { Invoice = invoice.Number, Contract = c.Contract, Period = c.Period }
                            : new BilledEntry(e, invoice.Number, c.Contract, c.Period);
                    }
                }

                results[i] = new InvoiceCommitResult(credit, invoice);
            }

            return Task.FromResult<IReadOnlyList<InvoiceCommitResult>>(results);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<InvoiceDocument>> GetCurrentInvoicesAsync(TenantId tenant, YearMonth period, ContractId? contract = null, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<InvoiceDocument> list = !_tenants.TryGetValue(tenant, out var t)
                ? []
                : [.. t.Current.Where(p => p.Key.Item2 == period && (contract is null || p.Key.Item1 == contract))
                    .Select(p => t.Documents[p.Value].Document).OrderBy(d => d.Contract.Value, StringComparer.Ordinal)];
            return Task.FromResult(list);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredInvoiceDocument>> ListDocumentsAsync(TenantId tenant, InvoiceDocumentKind kind, long afterSequence = 0, int maxCount = 1_000, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        CheckList(kind, afterSequence, maxCount);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<StoredInvoiceDocument> list = !_tenants.TryGetValue(tenant, out var t)
                ? []
                : [.. t.Documents.Values.Where(d => d.Document.Kind == kind && d.Document.Number.Sequence > afterSequence)
                    .OrderBy(d => d.Document.Number.Sequence).Take(maxCount)];
            return Task.FromResult(list);
        }
    }

    /// <inheritdoc />
    public Task<long> GetLastNumberAsync(TenantId tenant, InvoiceDocumentKind kind, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        CheckKind(kind);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(_tenants.TryGetValue(tenant, out var t) ? t.Last[(int)kind] : 0L);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<BilledEntry>> GetBilledEntriesAsync(TenantId tenant, ContractId? contract = null, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<BilledEntry> list = !_tenants.TryGetValue(tenant, out var t)
                ? []
                : [.. t.Billed.Values.Where(b => contract is null || b.Snapshot.Contract == contract).OrderBy(b => b.Snapshot.Id)];
            return Task.FromResult(list);
        }
    }

    internal static void CheckId(TimeEntryId id)
    {
        if (id.IsDefault)
        {
            throw new ArgumentException("default(TimeEntryId) identifies nothing.", nameof(id));
        }
    }

    private static void CheckApproval(ApprovalState approval)
    {
        if (!Enum.IsDefined(approval))
        {
            throw new ArgumentException($"The approval state {(int)approval} is not defined; valid: Pending, Approved, Rejected.", nameof(approval));
        }
    }

    private static void CheckKind(InvoiceDocumentKind kind)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Valid: Invoice, CreditNote.");
        }
    }

    private static void CheckList(InvoiceDocumentKind kind, long afterSequence, int maxCount)
    {
        CheckKind(kind);
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, IBillingStore.MaxList);
    }

    private TenantBilling Tenant(TenantId tenant)
    {
        TenantId.ThrowIfDefault(tenant);
        if (!_tenants.TryGetValue(tenant, out var t))
        {
            _tenants[tenant] = t = new TenantBilling();
        }

        return t;
    }

    private sealed record EntrySlot(TimeEntry Entry, TimeEntryId? SupersededBy);

    private sealed class TenantBilling
    {
        public Dictionary<TimeEntryId, EntrySlot> Entries { get; } = [];

        public Dictionary<OneOffWorkId, OneOffWork> Works { get; } = [];

        public Dictionary<InvoiceNumber, StoredInvoiceDocument> Documents { get; } = [];

        public Dictionary<(ContractId, YearMonth), InvoiceNumber> Current { get; } = [];

        public Dictionary<TimeEntryId, BilledEntry> Billed { get; } = [];

        public long[] Last { get; } = new long[2];
    }
}
