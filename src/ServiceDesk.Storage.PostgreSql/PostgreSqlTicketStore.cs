using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using Npgsql;
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
/// <para>It is also an <see cref="ITicketBatchStore"/>: a batch's number advances and appends run in one transaction. The
/// <see cref="TicketAppend.DerivedState"/> of a ticket's last append is kept in the <c>derived</c> column of its row and read
/// with the snapshot by <see cref="GetStoredAsync"/>.</para>
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
/// <para><b>Corrupt rows.</b> A stored snapshot or event that no longer reads fails the reads that need it with a
/// non-transient <see cref="StorageException"/> naming the table, tenant and row, never a <c>JsonException</c>; the
/// outbox read skips such an event instead (see <see cref="PostgreSqlTicketStoreOptions.OnCorruptRow"/>).</para>
/// <para>The store is thread-safe. It owns its connection pool: dispose it when done.</para>
/// </remarks>
public sealed partial class PostgreSqlTicketStore : ITicketBatchStore, ITimerStore, IOutboxStore, ITimeEntryStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _tickets;
    private readonly string _events;
    private readonly string _numbers;
    private readonly string _keys;
    private readonly string _schedule;
    private readonly string _outbox;
    private readonly Action<StorageException>? _onCorruptRow;

    private PostgreSqlTicketStore(NpgsqlDataSource dataSource, string schema, Action<StorageException>? onCorruptRow)
    {
        _dataSource = dataSource;
        _onCorruptRow = onCorruptRow;
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
            return new PostgreSqlTicketStore(dataSource, options.Schema, options.OnCorruptRow);
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
                ? PostgreSqlRows.ReadTicket(json, _tickets, tenant.Value, $"id {id}")
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
                ? PostgreSqlRows.ReadTicket(json, _tickets, tenant.Value, $"number {number}")
                : null;
        });
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
            await using var command = _dataSource.CreateCommand($"SELECT snapshot::text, fingerprint FROM {_keys} WHERE tenant = @tenant AND key = @key;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("key", idempotencyKey);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new AppendResult(PostgreSqlRows.ReadTicket(reader.GetString(0), _keys, tenant.Value, $"key {TextPolicy.Echo(idempotencyKey)}"), IsReplay: true)
                {
                    IdempotencyFingerprint = reader.IsDBNull(1) ? null : reader.GetString(1),
                }
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
            var sql = new StringBuilder($"SELECT snapshot::text, id FROM {_tickets} WHERE tenant = @tenant");
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
                    items.Add(PostgreSqlRows.ReadTicket(reader.GetString(0), _tickets, query.Tenant.Value, $"id {reader.GetGuid(1)}"));
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
                $"SELECT payload::text, version FROM {_events} WHERE tenant = @tenant AND ticket = @ticket ORDER BY version;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("ticket", id.Value);
            var events = new List<TicketEvent>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(PostgreSqlRows.ReadEvent(reader.GetString(0), _events, tenant.Value, $"ticket {id}, version {reader.GetInt64(1)}"));
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
}
