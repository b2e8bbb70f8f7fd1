using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>
/// The durable state of billing: time entries with their approval, one-off works, invoices and credit notes, gapless
/// document numbers and the billed-entry index. The in-memory, SQLite and PostgreSQL adapters implement it and prove it
/// with <c>BillingStoreConformanceTests</c> in ServiceDesk.Testing; <see cref="DurableLedger"/> runs invoices over it.
/// </summary>
/// <remarks>
/// <para><b>Numbering.</b> Document numbers are taken only by <see cref="CommitAsync"/>, inside the transaction that stores
/// the documents: a failed or interrupted commit (a crash, a conflict, a cancellation) uses no number, and two commits
/// never get the same one, however many instances commit at once. Each tenant has two series, invoices and credit notes,
/// each numbered 1, 2, 3, … without gaps.</para>
/// <para><b>Records are immutable.</b> A time entry or a one-off work is stored once; adding it again with the same
/// content is a no-op, with other content an error. A correction is a new record that supersedes the original (once:
/// a record is superseded by at most one correction). Only an entry's approval changes, and not away from approved once
/// the entry is on a current invoice.</para>
/// <para><b>Tenancy.</b> Every member is scoped to one tenant; records of other tenants are never read or changed.</para>
/// <para><b>Failures.</b> A failure of the storage itself surfaces as <see cref="Storage.StorageException"/> (with
/// <see cref="Storage.StorageException.IsTransient"/>), never as the driver's exception. Implementations are thread-safe
/// and honour cancellation before any change is made.</para>
/// </remarks>
public interface IBillingStore
{
    /// <summary>Stores a time entry (pending, approved or rejected as it says). A correction (<see cref="TimeEntry.Supersedes"/>)
    /// marks the original as superseded in the same transaction.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when stored; <see langword="false"/> when the same entry was already stored (a retry).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An entry with the same id but other content is stored; or the entry supersedes an
    /// entry the tenant does not have, an entry of another contract, or itself.</exception>
    /// <exception cref="InvalidOperationException">The superseded entry already has another correction.</exception>
    Task<bool> AddTimeEntryAsync(TimeEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Stores a time entry unless a current entry of the same agent overlaps it (<see cref="TimeEntry.ConflictsWith"/>):
    /// the check and the insert are one atomic step, so of two overlapping entries added at the same time, by two threads or two
    /// app instances, at most one is stored.</summary>
    /// <param name="entry">The entry; its duration must be positive.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="null"/> when the entry was stored (or was already stored with the same content: a retry); otherwise
    /// the first entry that blocks it (by start, then id), and nothing was stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The duration is not positive.</exception>
    /// <exception cref="ArgumentException">As <see cref="AddTimeEntryAsync"/>.</exception>
    /// <exception cref="InvalidOperationException">As <see cref="AddTimeEntryAsync"/>.</exception>
    /// <remarks>The shipped adapters make it atomic: in memory under the store's lock, SQLite in its <c>BEGIN IMMEDIATE</c>
    /// transaction (which serializes writers across processes), PostgreSQL under a transaction-scoped advisory lock of the
    /// (tenant, agent) taken before the check. The default implementation, for adapters written before this member, reads
    /// <see cref="ListAgentTimeEntriesAsync"/> and then calls <see cref="AddTimeEntryAsync"/>: correct for one writer, but two
    /// instances can both pass the check.</remarks>
    async Task<TimeEntry?> AddTimeEntryUnlessOverlappingAsync(TimeEntry entry, CancellationToken cancellationToken = default)
    {
        TimeEntryBatch.CheckOverlapCandidate(entry);
        var overlapping = await ListAgentTimeEntriesAsync(entry.Tenant, entry.Agent, new Interval(entry.Start, entry.End), cancellationToken).ConfigureAwait(false);
        if (overlapping.FirstOrDefault(entry.ConflictsWith) is { } other)
        {
            return other;
        }

        await AddTimeEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>The most entries one <see cref="AddTimeEntriesAsync"/> call takes: 10,000.</summary>
    public const int MaxEntriesPerAdd = 10_000;

    /// <summary>Stores many time entries in one transaction (imports, replays, a day's timesheets), each as
    /// <see cref="AddTimeEntryAsync"/> would: all or nothing.</summary>
    /// <param name="entries">1 to <see cref="MaxEntriesPerAdd"/> entries, stored in order (a correction may follow its
    /// original in the same call).</param>
    /// <param name="cancellationToken">Cancels the operation; a cancelled call stores nothing.</param>
    /// <returns>How many were stored; entries already stored with the same content (a retry) are not counted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or an entry is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entries"/> is empty or holds more than
    /// <see cref="MaxEntriesPerAdd"/>.</exception>
    /// <exception cref="ArgumentException">An entry conflicts as in <see cref="AddTimeEntryAsync"/>; nothing was stored.</exception>
    /// <exception cref="InvalidOperationException">A superseded entry already has another correction; nothing was stored.</exception>
    Task<int> AddTimeEntriesAsync(IReadOnlyList<TimeEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Gets a time entry.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="id">The entry's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry with its current approval, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    Task<TimeEntry?> GetTimeEntryAsync(TenantId tenant, TimeEntryId id, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's time entries that start before an instant, superseded ones included (the calculation
    /// resolves corrections), ordered by start and then id.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="contract">Only this contract's entries, or <see langword="null"/> for every contract.</param>
    /// <param name="before">Entries starting at or after this instant are left out.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    Task<IReadOnlyList<TimeEntry>> ListTimeEntriesAsync(TenantId tenant, ContractId? contract, Instant before, CancellationToken cancellationToken = default);

    /// <summary>Lists an agent's entries that are not superseded and overlap an interval (to reject overlapping time),
    /// ordered by start and then id.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="agent">The agent.</param>
    /// <param name="interval">The interval; an entry overlaps it when it starts before its end and ends after its start.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    Task<IReadOnlyList<TimeEntry>> ListAgentTimeEntriesAsync(TenantId tenant, AgentId agent, Interval interval, CancellationToken cancellationToken = default);

    /// <summary>Sets the approval of a time entry: submitted (<see cref="ApprovalState.Pending"/>), approved or rejected.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="id">The entry.</param>
    /// <param name="approval">The new state.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry as stored now, or <see langword="null"/> when the tenant has no such entry.</returns>
    /// <exception cref="ArgumentException">An id is the default value, or <paramref name="approval"/> is not defined.</exception>
    /// <exception cref="InvalidOperationException">The entry is on a current invoice and <paramref name="approval"/> is not
    /// <see cref="ApprovalState.Approved"/> (record a correction instead); nothing changes.</exception>
    Task<TimeEntry?> SetApprovalAsync(TenantId tenant, TimeEntryId id, ApprovalState approval, CancellationToken cancellationToken = default);

    /// <summary>Stores a one-off work of a tenant. A correction (<see cref="OneOffWork.Supersedes"/>) is a new record.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="work">The work.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when stored; <see langword="false"/> when the same work was already stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The tenant is the default value, or a work with the same id but other content is stored.</exception>
    Task<bool> AddOneOffWorkAsync(TenantId tenant, OneOffWork work, CancellationToken cancellationToken = default);

    /// <summary>Lists one-off works of a tenant by contract or by ticket, ordered by when performed and then id.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="contract">Only this contract's works, or <see langword="null"/>.</param>
    /// <param name="ticket">Only this ticket's works, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The works.</returns>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    Task<IReadOnlyList<OneOffWork>> ListOneOffWorksAsync(TenantId tenant, ContractId? contract = null, TicketId? ticket = null, CancellationToken cancellationToken = default);

    /// <summary>Issues documents: numbers the drafts of <paramref name="commits"/> and stores them, with the current invoices
    /// and the billed-entry index, in one transaction.</summary>
    /// <param name="commits">The commits, at most one per (contract, month); at most <see cref="MaxCommits"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One result per commit, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="commits"/> or an element is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A commit is of another tenant than the first, or a (contract, month) repeats; or
    /// more than <see cref="MaxCommits"/>.</exception>
    /// <exception cref="BillingConcurrencyException">A commit's expected current invoice is not the stored one; nothing of the
    /// whole call is stored and no number is used.</exception>
    /// <remarks>For each commit, in order: the credit note takes the next credit-note number, the reversed invoice is marked
    /// reversed and its entries leave the index; the invoice takes the next invoice number, becomes current, and its entries
    /// enter the index (keeping the snapshot of an entry billed before).</remarks>
    Task<IReadOnlyList<InvoiceCommitResult>> CommitAsync(IReadOnlyList<InvoiceCommit> commits, CancellationToken cancellationToken = default);

    /// <summary>Gets the current invoices of a tenant for a month, by contract, or of one contract.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="period">The month.</param>
    /// <param name="contract">Only this contract's, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The current invoices, ordered by contract (ordinal).</returns>
    Task<IReadOnlyList<InvoiceDocument>> GetCurrentInvoicesAsync(TenantId tenant, YearMonth period, ContractId? contract = null, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's documents of one series in number order, with their status.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="kind">The series.</param>
    /// <param name="afterSequence">Only numbers above this (0 for all).</param>
    /// <param name="maxCount">The most to return, 1 to 10,000.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The documents.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> or <paramref name="afterSequence"/> is out of range.</exception>
    Task<IReadOnlyList<StoredInvoiceDocument>> ListDocumentsAsync(TenantId tenant, InvoiceDocumentKind kind, long afterSequence = 0, int maxCount = 1_000, CancellationToken cancellationToken = default);

    /// <summary>Gets the last number issued in a tenant's series, or 0.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="kind">The series.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The last number.</returns>
    Task<long> GetLastNumberAsync(TenantId tenant, InvoiceDocumentKind kind, CancellationToken cancellationToken = default);

    /// <summary>Reads the billed-entry index of a tenant, or of the entries of one contract.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="contract">Only entries of this contract, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Every entry ever billed (released ones with a <see langword="null"/> invoice), ordered by id.</returns>
    Task<IReadOnlyList<BilledEntry>> GetBilledEntriesAsync(TenantId tenant, ContractId? contract = null, CancellationToken cancellationToken = default);

    /// <summary>The most commits one <see cref="CommitAsync"/> call takes: 1,000.</summary>
    public const int MaxCommits = 1_000;

    /// <summary>The most documents one <see cref="ListDocumentsAsync"/> call returns: 10,000.</summary>
    public const int MaxList = 10_000;
}
