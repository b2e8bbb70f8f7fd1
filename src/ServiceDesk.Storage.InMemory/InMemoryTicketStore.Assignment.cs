namespace ServiceDesk.Storage.InMemory;

public sealed partial class InMemoryTicketStore : IAssignmentStore
{
    /// <inheritdoc />
    /// <remarks>Counts the tenant's queued, assigned tickets under the tenant's lock: a scan of the tenant's tickets.</remarks>
    public Task<IReadOnlyList<AgentOpenWork>> GetOpenWorkAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<AgentOpenWork>>(cancellationToken);
        }

        if (!_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<IReadOnlyList<AgentOpenWork>>([]);
        }

        var work = new Dictionary<AgentId, AgentOpenWork>();
        lock (data.Gate)
        {
            foreach (var entry in data.Tickets.Values)
            {
                if (entry.Schedule is { Queued: true } && entry.Current.Assignee is { } agent)
                {
                    work[agent] = work.GetValueOrDefault(agent, new AgentOpenWork(agent, 0, 0, 0, 0, 0)).Add(entry.Current.Priority);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<AgentOpenWork>>([.. work.Values.OrderBy(w => w.Agent.Value, StringComparer.Ordinal)]);
    }

    /// <inheritdoc />
    public Task<AgentId?> GetRoundRobinCursorAsync(TenantId tenant, GroupId group, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        GroupId.ThrowIfDefault(group);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AgentId?>(cancellationToken);
        }

        if (!_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<AgentId?>(null);
        }

        lock (data.Gate)
        {
            return Task.FromResult(data.Cursors.TryGetValue(group, out var agent) ? agent : (AgentId?)null);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryAdvanceRoundRobinCursorAsync(
        TenantId tenant, GroupId group, AgentId? expected, AgentId next, CancellationToken cancellationToken = default)
    {
        IAssignmentStore.CheckAdvance(tenant, group, expected, next);

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<bool>(cancellationToken);
        }

        var data = Tenant(tenant);
        lock (data.Gate)
        {
            AgentId? current = data.Cursors.TryGetValue(group, out var agent) ? agent : null;
            if (current != expected)
            {
                return Task.FromResult(false);
            }

            data.Cursors[group] = next;
            return Task.FromResult(true);
        }
    }
}
