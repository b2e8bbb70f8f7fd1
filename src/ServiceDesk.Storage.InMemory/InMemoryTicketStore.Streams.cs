using System.Runtime.CompilerServices;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;

namespace ServiceDesk.Storage.InMemory;

/// <content>Streaming whole histories (<see cref="ITicketHistoryStream"/>).</content>
public sealed partial class InMemoryTicketStore : ITicketHistoryStream
{
    /// <inheritdoc />
    /// <remarks>A snapshot like the durable adapters': the tickets and how many events each had are taken under the tenant's
    /// lock when enumeration starts (histories only grow, so each is then copied up to that length as it is yielded), so
    /// appends made meanwhile are not seen.</remarks>
    public async IAsyncEnumerable<IReadOnlyList<TicketEvent>> StreamHistoriesAsync(
        TenantId tenant, Instant? openedFrom = null, Instant? openedTo = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StreamArguments.Check(tenant, openedFrom, openedTo);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_tenants.TryGetValue(tenant, out var data))
        {
            yield break;
        }

        List<(Entry Entry, int Count)> snapshot;
        lock (data.Gate)
        {
            snapshot = new List<(Entry, int)>(data.Order.Count);
            foreach (var key in data.Order)
            {
                if ((openedFrom is null || key.OpenedAt >= openedFrom) && (openedTo is null || key.OpenedAt < openedTo)
                    && data.Tickets.TryGetValue(key.Id, out var entry) && entry.History.Count > 0)
                {
                    snapshot.Add((entry, entry.History.Count));
                }
            }
        }

        foreach (var (entry, count) in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<TicketEvent> history;
            lock (data.Gate)
            {
                history = entry.History.GetRange(0, count);
            }

            yield return history.AsReadOnly();
        }
    }
}
