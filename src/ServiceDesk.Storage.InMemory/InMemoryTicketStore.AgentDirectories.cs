using NodaTime;
using ServiceDesk.Routing;

namespace ServiceDesk.Storage.InMemory;

public sealed partial class InMemoryTicketStore : IAgentDirectoryStore
{
    private readonly Dictionary<TenantId, StoredAgentDirectory> _directories = [];

    /// <inheritdoc />
    public Task<StoredAgentDirectory?> GetAgentDirectoryAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<StoredAgentDirectory?>(cancellationToken);
        }

        lock (_directories)
        {
            return Task.FromResult(_directories.GetValueOrDefault(tenant));
        }
    }

    /// <inheritdoc />
    public Task<long> GetAgentDirectoryVersionAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<long>(cancellationToken);
        }

        lock (_directories)
        {
            return Task.FromResult(_directories.TryGetValue(tenant, out var stored) ? stored.Version : 0L);
        }
    }

    /// <inheritdoc />
    public Task<StoredAgentDirectory?> SaveAgentDirectoryAsync(
        TenantId tenant, string json, long expectedVersion, Instant savedAt, CancellationToken cancellationToken = default)
    {
        IAgentDirectoryStore.CheckSave(tenant, json, expectedVersion);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<StoredAgentDirectory?>(cancellationToken);
        }

        lock (_directories)
        {
            var current = _directories.TryGetValue(tenant, out var stored) ? stored.Version : 0L;
            if (current != expectedVersion)
            {
                return Task.FromResult<StoredAgentDirectory?>(null);
            }

            var saved = new StoredAgentDirectory(tenant, expectedVersion + 1, json, savedAt);
            _directories[tenant] = saved;
            return Task.FromResult<StoredAgentDirectory?>(saved);
        }
    }
}
