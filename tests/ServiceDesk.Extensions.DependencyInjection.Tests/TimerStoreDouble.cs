using NodaTime;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;

namespace ServiceDesk.Extensions.DependencyInjection.Tests;

/// <summary>
/// An in-memory ticket store that also has timers: it hands out fake leases per claim (a full batch for the first
/// <see cref="FullBatches"/> claims, or <see cref="LeasesPerClaim"/>), or throws <see cref="Failure"/>, and counts claims and
/// records their instants. It does not implement <see cref="ITimerStore.GetNextTimerDueAsync"/>, so it gets the interface's
/// default (unknown), as an adapter written before that member would; <see cref="NextDueTimerStoreDouble"/> does.
/// </summary>
internal class TimerStoreDouble : ITicketStore, ITimerStore
{
    private readonly InMemoryTicketStore _tickets = new();
    private readonly List<Instant> _claimedAt = [];
    private int _claims;

    public int Claims => Volatile.Read(ref _claims);

    /// <summary>The instant of every claim so far, in order.</summary>
    public IReadOnlyList<Instant> ClaimedAt
    {
        get
        {
            lock (_claimedAt)
            {
                return [.. _claimedAt];
            }
        }
    }

    /// <summary>When set, how many leases claim number N (from 1) hands out, instead of <see cref="FullBatches"/>.</summary>
    public Func<int, int>? LeasesPerClaim { get; set; }

    /// <summary>How many claims find a full batch of due timers (they belong to no ticket); later claims find none.</summary>
    public int FullBatches { get; set; }

    public Exception? Failure { get; set; }

    public TaskCompletionSource FirstClaim { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<IReadOnlyList<TimerLease>> ClaimDueTimersAsync(Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_claimedAt)
        {
            _claimedAt.Add(now);
        }

        var claim = Interlocked.Increment(ref _claims);
        FirstClaim.TrySetResult();
        if (Failure is { } failure)
        {
            throw failure;
        }

        var count = LeasesPerClaim?.Invoke(claim) ?? (claim <= FullBatches ? maxCount : 0);
        IReadOnlyList<TimerLease> leases = [.. Enumerable.Range(0, Math.Min(count, maxCount))
            .Select(_ => new TimerLease(new TenantId("t"), TicketId.New(), now, "sla", Guid.NewGuid(), now + leaseDuration))];
        return Task.FromResult(leases);
    }

    public Task<bool> CompleteTimerAsync(TimerLease lease, TicketSchedule schedule, CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task<bool> ReleaseTimerAsync(TimerLease lease, CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task<TicketSchedule?> GetScheduleAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default) => Task.FromResult<TicketSchedule?>(null);

    public Task<SchedulePage> QueryScheduleAsync(ScheduleQuery query, CancellationToken cancellationToken = default) => Task.FromResult(new SchedulePage([], null));

    public Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default) => _tickets.AllocateNumberAsync(tenant, kind, cancellationToken);

    public Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default) => _tickets.GetAsync(tenant, id, cancellationToken);

    public Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default) => _tickets.GetByNumberAsync(tenant, number, cancellationToken);

    public Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default) => _tickets.AppendAsync(append, cancellationToken);

    public Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default) => _tickets.QueryAsync(query, cancellationToken);

    public Task<IReadOnlyList<Events.TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default) => _tickets.ReadHistoryAsync(tenant, id, cancellationToken);

    public Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default) => _tickets.FindAppliedAsync(tenant, idempotencyKey, cancellationToken);
}

/// <summary>A <see cref="TimerStoreDouble"/> that answers <see cref="ITimerStore.GetNextTimerDueAsync"/> with
/// <see cref="NextDue"/> (or throws <see cref="NextDueFailure"/>).</summary>
internal sealed class NextDueTimerStoreDouble : TimerStoreDouble, ITimerStore
{
    private int _queries;

    /// <summary>The answer, asked afresh on every query; <see langword="null"/> by default (no timer pending).</summary>
    public Func<Instant?> NextDue { get; set; } = () => null;

    public Exception? NextDueFailure { get; set; }

    public int NextDueQueries => Volatile.Read(ref _queries);

    public Task<Instant?> GetNextTimerDueAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _queries);
        return NextDueFailure is { } failure ? Task.FromException<Instant?>(failure) : Task.FromResult(NextDue());
    }
}

/// <summary>A ticket store with no timers, outbox or time entries: only <see cref="ITicketStore"/>.</summary>
internal sealed class PlainTicketStore : ITicketStore
{
    private readonly InMemoryTicketStore _tickets = new();

    public Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default) => _tickets.AllocateNumberAsync(tenant, kind, cancellationToken);

    public Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default) => _tickets.GetAsync(tenant, id, cancellationToken);

    public Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default) => _tickets.GetByNumberAsync(tenant, number, cancellationToken);

    public Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default) => _tickets.AppendAsync(append, cancellationToken);

    public Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default) => _tickets.QueryAsync(query, cancellationToken);

    public Task<IReadOnlyList<Events.TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default) => _tickets.ReadHistoryAsync(tenant, id, cancellationToken);

    public Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default) => _tickets.FindAppliedAsync(tenant, idempotencyKey, cancellationToken);
}
