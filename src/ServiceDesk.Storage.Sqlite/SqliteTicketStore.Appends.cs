using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ServiceDesk.Events;
using ServiceDesk.Serialization;

namespace ServiceDesk.Storage.Sqlite;

/// <content>Appends (one, or a batch in one transaction), derived state and reads of several tickets: the members of
/// <see cref="ITicketBatchStore"/> and the new members of <see cref="ITicketStore"/>, on the <c>derived</c> column of schema
/// version 3.</content>
public sealed partial class SqliteTicketStore
{
    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed (<see cref="StorageException.IsTransient"/> when the database was
    /// busy or locked past the busy timeout).</exception>
    public async Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(append);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("append to a ticket", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: false);
            using var writer = new AppendWriter(this, connection, transaction);
            var result = await writer.AppendAsync(append, cancellationToken).ConfigureAwait(false);
            if (!result.IsReplay)
            {
                // Nothing above commits: a cancellation or failure before this line rolls the whole append back.
                cancellationToken.ThrowIfCancellationRequested();
                Commit(connection, transaction);
            }

            return result;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed (<see cref="StorageException.IsTransient"/> when the database was
    /// busy or locked past the busy timeout).</exception>
    public async Task<long> GetLastNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        _ = TicketNumber.PrefixOf(kind);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read the last ticket number", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await ReadLastNumberAsync(connection, null, tenant.Value, kind, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>One <c>BEGIN IMMEDIATE</c> transaction: the number advances are compare-and-set updates of the counter rows,
    /// checked first; then every append runs as <see cref="AppendAsync"/> runs it, on statements prepared once for the whole
    /// batch, each seeing the writes of the appends before it; the transaction commits only when all passed, and any
    /// rejection, failure or cancellation rolls all of it back.</remarks>
    /// <exception cref="StorageException">SQLite failed (<see cref="StorageException.IsTransient"/> when the database was
    /// busy or locked past the busy timeout); nothing was stored.</exception>
    public async Task<IReadOnlyList<AppendResult>> AppendBatchAsync(TicketBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded($"append a batch of {batch.Appends.Count:N0} appends", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction(deferred: false);
            await AdvanceNumbersAsync(connection, transaction, batch, cancellationToken).ConfigureAwait(false);
            var results = new AppendResult[batch.Appends.Count];
            using (var writer = new AppendWriter(this, connection, transaction))
            {
                for (var i = 0; i < results.Length; i++)
                {
                    results[i] = await writer.AppendAsync(batch.Appends[i], cancellationToken).ConfigureAwait(false);
                }
            }

            // Nothing above commits: a cancellation or failure before this line rolls the whole batch back.
            cancellationToken.ThrowIfCancellationRequested();
            Commit(connection, transaction);
            return (IReadOnlyList<AppendResult>)Array.AsReadOnly(results);
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>One <c>SELECT</c> of the snapshot and the <c>derived</c> column of the ticket's row.</remarks>
    /// <exception cref="StorageException">SQLite failed (<see cref="StorageException.IsTransient"/> when the database was
    /// busy or locked past the busy timeout).</exception>
    public async Task<StoredTicket?> GetStoredAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read a ticket with its derived state", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, "SELECT snapshot, derived FROM tickets WHERE tenant = $tenant AND id = $id;");
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$id", id.ToString());
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new StoredTicket(ReadTicket(reader.GetString(0), "tickets", tenant.Value, $"id {id}"), reader.IsDBNull(1) ? null : reader.GetString(1))
                : null;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>One query: the ids go in as one JSON array parameter, unpacked by <c>json_each</c> into primary-key lookups.</remarks>
    /// <exception cref="StorageException">SQLite failed (<see cref="StorageException.IsTransient"/> when the database was
    /// busy or locked past the busy timeout).</exception>
    public async Task<IReadOnlyList<Ticket>> GetManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, CancellationToken cancellationToken = default)
        => [.. (await ReadManyAsync(tenant, ids, withDerived: false, cancellationToken).ConfigureAwait(false)).Select(s => s.Ticket)];

    /// <inheritdoc />
    /// <remarks>One query, as <see cref="GetManyAsync"/>.</remarks>
    /// <exception cref="StorageException">SQLite failed (<see cref="StorageException.IsTransient"/> when the database was
    /// busy or locked past the busy timeout).</exception>
    public Task<IReadOnlyList<StoredTicket>> GetStoredManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, CancellationToken cancellationToken = default)
        => ReadManyAsync(tenant, ids, withDerived: true, cancellationToken);

    private async Task<IReadOnlyList<StoredTicket>> ReadManyAsync(TenantId tenant, IReadOnlyList<TicketId> ids, bool withDerived, CancellationToken cancellationToken)
    {
        var distinct = StoredTicket.ValidateMany(tenant, ids);
        cancellationToken.ThrowIfCancellationRequested();
        if (distinct.Count == 0)
        {
            return ReadOnlyCollection<StoredTicket>.Empty;
        }

        return await Guarded("read several tickets", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, withDerived ? GetStoredManySql : GetManySql);
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$ids", JsonArray(distinct));
            var found = new Dictionary<string, StoredTicket>(distinct.Count, StringComparer.Ordinal);
            using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var derived = withDerived && !reader.IsDBNull(2) ? reader.GetString(2) : null;
                    var key = reader.GetString(0);
                    found[key] = new StoredTicket(ReadTicket(reader.GetString(1), "tickets", tenant.Value, $"id {key}"), derived);
                }
            }

            var ordered = new List<StoredTicket>(found.Count);
            foreach (var id in distinct)
            {
                if (found.TryGetValue(id.ToString(), out var stored))
                {
                    ordered.Add(stored);
                }
            }

            return (IReadOnlyList<StoredTicket>)ordered.AsReadOnly();
        }).ConfigureAwait(false);
    }

    /// <summary>The query of <see cref="GetStoredManyAsync"/>: <see cref="GetManySql"/> with the derived state.</summary>
    internal const string GetStoredManySql = "SELECT id, snapshot, derived FROM tickets WHERE tenant = $tenant AND id IN (SELECT value FROM json_each($ids));";

    /// <summary>The query of <see cref="GetManyAsync"/>: a primary-key lookup per id of the JSON array <c>$ids</c>.</summary>
    internal const string GetManySql = "SELECT id, snapshot FROM tickets WHERE tenant = $tenant AND id IN (SELECT value FROM json_each($ids));";

    private static async Task<long> ReadLastNumberAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string tenant, TicketKind kind, CancellationToken cancellationToken)
    {
        using var read = Command(connection, transaction, "SELECT last FROM ticket_numbers WHERE tenant = $tenant AND kind = $kind;");
        read.Parameters.AddWithValue("$tenant", tenant);
        read.Parameters.AddWithValue("$kind", kind.ToString());
        return await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long last ? last : 0;
    }

    /// <summary>Moves each number sequence of the batch from its expected last number to the new one, as a compare-and-set
    /// on the counter row (an insert when the batch expects no numbers and there is no row).</summary>
    /// <exception cref="ConcurrencyException">A sequence is not where the batch expected it; the caller rolls back.</exception>
    private static async Task AdvanceNumbersAsync(
        SqliteConnection connection, SqliteTransaction transaction, TicketBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Numbers.Count == 0)
        {
            return;
        }

        var tenant = batch.Tenant.Value;
        using var advance = Command(connection, transaction, """
            UPDATE ticket_numbers SET last = $new WHERE tenant = $tenant AND kind = $kind AND last = $expected;
            """);
        using var first = Command(connection, transaction, """
            INSERT INTO ticket_numbers (tenant, kind, last) VALUES ($tenant, $kind, $new) ON CONFLICT (tenant, kind) DO NOTHING;
            """);
        foreach (var number in batch.Numbers)
        {
            var kind = number.Kind.ToString();
            var command = number.ExpectedLast == 0 ? first : advance;
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$kind", kind);
            command.Parameters.AddWithValue("$new", number.NewLast);
            if (number.ExpectedLast != 0)
            {
                command.Parameters.AddWithValue("$expected", number.ExpectedLast);
            }

            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                var actual = await ReadLastNumberAsync(connection, transaction, tenant, number.Kind, cancellationToken).ConfigureAwait(false);
                throw new ConcurrencyException(batch.Tenant, number.Kind, number.ExpectedLast, actual);
            }
        }
    }

    /// <summary>
    /// Runs appends inside a connection and transaction that the caller owns and commits: each append is checked against
    /// what the transaction sees (so the earlier appends of a batch count) and written; a replay writes nothing. Every
    /// statement is prepared on first use and reused for the next appends, so a batch parses each statement once.
    /// </summary>
    /// <remarks>A rejection (<see cref="ConcurrencyException"/>, <see cref="ArgumentException"/>) may leave earlier writes of
    /// the same append in the transaction: the caller must roll back, which disposing an uncommitted transaction does.</remarks>
    private sealed class AppendWriter(SqliteTicketStore store, SqliteConnection connection, SqliteTransaction transaction) : IDisposable
    {
        private const string TicketColumns = "$tenant, $id, $number, $kind, $status, $priority, $customer, $group, $assignee, $opened_s, $opened_ns, $version, $snapshot, $derived";

        private SqliteCommand? _findKey;
        private SqliteCommand? _insert;
        private SqliteCommand? _update;
        private SqliteCommand? _insertScheduled;
        private SqliteCommand? _updateScheduled;
        private SqliteCommand? _current;
        private SqliteCommand? _holder;
        private SqliteCommand? _events;
        private SqliteCommand? _outbox;
        private SqliteCommand? _remember;

        public async Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken)
        {
            var ticket = append.Ticket;
            var tenant = ticket.Tenant.Value;
            var id = ticket.Id.ToString();
            if (append.IdempotencyKey is { } key && await FindKeyAsync(tenant, key, cancellationToken).ConfigureAwait(false) is { } applied)
            {
                // ThrowIfConflict compares the ticket the key was applied to (the replay's snapshot) and the fingerprints.
                var replay = new AppendResult(store.ReadTicket(applied.Snapshot, "idempotency_keys", tenant, $"key {TextPolicy.Echo(key)}"), IsReplay: true) { IdempotencyFingerprint = applied.Fingerprint };
                IdempotencyConflictException.ThrowIfConflict(ticket.Tenant, key, replay, ticket.Id, append.IdempotencyFingerprint);
                return replay;
            }

            var snapshot = ServiceDeskJson.Serialize(ticket);
            // The schedule (when the append has one) is written by the same statement as the ticket's row: it replaces the
            // stored schedule and ends any lease on the old timer, in the append's transaction.
            if (append.ExpectedVersion == 0)
            {
                await InsertTicketAsync(append, tenant, id, snapshot, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await UpdateTicketAsync(append, tenant, id, snapshot, cancellationToken).ConfigureAwait(false);
            }

            await InsertEventsAsync(append.Events, tenant, id, cancellationToken).ConfigureAwait(false);

            if (append.IdempotencyKey is { } newKey)
            {
                _remember ??= Prepare(
                    "INSERT INTO idempotency_keys (tenant, key, ticket, snapshot, fingerprint) VALUES ($tenant, $key, $ticket, $snapshot, $fingerprint);",
                    ("$tenant", SqliteType.Text), ("$key", SqliteType.Text), ("$ticket", SqliteType.Text), ("$snapshot", SqliteType.Text), ("$fingerprint", SqliteType.Text));
                await RunAsync(_remember, cancellationToken, tenant, newKey, id, snapshot, append.IdempotencyFingerprint).ConfigureAwait(false);
            }

            return new AppendResult(ticket, IsReplay: false);
        }

        public void Dispose()
        {
            foreach (var command in new[] { _findKey, _insert, _update, _insertScheduled, _updateScheduled, _current, _holder, _events, _outbox, _remember })
            {
                command?.Dispose();
            }
        }

        private static async Task<int> RunAsync(SqliteCommand command, CancellationToken cancellationToken, params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        private const string ScheduleColumnList = "queued, deadline_s, deadline_ns, timer_due_s, timer_due_ns, timer_purpose";

        private const string ScheduleParameterList = "$queued, $ds, $dns, $ts, $tns, $purpose";


        private static object?[] TicketValues(Ticket ticket, string tenant, string id, string snapshot, string? derived)
        {
            var (seconds, nanos) = Split(ticket.OpenedAt);
            return
            [
                tenant, id, ticket.Number.ToString(), ticket.Kind.ToString(), ticket.Status.Name, (int)ticket.Priority,
                ticket.Requester.Customer.Value, ticket.AssignmentGroup?.Value, ticket.Assignee?.Value, seconds, nanos, ticket.Version,
                snapshot, derived,
            ];
        }

        private SqliteCommand Prepare(string sql, params (string Name, SqliteType Type)[] parameters)
        {
            var command = Command(connection, transaction, sql);
            foreach (var (name, type) in parameters)
            {
                command.Parameters.Add(name, type);
            }

            return command;
        }

        private SqliteCommand PrepareTicket(string sql, params (string Name, SqliteType Type)[] extra)
            => Prepare(
                sql,
                [
                    ("$tenant", SqliteType.Text), ("$id", SqliteType.Text), ("$number", SqliteType.Text), ("$kind", SqliteType.Text),
                    ("$status", SqliteType.Text), ("$priority", SqliteType.Integer), ("$customer", SqliteType.Text), ("$group", SqliteType.Text),
                    ("$assignee", SqliteType.Text), ("$opened_s", SqliteType.Integer), ("$opened_ns", SqliteType.Integer),
                    ("$version", SqliteType.Integer), ("$snapshot", SqliteType.Text), ("$derived", SqliteType.Text), .. extra,
                ]);

        private async Task<(string Ticket, string Snapshot, string? Fingerprint)?> FindKeyAsync(string tenant, string key, CancellationToken cancellationToken)
        {
            _findKey ??= Prepare(
                "SELECT ticket, snapshot, fingerprint FROM idempotency_keys WHERE tenant = $tenant AND key = $key;", ("$tenant", SqliteType.Text), ("$key", SqliteType.Text));
            _findKey.Parameters[0].Value = tenant;
            _findKey.Parameters[1].Value = key;
            using var reader = await _findKey.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))
                : null;
        }

        /// <summary>Inserts a new ticket's row unless its id or number is taken, in which case the holder's version is the
        /// conflict's actual version.</summary>
        private async Task InsertTicketAsync(TicketAppend append, string tenant, string id, string snapshot, CancellationToken cancellationToken)
        {
            var ticket = append.Ticket;
            _insert ??= PrepareTicket($"""
                INSERT INTO tickets (tenant, id, number, kind, status, priority, customer, assignment_group, assignee, opened_s, opened_ns, version, snapshot, derived)
                VALUES ({TicketColumns}) ON CONFLICT DO NOTHING;
                """);
            int inserted;
            if (append.Schedule is { } schedule)
            {
                _insertScheduled ??= PrepareTicket(
                    $"""
                    INSERT INTO tickets (tenant, id, number, kind, status, priority, customer, assignment_group, assignee, opened_s, opened_ns, version, snapshot, derived,
                                         {ScheduleColumnList})
                    VALUES ({TicketColumns}, {ScheduleParameterList}) ON CONFLICT DO NOTHING;
                    """,
                    ScheduleParameters);
                inserted = await RunAsync(_insertScheduled, cancellationToken, [.. TicketValues(ticket, tenant, id, snapshot, append.DerivedState), .. ScheduleValues(schedule)])
                    .ConfigureAwait(false);
            }
            else
            {
                inserted = await RunAsync(_insert, cancellationToken, TicketValues(ticket, tenant, id, snapshot, append.DerivedState)).ConfigureAwait(false);
            }

            if (inserted == 1)
            {
                return;
            }

            _holder ??= Prepare(
                """
                SELECT COALESCE((SELECT version FROM tickets WHERE tenant = $tenant AND id = $id),
                                (SELECT version FROM tickets WHERE tenant = $tenant AND number = $number), 0);
                """,
                ("$tenant", SqliteType.Text), ("$id", SqliteType.Text), ("$number", SqliteType.Text));
            _holder.Parameters[0].Value = tenant;
            _holder.Parameters[1].Value = id;
            _holder.Parameters[2].Value = ticket.Number.ToString();
            var holder = Convert.ToInt64(await _holder.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            throw new ConcurrencyException(ticket.Tenant, ticket.Id, append.ExpectedVersion, holder);
        }

        /// <summary>Updates an existing ticket's row if it is at the expected version and keeps its identity; otherwise reads
        /// the row to report which check failed.</summary>
        private async Task UpdateTicketAsync(TicketAppend append, string tenant, string id, string snapshot, CancellationToken cancellationToken)
        {
            var ticket = append.Ticket;
            _update ??= PrepareTicket(
                """
                UPDATE tickets SET status = $status, priority = $priority, customer = $customer, assignment_group = $group,
                    assignee = $assignee, version = $version, snapshot = $snapshot, derived = $derived
                WHERE tenant = $tenant AND id = $id AND version = $expected
                    AND number = $number AND kind = $kind AND opened_s = $opened_s AND opened_ns = $opened_ns;
                """,
                ("$expected", SqliteType.Integer));
            int updated;
            if (append.Schedule is { } schedule)
            {
                _updateScheduled ??= PrepareTicket(
                    $"""
                    UPDATE tickets SET status = $status, priority = $priority, customer = $customer, assignment_group = $group,
                        assignee = $assignee, version = $version, snapshot = $snapshot, derived = $derived, {ScheduleAssignments}
                    WHERE tenant = $tenant AND id = $id AND version = $expected
                        AND number = $number AND kind = $kind AND opened_s = $opened_s AND opened_ns = $opened_ns;
                    """,
                    [("$expected", SqliteType.Integer), .. ScheduleParameters]);
                updated = await RunAsync(
                    _updateScheduled, cancellationToken, [.. TicketValues(ticket, tenant, id, snapshot, append.DerivedState), append.ExpectedVersion, .. ScheduleValues(schedule)])
                    .ConfigureAwait(false);
            }
            else
            {
                updated = await RunAsync(_update, cancellationToken, [.. TicketValues(ticket, tenant, id, snapshot, append.DerivedState), append.ExpectedVersion])
                    .ConfigureAwait(false);
            }

            if (updated == 1)
            {
                return;
            }

            _current ??= Prepare(
                "SELECT version, number, opened_s, opened_ns FROM tickets WHERE tenant = $tenant AND id = $id;", ("$tenant", SqliteType.Text), ("$id", SqliteType.Text));
            _current.Parameters[0].Value = tenant;
            _current.Parameters[1].Value = id;
            using var reader = await _current.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var actual = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetInt64(0) : 0;
            if (actual != append.ExpectedVersion)
            {
                throw new ConcurrencyException(ticket.Tenant, ticket.Id, append.ExpectedVersion, actual);
            }

            throw new ArgumentException(
                $"Ticket {id} was opened as {reader.GetString(1)} at {SqliteMigrations.Join(reader.GetInt64(2), reader.GetInt64(3))}; a later version cannot change its number, kind or opening instant (got {ticket.Number} at {ticket.OpenedAt}).",
                nameof(append));
        }

        private async Task InsertEventsAsync(IReadOnlyList<TicketEvent> events, string tenant, string id, CancellationToken cancellationToken)
        {
            _events ??= Prepare(
                """
                INSERT INTO ticket_events (tenant, ticket, version, type, payload, started_s, started_ns)
                VALUES ($tenant, $ticket, $version, $type, $payload, $started_s, $started_ns);
                """,
                ("$tenant", SqliteType.Text), ("$ticket", SqliteType.Text), ("$version", SqliteType.Integer), ("$type", SqliteType.Text),
                ("$payload", SqliteType.Text), ("$started_s", SqliteType.Integer), ("$started_ns", SqliteType.Integer));
            foreach (var e in events)
            {
                object? startedSeconds = null;
                object? startedNanos = null;
                if (e is TimeLogged logged)
                {
                    (startedSeconds, startedNanos) = Split(logged.Started);
                }

                await RunAsync(_events, cancellationToken, tenant, id, e.Version, e.GetType().Name, ServiceDeskJson.Serialize(e), startedSeconds, startedNanos)
                    .ConfigureAwait(false);
            }

            // One outbox row per event, in version order, from the rows just written.
            _outbox ??= Prepare(
                """
                INSERT INTO outbox (tenant, ticket, version)
                SELECT tenant, ticket, version FROM ticket_events WHERE tenant = $tenant AND ticket = $ticket AND version > $after ORDER BY version;
                """,
                ("$tenant", SqliteType.Text), ("$ticket", SqliteType.Text), ("$after", SqliteType.Integer));
            await RunAsync(_outbox, cancellationToken, tenant, id, events[0].Version - 1).ConfigureAwait(false);
        }
    }

    /// <summary>The ids as a JSON array of strings, for <c>json_each</c>.</summary>
    private static string JsonArray(IReadOnlyCollection<TicketId> ids)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(2 + (ids.Count * 39));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var id in ids)
            {
                writer.WriteStringValue(id.ToString());
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
