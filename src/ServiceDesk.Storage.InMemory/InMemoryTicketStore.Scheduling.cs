using NodaTime;

namespace ServiceDesk.Storage.InMemory;

/// <content>The timer indexes: by due instant (for claims) and by the instant each timer becomes claimable (for
/// <see cref="GetNextTimerDueAsync"/>).</content>
public sealed partial class InMemoryTicketStore
{
    /// <summary>Every timer by the instant a claim could take it: its due instant when not leased, its lease's expiry when
    /// leased (then tenant and ticket); guarded by <see cref="_gate"/>.</summary>
    private readonly SortedSet<TimerKey> _claimableIndex = new(TimerKeyComparer.Instance);

    /// <inheritdoc />
    /// <remarks>The smallest key of an index by claimable instant, which every claim, completion, release and scheduled
    /// append keeps current: O(log n).</remarks>
    public Task<Instant?> GetNextTimerDueAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<Instant?>(cancellationToken);
        }

        lock (_gate)
        {
            return Task.FromResult<Instant?>(_claimableIndex.Count == 0 ? null : _claimableIndex.Min.DueAt);
        }
    }

    /// <summary>The key of a timer in <see cref="_claimableIndex"/>: when a claim could next take it. An expired lease keeps
    /// its token, so its key is its (past) expiry: claimable now.</summary>
    private static TimerKey ClaimableKey(TimerRecord timer)
        => new(timer.Token is null ? timer.Key.DueAt : timer.ExpiresAt, timer.Key.Tenant, timer.Key.Ticket);

    /// <summary>Adds a new, unleased timer to every index; called with <see cref="_gate"/> held.</summary>
    private void AddTimer(TimerRecord timer)
    {
        _timers.Add((timer.Key.Tenant, timer.Key.Ticket), timer);
        _timerIndex.Add(timer.Key);
        _claimableIndex.Add(ClaimableKey(timer));
    }

    /// <summary>Removes a ticket's timer, if it has one, from every index; called with <see cref="_gate"/> held.</summary>
    private void RemoveTimer(TenantId tenant, TicketId ticket)
    {
        if (_timers.Remove((tenant, ticket), out var timer))
        {
            _timerIndex.Remove(timer.Key);
            _claimableIndex.Remove(ClaimableKey(timer));
        }
    }

    /// <summary>Leases a timer to a claim; called with <see cref="_gate"/> held.</summary>
    private void LeaseTimer(TimerRecord timer, Guid token, Instant expiresAt)
    {
        _claimableIndex.Remove(ClaimableKey(timer));
        timer.Token = token;
        timer.ExpiresAt = expiresAt;
        _claimableIndex.Add(ClaimableKey(timer));
    }

    /// <summary>Ends a timer's lease, so it is claimable from its due instant; called with <see cref="_gate"/> held.</summary>
    private void UnleaseTimer(TimerRecord timer)
    {
        _claimableIndex.Remove(ClaimableKey(timer));
        timer.Token = null;
        _claimableIndex.Add(ClaimableKey(timer));
    }
}
