using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using NodaTime;
using ServiceDesk.Events;

namespace ServiceDesk.Storage.InMemory;

/// <summary>
/// The reference <see cref="ITicketStore"/> (with <see cref="ITicketBatchStore"/>), <see cref="ITimerStore"/>,
/// <see cref="IOutboxStore"/> and <see cref="ITimeEntryStore"/>: keeps tickets, their derived state, histories, number
/// sequences, idempotency keys, schedules, timers, the outbox and time entries in memory, and passes the whole conformance
/// suites of ServiceDesk.Testing.
/// </summary>
/// <remarks>
/// <para><b>Use.</b> Tests, samples, and single-process hosts that can lose their data on exit. Nothing is persisted;
/// each instance is an independent store (there is no static state), so a test can create one per case.</para>
/// <para><b>Thread safety.</b> Every member is thread-safe. Each tenant has its own lock, held only for the in-memory
/// work of one call (never across an <c>await</c>), so tenants never wait for each other and an append is atomic:
/// readers see all of its events and its snapshot, or none of them. The timers and the outbox span tenants, so they have
/// one store-wide lock, taken inside the tenant's lock (never the other way round) for the short in-memory work of an
/// append with its schedule and outbox messages, of a claim, a completion, a release, an outbox read or an
/// acknowledgement: the snapshot, the events, the schedule and the outbox messages of an append become visible
/// together.</para>
/// <para><b>Results.</b> Members complete synchronously and return completed tasks. Lists they return are read-only
/// copies; tickets and events are immutable records, so nothing returned is a view into the store.</para>
/// <para><b>Identity.</b> A later version of a ticket keeps the number and opening instant of its first version: an
/// append that changes <see cref="Ticket.Number"/> or <see cref="Ticket.OpenedAt"/> is rejected with an
/// <see cref="ArgumentException"/>, because the number index and the paging order rely on them.</para>
/// <para><b>Cost.</b> Reads by id or number are O(1); an append is O(events) plus O(log n) for a new ticket; a query
/// page is O(log n + tickets scanned); a history read copies the ticket's events. Timers are indexed by due instant, so a
/// claim is O(log n + due timers scanned, leased ones included), never a scan of every ticket; the next claimable
/// instant (<see cref="GetNextTimerDueAsync"/>) is O(log n) from a second index by that instant; a queue page is
/// O(log n + tickets scanned) over the tenant's queued tickets in queue order; an outbox read is O(messages returned);
/// time entries are indexed by (tenant, start).</para>
/// <para><b>Outbox.</b> Messages stay in memory until acknowledged, so a host that never drains the outbox keeps every
/// event twice.</para>
/// <para><b>Derived state and batches.</b> The <see cref="TicketAppend.DerivedState"/> of a ticket's last append is kept
/// with the ticket and read with it by <see cref="GetStoredAsync"/>. <see cref="AppendBatchAsync"/> checks every append of a
/// batch, and the number advances, under the tenant's lock before it changes anything, so a rejected batch leaves no
/// trace.</para>
/// </remarks>
public sealed partial class InMemoryTicketStore : ITicketBatchStore, ITimerStore, IOutboxStore, ITimeEntryStore
{
    private static readonly Duration MaxLease = Duration.FromDays(1);

    private readonly ConcurrentDictionary<TenantId, TenantData> _tenants = new();

    /// <summary>Guards the store-wide structures below; taken inside a tenant's lock, never the other way round.</summary>
    private readonly Lock _gate = new();

    /// <summary>Every timer, by (tenant, ticket).</summary>
    private readonly Dictionary<(TenantId Tenant, TicketId Ticket), TimerRecord> _timers = [];

    /// <summary>Every timer in claim order: due instant, tenant, ticket.</summary>
    private readonly SortedSet<TimerKey> _timerIndex = new(TimerKeyComparer.Instance);

    /// <summary>Unacknowledged outbox messages of every tenant, by position.</summary>
    private readonly SortedDictionary<long, OutboxMessage> _outbox = [];

    /// <summary>Unacknowledged outbox messages per tenant, by position.</summary>
    private readonly Dictionary<TenantId, SortedDictionary<long, OutboxMessage>> _outboxByTenant = [];

    private long _lastPosition;

    /// <summary>Initializes a new, empty store.</summary>
    public InMemoryTicketStore()
    {
    }

    /// <inheritdoc />
    public Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        _ = TicketNumber.PrefixOf(kind);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TicketNumber>(cancellationToken);
        }

        var data = Tenant(tenant);
        lock (data.Gate)
        {
            var next = data.LastNumbers.GetValueOrDefault(kind) + 1;
            var number = new TicketNumber(kind, next);
            data.LastNumbers[kind] = next;
            return Task.FromResult(number);
        }
    }

    /// <inheritdoc />
    public Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<Ticket?>(cancellationToken);
        }

        if (!_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<Ticket?>(null);
        }

        lock (data.Gate)
        {
            return Task.FromResult(data.Tickets.GetValueOrDefault(id)?.Current);
        }
    }

    /// <inheritdoc />
    public Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        if (number.IsDefault)
        {
            throw new ArgumentException("default(TicketNumber) numbers nothing; pass a number such as INC0000001.", nameof(number));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<Ticket?>(cancellationToken);
        }

        if (!_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<Ticket?>(null);
        }

        lock (data.Gate)
        {
            var ticket = data.Numbers.TryGetValue(number, out var id) ? data.Tickets[id].Current : null;
            return Task.FromResult(ticket);
        }
    }

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(append);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AppendResult>(cancellationToken);
        }

        try
        {
            return Task.FromResult(Append(Tenant(append.Tenant), append));
        }
        catch (ConcurrencyException ex)
        {
            return Task.FromException<AppendResult>(ex);
        }
        catch (ArgumentException ex)
        {
            return Task.FromException<AppendResult>(ex);
        }
    }

    /// <inheritdoc />
    public Task<long> GetLastNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        _ = TicketNumber.PrefixOf(kind);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<long>(cancellationToken);
        }

        if (!_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult(0L);
        }

        lock (data.Gate)
        {
            return Task.FromResult(data.LastNumbers.GetValueOrDefault(kind));
        }
    }

    /// <inheritdoc />
    /// <remarks>The whole batch is checked under the tenant's lock, against the stored state plus the batch's earlier
    /// appends, before anything changes; then everything is applied under the same lock, so readers see all of the batch or
    /// none of it. Number advances are checked before the appends.</remarks>
    public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(TicketBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<AppendResult>>(cancellationToken);
        }

        try
        {
            return Task.FromResult(AppendBatch(Tenant(batch.Tenant), batch));
        }
        catch (ConcurrencyException ex)
        {
            return Task.FromException<IReadOnlyList<AppendResult>>(ex);
        }
        catch (ArgumentException ex)
        {
            return Task.FromException<IReadOnlyList<AppendResult>>(ex);
        }
    }

    /// <inheritdoc />
    public Task<StoredTicket?> GetStoredAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<StoredTicket?>(cancellationToken);
        }

        if (!_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<StoredTicket?>(null);
        }

        lock (data.Gate)
        {
            return Task.FromResult(data.Tickets.TryGetValue(id, out var entry) ? new StoredTicket(entry.Current, entry.DerivedState) : null);
        }
    }

    /// <inheritdoc />
    /// <remarks>Reads every ticket under one acquisition of the tenant's lock, so the tickets are one consistent view.</remarks>
    public async Task<IReadOnlyList<Ticket>> GetManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, CancellationToken cancellationToken = default)
        => [.. (await GetStoredManyAsync(tenant, ids, cancellationToken).ConfigureAwait(false)).Select(s => s.Ticket)];

    /// <inheritdoc />
    /// <remarks>Reads every ticket under one acquisition of the tenant's lock, so the tickets are one consistent view.</remarks>
    public Task<IReadOnlyList<StoredTicket>> GetStoredManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, CancellationToken cancellationToken = default)
    {
        var distinct = StoredTicket.ValidateMany(tenant, ids);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<StoredTicket>>(cancellationToken);
        }

        if (distinct.Count == 0 || !_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<IReadOnlyList<StoredTicket>>(ReadOnlyCollection<StoredTicket>.Empty);
        }

        var found = new List<StoredTicket>(distinct.Count);
        lock (data.Gate)
        {
            foreach (var id in distinct)
            {
                if (data.Tickets.TryGetValue(id, out var entry))
                {
                    found.Add(new StoredTicket(entry.Current, entry.DerivedState));
                }
            }
        }

        return Task.FromResult<IReadOnlyList<StoredTicket>>(found.AsReadOnly());
    }

    /// <inheritdoc />
    public Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketAppend.ValidateIdempotencyKey(idempotencyKey);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AppendResult?>(cancellationToken);
        }

        if (!_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<AppendResult?>(null);
        }

        lock (data.Gate)
        {
            return Task.FromResult(data.AppliedKeys.TryGetValue(idempotencyKey, out var applied) ? applied with { IsReplay = true } : null);
        }
    }

    /// <inheritdoc />
    public Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TicketPage>(cancellationToken);
        }

        if (!_tenants.TryGetValue(query.Tenant, out var data))
        {
            return Task.FromResult(new TicketPage(ReadOnlyCollection<Ticket>.Empty, null));
        }

        var items = new List<Ticket>(Math.Min(query.PageSize, 64));
        var more = false;
        lock (data.Gate)
        {
            IEnumerable<OrderKey> keys = data.Order;
            if (query.Cursor is { } cursor)
            {
                // Start the scan at the cursor (O(log n)); the cursor's own ticket, if still there, is skipped below.
                var from = new OrderKey(cursor.OpenedAt, cursor.Id);
                keys = data.Order.Count == 0 || OrderKeyComparer.Instance.Compare(from, data.Order.Max) >= 0
                    ? []
                    : data.Order.GetViewBetween(from, data.Order.Max);
            }

            foreach (var key in keys)
            {
                var ticket = data.Tickets[key.Id].Current;
                if (!query.Matches(ticket) || !query.IsAfterCursor(ticket))
                {
                    continue;
                }

                if (items.Count == query.PageSize)
                {
                    more = true;
                    break;
                }

                items.Add(ticket);
            }
        }

        var token = more ? TicketCursor.After(items[^1]).ToToken() : null;
        return Task.FromResult(new TicketPage(items.AsReadOnly(), token));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<TicketEvent>>(cancellationToken);
        }

        if (!_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<IReadOnlyList<TicketEvent>>(ReadOnlyCollection<TicketEvent>.Empty);
        }

        lock (data.Gate)
        {
            IReadOnlyList<TicketEvent> history = data.Tickets.TryGetValue(id, out var entry)
                ? entry.History.ToArray().AsReadOnly()
                : ReadOnlyCollection<TicketEvent>.Empty;
            return Task.FromResult(history);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TimerLease>> ClaimDueTimersAsync(
        Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default)
    {
        if (maxCount is < 1 or > ITimerStore.MaxClaim)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"A claim takes 1 to {ITimerStore.MaxClaim:N0} timers.");
        }

        if (leaseDuration <= Duration.Zero || leaseDuration > MaxLease)
        {
            throw new ArgumentOutOfRangeException(nameof(leaseDuration), leaseDuration, "A lease lasts more than zero and at most one day.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<TimerLease>>(cancellationToken);
        }

        var expiresAt = now + leaseDuration;
        var leases = new List<TimerLease>();
        lock (_gate)
        {
            // In due order, so the scan stops at the first timer not yet due: the cost follows the due timers.
            foreach (var key in _timerIndex)
            {
                if (key.DueAt > now)
                {
                    break;
                }

                var timer = _timers[(key.Tenant, key.Ticket)];
                if (timer.Token is not null && timer.ExpiresAt > now)
                {
                    continue;
                }

                var token = Guid.NewGuid();
                LeaseTimer(timer, token, expiresAt);
                leases.Add(new TimerLease(key.Tenant, key.Ticket, key.DueAt, timer.Purpose, token, expiresAt));
                if (leases.Count == maxCount)
                {
                    break;
                }
            }
        }

        return Task.FromResult<IReadOnlyList<TimerLease>>(leases.AsReadOnly());
    }

    /// <inheritdoc />
    public Task<bool> CompleteTimerAsync(TimerLease lease, TicketSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(schedule);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<bool>(cancellationToken);
        }

        if (!_tenants.TryGetValue(lease.Tenant, out var data))
        {
            return Task.FromResult(false);
        }

        lock (data.Gate)
        {
            if (!data.Tickets.TryGetValue(lease.Ticket, out var entry))
            {
                return Task.FromResult(false);
            }

            lock (_gate)
            {
                if (!HoldsTimer(lease))
                {
                    return Task.FromResult(false);
                }

                SetSchedule(data, entry, schedule);
                return Task.FromResult(true);
            }
        }
    }

    /// <inheritdoc />
    public Task<bool> ReleaseTimerAsync(TimerLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<bool>(cancellationToken);
        }

        lock (_gate)
        {
            if (!HoldsTimer(lease))
            {
                return Task.FromResult(false);
            }

            UnleaseTimer(_timers[(lease.Tenant, lease.Ticket)]);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<TicketSchedule?> GetScheduleAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TicketSchedule?>(cancellationToken);
        }

        if (!_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<TicketSchedule?>(null);
        }

        lock (data.Gate)
        {
            return Task.FromResult(data.Tickets.GetValueOrDefault(id)?.Schedule);
        }
    }

    /// <inheritdoc />
    public Task<SchedulePage> QueryScheduleAsync(ScheduleQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<SchedulePage>(cancellationToken);
        }

        if (!_tenants.TryGetValue(query.Tenant, out var data))
        {
            return Task.FromResult(new SchedulePage(ReadOnlyCollection<ScheduledTicket>.Empty, null));
        }

        var items = new List<ScheduledTicket>(Math.Min(query.PageSize, 64));
        var more = false;
        lock (data.Gate)
        {
            IEnumerable<ScheduleCursor> keys = data.Queue;
            if (query.Cursor is { } cursor)
            {
                keys = data.Queue.Count == 0 || cursor.CompareTo(data.Queue.Max) >= 0
                    ? []
                    : data.Queue.GetViewBetween(cursor, data.Queue.Max);
            }

            foreach (var key in keys)
            {
                if (query.DeadlineAtOrBefore is { } limit && (key.Deadline is not { } deadline || deadline > limit))
                {
                    break; // Queue order: every later ticket's deadline is later, or missing.
                }

                var entry = data.Tickets[key.Id];
                var schedule = entry.Schedule!;
                if (!query.Matches(entry.Current, schedule) || !query.IsAfterCursor(entry.Current, schedule))
                {
                    continue;
                }

                if (items.Count == query.PageSize)
                {
                    more = true;
                    break;
                }

                items.Add(new ScheduledTicket(entry.Current, schedule));
            }
        }

        var token = more ? ScheduleCursor.At(items[^1].Ticket, items[^1].Schedule).ToToken() : null;
        return Task.FromResult(new SchedulePage(items.AsReadOnly(), token));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(int maxCount, TenantId? tenant = null, CancellationToken cancellationToken = default)
    {
        if (maxCount is < 1 or > IOutboxStore.MaxRead)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"A read returns 1 to {IOutboxStore.MaxRead:N0} messages.");
        }

        if (tenant is { } t)
        {
            TenantId.ThrowIfDefault(t, nameof(tenant));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<OutboxMessage>>(cancellationToken);
        }

        lock (_gate)
        {
            var source = tenant is { } only ? _outboxByTenant.GetValueOrDefault(only) : _outbox;
            IReadOnlyList<OutboxMessage> messages = source is null
                ? ReadOnlyCollection<OutboxMessage>.Empty
                : source.Values.Take(maxCount).ToArray().AsReadOnly();
            return Task.FromResult(messages);
        }
    }

    /// <inheritdoc />
    public Task<int> AcknowledgeOutboxAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Count > IOutboxStore.MaxRead)
        {
            throw new ArgumentOutOfRangeException(
                nameof(positions), positions.Count, $"One acknowledgement takes at most {IOutboxStore.MaxRead:N0} positions.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<int>(cancellationToken);
        }

        var acknowledged = 0;
        lock (_gate)
        {
            foreach (var position in positions)
            {
                if (_outbox.Remove(position, out var message))
                {
                    _outboxByTenant[message.Event.Tenant].Remove(position);
                    acknowledged++;
                }
            }
        }

        return Task.FromResult(acknowledged);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TimeLogged>> ReadTimeEntriesAsync(TenantId tenant, Instant from, Instant to, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        if (to < from)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"The end of the range must not be before its start ({from}).");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<TimeLogged>>(cancellationToken);
        }

        if (from == to || !_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<IReadOnlyList<TimeLogged>>(ReadOnlyCollection<TimeLogged>.Empty);
        }

        lock (data.Gate)
        {
            var entries = data.TimeEntries
                .GetViewBetween(TimeEntryKey.LowerBound(from), TimeEntryKey.LowerBound(to))
                .Where(k => k.Started < to)
                .Select(k => k.Entry!)
                .ToArray();
            return Task.FromResult<IReadOnlyList<TimeLogged>>(entries.AsReadOnly());
        }
    }

    /// <summary>Tells whether a lease's claim still holds its timer; called with <see cref="_gate"/> held.</summary>
    private bool HoldsTimer(TimerLease lease)
        => _timers.TryGetValue((lease.Tenant, lease.Ticket), out var timer) && timer.Token == lease.Token;

    private AppendResult Append(TenantData data, TicketAppend append)
    {
        lock (data.Gate)
        {
            if (Check(data, append, pending: null) is { } replay)
            {
                return replay;
            }

            // Every check passed: from here on nothing throws, and the store-wide structures change together with the ticket.
            lock (_gate)
            {
                return Apply(data, append);
            }
        }
    }

    private IReadOnlyList<AppendResult> AppendBatch(TenantData data, TicketBatch batch)
    {
        var results = new AppendResult[batch.Appends.Count];
        var writes = new List<TicketAppend>(batch.Appends.Count);
        lock (data.Gate)
        {
            foreach (var advance in batch.Numbers)
            {
                var last = data.LastNumbers.GetValueOrDefault(advance.Kind);
                if (last != advance.ExpectedLast)
                {
                    throw new ConcurrencyException(data.Tenant, advance.Kind, advance.ExpectedLast, last);
                }
            }

            var pending = new PendingBatch();
            for (var i = 0; i < results.Length; i++)
            {
                var append = batch.Appends[i];
                if (Check(data, append, pending) is { } replay)
                {
                    results[i] = replay;
                }
                else
                {
                    results[i] = pending.Record(append);
                    writes.Add(append);
                }
            }

            // Every append and every advance passed: from here on nothing throws.
            lock (_gate)
            {
                foreach (var append in writes)
                {
                    Apply(data, append);
                }
            }

            foreach (var advance in batch.Numbers)
            {
                data.LastNumbers[advance.Kind] = advance.NewLast;
            }
        }

        return Array.AsReadOnly(results);
    }

    /// <summary>
    /// Checks one append against the tenant's stored state plus, in a batch, the appends of the batch checked before it:
    /// returns the replay result when its idempotency key was already applied to its ticket, <see langword="null"/> when it
    /// is to be applied, and throws when it is rejected. Changes nothing; called with the tenant's lock held.
    /// </summary>
    /// <exception cref="ArgumentException">The key was applied to another ticket, or the append changes the ticket's identity.</exception>
    /// <exception cref="ConcurrencyException">The expected version is not the current one, or a new ticket's number is taken.</exception>
    private static AppendResult? Check(TenantData data, TicketAppend append, PendingBatch? pending)
    {
        var ticket = append.Ticket;
        if (append.IdempotencyKey is { } key
            && ((pending is not null && pending.Keys.TryGetValue(key, out var applied)) || data.AppliedKeys.TryGetValue(key, out applied)))
        {
            IdempotencyConflictException.ThrowIfConflict(data.Tenant, key, applied, ticket.Id, append.IdempotencyFingerprint);
            return applied with { IsReplay = true };
        }

        var current = Current(data, pending, ticket.Id);
        var actual = current?.Version ?? 0;
        if (actual != append.ExpectedVersion)
        {
            throw new ConcurrencyException(data.Tenant, ticket.Id, append.ExpectedVersion, actual);
        }

        if (current is null)
        {
            if ((pending is not null && pending.Numbers.TryGetValue(ticket.Number, out var holder)) || data.Numbers.TryGetValue(ticket.Number, out holder))
            {
                throw new ConcurrencyException(data.Tenant, ticket.Id, append.ExpectedVersion, Current(data, pending, holder)!.Version);
            }
        }
        else
        {
            ThrowIfIdentityChanged(current, ticket);
        }

        return null;
    }

    /// <summary>The ticket as the batch so far left it, else as stored; <see langword="null"/> when neither has it.</summary>
    private static Ticket? Current(TenantData data, PendingBatch? pending, TicketId id)
        => pending is not null && pending.Tickets.TryGetValue(id, out var written) ? written : data.Tickets.GetValueOrDefault(id)?.Current;

    /// <summary>Stores a checked append: the snapshot, the events, the derived state, the schedule, the outbox messages, the
    /// time entries and the idempotency key. Called with the tenant's lock and <see cref="_gate"/> held; throws nothing.</summary>
    private AppendResult Apply(TenantData data, TicketAppend append)
    {
        var ticket = append.Ticket;
        if (!data.Tickets.TryGetValue(ticket.Id, out var entry))
        {
            entry = new Entry(ticket);
            data.Tickets.Add(ticket.Id, entry);
            data.Numbers.Add(ticket.Number, ticket.Id);
            data.Order.Add(new OrderKey(ticket.OpenedAt, ticket.Id));
        }
        else
        {
            entry.Current = ticket;
        }

        entry.DerivedState = append.DerivedState;
        entry.History.AddRange(append.Events);
        if (append.Schedule is { } schedule)
        {
            SetSchedule(data, entry, schedule);
        }

        if (!_outboxByTenant.TryGetValue(data.Tenant, out var tenantOutbox))
        {
            tenantOutbox = [];
            _outboxByTenant.Add(data.Tenant, tenantOutbox);
        }

        foreach (var e in append.Events)
        {
            var message = new OutboxMessage(++_lastPosition, e);
            _outbox.Add(message.Position, message);
            tenantOutbox.Add(message.Position, message);
            if (e is TimeLogged logged)
            {
                data.TimeEntries.Add(new TimeEntryKey(logged.Started, logged.Ticket.Value, logged.Version, logged));
            }
        }

        var result = new AppendResult(ticket, IsReplay: false);
        if (append.IdempotencyKey is { } key)
        {
            data.AppliedKeys.Add(key, result with { IdempotencyFingerprint = append.IdempotencyFingerprint });
        }

        return result;
    }

    /// <summary>Replaces a ticket's schedule, its place in the queue and its timer (ending any lease); called with the
    /// tenant's lock and <see cref="_gate"/> held.</summary>
    private void SetSchedule(TenantData data, Entry entry, TicketSchedule schedule)
    {
        var ticket = entry.Current;
        if (entry.Schedule is { Queued: true } old)
        {
            data.Queue.Remove(ScheduleCursor.At(ticket, old));
        }

        RemoveTimer(data.Tenant, ticket.Id);

        entry.Schedule = schedule;
        if (schedule.Queued)
        {
            data.Queue.Add(ScheduleCursor.At(ticket, schedule));
        }

        if (schedule.TimerDueAt is { } due)
        {
            AddTimer(new TimerRecord(new TimerKey(due, data.Tenant, ticket.Id), schedule.TimerPurpose!));
        }
    }

    private static void ThrowIfIdentityChanged(Ticket stored, Ticket next)
    {
        if (next.Number != stored.Number || next.OpenedAt != stored.OpenedAt)
        {
            throw new ArgumentException(
                $"Ticket {stored.Id} was opened as {stored.Number} at {stored.OpenedAt}; a later version cannot change its number or opening instant (got {next.Number} at {next.OpenedAt}).",
                "append");
        }
    }

    private TenantData Tenant(TenantId tenant) => _tenants.GetOrAdd(tenant, static t => new TenantData(t));

    /// <summary>Everything of one tenant, guarded by <see cref="Gate"/>.</summary>
    private sealed class TenantData(TenantId tenant)
    {
        public TenantId Tenant { get; } = tenant;

        public Lock Gate { get; } = new();

        public Dictionary<TicketId, Entry> Tickets { get; } = [];

        public Dictionary<TicketNumber, TicketId> Numbers { get; } = [];

        public Dictionary<TicketKind, long> LastNumbers { get; } = [];

        public Dictionary<string, AppendResult> AppliedKeys { get; } = new(StringComparer.Ordinal);

        /// <summary>Every ticket in paging order: opening instant, then id.</summary>
        public SortedSet<OrderKey> Order { get; } = new(OrderKeyComparer.Instance);

        /// <summary>The queued tickets in queue order: deadline (none last), opening instant, id.</summary>
        public SortedSet<ScheduleCursor> Queue { get; } = [];

        /// <summary>The time entries by start, ticket and version.</summary>
        public SortedSet<TimeEntryKey> TimeEntries { get; } = new(TimeEntryKeyComparer.Instance);

        /// <summary>The round-robin cursor of each group (<see cref="IAssignmentStore"/>).</summary>
        public Dictionary<GroupId, AgentId> Cursors { get; } = [];
    }

    /// <summary>What the appends of a batch checked so far would write: the batch sees them as if they were stored.</summary>
    private sealed class PendingBatch
    {
        /// <summary>The latest snapshot the batch writes for each ticket it touches.</summary>
        public Dictionary<TicketId, Ticket> Tickets { get; } = [];

        /// <summary>The numbers of the tickets the batch opens.</summary>
        public Dictionary<TicketNumber, TicketId> Numbers { get; } = [];

        /// <summary>The idempotency keys the batch applies, with their results.</summary>
        public Dictionary<string, AppendResult> Keys { get; } = new(StringComparer.Ordinal);

        /// <summary>Records a checked append that is to be applied, and returns its result.</summary>
        public AppendResult Record(TicketAppend append)
        {
            var ticket = append.Ticket;
            if (append.ExpectedVersion == 0)
            {
                Numbers.Add(ticket.Number, ticket.Id);
            }

            Tickets[ticket.Id] = ticket;
            var result = new AppendResult(ticket, IsReplay: false);
            if (append.IdempotencyKey is { } key)
            {
                Keys.Add(key, result with { IdempotencyFingerprint = append.IdempotencyFingerprint });
            }

            return result;
        }
    }

    private sealed class Entry(Ticket current)
    {
        public Ticket Current { get; set; } = current;

        /// <summary>The <see cref="TicketAppend.DerivedState"/> of the last append, or <see langword="null"/>.</summary>
        public string? DerivedState { get; set; }

        public List<TicketEvent> History { get; } = [];

        public TicketSchedule? Schedule { get; set; }
    }

    /// <summary>A timer and its lease, guarded by <see cref="_gate"/>. An expired lease keeps its token until another claim
    /// takes the timer, so its holder can still complete it.</summary>
    private sealed class TimerRecord(TimerKey key, string purpose)
    {
        public TimerKey Key { get; } = key;

        public string Purpose { get; } = purpose;

        public Guid? Token { get; set; }

        public Instant ExpiresAt { get; set; }
    }

    private readonly record struct TimerKey(Instant DueAt, TenantId Tenant, TicketId Ticket);

    private sealed class TimerKeyComparer : IComparer<TimerKey>
    {
        public static readonly TimerKeyComparer Instance = new();

        public int Compare(TimerKey x, TimerKey y)
        {
            var byDue = x.DueAt.CompareTo(y.DueAt);
            if (byDue != 0)
            {
                return byDue;
            }

            var byTenant = string.CompareOrdinal(x.Tenant.Value, y.Tenant.Value);
            return byTenant != 0 ? byTenant : x.Ticket.Value.CompareTo(y.Ticket.Value);
        }
    }

    private readonly record struct TimeEntryKey(Instant Started, Guid Ticket, long Version, TimeLogged? Entry)
    {
        /// <summary>A key before every entry that started at <paramref name="started"/>.</summary>
        public static TimeEntryKey LowerBound(Instant started) => new(started, Guid.Empty, long.MinValue, null);
    }

    private sealed class TimeEntryKeyComparer : IComparer<TimeEntryKey>
    {
        public static readonly TimeEntryKeyComparer Instance = new();

        public int Compare(TimeEntryKey x, TimeEntryKey y)
        {
            var byStart = x.Started.CompareTo(y.Started);
            if (byStart != 0)
            {
                return byStart;
            }

            var byTicket = x.Ticket.CompareTo(y.Ticket);
            return byTicket != 0 ? byTicket : x.Version.CompareTo(y.Version);
        }
    }

    private readonly record struct OrderKey(Instant OpenedAt, TicketId Id);

    private sealed class OrderKeyComparer : IComparer<OrderKey>
    {
        public static readonly OrderKeyComparer Instance = new();

        public int Compare(OrderKey x, OrderKey y) => TicketCursor.Compare(x.OpenedAt, x.Id, y.OpenedAt, y.Id);
    }
}
