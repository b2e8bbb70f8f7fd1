namespace ServiceDesk.Storage;

/// <summary>
/// What automatic assignment reads from and writes to a store: the open work of every agent (read from the tickets
/// themselves, never kept apart from them) and a durable round-robin cursor per support group.
/// </summary>
/// <remarks>
/// <para><b>Open work</b> is every ticket whose stored schedule is queued (<see cref="TicketSchedule.Queued"/>: open work
/// that belongs in the queues, neither resolved nor closed) and that has an assignee, counted by assignee and priority.
/// It is computed from the stored tickets on every call, so it can never drift from them; the SQLite and PostgreSQL
/// adapters answer it from a partial index of open assigned tickets.</para>
/// <para><b>Round-robin cursors</b> remember, per tenant and group, the agent who last received a ticket by round-robin,
/// so the rotation survives restarts and is shared by every app instance on the same database. The cursor moves by
/// compare-and-set (<see cref="TryAdvanceRoundRobinCursorAsync"/>); two instances choosing at the same instant may both
/// pick the same next agent, after which the cursor converges (one wins the compare-and-set).</para>
/// <para>Optional: stores that implement it say so by implementing this interface. The in-memory, SQLite and PostgreSQL
/// adapters implement it; failures surface as <see cref="StorageException"/>.</para>
/// </remarks>
public interface IAssignmentStore
{
    /// <summary>Reads the open work of every agent of a tenant who has any.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One entry per agent with open work, in agent id order (ordinal).</returns>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value.</exception>
    Task<IReadOnlyList<AgentOpenWork>> GetOpenWorkAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Reads a group's round-robin cursor: the agent who last received a ticket by round-robin.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="group">The group; not the default value.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The agent, or <see langword="null"/> before the group's first round-robin assignment.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> or <paramref name="group"/> is the default value.</exception>
    Task<AgentId?> GetRoundRobinCursorAsync(TenantId tenant, GroupId group, CancellationToken cancellationToken = default);

    /// <summary>Moves a group's round-robin cursor to <paramref name="next"/> if it still is <paramref name="expected"/>.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="group">The group; not the default value.</param>
    /// <param name="expected">The cursor read before choosing (<see langword="null"/> for none yet).</param>
    /// <param name="next">The agent chosen; not the default value.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Whether the cursor moved; <see langword="false"/> when another caller moved it first.</returns>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    Task<bool> TryAdvanceRoundRobinCursorAsync(
        TenantId tenant, GroupId group, AgentId? expected, AgentId next, CancellationToken cancellationToken = default);

    /// <summary>Checks the arguments of <see cref="TryAdvanceRoundRobinCursorAsync"/> as every adapter does.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="group">The group.</param>
    /// <param name="expected">The cursor read before choosing.</param>
    /// <param name="next">The agent chosen.</param>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    public static void CheckAdvance(TenantId tenant, GroupId group, AgentId? expected, AgentId next)
    {
        TenantId.ThrowIfDefault(tenant);
        GroupId.ThrowIfDefault(group);
        AgentId.ThrowIfDefault(next);
        if (expected is { } e)
        {
            AgentId.ThrowIfDefault(e, nameof(expected));
        }
    }
}

/// <summary>An agent's open work: open assigned tickets by priority.</summary>
/// <param name="Agent">The agent.</param>
/// <param name="P1">Open tickets of priority 1.</param>
/// <param name="P2">Open tickets of priority 2.</param>
/// <param name="P3">Open tickets of priority 3.</param>
/// <param name="P4">Open tickets of priority 4.</param>
/// <param name="P5">Open tickets of priority 5.</param>
public readonly record struct AgentOpenWork(AgentId Agent, int P1, int P2, int P3, int P4, int P5)
{
    /// <summary>Gets the open tickets of every priority.</summary>
    public int Total => P1 + P2 + P3 + P4 + P5;

    /// <summary>Returns a copy with one more (or, with a negative <paramref name="count"/>, fewer) ticket of a priority.</summary>
    /// <param name="priority">The priority.</param>
    /// <param name="count">How many to add.</param>
    /// <returns>The copy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="priority"/> is not 1 to 5.</exception>
    public AgentOpenWork Add(Priority priority, int count = 1) => priority switch
    {
        Priority.P1Critical => this with { P1 = P1 + count },
        Priority.P2High => this with { P2 = P2 + count },
        Priority.P3Moderate => this with { P3 = P3 + count },
        Priority.P4Low => this with { P4 = P4 + count },
        Priority.P5Planning => this with { P5 = P5 + count },
        _ => throw new ArgumentOutOfRangeException(nameof(priority), priority, "Priorities are 1 to 5."),
    };
}
