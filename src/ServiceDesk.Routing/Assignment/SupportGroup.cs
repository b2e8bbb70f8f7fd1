using System.Collections.Frozen;

namespace ServiceDesk.Routing;

/// <summary>An assignment group: its tier, where functional escalation sends tickets next, and whom to notify.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record SupportGroup
{
    private readonly IReadOnlyList<AgentId> _managers = [];

    /// <summary>Initializes a group.</summary>
    /// <param name="id">The group; not the default value.</param>
    /// <param name="tier">The group's tier.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tier"/> is not defined.</exception>
    public SupportGroup(GroupId id, SupportTier tier)
    {
        GroupId.ThrowIfDefault(id);
        if (!Enum.IsDefined(tier))
        {
            throw new ArgumentOutOfRangeException(nameof(tier), tier, $"Use one of {string.Join(", ", Enum.GetNames<SupportTier>())}.");
        }

        Id = id;
        Tier = tier;
    }

    /// <summary>Gets the group.</summary>
    public GroupId Id { get; }

    /// <summary>Gets the group's tier.</summary>
    public SupportTier Tier { get; }

    /// <summary>Gets the group that receives the group's tickets on functional escalation ("next tier"), if any.</summary>
    public GroupId? NextTier { get; init; }

    /// <summary>Gets the group lead, notified by <see cref="NotifyTarget.GroupLead"/>.</summary>
    public AgentId? Lead { get; init; }

    /// <summary>Gets the manager chain, nearest first, notified by <see cref="NotifyTarget.ManagerChain"/>.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public IReadOnlyList<AgentId> Managers
    {
        get => _managers;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Managers));
            _managers = [.. value];
        }
    }
}

/// <summary>The support groups known to routing, by id: used for the next-tier fallback and functional escalation.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SupportGroupDirectory
{
    private readonly FrozenDictionary<GroupId, SupportGroup> _groups;

    /// <summary>Initializes a directory.</summary>
    /// <param name="groups">The groups; ids must be unique.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or an element is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDefinitionException">An id is repeated, or a next tier names an unknown group or a group of
    /// the same or a lower tier (which could loop).</exception>
    public SupportGroupDirectory(IEnumerable<SupportGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var list = groups.ToList();
        var errors = new List<string>();
        var map = new Dictionary<GroupId, SupportGroup>();
        for (var i = 0; i < list.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(list[i], nameof(groups));
            if (!map.TryAdd(list[i].Id, list[i]))
            {
                errors.Add($"groups[{i}]: group '{list[i].Id}' is listed twice.");
            }
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].NextTier is not { } next)
            {
                continue;
            }

            if (!map.TryGetValue(next, out var target))
            {
                errors.Add($"groups[{i}].nextTier: group {TextPolicy.Echo(next)} is not in the directory.");
            }
            else if (target.Tier <= list[i].Tier)
            {
                errors.Add($"groups[{i}].nextTier: {TextPolicy.Echo(next)} is {target.Tier}, not above {list[i].Tier}; the next tier must be higher.");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidDefinitionException("support group directory", errors);
        }

        _groups = map.ToFrozenDictionary();
    }

    /// <summary>Gets an empty directory.</summary>
    public static SupportGroupDirectory Empty { get; } = new([]);

    /// <summary>Gets the groups.</summary>
    public IEnumerable<SupportGroup> Groups => _groups.Values;

    /// <summary>Looks a group up.</summary>
    /// <param name="id">The group id.</param>
    /// <param name="group">The group, when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGet(GroupId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SupportGroup? group) => _groups.TryGetValue(id, out group);

    /// <summary>Returns the next-tier group of <paramref name="id"/>, if it has one.</summary>
    /// <param name="id">The group id.</param>
    /// <returns>The next tier, or <see langword="null"/>.</returns>
    public GroupId? NextTierOf(GroupId id) => _groups.TryGetValue(id, out var group) ? group.NextTier : null;
}
