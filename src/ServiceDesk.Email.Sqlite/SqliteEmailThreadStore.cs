using Microsoft.Data.Sqlite;
using NodaTime;
using ServiceDesk;
using ServiceDesk.Storage;

namespace ServiceDesk.Email.Sqlite;

/// <summary>An <see cref="IEmailThreadStore"/> in a SQLite file: table <c>email_thread</c> (created on first use).</summary>
/// <remarks>
/// Each operation opens a pooled connection. A Message-ID is unique per tenant (<c>INSERT … ON CONFLICT DO NOTHING</c>,
/// so the first record wins, also between processes sharing the file); a thread reads in insertion order. The file may
/// be the one of <c>SqliteTicketStore</c> (the table name does not clash) or a file of its own. Failures of SQLite surface
/// as <see cref="StorageException"/>. Thread-safe.
/// </remarks>
public sealed class SqliteEmailThreadStore : IEmailThreadStore
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _init = new(1, 1);
    private volatile bool _created;

    /// <summary>Initializes a new instance; the table is created at the first operation.</summary>
    /// <param name="path">The database file; created when missing.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank.</exception>
    public SqliteEmailThreadStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="messageId"/> is <see langword="null"/>.</exception>
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async ValueTask<EmailThreadEntry?> FindAsync(TenantId tenant, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        return await RunAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT message_id, ticket, number, direction, at_ticks FROM email_thread WHERE tenant = $tenant AND message_id = $id";
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$id", Normalize(messageId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(tenant, reader) : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The tenant or ticket is the default value, or the Message-ID is blank or longer
    /// than 998 characters.</exception>
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async ValueTask<bool> RecordAsync(EmailThreadEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        TenantId.ThrowIfDefault(entry.Tenant, nameof(entry));
        TicketId.ThrowIfDefault(entry.Ticket, nameof(entry));
        var id = Normalize(entry.MessageId);
        if (id.Length is 0 or > 998)
        {
            throw new ArgumentException($"A Message-ID is 1 to 998 characters; got {TextPolicy.Echo(entry.MessageId)}.", nameof(entry));
        }

        return await RunAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO email_thread (tenant, message_id, ticket, number, direction, at_ticks)
                VALUES ($tenant, $id, $ticket, $number, $direction, $at) ON CONFLICT (tenant, message_id) DO NOTHING
                """;
            command.Parameters.AddWithValue("$tenant", entry.Tenant.Value);
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$ticket", entry.Ticket.Value.ToString("N"));
            command.Parameters.AddWithValue("$number", entry.Number.ToString());
            command.Parameters.AddWithValue("$direction", (int)entry.Direction);
            command.Parameters.AddWithValue("$at", entry.At.ToUnixTimeTicks());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async ValueTask<IReadOnlyList<EmailThreadEntry>> GetThreadAsync(TenantId tenant, TicketId ticket, CancellationToken cancellationToken = default)
    {
        return await RunAsync<IReadOnlyList<EmailThreadEntry>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT message_id, ticket, number, direction, at_ticks FROM email_thread WHERE tenant = $tenant AND ticket = $ticket ORDER BY seq";
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$ticket", ticket.Value.ToString("N"));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<EmailThreadEntry>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(Read(tenant, reader));
            }

            return list;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static EmailThreadEntry Read(TenantId tenant, SqliteDataReader reader) => new(
        tenant,
        reader.GetString(0),
        new TicketId(Guid.ParseExact(reader.GetString(1), "N")),
        TicketNumber.Parse(reader.GetString(2)),
        (EmailDirection)reader.GetInt32(3),
        Instant.FromUnixTimeTicks(reader.GetInt64(4)));

    private static string Normalize(string messageId) => messageId.Trim().TrimStart('<').TrimEnd('>').Trim();

    private async Task<T> RunAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var connection = new SqliteConnection(_connectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                if (!_created)
                {
                    await CreateAsync(connection, cancellationToken).ConfigureAwait(false);
                }

                return await work(connection).ConfigureAwait(false);
            }
        }
        catch (SqliteException ex)
        {
            throw new StorageException($"The e-mail thread store failed: {ex.Message}", ex);
        }
    }

    private async Task CreateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await _init.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_created)
            {
                return;
            }

            await using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS email_thread (
                    seq INTEGER PRIMARY KEY,
                    tenant TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    ticket TEXT NOT NULL,
                    number TEXT NOT NULL,
                    direction INTEGER NOT NULL,
                    at_ticks INTEGER NOT NULL,
                    UNIQUE (tenant, message_id));
                CREATE INDEX IF NOT EXISTS email_thread_by_ticket ON email_thread (tenant, ticket, seq);
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _created = true;
        }
        finally
        {
            _init.Release();
        }
    }
}
