using System.Collections.ObjectModel;
using Npgsql;
using NpgsqlTypes;
using ServiceDesk.Events;
using ServiceDesk.Serialization;

namespace ServiceDesk.Storage.PostgreSql;

/// <content>Appends (one, or a batch in one transaction), derived state and reads of several tickets: the members of
/// <see cref="ITicketBatchStore"/> and the new members of <see cref="ITicketStore"/>, on the <c>derived</c> column of schema
/// version 3.</content>
public sealed partial class PostgreSqlTicketStore
{
    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(append);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("append to a ticket", async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await AppendInTransactionAsync(connection, transaction, append, cancellationToken).ConfigureAwait(false);
            if (!result.IsReplay)
            {
                // Nothing is committed before this line: a cancellation or failure above rolls the whole append back.
                cancellationToken.ThrowIfCancellationRequested();
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return result;
        });
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
    /// <remarks>One transaction: first the number advances, as compare-and-set statements on the counter rows in one round
    /// trip (a racing allocation waits for the row lock and then fails the comparison); then every append exactly as
    /// <see cref="AppendAsync"/> runs it (two or three round trips each), seeing the writes of the appends before it; then the
    /// commit. Any rejection, failure or cancellation rolls all of it back. Two batches that lock the same tickets or keys in
    /// opposite orders can deadlock; PostgreSQL then aborts one of them, which surfaces as a transient
    /// <see cref="StorageException"/>: retry it.</remarks>
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>); nothing was stored.</exception>
    public Task<IReadOnlyList<AppendResult>> AppendBatchAsync(TicketBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded<IReadOnlyList<AppendResult>>($"append a batch of {batch.Appends.Count:N0} appends", async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await AdvanceNumbersAsync(connection, transaction, batch, cancellationToken).ConfigureAwait(false);
            var results = new AppendResult[batch.Appends.Count];
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = await AppendInTransactionAsync(connection, transaction, batch.Appends[i], cancellationToken).ConfigureAwait(false);
            }

            // Nothing is committed before this line: a cancellation or failure above rolls the whole batch back.
            cancellationToken.ThrowIfCancellationRequested();
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            return Array.AsReadOnly(results);
        });
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
                ? new StoredTicket(ServiceDeskJson.DeserializeTicket(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetString(1))
                : null;
        });
    }

    /// <inheritdoc />
    /// <remarks>One query, <c>id = ANY(@ids)</c> with the ids as one <c>uuid[]</c> parameter: primary-key lookups.</remarks>
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<IReadOnlyList<Ticket>> GetManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, CancellationToken cancellationToken = default)
    {
        var distinct = StoredTicket.ValidateMany(tenant, ids);
        cancellationToken.ThrowIfCancellationRequested();
        if (distinct.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<Ticket>>(ReadOnlyCollection<Ticket>.Empty);
        }

        return Guarded<IReadOnlyList<Ticket>>("read several tickets", async () =>
        {
            await using var command = _dataSource.CreateCommand($"SELECT id, snapshot::text FROM {_tickets} WHERE tenant = @tenant AND id = ANY(@ids);");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("ids", distinct.Select(id => id.Value).ToArray());
            var found = new Dictionary<Guid, Ticket>(distinct.Count);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    found[reader.GetGuid(0)] = ServiceDeskJson.DeserializeTicket(reader.GetString(1));
                }
            }

            var ordered = new List<Ticket>(found.Count);
            foreach (var id in distinct)
            {
                if (found.TryGetValue(id.Value, out var ticket))
                {
                    ordered.Add(ticket);
                }
            }

            return ordered.AsReadOnly();
        });
    }

    private static void AddColumns(NpgsqlParameterCollection parameters, Ticket ticket, long seconds, int nanos, string snapshot, string? derived)
    {
        parameters.AddWithValue("tenant", ticket.Tenant.Value);
        parameters.AddWithValue("id", ticket.Id.Value);
        parameters.AddWithValue("number", ticket.Number.ToString());
        parameters.AddWithValue("kind", ticket.Kind.ToString());
        parameters.AddWithValue("status", ticket.Status.Name);
        parameters.AddWithValue("priority", (short)ticket.Priority);
        parameters.AddWithValue("customer", ticket.Requester.Customer.Value);
        parameters.AddWithValue("group", NpgsqlDbType.Text, (object?)ticket.AssignmentGroup?.Value ?? DBNull.Value);
        parameters.AddWithValue("assignee", NpgsqlDbType.Text, (object?)ticket.Assignee?.Value ?? DBNull.Value);
        parameters.AddWithValue("opened_s", seconds);
        parameters.AddWithValue("opened_ns", nanos);
        parameters.AddWithValue("version", ticket.Version);
        parameters.AddWithValue("snapshot", NpgsqlDbType.Jsonb, snapshot);
        parameters.AddWithValue("derived", NpgsqlDbType.Text, (object?)derived ?? DBNull.Value);
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
    private async Task AdvanceNumbersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TicketBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Numbers.Count == 0)
        {
            return;
        }

        var tenant = batch.Tenant.Value;
        var advances = new NpgsqlBatch(connection, transaction);
        await using (advances.ConfigureAwait(false))
        {
            foreach (var number in batch.Numbers)
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
            for (var i = 0; i < batch.Numbers.Count; i++)
            {
                if (advances.BatchCommands[i].RecordsAffected != 1)
                {
                    var number = batch.Numbers[i];
                    var actual = await ReadLastNumberAsync(connection, transaction, tenant, number.Kind, cancellationToken).ConfigureAwait(false);
                    throw new ConcurrencyException(batch.Tenant, number.Kind, number.ExpectedLast, actual);
                }
            }
        }
    }

    /// <summary>
    /// Runs one append inside a connection and transaction that the caller owns and commits: checks it against what the
    /// transaction sees (so the earlier appends of a batch count) and writes it; a replay writes nothing.
    /// </summary>
    /// <remarks>
    /// <para>Round trips: a new ticket without a key is an <c>INSERT … ON CONFLICT DO NOTHING</c> (a lost race on the id or
    /// number is a conflict) and one batch of writes; an append with a key first takes the key's advisory lock and reads it;
    /// an append to an existing ticket first locks the row (<c>FOR UPDATE</c>) and compares its version and identity, in the
    /// same round trip as the key. The writes (row update, events, outbox, schedule, key) go in one <see cref="NpgsqlBatch"/>.</para>
    /// <para>A rejection may leave earlier writes of the same append in the transaction: the caller must roll back, which
    /// disposing an uncommitted transaction does.</para>
    /// </remarks>
    private async Task<AppendResult> AppendInTransactionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TicketAppend append, CancellationToken cancellationToken)
    {
        var ticket = append.Ticket;
        var tenant = ticket.Tenant.Value;
        var (seconds, nanos) = Split(ticket.OpenedAt);
        if (append.IdempotencyKey is not null || append.ExpectedVersion > 0)
        {
            var replay = await CheckAsync(connection, transaction, append, seconds, nanos, cancellationToken).ConfigureAwait(false);
            if (replay is not null)
            {
                return replay;
            }
        }

        var snapshot = ServiceDeskJson.Serialize(ticket);
        if (append.ExpectedVersion == 0)
        {
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO {_tickets} (tenant, id, number, kind, status, priority, customer, assignment_group, assignee, opened_s, opened_ns, version, snapshot, derived) " +
                "VALUES (@tenant, @id, @number, @kind, @status, @priority, @customer, @group, @assignee, @opened_s, @opened_ns, @version, @snapshot, @derived) " +
                "ON CONFLICT DO NOTHING;",
                connection,
                transaction);
            AddColumns(insert.Parameters, ticket, seconds, nanos, snapshot, append.DerivedState);
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                // The id or the number is taken (stored before, or by a racing append that committed first).
                await using var who = new NpgsqlCommand(
                    $"SELECT version FROM {_tickets} WHERE tenant = @tenant AND (id = @id OR number = @number) ORDER BY (id = @id) DESC LIMIT 1;",
                    connection,
                    transaction);
                who.Parameters.AddWithValue("tenant", tenant);
                who.Parameters.AddWithValue("id", ticket.Id.Value);
                who.Parameters.AddWithValue("number", ticket.Number.ToString());
                var holder = await who.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long? ?? 0;
                throw new ConcurrencyException(ticket.Tenant, ticket.Id, append.ExpectedVersion, holder);
            }
        }

        var writes = new NpgsqlBatch(connection, transaction);
        await using (writes.ConfigureAwait(false))
        {
            if (append.ExpectedVersion > 0)
            {
                // The row is locked and its version checked: this update cannot miss.
                var update = new NpgsqlBatchCommand(
                    $"UPDATE {_tickets} SET status = @status, priority = @priority, customer = @customer, assignment_group = @group, " +
                    "assignee = @assignee, version = @version, snapshot = @snapshot, derived = @derived WHERE tenant = @tenant AND id = @id AND version = @expected;");
                AddColumns(update.Parameters, ticket, seconds, nanos, snapshot, append.DerivedState);
                update.Parameters.AddWithValue("expected", append.ExpectedVersion);
                writes.BatchCommands.Add(update);
            }

            AddEventWrites(writes, append, tenant);
            if (append.Schedule is { } schedule)
            {
                var replace = new NpgsqlBatchCommand(
                    $"INSERT INTO {_schedule} (tenant, ticket, timer_due_s, timer_due_ns, timer_purpose, deadline_s, deadline_ns, queued, opened_s, opened_ns) " +
                    "VALUES (@tenant, @ticket, @timer_s, @timer_ns, @purpose, @deadline_s, @deadline_ns, @queued, @opened_s, @opened_ns) " +
                    "ON CONFLICT (tenant, ticket) DO UPDATE SET timer_due_s = EXCLUDED.timer_due_s, timer_due_ns = EXCLUDED.timer_due_ns, " +
                    "timer_purpose = EXCLUDED.timer_purpose, deadline_s = EXCLUDED.deadline_s, deadline_ns = EXCLUDED.deadline_ns, " +
                    "queued = EXCLUDED.queued, lease_token = NULL, lease_expires_s = NULL, lease_expires_ns = NULL;");
                replace.Parameters.AddWithValue("tenant", tenant);
                replace.Parameters.AddWithValue("ticket", ticket.Id.Value);
                AddSchedule(replace.Parameters, schedule);
                replace.Parameters.AddWithValue("opened_s", seconds);
                replace.Parameters.AddWithValue("opened_ns", nanos);
                writes.BatchCommands.Add(replace);
            }

            if (append.IdempotencyKey is { } newKey)
            {
                var remember = new NpgsqlBatchCommand($"INSERT INTO {_keys} (tenant, key, ticket, snapshot) VALUES (@tenant, @key, @ticket, @snapshot);");
                remember.Parameters.AddWithValue("tenant", tenant);
                remember.Parameters.AddWithValue("key", newKey);
                remember.Parameters.AddWithValue("ticket", ticket.Id.Value);
                remember.Parameters.AddWithValue("snapshot", NpgsqlDbType.Jsonb, snapshot);
                writes.BatchCommands.Add(remember);
            }

            await writes.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (append.ExpectedVersion > 0 && writes.BatchCommands[0].RecordsAffected != 1)
            {
                // Unreachable while the row lock holds; reported as what it would be, a conflict, rather than ignored.
                await using var version = new NpgsqlCommand($"SELECT version FROM {_tickets} WHERE tenant = @tenant AND id = @id;", connection, transaction);
                version.Parameters.AddWithValue("tenant", tenant);
                version.Parameters.AddWithValue("id", ticket.Id.Value);
                var actual = await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long? ?? 0;
                throw new ConcurrencyException(ticket.Tenant, ticket.Id, append.ExpectedVersion, actual);
            }
        }

        return new AppendResult(ticket, IsReplay: false);
    }

    /// <summary>The read round trip of an append: with a key, takes the key's advisory lock (so appends with the same key
    /// are serialized) and reads it; for an existing ticket, locks its row and compares version and identity.</summary>
    /// <returns>The replay result when the key was applied to this ticket; <see langword="null"/> when the append goes on.</returns>
    /// <exception cref="ArgumentException">The key was applied to another ticket, or the append changes the ticket's identity.</exception>
    /// <exception cref="ConcurrencyException">The stored version is not the expected one.</exception>
    private async Task<AppendResult?> CheckAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TicketAppend append, long seconds, int nanos, CancellationToken cancellationToken)
    {
        var ticket = append.Ticket;
        var tenant = ticket.Tenant.Value;
        var reads = new NpgsqlBatch(connection, transaction);
        await using (reads.ConfigureAwait(false))
        {
            if (append.IdempotencyKey is { } key)
            {
                var gate = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended(@tenant || chr(31) || @key, 7));");
                gate.Parameters.AddWithValue("tenant", tenant);
                gate.Parameters.AddWithValue("key", key);
                var applied = new NpgsqlBatchCommand($"SELECT ticket, snapshot::text FROM {_keys} WHERE tenant = @tenant AND key = @key;");
                applied.Parameters.AddWithValue("tenant", tenant);
                applied.Parameters.AddWithValue("key", key);
                reads.BatchCommands.Add(gate);
                reads.BatchCommands.Add(applied);
            }

            if (append.ExpectedVersion > 0)
            {
                var current = new NpgsqlBatchCommand($"SELECT version, number, opened_s, opened_ns FROM {_tickets} WHERE tenant = @tenant AND id = @id FOR UPDATE;");
                current.Parameters.AddWithValue("tenant", tenant);
                current.Parameters.AddWithValue("id", ticket.Id.Value);
                reads.BatchCommands.Add(current);
            }

            await using var reader = await reads.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (append.IdempotencyKey is { } appliedKey)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var usedFor = reader.GetGuid(0);
                    return usedFor == ticket.Id.Value
                        ? new AppendResult(ServiceDeskJson.DeserializeTicket(reader.GetString(1)), IsReplay: true)
                        : throw new ArgumentException(
                            $"Idempotency key '{appliedKey}' of tenant '{tenant}' was already used for ticket {usedFor}; a key identifies one command on one ticket, so it cannot be reused for ticket {ticket.Id}.",
                            nameof(append));
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }

            if (append.ExpectedVersion == 0)
            {
                return null;
            }

            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new ConcurrencyException(ticket.Tenant, ticket.Id, append.ExpectedVersion, 0);
            }

            var actual = reader.GetInt64(0);
            if (actual != append.ExpectedVersion)
            {
                throw new ConcurrencyException(ticket.Tenant, ticket.Id, append.ExpectedVersion, actual);
            }

            var storedNumber = reader.GetString(1);
            if (storedNumber != ticket.Number.ToString() || reader.GetInt64(2) != seconds || reader.GetInt32(3) != nanos)
            {
                throw new ArgumentException(
                    $"Ticket {ticket.Id} was opened as {storedNumber}; a later version cannot change its number, kind or opening instant (got {ticket.Number} at {ticket.OpenedAt}).",
                    nameof(append));
            }

            return null;
        }
    }

    /// <summary>Adds the inserts of an append's events and of their outbox rows (the payload kept once per event) to a batch.</summary>
    private void AddEventWrites(NpgsqlBatch writes, TicketAppend append, string tenant)
    {
        foreach (var e in append.Events)
        {
            var payload = ServiceDeskJson.Serialize(e);
            var insertEvent = new NpgsqlBatchCommand(
                $"INSERT INTO {_events} (tenant, ticket, version, type, payload, started_s, started_ns) " +
                "VALUES (@tenant, @ticket, @version, @type, @payload, @started_s, @started_ns);");
            insertEvent.Parameters.AddWithValue("tenant", tenant);
            insertEvent.Parameters.AddWithValue("ticket", append.Ticket.Id.Value);
            insertEvent.Parameters.AddWithValue("version", e.Version);
            insertEvent.Parameters.AddWithValue("type", e.GetType().Name);
            insertEvent.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, payload);
            AddInstant(insertEvent.Parameters, "started", (e as TimeLogged)?.Started);
            writes.BatchCommands.Add(insertEvent);

            var enqueue = new NpgsqlBatchCommand($"INSERT INTO {_outbox} (tenant, ticket, version, event) VALUES (@tenant, @ticket, @version, @event);");
            enqueue.Parameters.AddWithValue("tenant", tenant);
            enqueue.Parameters.AddWithValue("ticket", append.Ticket.Id.Value);
            enqueue.Parameters.AddWithValue("version", e.Version);
            enqueue.Parameters.AddWithValue("event", NpgsqlDbType.Jsonb, payload);
            writes.BatchCommands.Add(enqueue);
        }
    }
}
