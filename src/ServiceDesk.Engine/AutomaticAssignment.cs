using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using NodaTime;
using ServiceDesk.Routing;

namespace ServiceDesk.Engine;

/// <summary>
/// How the engine assigns agents automatically: the agent directory (groups, their strategy and whether they assign
/// automatically, agents with skills, capacity, shift calendar, absences and location), what to do when nobody is
/// eligible, the workload weights, and where a ticket's required skills come from.
/// </summary>
/// <remarks>
/// <para>Set it on <see cref="ServiceDeskEngineOptions.Assignment"/>. The engine then chooses an agent when a ticket is
/// opened into a group without a named agent, when it is assigned to a group without a named agent
/// (<see cref="ServiceDeskEngine.AssignAsync"/>), when an escalation moves it to another group, and when its agent becomes
/// unavailable (<see cref="ServiceDeskEngine.HandOverAgentWorkAsync"/>). Each choice is recorded as an
/// <see cref="Events.AgentAssignmentDecided"/> event with its explanation, before the <see cref="Events.Assigned"/> event
/// that applies it. Groups whose <see cref="GroupAssignment.Automatic"/> is <see langword="false"/>, and groups the
/// directory does not define, are left alone.</para>
/// <para>The eligibility filters, in order: not absent now, on shift now (the agent's own calendar), the ticket's required
/// skills at their minimum levels, capacity (weighted open work plus the ticket's weight within the agent's capacity), and
/// for groups that assign the nearest agent, within <see cref="MaxDistanceKilometres"/> when set. Open work is read from
/// the store (<see cref="Storage.IAssignmentStore"/>) at every decision; a store without it counts no open work. The
/// round-robin cursor is the store's, so the rotation survives restarts and is shared by app instances. With
/// <see cref="WorkloadRefreshInterval"/> the open work read is reused for a while (for directories of thousands of
/// agents).</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class AutomaticAssignment
{
    private static readonly ConditionalWeakTable<AgentDirectory, FrozenDictionary<GroupId, AgentProfile[]>> Members = new();

    /// <summary>Initializes the settings with a fixed directory (from code or configuration).</summary>
    /// <param name="directory">The agent directory, for every tenant.</param>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is <see langword="null"/>.</exception>
    public AutomaticAssignment(AgentDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory = directory;
        Provider = new FixedDirectory(directory);
    }

    /// <summary>Initializes the settings with directories given per tenant at run time, e.g. a
    /// <see cref="StoredAgentDirectoryProvider"/> over the store's <see cref="IAgentDirectoryStore"/>: each decision uses
    /// the tenant's directory as it is then.</summary>
    /// <param name="provider">The provider.</param>
    /// <exception cref="ArgumentNullException"><paramref name="provider"/> is <see langword="null"/>.</exception>
    public AutomaticAssignment(IAgentDirectoryProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        Provider = provider;
    }

    /// <summary>Gets the fixed agent directory, or <see langword="null"/> when directories come from a
    /// <see cref="Provider"/> per tenant.</summary>
    public AgentDirectory? Directory { get; }

    /// <summary>Gets where each tenant's directory comes from (for a fixed directory, a provider that always gives it).</summary>
    public IAgentDirectoryProvider Provider { get; }

    /// <summary>Gets what to do when nobody in the group is eligible: leave the ticket in the group's queue (the default) or
    /// move it to the group's next tier.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to an undefined value.</exception>
    public AssignmentFallback Fallback
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Fallback), value, "Use QueueToGroup or NextTier.");
    } = AssignmentFallback.QueueToGroup;

    /// <summary>Gets the weights of open work by priority, for capacity and load; <see cref="WorkloadWeights.Default"/> by default.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public WorkloadWeights Weights
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Weights));
    } = WorkloadWeights.Default;

    /// <summary>Gets the skills a ticket needs (for example from its category or service); <see langword="null"/> (the
    /// default) for none.</summary>
    public Func<Ticket, IReadOnlyList<SkillRequirement>>? RequiredSkills { get; init; }

    /// <summary>Gets the farthest an agent may be from the ticket's site in groups that assign the nearest agent, in
    /// kilometres; <see langword="null"/> (the default) for no limit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not greater than 0 (or not finite).</exception>
    public double? MaxDistanceKilometres
    {
        get;
        init => field = value is null or (> 0 and < double.PositiveInfinity)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxDistanceKilometres), value, "A distance limit is more than 0 km and finite.");
    }

    /// <summary>Gets further filters run after the built-in ones (a language the agent speaks, a customer they must not
    /// serve); empty by default.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/> or a list holding <see langword="null"/>.</exception>
    public IReadOnlyList<EligibilityFilter> ExtraFilters
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(ExtraFilters));
            field = value.Any(f => f is null) ? throw new ArgumentNullException(nameof(ExtraFilters), "A filter is null.") : [.. value];
        }
    } = [];

    /// <summary>Gets how long the open work read from the store may be reused for later decisions of the same tenant in this
    /// engine: <see cref="Duration.Zero"/> (the default) reads it at every decision, exact; a positive interval reuses it,
    /// adding this engine's own assignments to it, and reads it again once the interval has passed, so decisions among
    /// thousands of agents cost microseconds instead of a read of every open ticket. Work that other app instances assign,
    /// and tickets resolved meanwhile, are seen at the next read. At most one hour.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative duration or more than one hour.</exception>
    public Duration WorkloadRefreshInterval
    {
        get;
        init => field = value >= Duration.Zero && value <= Duration.FromHours(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(WorkloadRefreshInterval), value, "A refresh interval is 0 (read at every decision) to 1 hour.");
    }

    /// <summary>Gets the members of a group of the fixed directory, in directory order (empty for a group without members).</summary>
    /// <param name="group">The group.</param>
    /// <returns>The members.</returns>
    /// <exception cref="InvalidOperationException">Directories come from a <see cref="Provider"/>; use
    /// <see cref="MembersOf(AgentDirectory, GroupId)"/>.</exception>
    public IReadOnlyList<AgentProfile> MembersOf(GroupId group)
        => MembersOf(Directory ?? throw new InvalidOperationException("Directories come from a provider per tenant; pass the directory."), group);

    /// <summary>Gets the members of a group of a directory, in directory order (computed once per directory).</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="group">The group.</param>
    /// <returns>The members.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<AgentProfile> MembersOf(AgentDirectory directory, GroupId group)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return Members.GetValue(directory, Index).TryGetValue(group, out var members) ? members : [];
    }

    /// <summary>Whether the engine assigns in <paramref name="group"/>: the directory defines the group (or it has members)
    /// and the group assigns automatically.</summary>
    internal static bool Covers(AgentDirectory directory, GroupId group)
        => (directory.Groups.TryGet(group, out _) || MembersOf(directory, group).Count > 0) && directory.AssignmentOf(group).Automatic;

    private static FrozenDictionary<GroupId, AgentProfile[]> Index(AgentDirectory directory)
    {
        var members = new Dictionary<GroupId, List<AgentProfile>>();
        foreach (var agent in directory.Agents)
        {
            foreach (var group in agent.Groups)
            {
                if (!members.TryGetValue(group, out var list))
                {
                    members.Add(group, list = []);
                }

                list.Add(agent);
            }
        }

        return members.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray());
    }

    private sealed class FixedDirectory(AgentDirectory directory) : IAgentDirectoryProvider
    {
        public ValueTask<AgentDirectory?> GetDirectoryAsync(TenantId tenant, CancellationToken cancellationToken = default)
            => ValueTask.FromResult<AgentDirectory?>(directory);
    }
}
