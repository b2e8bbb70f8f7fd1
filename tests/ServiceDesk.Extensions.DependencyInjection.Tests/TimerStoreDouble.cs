using NodaTime;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;

namespace ServiceDesk.Extensions.DependencyInjection.Tests;

/// <summary>
/// An in-memory ticket store that also has timers (the adapters gain <see cref="ITimerStore"/> on other branches):
/// it hands out <see cref="DueTimers"/> fake leases per claim, or throws <see cref="Failure"/>, and counts claims.
/// </summary>
internal sealed class TimerStoreDouble : ITicketStore, ITimerStore
{
    private readonly InMemoryTicketStore _tickets = new();
    private int _claims;

    public int Claims => Volatile.Read(ref _claims);

    /// <summary>How many claims find a full batch of due timers (they belong to no ticket); later claims find none.</summary>
    public int FullBatches { get; set; }

    public Exception? Failure { get; set; }

    public TaskCompletionSource FirstClaim { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<IReadOnlyList<TimerLease>> ClaimDueTimersAsync(Instant now, int maxCount, Duration leaseDuration, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var claim = Interlocked.Increment(ref _claims);
        FirstClaim.TrySetResult();
        if (Failure is { } failure)
        {
            throw failure;
        }

        IReadOnlyList<TimerLease> leases = [.. Enumerable.Range(0, claim <= FullBatches ? maxCount : 0)
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
