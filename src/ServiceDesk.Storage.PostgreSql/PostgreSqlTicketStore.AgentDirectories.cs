using NodaTime;
using ServiceDesk.Routing;

namespace ServiceDesk.Storage.PostgreSql;

/// <content>Run-time agent directories (<see cref="IAgentDirectoryStore"/>, schema migration 9).</content>
public sealed partial class PostgreSqlTicketStore : IAgentDirectoryStore
{
    private string Directories => "\"" + Schema + "\".agent_directories";

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed.</exception>
    public Task<StoredAgentDirectory?> GetAgentDirectoryAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("read an agent directory", async () =>
        {
            await using var command = _dataSource.CreateCommand($"SELECT version, json, saved_s, saved_ns FROM {Directories} WHERE tenant = @tenant;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new StoredAgentDirectory(tenant, reader.GetInt64(0), reader.GetString(1), Instant.FromUnixTimeSeconds(reader.GetInt64(2)).PlusNanoseconds(reader.GetInt32(3)))
                : null;
        });
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed.</exception>
    public Task<long> GetAgentDirectoryVersionAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("read an agent directory's version", async () =>
        {
            await using var command = _dataSource.CreateCommand($"SELECT version FROM {Directories} WHERE tenant = @tenant;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version ? version : 0L;
        });
    }

    /// <inheritdoc />
    /// <remarks>One statement: an insert when <paramref name="expectedVersion"/> is 0 (doing nothing when a directory
    /// exists), otherwise an update conditional on the version.</remarks>
    /// <exception cref="StorageException">The database failed.</exception>
    public Task<StoredAgentDirectory?> SaveAgentDirectoryAsync(
        TenantId tenant, string json, long expectedVersion, Instant savedAt, CancellationToken cancellationToken = default)
    {
        IAgentDirectoryStore.CheckSave(tenant, json, expectedVersion);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("save an agent directory", async () =>
        {
            await using var command = _dataSource.CreateCommand(
                expectedVersion == 0
                    ? $"INSERT INTO {Directories} (tenant, version, json, saved_s, saved_ns) VALUES (@tenant, 1, @json, @s, @ns) ON CONFLICT DO NOTHING;"
                    : $"UPDATE {Directories} SET version = @expected + 1, json = @json, saved_s = @s, saved_ns = @ns WHERE tenant = @tenant AND version = @expected;");
            var (seconds, nanos) = Split(savedAt);
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("json", json);
            command.Parameters.AddWithValue("s", seconds);
            command.Parameters.AddWithValue("ns", nanos);
            command.Parameters.AddWithValue("expected", expectedVersion);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1
                ? new StoredAgentDirectory(tenant, expectedVersion + 1, json, savedAt)
                : null;
        });
    }
}
