using System.Collections.ObjectModel;
using Npgsql;
using ServiceDesk.Serialization;

namespace ServiceDesk.Storage.PostgreSql;

/// <content>Appends (one, or a batch in one transaction), derived state and reads of several tickets: the members of
/// <see cref="ITicketBatchStore"/> and the new members of <see cref="ITicketStore"/>, on the <c>derived</c> column of schema
/// version 3.</content>
public sealed partial class PostgreSqlTicketStore
{
    /// <inheritdoc />
    /// <remarks>Runs as a batch of one append (see <see cref="AppendBatchAsync"/>), without number advances.</remarks>
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(append);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded(
            "append to a ticket",
            async () => (await WriteAsync(append.Tenant, [append], [], cancellationToken).ConfigureAwait(false))[0]);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<long> GetLastNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        _ = TicketNumber.PrefixOf(kind);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("read the last ticket number", async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await ReadLastNumberAsync(connection, null, tenant.Value, kind, cancellationToken).ConfigureAwait(false);
        });
    }

    /// <inheritdoc />
    /// <remarks>
    /// <para>One transaction, in a fixed number of round trips whatever the size of the batch: the number advances, as
    /// compare-and-set statements on the counter rows (a racing allocation waits for the row lock, then fails the
    /// comparison); one read that takes the advisory locks of the batch's idempotency keys, reads the applied keys, and locks
    /// the rows of the batch's tickets (<c>FOR UPDATE</c>, in id order) and reads the holders of the new tickets' numbers;
    /// then every append is checked in memory, in order, against those rows and the appends before it; then the new tickets
    /// are inserted (<c>ON CONFLICT DO NOTHING</c>: a ticket a racing writer created first is a
    /// <see cref="ConcurrencyException"/>); then one <see cref="NpgsqlBatch"/> writes the changed tickets' final rows, every
    /// event, its outbox row, the last schedule of each ticket and the keys, each as one statement over arrays
    /// (<c>unnest</c>); then the commit.</para>
    /// <para>Any rejection, failure or cancellation rolls all of it back. Locks are taken in one order (number rows by kind,
    /// keys, tickets by id), so batches do not deadlock each other; should PostgreSQL still abort one as a deadlock victim,
    /// that is a transient <see cref="StorageException"/>: retry it.</para>
    /// </remarks>
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>); nothing was stored.</exception>
    public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(TicketBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded(
            $"append a batch of {batch.Appends.Count:N0} appends",
            () => WriteAsync(batch.Tenant, batch.Appends, batch.Numbers, cancellationToken));
    }

    /// <inheritdoc />
    /// <remarks>One <c>SELECT</c> of the snapshot and the <c>derived</c> column of the ticket's row.</remarks>
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<StoredTicket?> GetStoredAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("read a ticket with its derived state", async () =>
        {
            await using var command = _dataSource.CreateCommand($"SELECT snapshot::text, derived FROM {_tickets} WHERE tenant = @tenant AND id = @id;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("id", id.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new StoredTicket(PostgreSqlRows.ReadTicket(reader.GetString(0), _tickets, tenant.Value, $"id {id}"), reader.IsDBNull(1) ? null : reader.GetString(1))
                : null;
        });
    }

    /// <inheritdoc />
    /// <remarks>One query, <c>id = ANY(@ids)</c> with the ids as one <c>uuid[]</c> parameter: primary-key lookups.</remarks>
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public async Task<IReadOnlyList<Ticket>> GetManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, CancellationToken cancellationToken = default)
        => [.. (await ReadManyAsync(tenant, ids, withDerived: false, cancellationToken).ConfigureAwait(false)).Select(s => s.Ticket)];

    /// <inheritdoc />
    /// <remarks>One query, as <see cref="GetManyAsync"/>.</remarks>
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<IReadOnlyList<StoredTicket>> GetStoredManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, CancellationToken cancellationToken = default)
        => ReadManyAsync(tenant, ids, withDerived: true, cancellationToken);

    private Task<IReadOnlyList<StoredTicket>> ReadManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, bool withDerived, CancellationToken cancellationToken)
    {
        var distinct = StoredTicket.ValidateMany(tenant, ids);
        cancellationToken.ThrowIfCancellationRequested();
        if (distinct.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<StoredTicket>>(ReadOnlyCollection<StoredTicket>.Empty);
        }

        return Guarded<IReadOnlyList<StoredTicket>>("read several tickets", async () =>
        {
            var columns = withDerived ? "id, snapshot::text, derived" : "id, snapshot::text";
            await using var command = _dataSource.CreateCommand($"SELECT {columns} FROM {_tickets} WHERE tenant = @tenant AND id = ANY(@ids);");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("ids", distinct.Select(id => id.Value).ToArray());
            var found = new Dictionary<Guid, StoredTicket>(distinct.Count);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var derived = withDerived && !reader.IsDBNull(2) ? reader.GetString(2) : null;
                    var key = reader.GetGuid(0);
                    found[key] = new StoredTicket(PostgreSqlRows.ReadTicket(reader.GetString(1), _tickets, tenant.Value, $"id {new TicketId(key)}"), derived);
                }
            }

            var ordered = new List<StoredTicket>(found.Count);
            foreach (var id in distinct)
            {
                if (found.TryGetValue(id.Value, out var stored))
                {
                    ordered.Add(stored);
                }
            }

            return ordered.AsReadOnly();
        });
    }

    private async Task<long> ReadLastNumberAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenant, TicketKind kind, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand($"SELECT last FROM {_numbers} WHERE tenant = @tenant AND kind = @kind;", connection, transaction);
        read.Parameters.AddWithValue("tenant", tenant);
        read.Parameters.AddWithValue("kind", kind.ToString());
        return await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long last ? last : 0;
    }

    /// <summary>Moves each number sequence of the batch from its expected last number to the new one, in one round trip of
    /// compare-and-set statements (an insert when the batch expects no numbers and there is no row).</summary>
    /// <exception cref="ConcurrencyException">A sequence is not where the batch expected it; the caller rolls back.</exception>
    private async Task AdvanceNumbersAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TenantId tenantId, IReadOnlyList<NumberAdvance> numbers, CancellationToken cancellationToken)
    {
        if (numbers.Count == 0)
        {
            return;
        }

        // By kind, so that batches lock the counter rows in one order.
        var ordered = numbers.OrderBy(n => n.Kind).ToList();
        var tenant = tenantId.Value;
        var advances = new NpgsqlBatch(connection, transaction);
        await using (advances.ConfigureAwait(false))
        {
            foreach (var number in ordered)
            {
                var command = number.ExpectedLast == 0
                    ? new NpgsqlBatchCommand($"INSERT INTO {_numbers} (tenant, kind, last) VALUES (@tenant, @kind, @new) ON CONFLICT (tenant, kind) DO NOTHING;")
                    : new NpgsqlBatchCommand($"UPDATE {_numbers} SET last = @new WHERE tenant = @tenant AND kind = @kind AND last = @expected;");
                command.Parameters.AddWithValue("tenant", tenant);
                command.Parameters.AddWithValue("kind", number.Kind.ToString());
                command.Parameters.AddWithValue("new", number.NewLast);
                command.Parameters.AddWithValue("expected", number.ExpectedLast);
                advances.BatchCommands.Add(command);
            }

            await advances.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < ordered.Count; i++)
            {
                if (advances.BatchCommands[i].RecordsAffected != 1)
                {
                    var number = ordered[i];
                    var actual = await ReadLastNumberAsync(connection, transaction, tenant, number.Kind, cancellationToken).ConfigureAwait(false);
                    throw new ConcurrencyException(tenantId, number.Kind, number.ExpectedLast, actual);
                }
            }
        }
    }
}
