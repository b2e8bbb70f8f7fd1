namespace ServiceDesk.Storage.PostgreSql;

/// <content>Automatic assignment's data (<see cref="IAssignmentStore"/>, schema migration 8).</content>
public sealed partial class PostgreSqlTicketStore : IAssignmentStore
{
    private string Cursors => "\"" + Schema + "\".assignment_cursors";

    /// <inheritdoc />
    /// <remarks>One statement: the tenant's queued schedules (the queue index: tenant, queued, …) joined to their tickets by
    /// primary key, grouped by assignee and priority.</remarks>
    /// <exception cref="StorageException">The database failed.</exception>
    public Task<IReadOnlyList<AgentOpenWork>> GetOpenWorkAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded<IReadOnlyList<AgentOpenWork>>("read open work", async () =>
        {
            await using var command = _dataSource.CreateCommand(
                $"SELECT t.assignee, t.priority, count(*)::integer FROM {_schedule} AS s " +
                $"JOIN {_tickets} AS t ON t.tenant = s.tenant AND t.id = s.ticket " +
                "WHERE s.tenant = @tenant AND s.queued AND t.assignee IS NOT NULL GROUP BY t.assignee, t.priority;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var work = new Dictionary<string, AgentOpenWork>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var agent = reader.GetString(0);
                var current = work.TryGetValue(agent, out var found) ? found : new AgentOpenWork(new AgentId(agent), 0, 0, 0, 0, 0);
                work[agent] = current.Add((Priority)reader.GetInt16(1), reader.GetInt32(2));
            }

            var list = work.Values.ToList();
            list.Sort(static (a, b) => string.CompareOrdinal(a.Agent.Value, b.Agent.Value));
            return list;
        });
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">The database failed.</exception>
    public Task<AgentId?> GetRoundRobinCursorAsync(TenantId tenant, GroupId group, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        GroupId.ThrowIfDefault(group);
        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("read a round-robin cursor", async () =>
        {
            await using var command = _dataSource.CreateCommand($"SELECT agent FROM {Cursors} WHERE tenant = @tenant AND grp = @group;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("group", group.Value);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string agent ? new AgentId(agent) : (AgentId?)null;
        });
    }

    /// <inheritdoc />
    /// <remarks>One statement: an insert when <paramref name="expected"/> is <see langword="null"/> (doing nothing when a
    /// cursor exists), otherwise an update conditional on the cursor's value; the row lock orders concurrent callers.</remarks>
    /// <exception cref="StorageException">The database failed.</exception>
    public Task<bool> TryAdvanceRoundRobinCursorAsync(
        TenantId tenant, GroupId group, AgentId? expected, AgentId next, CancellationToken cancellationToken = default)
    {
        IAssignmentStore.CheckAdvance(tenant, group, expected, next);

        cancellationToken.ThrowIfCancellationRequested();
        return Guarded("advance a round-robin cursor", async () =>
        {
            await using var command = _dataSource.CreateCommand(
                expected is null
                    ? $"INSERT INTO {Cursors} (tenant, grp, agent) VALUES (@tenant, @group, @next) ON CONFLICT DO NOTHING;"
                    : $"UPDATE {Cursors} SET agent = @next WHERE tenant = @tenant AND grp = @group AND agent = @expected;");
            command.Parameters.AddWithValue("tenant", tenant.Value);
            command.Parameters.AddWithValue("group", group.Value);
            command.Parameters.AddWithValue("next", next.Value);
            if (expected is { } value)
            {
                command.Parameters.AddWithValue("expected", value.Value);
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        });
    }
}
