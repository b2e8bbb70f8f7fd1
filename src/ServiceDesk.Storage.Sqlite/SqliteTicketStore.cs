using System.Collections.ObjectModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Serialization;

namespace ServiceDesk.Storage.Sqlite;

/// <summary>
/// The embedded SQLite adapter of <see cref="ITicketStore"/>: one database file per desk, WAL journal, versioned
/// migrations, optimistic concurrency, idempotent appends and tenant isolation.
/// </summary>
/// <remarks>
/// <para>Open a store with <see cref="OpenAsync(string, CancellationToken)"/>; it creates the file and applies the
/// migrations it lacks. Every write runs in a <c>BEGIN IMMEDIATE</c> transaction, so concurrent writers in one or
/// several processes are serialized by SQLite and an append is all-or-nothing. Tickets and events are stored as
/// <see cref="ServiceDeskJson"/> documents next to the indexed columns that lookups, filters and paging use.</para>
/// <para>It is also an <see cref="ITicketBatchStore"/>: a batch of appends and its number advances run in one transaction,
/// on statements prepared once for the batch. The <see cref="TicketAppend.DerivedState"/> of a ticket's last append is kept
/// in the <c>derived</c> column of its row and read with the snapshot by <see cref="GetStoredAsync"/>.</para>
/// <para>The same tables serve <see cref="ITimerStore"/> (schedule columns on the ticket row, leased timer claims),
/// <see cref="IOutboxStore"/> (an <c>outbox</c> table filled in the append transaction) and <see cref="ITimeEntryStore"/>
/// (<see cref="TimeLogged"/> events indexed by tenant and start).</para>
/// <para><b>Errors.</b> Every member, <see cref="OpenAsync(SqliteTicketStoreOptions, CancellationToken)"/> included, maps a
/// failure of SQLite (<see cref="SqliteException"/>) to <see cref="StorageException"/> whose message names the database
/// file and the operation and whose <see cref="Exception.InnerException"/> is SQLite's exception.
/// <see cref="StorageException.IsTransient"/> is <see langword="true"/> for <c>SQLITE_BUSY</c> and <c>SQLITE_LOCKED</c>
/// (another writer held the database past <see cref="SqliteTicketStoreOptions.BusyTimeout"/>) and
/// <see langword="false"/> otherwise (a corrupt or non-database file, a read-only or full disk, a constraint). A failed
/// append is rolled back whole. <see cref="ConcurrencyException"/>, <see cref="ArgumentException"/> and
/// <see cref="OperationCanceledException"/> are not wrapped.</para>
/// <para><b>Faults of the file and its rows.</b> If the database file is deleted, renamed or replaced while the store is
/// open, the next operation fails with <see cref="StorageException"/> naming the path (checked with SQLite's
/// <c>SQLITE_FCNTL_HAS_MOVED</c> when a connection is taken and before every write transaction commits; see
/// <see cref="DetectsMovedFile"/>), no write is acknowledged, and every later operation of the instance fails the same
/// way until the store is opened again. A stored snapshot or event that no longer reads fails the reads that need it
/// with a non-transient <see cref="StorageException"/> naming the file, table, tenant and row; the outbox read skips
/// such an event instead (see <see cref="SqliteTicketStoreOptions.OnCorruptRow"/>).</para>
/// <para>The store is thread-safe; each call takes a pooled connection of its own. Dispose it to release the pool.</para>
/// </remarks>
public sealed partial class SqliteTicketStore : ITicketBatchStore, ITimerStore, IOutboxStore, ITimeEntryStore, IAsyncDisposable, IDisposable
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    private readonly string _connectionString;
    private readonly string _connectionSettings;
    private readonly Action<StorageException>? _onCorruptRow;

    /// <summary>The native connections (kept by the pool across opens) whose per-connection settings are already made.</summary>
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = [];

    private SqliteTicketStore(SqliteTicketStoreOptions options)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(options.DataSource),
            // The file exists once the store is open: a connection never creates an empty database in place of a deleted one.
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
        _connectionSettings = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA synchronous = {(options.Durability == SqliteDurability.Full ? "FULL" : "NORMAL")}; PRAGMA foreign_keys = ON; " +
            $"PRAGMA cache_size = -{options.PageCacheSize / 1024}; PRAGMA mmap_size = {options.MemoryMapSize}; " +
            $"PRAGMA wal_autocheckpoint = {WalCheckpointPages};");
        _onCorruptRow = options.OnCorruptRow;
        DataSource = Path.GetFullPath(options.DataSource);
    }

    /// <summary>The WAL size, in pages, at which a commit copies the log back into the database (SQLite's default is 1,000).
    /// A larger log lets a page changed by many commits be copied once; 16,384 pages are 64 MiB of 4 KiB pages.</summary>
    internal const int WalCheckpointPages = 16_384;

    /// <summary>Gets the schema version this library creates and understands.</summary>
    public static int SchemaVersion => SqliteMigrations.Latest;

    /// <summary>Gets the full path of the database file.</summary>
    public string DataSource { get; }

    /// <summary>Opens (creating if needed) the database file and brings its schema up to date.</summary>
    /// <param name="path">The database file path.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The store.</returns>
    /// <exception cref="InvalidDefinitionException"><paramref name="path"/> is empty or not a file path.</exception>
    /// <exception cref="InvalidOperationException">The file has a newer schema than this library understands.</exception>
    /// <exception cref="StorageException">SQLite failed: the file is not a database or is corrupt, cannot be created or
    /// written, or is locked by another writer past the busy timeout (<see cref="StorageException.IsTransient"/>); or the
    /// path is unusable: an existing non-empty file that is not a SQLite database (left untouched), a folder, or a path
    /// under a regular file. The message names the file.</exception>
    public static Task<SqliteTicketStore> OpenAsync(string path, CancellationToken cancellationToken = default)
        => OpenAsync(new SqliteTicketStoreOptions { DataSource = path }, cancellationToken);

    /// <summary>Opens (creating if needed) the database file and brings its schema up to date.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDefinitionException">An option is invalid; every fault is listed.</exception>
    /// <exception cref="InvalidOperationException">The file has a newer schema than this library understands.</exception>
    /// <exception cref="StorageException">SQLite failed: the file is not a database or is corrupt, cannot be created or
    /// written, or is locked by another writer past the busy timeout (<see cref="StorageException.IsTransient"/>); or the
    /// path is unusable: an existing non-empty file that is not a SQLite database (left untouched), a folder, or a path
    /// under a regular file. The message names the file.</exception>
    public static async Task<SqliteTicketStore> OpenAsync(SqliteTicketStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        CheckPath(Path.GetFullPath(options.DataSource));
        var store = new SqliteTicketStore(options);
        try
        {
            await store.Guarded("open the database", async () =>
            {
                await using var connection = await store.OpenConnectionAsync(cancellationToken, create: true).ConfigureAwait(false);
                using (var wal = connection.CreateCommand())
                {
                    wal.CommandText = "PRAGMA journal_mode = WAL;";
                    wal.ExecuteNonQuery();
                }

                SqliteMigrations.Apply(connection);
                return true;
            }).ConfigureAwait(false);
            return store;
        }
        catch
        {
            // Drops the pooled connection to a file that could not be opened, so it can be replaced or deleted.
            store.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed (<see cref="StorageException.IsTransient"/> when the database was
    /// busy or locked past the busy timeout).</exception>
    public async Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        _ = TicketNumber.PrefixOf(kind);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("allocate a ticket number", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction();
            using var command = Command(connection, transaction, """
                INSERT INTO ticket_numbers (tenant, kind, last) VALUES ($tenant, $kind, 1)
                ON CONFLICT (tenant, kind) DO UPDATE SET last = last + 1
                RETURNING last;
                """);
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$kind", kind.ToString());
            var sequence = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            var number = new TicketNumber(kind, sequence);
            Commit(connection, transaction);
            return number;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed (<see cref="StorageException.IsTransient"/> when the database was
    /// busy or locked past the busy timeout).</exception>
    public async Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read a ticket", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, "SELECT snapshot FROM tickets WHERE tenant = $tenant AND id = $id;");
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$id", id.ToString());
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json
                ? ReadTicket(json, "tickets", tenant.Value, $"id {id}")
                : null;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed (<see cref="StorageException.IsTransient"/> when the database was
    /// busy or locked past the busy timeout).</exception>
    public async Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        if (number.IsDefault)
        {
            throw new ArgumentException("default(TicketNumber) numbers nothing; pass a number such as INC0000001.", nameof(number));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read a ticket by number", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, "SELECT snapshot FROM tickets WHERE tenant = $tenant AND number = $number;");
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$number", number.ToString());
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json
                ? ReadTicket(json, "tickets", tenant.Value, $"number {number}")
                : null;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed (<see cref="StorageException.IsTransient"/> when the database was
    /// busy or locked past the busy timeout).</exception>
    public async Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketAppend.ValidateIdempotencyKey(idempotencyKey);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("look up an idempotency key", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, "SELECT snapshot, fingerprint FROM idempotency_keys WHERE tenant = $tenant AND key = $key;");
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$key", idempotencyKey);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new AppendResult(ReadTicket(reader.GetString(0), "idempotency_keys", tenant.Value, $"key {TextPolicy.Echo(idempotencyKey)}"), IsReplay: true)
                {
                    IdempotencyFingerprint = reader.IsDBNull(1) ? null : reader.GetString(1),
                }
                : null;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed (<see cref="StorageException.IsTransient"/> when the database was
    /// busy or locked past the busy timeout).</exception>
    public async Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("query tickets", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            var sql = new System.Text.StringBuilder("SELECT snapshot, id FROM tickets WHERE tenant = $tenant");
            command.Parameters.AddWithValue("$tenant", query.Tenant.Value);
            void Filter(string column, string name, object? value)
            {
                if (value is not null)
                {
                    sql.Append(CultureInfo.InvariantCulture, $" AND {column} = {name}");
                    command.Parameters.AddWithValue(name, value);
                }
            }

            Filter("kind", "$kind", query.Kind?.ToString());
            Filter("status", "$status", query.Status?.Name);
            Filter("assignment_group", "$group", query.AssignmentGroup?.Value);
            Filter("assignee", "$assignee", query.Assignee?.Value);
            Filter("priority", "$priority", query.Priority is { } p ? (int)p : null);
            Filter("customer", "$customer", query.Customer?.Value);
            if (query.Cursor is { } cursor)
            {
                var (s, ns) = Split(cursor.OpenedAt);
                sql.Append(" AND (opened_s > $cs OR (opened_s = $cs AND (opened_ns > $cns OR (opened_ns = $cns AND id > $cid))))");
                command.Parameters.AddWithValue("$cs", s);
                command.Parameters.AddWithValue("$cns", ns);
                command.Parameters.AddWithValue("$cid", cursor.Id.ToString());
            }

            sql.Append(" ORDER BY opened_s, opened_ns, id LIMIT $limit;");
            command.Parameters.AddWithValue("$limit", query.PageSize + 1);
            command.CommandText = sql.ToString();

            var items = new List<Ticket>(Math.Min(query.PageSize + 1, 64));
            using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    items.Add(ReadTicket(reader.GetString(0), "tickets", query.Tenant.Value, $"id {reader.GetString(1)}"));
                }
            }

            string? next = null;
            if (items.Count > query.PageSize)
            {
                items.RemoveAt(items.Count - 1);
                next = TicketCursor.After(items[^1]).ToToken();
            }

            return new TicketPage(items.AsReadOnly(), next);
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed (<see cref="StorageException.IsTransient"/> when the database was
    /// busy or locked past the busy timeout).</exception>
    public async Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read a ticket's history", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, "SELECT payload, version FROM ticket_events WHERE tenant = $tenant AND ticket = $ticket ORDER BY version;");
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$ticket", id.ToString());
            var events = new List<TicketEvent>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(ReadEvent(reader.GetString(0), tenant.Value, id.ToString(), reader.GetInt64(1)));
            }

            return events.Count == 0 ? ReadOnlyCollection<TicketEvent>.Empty : events.AsReadOnly();
        }).ConfigureAwait(false);
    }

    /// <summary>Checks the database file with <c>PRAGMA integrity_check</c>.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><c>ok</c> when the file is sound; otherwise SQLite's list of problems.</returns>
    /// <exception cref="StorageException">SQLite failed before it could check (for example, the file is not a
    /// database).</exception>
    public async Task<string> CheckIntegrityAsync(CancellationToken cancellationToken = default)
    {
        return await Guarded("check its integrity", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, "PRAGMA integrity_check;");
            var lines = new List<string>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                lines.Add(reader.GetString(0));
            }

            return string.Join(Environment.NewLine, lines);
        }).ConfigureAwait(false);
    }

    /// <summary>Releases the pooled connections of this store's file.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>Releases the pooled connections of this store's file.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Runs one operation of the store, translating a failure of SQLite into <see cref="StorageException"/>: the single
    /// place where <see cref="SqliteException"/> is mapped, so every member reports failures the same way.
    /// </summary>
    /// <remarks>Only <see cref="SqliteException"/> is translated. <see cref="ConcurrencyException"/>,
    /// <see cref="ArgumentException"/> and <see cref="OperationCanceledException"/> thrown by the operation pass through
    /// unchanged. A failed write transaction is rolled back when the operation disposes it, so nothing of it is stored.</remarks>
    private async Task<T> Guarded<T>(string operation, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            // SqliteErrorCode is the primary result code; the mask also covers an extended code such as SQLITE_BUSY_SNAPSHOT.
            var primary = ex.SqliteErrorCode & 0xFF;
            throw new StorageException(
                $"The SQLite ticket store '{DataSource}' could not {operation}: {ex.Message}",
                ex)
            {
                IsTransient = primary is SqliteBusy or SqliteLocked,
            };
        }
    }

    private static (long Seconds, long Nanos) Split(Instant instant) => SqliteMigrations.Split(instant);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>Reads a per-connection setting (<c>PRAGMA name</c>) as a pooled connection of this store sees it; for tests.</summary>
    internal async Task<long> ReadPragmaAsync(string name)
    {
        await using var connection = await OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        using var command = Command(connection, null, $"PRAGMA {name};");
        return Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>Takes a connection from the pool (with <paramref name="create"/>, a connection of its own that may create the
    /// file) and checks that its file is still the one at the path.</summary>
    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken, bool create = false)
    {
        var connection = new SqliteConnection(create
            ? new SqliteConnectionStringBuilder(_connectionString) { Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString()
            : _connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            CheckNotMoved(connection);
            var handle = connection.Handle!;
            if (!_configured.TryGetValue(handle, out _))
            {
                // Settings of the native connection, which the pool keeps open between uses: made once, not on every open.
                using var pragma = connection.CreateCommand();
                pragma.CommandText = _connectionSettings;
                pragma.ExecuteNonQuery();
                _configured.AddOrUpdate(handle, this);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
