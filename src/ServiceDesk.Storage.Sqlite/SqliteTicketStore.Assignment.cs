namespace ServiceDesk.Storage.Sqlite;

/// <summary>Automatic assignment's data (<see cref="IAssignmentStore"/>): open work from the partial index
/// <c>ix_tickets_open_work</c> and round-robin cursors in <c>assignment_cursors</c> (schema version 9).</summary>
public sealed partial class SqliteTicketStore : IAssignmentStore
{
    /// <inheritdoc />
    /// <remarks>One covering scan of <c>ix_tickets_open_work</c> (tenant, assignee, priority, over queued assigned tickets
    /// only), grouped by assignee and priority: its cost grows with the tenant's open assigned tickets, not with its
    /// history.</remarks>
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<IReadOnlyList<AgentOpenWork>> GetOpenWorkAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read open work", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, """
                SELECT assignee, priority, count(*) FROM tickets INDEXED BY ix_tickets_open_work
                WHERE tenant = $tenant AND queued = 1 AND assignee IS NOT NULL
                GROUP BY assignee, priority;
                """);
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var work = new List<AgentOpenWork>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var agent = reader.GetString(0);
                var priority = (Priority)reader.GetInt32(1);
                var count = reader.GetInt32(2);
                if (work.Count == 0 || !string.Equals(work[^1].Agent.Value, agent, StringComparison.Ordinal))
                {
                    work.Add(new AgentOpenWork(new AgentId(agent), 0, 0, 0, 0, 0));
                }

                work[^1] = work[^1].Add(priority, count);
            }

            work.Sort(static (a, b) => string.CompareOrdinal(a.Agent.Value, b.Agent.Value));
            return (IReadOnlyList<AgentOpenWork>)work;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<AgentId?> GetRoundRobinCursorAsync(TenantId tenant, GroupId group, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        GroupId.ThrowIfDefault(group);
        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("read a round-robin cursor", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(connection, null, "SELECT agent FROM assignment_cursors WHERE tenant = $tenant AND grp = $group;");
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$group", group.Value);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string agent ? new AgentId(agent) : (AgentId?)null;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>One statement: an insert when <paramref name="expected"/> is <see langword="null"/> (ignored when a cursor
    /// exists), otherwise an update conditional on the cursor's value.</remarks>
    /// <exception cref="StorageException">SQLite failed.</exception>
    public async Task<bool> TryAdvanceRoundRobinCursorAsync(
        TenantId tenant, GroupId group, AgentId? expected, AgentId next, CancellationToken cancellationToken = default)
    {
        IAssignmentStore.CheckAdvance(tenant, group, expected, next);

        cancellationToken.ThrowIfCancellationRequested();
        return await Guarded("advance a round-robin cursor", async () =>
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var command = Command(
                connection,
                null,
                expected is null
                    ? "INSERT INTO assignment_cursors (tenant, grp, agent) VALUES ($tenant, $group, $next) ON CONFLICT DO NOTHING;"
                    : "UPDATE assignment_cursors SET agent = $next WHERE tenant = $tenant AND grp = $group AND agent = $expected;");
            command.Parameters.AddWithValue("$tenant", tenant.Value);
            command.Parameters.AddWithValue("$group", group.Value);
            command.Parameters.AddWithValue("$next", next.Value);
            if (expected is { } value)
            {
                command.Parameters.AddWithValue("$expected", value.Value);
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }).ConfigureAwait(false);
    }
}
