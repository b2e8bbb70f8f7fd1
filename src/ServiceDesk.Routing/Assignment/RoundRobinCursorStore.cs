using System.Collections.Concurrent;

namespace ServiceDesk.Routing;

/// <summary>Where round-robin assignment keeps its cursor: the last agent chosen, per tenant and group.</summary>
/// <remarks>
/// <para>Two operations: read the cursor, and move it with a compare-and-set that fails when another caller moved it
/// since it was read. A database implementation maps them to a select and an
/// <c>UPDATE … SET agent = @next WHERE tenant = @t AND grp = @g AND agent = @expected</c> (or an insert that fails on
/// a duplicate key when <c>expected</c> is <see langword="null"/>), which keeps rotation fair across restarts and across
/// application instances.</para>
/// <para>Implementations must be thread-safe.</para>
/// </remarks>
public abstract class RoundRobinCursorStore
{
    /// <summary>Reads the cursor.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="group">The group.</param>
    /// <returns>The last agent chosen, or <see langword="null"/> if none yet.</returns>
    public abstract AgentId? Read(TenantId tenant, GroupId group);

    /// <summary>Moves the cursor to <paramref name="next"/> if it still holds <paramref name="expected"/>.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="group">The group.</param>
    /// <param name="expected">The value read before (<see langword="null"/> for no cursor yet).</param>
    /// <param name="next">The agent just chosen.</param>
    /// <returns><see langword="true"/> if the cursor moved; <see langword="false"/> if another caller moved it first.</returns>
    public abstract bool TryAdvance(TenantId tenant, GroupId group, AgentId? expected, AgentId next);
}

/// <summary>A thread-safe, in-process <see cref="RoundRobinCursorStore"/>; export and reload its state to survive a
/// restart.</summary>
public sealed class InMemoryRoundRobinCursorStore : RoundRobinCursorStore
{
    // Values are the agents' id strings: a reference type is written atomically, so TryUpdate replaces the value in place
    // instead of allocating a new node per move.
    private readonly ConcurrentDictionary<(TenantId Tenant, GroupId Group), string> _cursors = new();

    /// <summary>Initializes an empty store.</summary>
    public InMemoryRoundRobinCursorStore()
    {
    }

    /// <summary>Initializes a store with saved cursors (from <see cref="Export"/>).</summary>
    /// <param name="cursors">The saved cursors.</param>
    /// <exception cref="ArgumentNullException"><paramref name="cursors"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A cursor is <c>default(AgentId)</c>.</exception>
    public InMemoryRoundRobinCursorStore(IEnumerable<KeyValuePair<(TenantId Tenant, GroupId Group), AgentId>> cursors)
    {
        ArgumentNullException.ThrowIfNull(cursors);
        foreach (var (key, value) in cursors)
        {
            AgentId.ThrowIfDefault(value, nameof(cursors));
            _cursors[key] = value.Value;
        }
    }

    /// <inheritdoc />
    public override AgentId? Read(TenantId tenant, GroupId group) => _cursors.TryGetValue((tenant, group), out var agent) ? new AgentId(agent) : null;

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="next"/> is the default value.</exception>
    public override bool TryAdvance(TenantId tenant, GroupId group, AgentId? expected, AgentId next)
    {
        AgentId.ThrowIfDefault(next);
        return expected is { } current ? _cursors.TryUpdate((tenant, group), next.Value, current.Value) : _cursors.TryAdd((tenant, group), next.Value);
    }

    /// <summary>Returns a snapshot of every cursor, to persist and reload with the other constructor.</summary>
    /// <returns>The cursors.</returns>
    public IReadOnlyList<KeyValuePair<(TenantId Tenant, GroupId Group), AgentId>> Export()
        => [.. _cursors.Select(c => new KeyValuePair<(TenantId Tenant, GroupId Group), AgentId>(c.Key, new AgentId(c.Value)))];
}
