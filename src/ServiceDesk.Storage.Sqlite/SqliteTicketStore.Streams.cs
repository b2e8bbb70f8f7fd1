using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using NodaTime;
using ServiceDesk.Events;

namespace ServiceDesk.Storage.Sqlite;

/// <content>Streaming whole histories (<see cref="ITicketHistoryStream"/>).</content>
public sealed partial class SqliteTicketStore : ITicketHistoryStream
{
    /// <inheritdoc />
    /// <remarks>One <c>SELECT</c> over the tickets' opening-order index joined to their events by key, read row by row on one
    /// pooled connection: a snapshot of the file as the statement started (WAL), holding one history in memory at a time.</remarks>
    public async IAsyncEnumerable<IReadOnlyList<TicketEvent>> StreamHistoriesAsync(
        TenantId tenant, Instant? openedFrom = null, Instant? openedTo = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StreamArguments.Check(tenant, openedFrom, openedTo);
        cancellationToken.ThrowIfCancellationRequested();
        const string Operation = "stream ticket histories";
        await using var connection = await Guarded(Operation, () => OpenConnectionAsync(cancellationToken)).ConfigureAwait(false);
        // CROSS JOIN fixes the join order (SQLite's rule for it): tickets by the opening-order index, then each one's events
        // by key, so rows come out in order with only a per-ticket sort of versions (a plain JOIN let the planner scan every
        // event and sort the whole tenant in a temporary B-tree, with memory growing with the tenant).
        using var command = Command(connection, null, """
            SELECT e.ticket, e.version, e.payload
            FROM tickets t CROSS JOIN ticket_events e ON e.tenant = t.tenant AND e.ticket = t.id
            WHERE t.tenant = $tenant
              AND ($from_s IS NULL OR t.opened_s > $from_s OR (t.opened_s = $from_s AND t.opened_ns >= $from_ns))
              AND ($to_s IS NULL OR t.opened_s < $to_s OR (t.opened_s = $to_s AND t.opened_ns < $to_ns))
            ORDER BY t.opened_s, t.opened_ns, t.id, e.version;
            """);
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        AddInstant(command, "from", openedFrom);
        AddInstant(command, "to", openedTo);
        using var reader = await Guarded(Operation, () => command.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
        string? current = null;
        var events = new List<TicketEvent>();
        while (await Guarded(Operation, () => reader.ReadAsync(cancellationToken)).ConfigureAwait(false))
        {
            var ticket = reader.GetString(0);
            if (!string.Equals(ticket, current, StringComparison.Ordinal))
            {
                if (events.Count > 0)
                {
                    yield return events.AsReadOnly();
                    events = [];
                }

                current = ticket;
            }

            events.Add(ReadEvent(reader.GetString(2), tenant.Value, ticket, reader.GetInt64(1)));
        }

        if (events.Count > 0)
        {
            yield return events.AsReadOnly();
        }
    }

    private static void AddInstant(SqliteCommand command, string name, Instant? instant)
    {
        if (instant is { } at)
        {
            var (seconds, nanos) = Split(at);
            command.Parameters.AddWithValue("$" + name + "_s", seconds);
            command.Parameters.AddWithValue("$" + name + "_ns", nanos);
        }
        else
        {
            command.Parameters.AddWithValue("$" + name + "_s", DBNull.Value);
            command.Parameters.AddWithValue("$" + name + "_ns", DBNull.Value);
        }
    }
}
