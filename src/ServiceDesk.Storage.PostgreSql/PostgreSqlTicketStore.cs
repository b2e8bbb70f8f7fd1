using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Serialization;

namespace ServiceDesk.Storage.PostgreSql;

/// <summary>
/// The PostgreSQL adapter of <see cref="ITicketStore"/>, for many app instances sharing one database.
/// </summary>
/// <remarks>
/// <para>Open it with <see cref="OpenAsync(string, CancellationToken)"/>, which creates the schema and applies missing
/// migrations under an advisory lock (so instances starting together migrate once). An append runs in one transaction:
/// it locks the ticket row (<c>FOR UPDATE</c>), compares the version column with the expected version, writes the
/// snapshot, the events and the idempotency key, and commits; appends that share an idempotency key are serialized by
/// a transaction-scoped advisory lock on the key, so a retried command racing its original is applied once. Numbers are
/// allocated with an atomic upsert on a per-(tenant, kind) counter row, so they are gapless and never duplicated.</para>
/// <para>The same transaction writes the ticket's <see cref="TicketAppend.Schedule"/> (ending any lease on its timer), one
/// outbox row per event and the time-entry columns of <see cref="TimeLogged"/> events, so timers, queues, the outbox and
/// billing never describe a state that was not stored (see <see cref="ITimerStore"/>, <see cref="IOutboxStore"/> and
/// <see cref="ITimeEntryStore"/>). Due timers are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so any number of sweepers
/// in any number of processes share the work without ever holding the same timer at once.</para>
/// <para><b>Errors.</b> Every member, <see cref="OpenAsync(PostgreSqlTicketStoreOptions, CancellationToken)"/> and its
/// migrations included, maps a failure of the database to <see cref="StorageException"/> whose
/// <see cref="Exception.InnerException"/> is Npgsql's exception: any <see cref="NpgsqlException"/> (an unreachable server,
/// a lost or terminated connection, a socket or TLS failure, a timeout, and every error the server raises as
/// <see cref="PostgresException"/>, such as a missing table or a denied permission), with
/// <see cref="StorageException.IsTransient"/> taken from <see cref="NpgsqlException.IsTransient"/>, and a
/// <see cref="TimeoutException"/> (transient). Because every append is a single transaction, a failure never leaves a
/// half-written ticket. <see cref="ConcurrencyException"/>, <see cref="ArgumentException"/> and
/// <see cref="OperationCanceledException"/> are not wrapped.</para>
/// <para>The store is thread-safe. It owns its connection pool: dispose it when done.</para>
/// </remarks>
public sealed partial class PostgreSqlTicketStore : ITicketStore, ITimerStore, IOutboxStore, ITimeEntryStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _tickets;
    private readonly string _events;
    private readonly string _numbers;
    private readonly string _keys;
    private readonly string _schedule;
    private readonly string _outbox;

    private PostgreSqlTicketStore(NpgsqlDataSource dataSource, string schema)
    {
        _dataSource = dataSource;
        Schema = schema;
        var quoted = "\"" + schema + "\"";
        _tickets = quoted + ".tickets";
        _events = quoted + ".ticket_events";
        _numbers = quoted + ".ticket_numbers";
        _keys = quoted + ".idempotency_keys";
        _schedule = quoted + ".ticket_schedule";
        _outbox = quoted + ".outbox";
    }

    /// <summary>Gets the schema version this library creates and understands.</summary>
    public static int SchemaVersion => PostgreSqlMigrations.Latest;

    /// <summary>Gets the schema that holds the tables.</summary>
    public string Schema { get; }

    /// <summary>Connects, creates the schema if needed and applies missing migrations.</summary>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The store.</returns>
    /// <exception cref="InvalidDefinitionException">The connection string is empty or malformed.</exception>
    /// <exception cref="StorageException">The server cannot be reached, the connection fails, or the server rejects the
    /// migration (for example, no permission to create the schema); <see cref="StorageException.IsTransient"/> comes from
    /// Npgsql.</exception>
    /// <exception cref="InvalidOperationException">The schema is newer than this library understands.</exception>
    public static Task<PostgreSqlTicketStore> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
        => OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = connectionString }, cancellationToken);

    /// <summary>Connects, creates the schema if needed and applies missing migrations.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDefinitionException">An option is invalid; every fault is listed.</exception>
    /// <exception cref="StorageException">The server cannot be reached, the connection fails, or the server rejects the
    /// migration (for example, no permission to create the schema); <see cref="StorageException.IsTransient"/> comes from
    /// Npgsql.</exception>
    /// <exception cref="InvalidOperationException">The schema is newer than this library understands.</exception>
    public static async Task<PostgreSqlTicketStore> OpenAsync(PostgreSqlTicketStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        try
        {
            await Guarded("migrate the schema", () => PostgreSqlMigrations.ApplyAsync(dataSource, options.Schema, cancellationToken)).ConfigureAwait(false);
            return new PostgreSqlTicketStore(dataSource, options.Schema);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        _ = TicketNumber.PrefixOf(kind);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("allocate a ticket number", async () =>
        {
            await using var command = _dataSource.CreateCommand(
                $"INSERT INTO {_numbers} (tenant, kind, last) VALUES (@tenant, @kind, 1) " +
                $"ON CONFLICT (tenant, kind) DO UPDATE SET last = {_numbers}.last + 1 RETURNING last;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("kind", kind.ToString());
            var last = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            return new TicketNumber(kind, last);
        });
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("read a ticket", async () =>
        {
            await using var command = _dataSource.CreateCommand($"SELECT snapshot::text FROM {_tickets} WHERE tenant = @tenant AND id = @id;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("id", id.Value);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json
                ? ServiceDeskJson.DeserializeTicket(json)
                : null;
        });
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        if (number.IsDefault)
        {
            throw new ArgumentException("default(TicketNumber) numbers nothing; pass a number such as INC0000001.", nameof(number));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("read a ticket by number", async () =>
        {
            await using var command = _dataSource.CreateCommand($"SELECT snapshot::text FROM {_tickets} WHERE tenant = @tenant AND number = @number;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("number", number.ToString());
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json
                ? ServiceDeskJson.DeserializeTicket(json)
                : null;
        });
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(append);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("append to a ticket", () => AppendCoreAsync(append, cancellationToken));
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketAppend.ValidateIdempotencyKey(idempotencyKey);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("look up an idempotency key", async () =>
        {
            await using var command = _dataSource.CreateCommand($"SELECT snapshot::text FROM {_keys} WHERE tenant = @tenant AND key = @key;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("key", idempotencyKey);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json
                ? new AppendResult(ServiceDeskJson.DeserializeTicket(json), IsReplay: true)
                : null;
        });
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("query tickets", async () =>
        {
            await using var command = _dataSource.CreateCommand();
            var sql = new StringBuilder($"SELECT snapshot::text FROM {_tickets} WHERE tenant = @tenant");
            command.Parameters.AddWithValue("tenant", query.Tenant.Value);
            void Filter(string column, object? value)
            {
                if (value is not null)
                {
                    sql.Append(CultureInfo.InvariantCulture, $" AND {column} = @{column}");
                    command.Parameters.AddWithValue(column, value);
                }
            }

            Filter("kind", query.Kind?.ToString());
            Filter("status", query.Status?.Name);
            Filter("assignment_group", query.AssignmentGroup?.Value);
            Filter("assignee", query.Assignee?.Value);
            Filter("priority", query.Priority is { } p ? (short)p : null);
            Filter("customer", query.Customer?.Value);
            if (query.Cursor is { } cursor)
            {
                var (s, ns) = Split(cursor.OpenedAt);
                sql.Append(" AND (opened_s, opened_ns, id) > (@cs, @cns, @cid)");
                command.Parameters.AddWithValue("cs", s);
                command.Parameters.AddWithValue("cns", ns);
                command.Parameters.AddWithValue("cid", cursor.Id.Value);
            }

            sql.Append(" ORDER BY opened_s, opened_ns, id LIMIT @limit;");
            command.Parameters.AddWithValue("limit", query.PageSize + 1);
            command.CommandText = sql.ToString();
            var items = new List<Ticket>(Math.Min(query.PageSize + 1, 64));
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    items.Add(ServiceDeskJson.DeserializeTicket(reader.GetString(0)));
                }
            }

            string? next = null;
            if (items.Count > query.PageSize)
            {
                items.RemoveAt(items.Count - 1);
                next = TicketCursor.After(items[^1]).ToToken();
            }

            return new TicketPage(items.AsReadOnly(), next);
        });
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed (<see cref="StorageException.IsTransient"/> from
    /// <see cref="NpgsqlException.IsTransient"/>).</exception>
    public Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded<IReadOnlyList<TicketEvent>>("read a ticket's history", async () =>
        {
            await using var command = _dataSource.CreateCommand(
                $"SELECT payload::text FROM {_events} WHERE tenant = @tenant AND ticket = @ticket ORDER BY version;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("ticket", id.Value);
            var events = new List<TicketEvent>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(ServiceDeskJson.DeserializeEvent(reader.GetString(0)));
            }

            return events.Count == 0 ? ReadOnlyCollection<TicketEvent>.Empty : events.AsReadOnly();
        });
    }

    /// <summary>Closes the connection pool.</summary>
    public void Dispose() => _dataSource.Dispose();

    /// <summary>Closes the connection pool.</summary>
    /// <returns>A task that completes when the pool is closed.</returns>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static (long Seconds, int Nanos) Split(Instant instant)
    {
        var seconds = instant.ToUnixTimeSeconds();
        return (seconds, (int)(instant - Instant.FromUnixTimeSeconds(seconds)).ToInt64Nanoseconds());
    }

    private static async Task<T> Guarded<T>(string operation, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            // Every NpgsqlException: a PostgresException (an error the server raised, transient or not) as well as a
            // socket, TLS or protocol failure. Npgsql reports cancellation as OperationCanceledException, which passes.
            throw new StorageException($"The PostgreSQL ticket store could not {operation}: {ex.Message}", ex) { IsTransient = ex.IsTransient };
        }
        catch (TimeoutException ex)
        {
            throw new StorageException($"The PostgreSQL ticket store timed out trying to {operation}.", ex) { IsTransient = true };
        }
    }

    private static async Task Guarded(string operation, Func<Task> action)
        => await Guarded<bool>(operation, async () =>
        {
            await action().ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    private async Task<AppendResult> AppendCoreAsync(TicketAppend append, CancellationToken cancellationToken)
    {
        var ticket = append.Ticket;
        var tenant = ticket.Tenant.Value;
        var snapshot = ServiceDeskJson.Serialize(ticket);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        if (append.IdempotencyKey is { } key)
        {
            await using (var gate = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@tenant || chr(31) || @key, 7));", connection, transaction))
            {
                gate.Parameters.AddWithValue("tenant", tenant);
                gate.Parameters.AddWithValue("key", key);
                await gate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var applied = new NpgsqlCommand($"SELECT ticket, snapshot::text FROM {_keys} WHERE tenant = @tenant AND key = @key;", connection, transaction);
            applied.Parameters.AddWithValue("tenant", tenant);
            applied.Parameters.AddWithValue("key", key);
            await using var reader = await applied.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var usedFor = reader.GetGuid(0);
                return usedFor == ticket.Id.Value
                    ? new AppendResult(ServiceDeskJson.DeserializeTicket(reader.GetString(1)), IsReplay: true)
                    : throw new ArgumentException(
                        $"Idempotency key '{key}' of tenant '{tenant}' was already used for ticket {usedFor}; a key identifies one command on one ticket, so it cannot be reused for ticket {ticket.Id}.",
                        nameof(append));
            }
        }

        var (seconds, nanos) = Split(ticket.OpenedAt);
        long actual;
        string? storedNumber = null;
        long storedSeconds = 0;
        int storedNanos = 0;
        await using (var current = new NpgsqlCommand(
            $"SELECT version, number, opened_s, opened_ns FROM {_tickets} WHERE tenant = @tenant AND id = @id FOR UPDATE;", connection, transaction))
        {
            current.Parameters.AddWithValue("tenant", tenant);
            current.Parameters.AddWithValue("id", ticket.Id.Value);
            await using var reader = await current.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                actual = reader.GetInt64(0);
                storedNumber = reader.GetString(1);
                storedSeconds = reader.GetInt64(2);
                storedNanos = reader.GetInt32(3);
            }
            else
            {
                actual = 0;
            }
        }

        if (actual != append.ExpectedVersion)
        {
            throw new ConcurrencyException(ticket.Tenant, ticket.Id, append.ExpectedVersion, actual);
        }

        if (storedNumber is null)
        {
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO {_tickets} (tenant, id, number, kind, status, priority, customer, assignment_group, assignee, opened_s, opened_ns, version, snapshot) " +
                "VALUES (@tenant, @id, @number, @kind, @status, @priority, @customer, @group, @assignee, @opened_s, @opened_ns, @version, @snapshot) " +
                "ON CONFLICT DO NOTHING;",
                connection,
                transaction);
            AddColumns(insert, ticket, seconds, nanos, snapshot);
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                // Another append created this id or took this number first.
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
        else
        {
            if (storedNumber != ticket.Number.ToString() || storedSeconds != seconds || storedNanos != nanos)
            {
                throw new ArgumentException(
                    $"Ticket {ticket.Id} was opened as {storedNumber}; a later version cannot change its number, kind or opening instant (got {ticket.Number} at {ticket.OpenedAt}).",
                    nameof(append));
            }

            await using var update = new NpgsqlCommand(
                $"UPDATE {_tickets} SET status = @status, priority = @priority, customer = @customer, assignment_group = @group, " +
                "assignee = @assignee, version = @version, snapshot = @snapshot WHERE tenant = @tenant AND id = @id AND version = @expected;",
                connection,
                transaction);
            AddColumns(update, ticket, seconds, nanos, snapshot);
            update.Parameters.AddWithValue("expected", append.ExpectedVersion);
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                throw new ConcurrencyException(ticket.Tenant, ticket.Id, append.ExpectedVersion, actual);
            }
        }

        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var e in append.Events)
            {
                var payload = ServiceDeskJson.Serialize(e);
                var insertEvent = new NpgsqlBatchCommand(
                    $"INSERT INTO {_events} (tenant, ticket, version, type, payload, started_s, started_ns) " +
                    "VALUES (@tenant, @ticket, @version, @type, @payload, @started_s, @started_ns);");
                insertEvent.Parameters.AddWithValue("tenant", tenant);
                insertEvent.Parameters.AddWithValue("ticket", ticket.Id.Value);
                insertEvent.Parameters.AddWithValue("version", e.Version);
                insertEvent.Parameters.AddWithValue("type", e.GetType().Name);
                insertEvent.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, payload);
                AddInstant(insertEvent.Parameters, "started", (e as TimeLogged)?.Started);
                batch.BatchCommands.Add(insertEvent);

                var enqueue = new NpgsqlBatchCommand($"INSERT INTO {_outbox} (tenant, ticket, version, event) VALUES (@tenant, @ticket, @version, @event);");
                enqueue.Parameters.AddWithValue("tenant", tenant);
                enqueue.Parameters.AddWithValue("ticket", ticket.Id.Value);
                enqueue.Parameters.AddWithValue("version", e.Version);
                enqueue.Parameters.AddWithValue("event", NpgsqlDbType.Jsonb, payload);
                batch.BatchCommands.Add(enqueue);
            }

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
                batch.BatchCommands.Add(replace);
            }

            if (append.IdempotencyKey is { } newKey)
            {
                var remember = new NpgsqlBatchCommand($"INSERT INTO {_keys} (tenant, key, ticket, snapshot) VALUES (@tenant, @key, @ticket, @snapshot);");
                remember.Parameters.AddWithValue("tenant", tenant);
                remember.Parameters.AddWithValue("key", newKey);
                remember.Parameters.AddWithValue("ticket", ticket.Id.Value);
                remember.Parameters.AddWithValue("snapshot", NpgsqlDbType.Jsonb, snapshot);
                batch.BatchCommands.Add(remember);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Nothing is committed before this line: a cancellation or failure above rolls the whole append back.
        cancellationToken.ThrowIfCancellationRequested();
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return new AppendResult(ticket, IsReplay: false);
    }

    private static void AddColumns(NpgsqlCommand command, Ticket ticket, long seconds, int nanos, string snapshot)
    {
        command.Parameters.AddWithValue("tenant", ticket.Tenant.Value);
        command.Parameters.AddWithValue("id", ticket.Id.Value);
        command.Parameters.AddWithValue("number", ticket.Number.ToString());
        command.Parameters.AddWithValue("kind", ticket.Kind.ToString());
        command.Parameters.AddWithValue("status", ticket.Status.Name);
        command.Parameters.AddWithValue("priority", (short)ticket.Priority);
        command.Parameters.AddWithValue("customer", ticket.Requester.Customer.Value);
        command.Parameters.AddWithValue("group", NpgsqlDbType.Text, (object?)ticket.AssignmentGroup?.Value ?? DBNull.Value);
        command.Parameters.AddWithValue("assignee", NpgsqlDbType.Text, (object?)ticket.Assignee?.Value ?? DBNull.Value);
        command.Parameters.AddWithValue("opened_s", seconds);
        command.Parameters.AddWithValue("opened_ns", nanos);
        command.Parameters.AddWithValue("version", ticket.Version);
        command.Parameters.AddWithValue("snapshot", NpgsqlDbType.Jsonb, snapshot);
    }
}
