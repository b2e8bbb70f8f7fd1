using NodaTime;

namespace ServiceDesk.Storage;

/// <summary>
/// The timers and queues beside the tickets of an <see cref="ITicketStore"/>: claims due timers for the escalation sweeper
/// with a lease, and lists queues by deadline. Every storage adapter implements it on the same tables as its tickets and
/// proves it with the conformance suite in ServiceDesk.Testing.
/// </summary>
/// <remarks>
/// <para><b>Writing.</b> A ticket's <see cref="TicketSchedule"/> is written only by <see cref="ITicketStore.AppendAsync"/>
/// (with <see cref="TicketAppend.Schedule"/>, atomically with the events) and by <see cref="CompleteTimerAsync"/>. An append
/// that carries a schedule replaces the ticket's schedule and ends any lease on its timer; an append without one leaves both
/// alone. A ticket that never had a schedule has none: it is in no queue and has no timer.</para>
/// <para><b>Claiming.</b> <see cref="ClaimDueTimersAsync"/> hands each due timer to one caller at a time, however many
/// sweepers race (in one process or many): a timer is claimable when it is due and not leased, or its lease has expired.
/// The lease is not a lock on the ticket; the sweeper applies what it decides with an ordinary append at the version it
/// read, so even a sweeper that outlives its lease cannot apply an escalation twice.</para>
/// <para><b>Tenancy.</b> Claims cover every tenant of the store (the sweeper is a host-wide worker); each lease names its
/// tenant, and every other member is tenant-scoped.</para>
/// <para><b>Failures.</b> As in <see cref="ITicketStore"/>: a failure of the storage itself surfaces as
/// <see cref="StorageException"/> (with <see cref="StorageException.IsTransient"/>), never as the driver's exception.</para>
/// <para>Implementations are thread-safe and honour cancellation before any change is made.</para>
/// </remarks>
public interface ITimerStore
{
    /// <summary>The largest number of timers one claim may take: 1,000.</summary>
    public const int MaxClaim = 1_000;

    /// <summary>Claims up to <paramref name="maxCount"/> timers due at <paramref name="now"/>, earliest first.</summary>
    /// <param name="now">The instant; timers with <see cref="TicketSchedule.TimerDueAt"/> at or before it are due.</param>
    /// <param name="maxCount">The most timers to claim, 1 to 1,000.</param>
    /// <param name="leaseDuration">How long the claim holds, more than zero and at most one day; the timers are claimable
    /// again at <paramref name="now"/> plus this.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The leases, ordered by due instant (then tenant and ticket); empty when nothing is due. Two concurrent calls
    /// never return the same timer while its lease runs.</returns>
    /// <remarks>The cost follows the number of due timers, not the number of timers stored.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> or <paramref name="leaseDuration"/> is out
    /// of range.</exception>
    Task<IReadOnlyList<TimerLease>> ClaimDueTimersAsync(Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>Replaces the schedule of a claimed timer's ticket when the claim still holds it (the sweeper had nothing to
    /// append, only a new timer to set).</summary>
    /// <param name="lease">The lease from <see cref="ClaimDueTimersAsync"/>.</param>
    /// <param name="schedule">The ticket's new schedule.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when it was replaced; <see langword="false"/> when the claim no longer holds the timer
    /// (an append replaced the schedule, or the lease expired and another claim took it), in which case nothing changes.
    /// An expired lease that nobody else claimed still completes.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    Task<bool> CompleteTimerAsync(TimerLease lease, TicketSchedule schedule, CancellationToken cancellationToken = default);

    /// <summary>Gives a claimed timer back unchanged so that the next claim may take it at once (after a failure).</summary>
    /// <param name="lease">The lease.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the claim still held the timer and released it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lease"/> is <see langword="null"/>.</exception>
    Task<bool> ReleaseTimerAsync(TimerLease lease, CancellationToken cancellationToken = default);

    /// <summary>Gets the earliest instant at which <see cref="ClaimDueTimersAsync"/> could return a timer, so that a sweeper
    /// can sleep until then instead of polling.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// <para>The earliest, over every timer of every tenant, of: <see cref="TicketSchedule.TimerDueAt"/> for a timer that is
    /// not leased, and the lease's <see cref="TimerLease.ExpiresAt"/> for a leased one (a lease is only taken on a due timer,
    /// so it always expires after the timer's due instant). The answer may be in the past: the timer is claimable
    /// now.</para>
    /// <para><see langword="null"/> when no timer is pending, or when the store cannot tell (the default implementation
    /// below). Either way a caller should poll at its usual interval: <see langword="null"/> never means "sleep
    /// forever".</para>
    /// </returns>
    /// <remarks>
    /// <para><b>Default implementation.</b> Returns <see langword="null"/> (unknown), so an adapter written before this member
    /// existed still compiles and its sweepers keep polling as before. Every shipped adapter overrides it; the conformance
    /// suite in ServiceDesk.Testing fails for an adapter that does not.</para>
    /// <para><b>Consistency.</b> The answer is a snapshot: an append, claim, completion or release after it may make a timer
    /// claimable earlier. A sweeper therefore sleeps until the earlier of this instant and its poll interval.</para>
    /// <para><b>Cost.</b> Adapters answer from indexes (O(log n)), never by scanning the timers.</para>
    /// </remarks>
    Task<Instant?> GetNextTimerDueAsync(CancellationToken cancellationToken = default)
        => cancellationToken.IsCancellationRequested ? Task.FromCanceled<Instant?>(cancellationToken) : Task.FromResult<Instant?>(null);

    /// <summary>Gets a ticket's schedule.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="id">The ticket; not the default value.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The schedule, or <see langword="null"/> when the tenant has no such ticket or it never had a schedule.</returns>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    Task<TicketSchedule?> GetScheduleAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's queued tickets in queue order, one page at a time (see <see cref="ScheduleQuery"/>).</summary>
    /// <param name="query">The tenant, filters, page size and continuation token.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is <see langword="null"/>.</exception>
    Task<SchedulePage> QueryScheduleAsync(ScheduleQuery query, CancellationToken cancellationToken = default);
}

/// <summary>An event waiting in the outbox, with its position.</summary>
/// <param name="Position">Its position: unique in the store, increasing with every append, and so increasing with the
/// version within one ticket.</param>
/// <param name="Event">The event.</param>
public sealed record OutboxMessage(long Position, Events.TicketEvent Event);

/// <summary>
/// The transactional outbox: every event stored by <see cref="ITicketStore.AppendAsync"/> is also queued here, in the same
/// transaction, until an integrator reads it, publishes it to their own bus, and acknowledges it.
/// </summary>
/// <remarks>
/// <para><b>Delivery.</b> At least once: a message stays until acknowledged, so a publisher that crashes between publishing
/// and acknowledging publishes it again. Consumers deduplicate by (tenant, ticket, version), which identify an event.</para>
/// <para><b>Order.</b> <see cref="ReadOutboxAsync"/> returns unacknowledged messages by position, so the events of one ticket
/// come in version order. A publisher that fails to publish an event must not acknowledge later events of the same ticket;
/// the next read then returns them again, in order. Events of different tickets have no order between them (with
/// concurrent writers a lower position may become visible after a higher one, which is why reading is by
/// "unacknowledged", not "after position N").</para>
/// <para><b>Failures.</b> As in <see cref="ITicketStore"/>: a failure of the storage itself surfaces as
/// <see cref="StorageException"/> (with <see cref="StorageException.IsTransient"/>), never as the driver's exception.
/// A stored event that no longer reads (a corrupt row) does not fail the read: the adapters skip it together with the
/// later messages of its ticket, read every other ticket and tenant as usual, and report it (the SQLite and PostgreSQL
/// adapters through their <c>OnCorruptRow</c> option); acknowledging its position skips it for good.</para>
/// <para>Implementations are thread-safe and honour cancellation before any change is made.</para>
/// </remarks>
public interface IOutboxStore
{
    /// <summary>The most messages one read returns: 1,000.</summary>
    public const int MaxRead = 1_000;

    /// <summary>Reads the oldest unacknowledged messages.</summary>
    /// <param name="maxCount">The most messages to return, 1 to 1,000.</param>
    /// <param name="tenant">Only this tenant's messages, or <see langword="null"/> for every tenant.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The messages, by position.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is outside 1 to 1,000.</exception>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value.</exception>
    Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(int maxCount, TenantId? tenant = null, CancellationToken cancellationToken = default);

    /// <summary>Acknowledges messages so they are not read again.</summary>
    /// <param name="positions">The positions; unknown or already acknowledged ones are ignored; at most 1,000.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many messages this call acknowledged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="positions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More than 1,000 positions.</exception>
    Task<int> AcknowledgeOutboxAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken = default);
}

/// <summary>Reads logged time (<see cref="Events.TimeLogged"/> events) by when the work started, for billing.</summary>
/// <remarks>Every adapter indexes time entries by (tenant, start), so a month of a tenant is a range query. Corrections are
/// further events (a negative correction is modelled by the billing package, not by editing events), so what this returns
/// never changes for a closed range except by new entries. A failure of the storage itself surfaces as
/// <see cref="StorageException"/>, as in <see cref="ITicketStore"/>.</remarks>
public interface ITimeEntryStore
{
    /// <summary>Reads a tenant's time entries that started in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="from">The inclusive start.</param>
    /// <param name="to">The exclusive end; not before <paramref name="from"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries, ordered by <see cref="Events.TimeLogged.Started"/>, then ticket, then version.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    Task<IReadOnlyList<Events.TimeLogged>> ReadTimeEntriesAsync(TenantId tenant, Instant from, Instant to, CancellationToken cancellationToken = default);
}
