using ServiceDesk.Events;

namespace ServiceDesk.Storage;

/// <summary>
/// Stores tickets as snapshots plus their append-only history of events: the contract every storage adapter
/// (in-memory, SQLite, PostgreSQL) implements and proves with the conformance suite in ServiceDesk.Testing.
/// </summary>
/// <remarks>
/// <para><b>Tenancy.</b> Every member takes a <see cref="TenantId"/> (directly or in its argument) and sees only that
/// tenant's data: a ticket of another tenant is reported as absent, never returned, never overwritten.</para>
/// <para><b>Concurrency.</b> <see cref="AppendAsync"/> is a compare-and-swap on the ticket version: it succeeds only
/// when the stored version equals <see cref="TicketAppend.ExpectedVersion"/> (0 for a new ticket), and otherwise
/// throws <see cref="ConcurrencyException"/> carrying both versions. An append stores the snapshot and all its events
/// atomically: readers see all of it or none of it.</para>
/// <para><b>Identity.</b> A ticket's <see cref="Ticket.Number"/> (and so its <see cref="Ticket.Kind"/>) and its
/// <see cref="Ticket.OpenedAt"/> are fixed when it is opened: an append for an existing ticket that changes them is
/// rejected with <see cref="ArgumentException"/>, because lookups by number and the paging order rely on them.</para>
/// <para><b>Idempotency.</b> An append may carry an idempotency key (per tenant). Repeating an append with a key that
/// was already applied returns the first result with <see cref="AppendResult.IsReplay"/> set, and stores nothing.</para>
/// <para><b>Cancellation.</b> Every member honours its <see cref="CancellationToken"/> by throwing
/// <see cref="OperationCanceledException"/> before any change is made when it is already cancelled.</para>
/// <para><b>Failures.</b> When the storage itself fails (it cannot be reached, the connection is lost, a lock or timeout
/// expires, the file or server rejects the operation), every member throws <see cref="StorageException"/>, never the
/// driver's exception, which is kept as its <see cref="Exception.InnerException"/>; <see cref="StorageException.IsTransient"/>
/// says whether retrying later may help. An append that fails this way stored all of itself or nothing. Rejections
/// (<see cref="ConcurrencyException"/>, <see cref="ArgumentException"/>) and cancellation
/// (<see cref="OperationCanceledException"/>) are thrown as such, never wrapped.</para>
/// <para>Implementations are thread-safe. New members will be added with default implementations, so adapters
/// written against this version keep compiling.</para>
/// </remarks>
public interface ITicketStore
{
    /// <summary>
    /// Allocates the next human-readable number for a kind of ticket in a tenant: 1, 2, 3, … per (tenant, kind),
    /// never the same number twice and with no gap between allocations, however many callers race.
    /// </summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="kind">The kind of ticket.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The allocated number.</returns>
    /// <remarks>Allocate only once the ticket is validated and about to be appended: a number that is allocated and
    /// never used is a gap in the sequence.</remarks>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not defined.</exception>
    Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default);

    /// <summary>Gets the latest snapshot of a ticket.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="id">The ticket; not the default value.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ticket, or <see langword="null"/> when the tenant has no such ticket.</returns>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default);

    /// <summary>Gets the latest snapshot of a ticket by its human-readable number.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="number">The number; not the default value.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ticket, or <see langword="null"/> when the tenant has no such ticket.</returns>
    /// <exception cref="ArgumentException">An argument is the default value.</exception>
    Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default);

    /// <summary>Atomically stores a new snapshot and the events that produced it, if the version still matches.</summary>
    /// <param name="append">The snapshot, its events, the expected version and an optional idempotency key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored snapshot, and whether this was a replay of an already applied idempotency key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="append"/> is <see langword="null"/>.</exception>
    /// <exception cref="ConcurrencyException">The stored version is not <see cref="TicketAppend.ExpectedVersion"/>, or a
    /// new ticket's id or number is already taken in the tenant.</exception>
    /// <exception cref="ArgumentException">The idempotency key was already used for a different ticket, or the append
    /// changes the number, kind or opening instant of an existing ticket.</exception>
    Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default);

    /// <summary>Looks up what an idempotency key was applied as, without storing anything.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="idempotencyKey">The key, 1 to <see cref="TicketAppend.MaxIdempotencyKeyLength"/> characters.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The result the first append with the key stored (its ticket snapshot, with
    /// <see cref="AppendResult.IsReplay"/> set), or <see langword="null"/> when the tenant never applied the key.</returns>
    /// <remarks>A command that finds it has nothing left to do (its transition was already made) uses this to tell a
    /// retry of itself from a genuine no-op.</remarks>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value, or the key is blank or too long.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="idempotencyKey"/> is <see langword="null"/>.</exception>
    Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's tickets that match the filters, one page at a time, in a stable order
    /// (<see cref="Ticket.OpenedAt"/>, then <see cref="Ticket.Id"/>).</summary>
    /// <param name="query">The tenant, the filters, the page size and the continuation token of the previous page.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The page, with a continuation token when more may follow.</returns>
    /// <remarks>Paging is by key, not by offset: tickets opened or changed while a caller pages through never make it
    /// skip or repeat a ticket that existed when paging began (a ticket whose filtered fields change may of course
    /// enter or leave the result).</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The continuation token is malformed.</exception>
    Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default);

    /// <summary>Reads the full history of a ticket: every event, ordered by version from 1.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="id">The ticket; not the default value.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The events, or an empty list when the tenant has no such ticket.</returns>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default);

    /// <summary>Reads a ticket with the <see cref="TicketAppend.DerivedState"/> of its last append, in one read.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="id">The ticket; not the default value.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ticket and its derived state (<see langword="null"/> when the last append carried none), or
    /// <see langword="null"/> when the tenant has no such ticket.</returns>
    /// <remarks>The ticket and the state are read together: the state is the one written with that version of the ticket.
    /// The default implementation (for adapters written before this member) reads <see cref="GetAsync"/> and reports no
    /// derived state, so readers rebuild it from the history: correct, only slower.</remarks>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    async Task<StoredTicket?> GetStoredAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
        => await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false) is { } ticket ? new StoredTicket(ticket, null) : null;

    /// <summary>Reads several tickets of a tenant at once (the engine loads a ticket's links this way).</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="ids">The tickets: at most <see cref="StoredTicket.MaxGetMany"/> ids, none the default value; duplicates are read once.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The tickets found, in the order of their first id in <paramref name="ids"/>; ids the tenant does not have
    /// are left out.</returns>
    /// <remarks>The default implementation takes the tickets of <see cref="GetStoredManyAsync"/> (one <see cref="GetAsync"/>
    /// per id for an adapter that implements neither); the shipped adapters read all in one query.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More than <see cref="StoredTicket.MaxGetMany"/> ids.</exception>
    async Task<IReadOnlyList<Ticket>> GetManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, CancellationToken cancellationToken = default)
        => [.. (await GetStoredManyAsync(tenant, ids, cancellationToken).ConfigureAwait(false)).Select(s => s.Ticket)];

    /// <summary>Reads several tickets of a tenant with the <see cref="TicketAppend.DerivedState"/> of each one's last append, at
    /// once (the escalation sweeper loads a claim's tickets this way).</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="ids">The tickets: at most <see cref="StoredTicket.MaxGetMany"/> ids, none the default value; duplicates are read once.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The tickets found with their derived state, in the order of their first id in <paramref name="ids"/>; ids the
    /// tenant does not have are left out.</returns>
    /// <remarks>The default implementation calls <see cref="GetStoredAsync"/> per id; the shipped adapters read all in one query.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More than <see cref="StoredTicket.MaxGetMany"/> ids.</exception>
    async Task<IReadOnlyList<StoredTicket>> GetStoredManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, CancellationToken cancellationToken = default)
    {
        var distinct = StoredTicket.ValidateMany(tenant, ids);
        var result = new List<StoredTicket>(distinct.Count);
        foreach (var id in distinct)
        {
            if (await GetStoredAsync(tenant, id, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                result.Add(stored);
            }
        }

        return result.AsReadOnly();
    }
}
