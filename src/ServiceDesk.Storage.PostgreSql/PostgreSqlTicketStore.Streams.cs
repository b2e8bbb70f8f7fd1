using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using NodaTime;
using ServiceDesk.Events;

namespace ServiceDesk.Storage.PostgreSql;

/// <content>Streaming whole histories (<see cref="ITicketHistoryStream"/>).</content>
public sealed partial class PostgreSqlTicketStore : ITicketHistoryStream
{
    /// <inheritdoc />
    /// <remarks>One statement over the tickets' opening-order index joined to their events, whose rows Npgsql reads off the
    /// wire as the stream is enumerated (one history in memory at a time); the statement's snapshot makes the stream
    /// consistent. The pooled connection is held until the enumeration ends or is disposed.</remarks>
    public async IAsyncEnumerable<IReadOnlyList<TicketEvent>> StreamHistoriesAsync(
        TenantId tenant, Instant? openedFrom = null, Instant? openedTo = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StreamArguments.Check(tenant, openedFrom, openedTo);
        cancellationToken.ThrowIfCancellationRequested();
        const string Operation = "stream ticket histories";
        await using var command = _dataSource.CreateCommand($"""
            SELECT e.ticket, e.version, e.payload::text
            FROM {_tickets} t JOIN {_events} e ON e.tenant = t.tenant AND e.ticket = t.id
            WHERE t.tenant = @tenant
              AND (@from_s::bigint IS NULL OR (t.opened_s, t.opened_ns) >= (@from_s, @from_ns))
              AND (@to_s::bigint IS NULL OR (t.opened_s, t.opened_ns) < (@to_s, @to_ns))
            ORDER BY t.opened_s, t.opened_ns, t.id, e.version;
            """);
        command.Parameters.AddWithValue("tenant", tenant.Value);
        AddInstant(command, "from", openedFrom);
        AddInstant(command, "to", openedTo);
        await using var reader = await Guarded(Operation, () => command.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
        Guid? current = null;
        var events = new List<TicketEvent>();
        while (await Guarded(Operation, () => reader.ReadAsync(cancellationToken)).ConfigureAwait(false))
        {
            var ticket = reader.GetGuid(0);
            if (ticket != current)
            {
                if (events.Count > 0)
                {
                    yield return events.AsReadOnly();
                    events = [];
                }

                current = ticket;
            }

            events.Add(PostgreSqlRows.ReadEvent(reader.GetString(2), _events, tenant.Value, $"ticket {ticket}, version {reader.GetInt64(1)}"));
        }

        if (events.Count > 0)
        {
            yield return events.AsReadOnly();
        }
    }

    private static void AddInstant(NpgsqlCommand command, string name, Instant? instant)
    {
        if (instant is { } at)
        {
            var (seconds, nanos) = Split(at);
            command.Parameters.AddWithValue(name + "_s", NpgsqlDbType.Bigint, seconds);
            command.Parameters.AddWithValue(name + "_ns", NpgsqlDbType.Integer, nanos);
        }
        else
        {
            command.Parameters.AddWithValue(name + "_s", NpgsqlDbType.Bigint, DBNull.Value);
            command.Parameters.AddWithValue(name + "_ns", NpgsqlDbType.Integer, DBNull.Value);
        }
    }
}
