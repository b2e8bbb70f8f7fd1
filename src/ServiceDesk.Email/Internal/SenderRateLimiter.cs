namespace ServiceDesk.Email;

/// <summary>A sliding one-hour count of accepted messages per (tenant, sender), in memory.</summary>
internal sealed class SenderRateLimiter(int maxPerHour)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(TenantId, string), Queue<Instant>> _seen = [];

    /// <summary>Counts a message at <paramref name="now"/> when the sender is under the limit.</summary>
    public bool TryAcquire(TenantId tenant, string sender, Instant now)
    {
        var since = now - Duration.FromHours(1);
        lock (_gate)
        {
            if (!_seen.TryGetValue((tenant, sender), out var queue))
            {
                _seen[(tenant, sender)] = queue = new Queue<Instant>();
            }

            while (queue.Count > 0 && queue.Peek() <= since)
            {
                queue.Dequeue();
            }

            if (queue.Count >= maxPerHour)
            {
                return false;
            }

            queue.Enqueue(now);
            if (_seen.Count > 100_000)
            {
                Prune(since);
            }

            return true;
        }
    }

    private void Prune(Instant since)
    {
        foreach (var key in _seen.Where(p => p.Value.Count == 0 || p.Value.Last() <= since).Select(p => p.Key).ToList())
        {
            _seen.Remove(key);
        }
    }
}
