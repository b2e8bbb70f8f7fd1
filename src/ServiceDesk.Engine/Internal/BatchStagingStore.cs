using System.Collections.ObjectModel;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;

namespace ServiceDesk.Engine.Internal;

/// <summary>
/// The store a batch's engine writes to: appends are checked and staged in memory (reads by id see them), numbers are
/// handed out after the stored last number, and <see cref="CommitAsync"/> applies everything in one
/// <see cref="ITicketBatchStore.AppendBatchAsync"/> transaction.
/// </summary>
/// <remarks>Not thread-safe: a batch is filled by one caller at a time (commands awaited one after the other).</remarks>
internal sealed class BatchStagingStore(ITicketBatchStore inner, TenantId tenant) : ITicketStore
{
    private readonly List<TicketAppend> _appends = [];
    private readonly Dictionary<TicketId, Staged> _tickets = [];
    private readonly Dictionary<TicketNumber, TicketId> _numbers = [];
    private readonly Dictionary<string, AppendResult> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<TicketKind, (long ExpectedLast, long Last)> _sequences = [];
    private readonly Dictionary<TicketId, TicketSchedule> _timers = [];
    private readonly Dictionary<TicketId, long> _readVersions = [];
    private readonly Dictionary<TicketId, StoredTicket> _prefetched = [];
    private readonly Dictionary<TicketId, int> _lastAppend = [];
    private readonly List<Action> _onCommitted = [];
    private bool _closed;

    /// <summary>Gets the store the batch commits to.</summary>
    public ITicketBatchStore Inner => inner;

    /// <summary>Gets a value indicating whether the batch was committed (or its commit attempted).</summary>
    public bool IsClosed => _closed;

    public TenantId Tenant => tenant;

    public int Count => _appends.Count;

    /// <summary>The earliest timer among the schedules staged (the last one per ticket), or <see langword="null"/>.</summary>
    public Instant? NextTimerDueAt()
    {
        Instant? next = null;
        foreach (var (_, schedule) in _timers)
        {
            if (schedule.TimerDueAt is { } at && (next is null || at < next))
            {
                next = at;
            }
        }

        return next;
    }

    public async Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
    {
        CheckTenant(tenant);
        _ = TicketNumber.PrefixOf(kind);
        if (!_sequences.TryGetValue(kind, out var sequence))
        {
            var last = await inner.GetLastNumberAsync(tenant, kind, cancellationToken).ConfigureAwait(false);
            sequence = (last, last);
        }

        // The number is taken only when an opening with it is staged, so a failed opening leaves no gap.
        _sequences[kind] = sequence;
        return new TicketNumber(kind, sequence.Last + 1);
    }

    public async Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
        => (await GetStoredAsync(tenant, id, cancellationToken).ConfigureAwait(false))?.Ticket;

    public async Task<StoredTicket?> GetStoredAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TicketId.ThrowIfDefault(id);
        if (tenant == this.Tenant && _tickets.TryGetValue(id, out var staged))
        {
            return new StoredTicket(staged.Ticket, staged.DerivedState);
        }

        if (tenant == this.Tenant && _prefetched.Remove(id, out var prefetched))
        {
            _readVersions[id] = prefetched.Ticket.Version;
            return prefetched;
        }

        var stored = await inner.GetStoredAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (tenant == this.Tenant)
        {
            _readVersions[id] = stored?.Ticket.Version ?? 0;
        }

        return stored;
    }

    public async Task<IReadOnlyList<Ticket>> GetManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, CancellationToken cancellationToken = default)
    {
        var distinct = StoredTicket.ValidateMany(tenant, ids);
        var missing = new List<TicketId>();
        foreach (var id in distinct)
        {
            if (tenant != this.Tenant || !_tickets.ContainsKey(id))
            {
                missing.Add(id);
            }
        }

        var found = missing.Count == 0 ? [] : (await inner.GetManyAsync(tenant, missing, cancellationToken).ConfigureAwait(false)).ToDictionary(t => t.Id);
        var result = new List<Ticket>(distinct.Count);
        foreach (var id in distinct)
        {
            if (tenant == this.Tenant && _tickets.TryGetValue(id, out var staged))
            {
                result.Add(staged.Ticket);
            }
            else if (found.TryGetValue(id, out var ticket))
            {
                result.Add(ticket);
            }
        }

        return result.AsReadOnly();
    }

    public Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default)
        => tenant == this.Tenant && _numbers.TryGetValue(number, out var id)
            ? Task.FromResult<Ticket?>(_tickets[id].Ticket)
            : inner.GetByNumberAsync(tenant, number, cancellationToken);

    public async Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(append);
        cancellationToken.ThrowIfCancellationRequested();
        CheckTenant(append.Tenant);
        if (_closed)
        {
            throw new InvalidOperationException("The batch was committed; begin a new batch.");
        }

        if (_appends.Count == TicketBatch.MaxAppends)
        {
            throw new InvalidOperationException($"The batch holds {TicketBatch.MaxAppends:N0} appends, the most one transaction takes; commit it and begin another.");
        }

        var ticket = append.Ticket;
        if (append.IdempotencyKey is { } key)
        {
            var applied = _keys.TryGetValue(key, out var staged) ? staged : await inner.FindAppliedAsync(ticket.Tenant, key, cancellationToken).ConfigureAwait(false);
            if (applied is not null)
            {
                IdempotencyConflictException.ThrowIfConflict(ticket.Tenant, key, applied, ticket.Id, append.IdempotencyFingerprint);
                return applied with { IsReplay = true };
            }
        }

        long actual;
        if (_tickets.TryGetValue(ticket.Id, out var current))
        {
            actual = current.Ticket.Version;
        }
        else if (_readVersions.TryGetValue(ticket.Id, out var read))
        {
            actual = read; // read by this batch; a change by another writer since then fails the commit, not this check
        }
        else if (append.ExpectedVersion == 0)
        {
            actual = 0; // a new id, never read: an id taken meanwhile fails the commit (the store checks every append again)
        }
        else
        {
            actual = (await inner.GetAsync(ticket.Tenant, ticket.Id, cancellationToken).ConfigureAwait(false))?.Version ?? 0;
        }

        if (actual != append.ExpectedVersion)
        {
            throw new ConcurrencyException(ticket.Tenant, ticket.Id, append.ExpectedVersion, actual);
        }

        if (append.ExpectedVersion == 0 && _sequences.TryGetValue(ticket.Kind, out var tracked) && ticket.Number.Sequence > tracked.Last + 1)
        {
            throw new ArgumentException(
                $"Ticket {ticket.Id} is numbered {ticket.Number}, beyond the next number of the batch ({tracked.Last + 1}); allocate numbers with the batch's AllocateNumberAsync.",
                nameof(append));
        }

        if (append.ExpectedVersion == 0 && _numbers.ContainsKey(ticket.Number))
        {
            throw new ConcurrencyException(ticket.Tenant, ticket.Id, 0, _tickets[_numbers[ticket.Number]].Ticket.Version);
        }

        _lastAppend[ticket.Id] = _appends.Count;
        _appends.Add(append);
        if (append.Schedule is { } schedule)
        {
            _timers[ticket.Id] = schedule;
        }

        _tickets[ticket.Id] = new Staged(ticket, append.DerivedState, current?.Events is { } events ? [.. events, .. append.Events] : [.. append.Events]);
        if (append.ExpectedVersion == 0)
        {
            _numbers[ticket.Number] = ticket.Id;
            if (_sequences.TryGetValue(ticket.Kind, out var sequence) && ticket.Number.Sequence == sequence.Last + 1)
            {
                _sequences[ticket.Kind] = (sequence.ExpectedLast, sequence.Last + 1);
            }
        }

        var result = new AppendResult(ticket, IsReplay: false);
        if (append.IdempotencyKey is { } newKey)
        {
            _keys[newKey] = result with { IdempotencyFingerprint = append.IdempotencyFingerprint };
        }

        return result;
    }

    /// <summary>Gets a value indicating whether an append of the ticket is staged.</summary>
    public bool IsStaged(TicketId id) => _tickets.ContainsKey(id);

    /// <summary>The staged timers due at <paramref name="now"/> (each staged ticket's last schedule), earliest first.</summary>
    public List<(TicketId Ticket, Instant DueAt, string Purpose)> DueTimers(Instant now)
    {
        var due = new List<(TicketId Ticket, Instant DueAt, string Purpose)>();
        foreach (var (id, schedule) in _timers)
        {
            if (schedule.TimerDueAt is { } dueAt && dueAt <= now)
            {
                due.Add((id, dueAt, schedule.TimerPurpose ?? string.Empty));
            }
        }

        due.Sort((a, b) => a.DueAt.CompareTo(b.DueAt));
        return due;
    }

    /// <summary>Replaces the schedule of a staged ticket's last append: what a timer that fired with nothing to record does
    /// to a ticket of the batch (its stored timer is left alone until the commit stores the new schedule).</summary>
    public Task<bool> RescheduleAsync(TicketId id, TicketSchedule schedule)
    {
        var index = _lastAppend[id];
        var last = _appends[index];
        _appends[index] = new TicketAppend(last.Ticket, last.Events, last.ExpectedVersion, last.IdempotencyKey)
        {
            IdempotencyFingerprint = last.IdempotencyFingerprint,
            Schedule = schedule,
            DerivedState = last.DerivedState,
        };
        _timers[id] = schedule;
        return Task.FromResult(true);
    }

    /// <summary>Runs <paramref name="action"/> once the batch is stored (metrics of what it recorded).</summary>
    public void OnCommitted(Action action) => _onCommitted.Add(action);

    public async Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default)
        => tenant == this.Tenant && _keys.TryGetValue(idempotencyKey, out var staged)
            ? staged with { IsReplay = true }
            : await inner.FindAppliedAsync(tenant, idempotencyKey, cancellationToken).ConfigureAwait(false);

    /// <remarks>Queries read what is stored: tickets staged in the batch are not seen until it is committed.</remarks>
    public Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

    public async Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        var stored = await inner.ReadHistoryAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (tenant != this.Tenant || !_tickets.TryGetValue(id, out var staged))
        {
            return stored;
        }

        var first = staged.Events[0].Version;
        return new ReadOnlyCollection<TicketEvent>([.. stored.Where(e => e.Version < first), .. staged.Events]);
    }

    /// <summary>Reads the tickets the batch is about to work on in one query (a sweep's claimed tickets: at most
    /// <see cref="ITimerStore.MaxClaim"/>, which is <see cref="StoredTicket.MaxGetMany"/>); each is then served once from
    /// memory by <see cref="GetStoredAsync"/>.</summary>
    public async Task PrefetchAsync(IReadOnlyList<TicketId> ids, CancellationToken cancellationToken)
    {
        foreach (var stored in await inner.GetStoredManyAsync(Tenant, ids, cancellationToken).ConfigureAwait(false))
        {
            _prefetched[stored.Ticket.Id] = stored;
        }
    }

    public async Task<IReadOnlyList<AppendResult>> CommitAsync(CancellationToken cancellationToken)
    {
        if (_closed)
        {
            throw new InvalidOperationException("The batch was already committed.");
        }

        _closed = true;
        if (_appends.Count == 0)
        {
            return [];
        }

        var numbers = new List<NumberAdvance>(_sequences.Count);
        foreach (var (kind, (expected, last)) in _sequences)
        {
            if (last > expected)
            {
                numbers.Add(new NumberAdvance(kind, expected, last));
            }
        }

        var results = await inner.AppendBatchAsync(new TicketBatch(_appends, numbers), cancellationToken).ConfigureAwait(false);
        foreach (var action in _onCommitted)
        {
            action();
        }

        return results;
    }

    private void CheckTenant(TenantId tenant)
    {
        TenantId.ThrowIfDefault(tenant);
        if (tenant != this.Tenant)
        {
            throw new ArgumentException($"This batch is for tenant {TextPolicy.Echo(this.Tenant)}; a command for tenant {TextPolicy.Echo(tenant)} needs a batch of its own.", nameof(tenant));
        }
    }

    private sealed record Staged(Ticket Ticket, string? DerivedState, TicketEvent[] Events);
}
