using NodaTime;
using ServiceDesk.Routing;

namespace ServiceDesk.Storage.Sqlite;

/// <summary>Run-time agent directories (<see cref="IAgentDirectoryStore"/>) in <c>agent_directories</c> (schema version 10).</summary>
public sealed partial class SqliteTicketStore : IAgentDirectoryStore
{
    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<StoredAgentDirectory?> GetAgentDirectoryAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read an agent directory", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, "SELECT version, json, saved_s, saved_ns FROM agent_directories WHERE tenant = $tenant;");
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new StoredAgentDirectory(tenant, reader.GetInt64(0), reader.GetString(1), SqliteMigrations.Join(reader.GetInt64(2), reader.GetInt64(3)))
                : null;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<long> GetAgentDirectoryVersionAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read an agent directory's version", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, "SELECT version FROM agent_directories WHERE tenant = $tenant;");
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version ? version : 0L;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>One statement: an insert when <paramref name="expectedVersion"/> is 0 (ignored when a directory exists),
    /// otherwise an update conditional on the version.</remarks>
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<StoredAgentDirectory?> SaveAgentDirectoryAsync(
        TenantId tenant, string json, long expectedVersion, Instant savedAt, CancellationToken cancellationToken = default)
    {
        IAgentDirectoryStore.CheckSave(tenant, json, expectedVersion);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("save an agent directory", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(
                connection,
                null,
                expectedVersion == 0
                    ? "INSERT INTO agent_directories (tenant, version, json, saved_s, saved_ns) VALUES ($tenant, 1, $json, $s, $ns) ON CONFLICT DO NOTHING;"
                    : "UPDATE agent_directories SET version = $expected + 1, json = $json, saved_s = $s, saved_ns = $ns WHERE tenant = $tenant AND version = $expected;");
            var (seconds, nanos) = SqliteMigrations.Split(savedAt);
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$json", json);
            command.Parameters.AddWithValue("$s", seconds);
            command.Parameters.AddWithValue("$ns", nanos);
            command.Parameters.AddWithValue("$expected", expectedVersion);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1
                ? new StoredAgentDirectory(tenant, expectedVersion + 1, json, savedAt)
                : null;
        }).ConfigureAwait(false);
    }
}
