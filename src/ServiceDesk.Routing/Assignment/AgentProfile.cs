using System.Collections.Frozen;
using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Routing;

/// <summary>What assignment knows about an agent at the moment of a decision: groups, skills, shift, absences, open
/// work, capacity, when they last got a ticket and where they are.</summary>
/// <remarks>
/// <para>A snapshot the engine builds from its own data; Routing never stores it. Immutable and thread-safe.</para>
/// <para>Defaults: no groups, no skills, no shift calendar (always on shift), no absences, no open work, capacity
/// <see cref="int.MaxValue"/> (unlimited), never assigned, no location.</para>
/// </remarks>
public sealed class AgentProfile
{
    private readonly GroupId[] _groups = [];
    private readonly FrozenDictionary<string, int> _skills = FrozenDictionary<string, int>.Empty;
    private readonly Interval[] _absences = [];
    private readonly int _capacity = int.MaxValue;
    private readonly ulong _groupMask;

    /// <summary>Initializes a profile.</summary>
    /// <param name="id">The agent; not the default value.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is the default value.</exception>
    public AgentProfile(AgentId id)
    {
        AgentId.ThrowIfDefault(id);
        Id = id;
    }

    /// <summary>Gets the agent.</summary>
    public AgentId Id { get; }

    /// <summary>Gets the groups the agent belongs to.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Set to a list holding a default id.</exception>
    public IReadOnlyList<GroupId> Groups
    {
        get => _groups;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Groups));
            _groups = [.. value.Distinct()];
            if (_groups.Any(g => g.IsDefault))
            {
                throw new ArgumentException("default(GroupId) identifies nothing.", nameof(Groups));
            }

            _groupMask = 0;
            foreach (var group in _groups)
            {
                _groupMask |= GroupBit(group);
            }
        }
    }

    /// <summary>Gets the agent's skills and levels (0 to 100), by skill name compared case-insensitively.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A name is blank or two names differ only by case.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A level is outside 0 to 100.</exception>
    public IReadOnlyDictionary<string, int> Skills
    {
        get => _skills;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Skills));
            foreach (var (skill, level) in value)
            {
                SkillRequirement.Validate(skill, level, nameof(Skills));
            }

            _skills = value.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
            if (_skills.Count != value.Count)
            {
                throw new ArgumentException("Two skill names differ only by case; skill names are case-insensitive.", nameof(Skills));
            }
        }
    }

    /// <summary>Gets the agent's working hours, in the agent's own zone; <see langword="null"/> for always on shift.</summary>
    public BusinessCalendar? Shift { get; init; }

    /// <summary>Gets the periods the agent is absent (leave, sickness, training); the end of each is exclusive.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public IReadOnlyList<Interval> Absences
    {
        get => _absences;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Absences));
            _absences = [.. value];
        }
    }

    /// <summary>Gets the agent's open tickets by priority.</summary>
    public Workload Workload { get; init; }

    /// <summary>Gets the agent's capacity in weighted units (see <see cref="WorkloadWeights"/>); 0 or more.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    public int Capacity
    {
        get => _capacity;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(Capacity));
            _capacity = value;
        }
    }

    /// <summary>Gets when the agent last received a ticket, if ever; fairness tie-breaker for choosers.</summary>
    public Instant? LastAssignedAt { get; init; }

    /// <summary>Gets where the agent is (field engineers), if known.</summary>
    public GeoPoint? Location { get; init; }

    /// <summary>Returns the agent's level in a skill.</summary>
    /// <param name="skill">The skill name (case-insensitive).</param>
    /// <returns>The level, or -1 when the agent lacks the skill.</returns>
    public int SkillLevel(string skill) => _skills.TryGetValue(skill, out var level) ? level : -1;

    /// <summary>Returns a copy of the profile with other open work, sharing everything else (no validation, no copying of
    /// the groups, skills or absences): cheap enough to build the profiles of a decision from a directory's.</summary>
    /// <param name="workload">The open work.</param>
    /// <returns>The copy.</returns>
    public AgentProfile WithWorkload(Workload workload) => new(this, workload);

    private AgentProfile(AgentProfile source, Workload workload)
    {
        Id = source.Id;
        _groups = source._groups;
        _groupMask = source._groupMask;
        _skills = source._skills;
        _absences = source._absences;
        _capacity = source._capacity;
        Shift = source.Shift;
        Location = source.Location;
        Workload = workload;
        LastAssignedAt = source.LastAssignedAt;
    }

    /// <summary>Returns whether the agent belongs to a group.</summary>
    /// <param name="group">The group.</param>
    /// <returns><see langword="true"/> for a member.</returns>
    public bool IsMemberOf(GroupId group) => !group.IsDefault && IsMemberOf(group, GroupBit(group));

    /// <summary>A one-bit Bloom filter of a group id: agents whose mask lacks the bit are not members, which rejects most
    /// agents without reading their group ids.</summary>
    internal static ulong GroupBit(GroupId group) => 1UL << (StringComparer.Ordinal.GetHashCode(group.Value) & 63);

    internal bool IsMemberOf(GroupId group, ulong bit)
    {
        if ((_groupMask & bit) == 0)
        {
            return false;
        }

        foreach (var g in _groups)
        {
            if (g == group)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns whether the agent is absent at an instant.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns><see langword="true"/> when an absence contains <paramref name="instant"/>.</returns>
    public bool IsAbsentAt(Instant instant)
    {
        foreach (var absence in _absences)
        {
            if (absence.Contains(instant))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns the agent's name.</summary>
    /// <returns>The agent id.</returns>
    public override string ToString() => Id.ToString();
}

/// <summary>A skill a ticket needs, with the minimum level (0 to 100).</summary>
public readonly record struct SkillRequirement
{
    /// <summary>The maximum skill level: 100.</summary>
    public const int MaxLevel = 100;

    /// <summary>Initializes a requirement.</summary>
    /// <param name="skill">The skill name, 1 to 64 characters, compared case-insensitively.</param>
    /// <param name="minimumLevel">The minimum level, 0 to 100.</param>
    /// <exception cref="ArgumentNullException"><paramref name="skill"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="skill"/> is blank or longer than 64 characters.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumLevel"/> is outside 0 to 100.</exception>
    public SkillRequirement(string skill, int minimumLevel)
    {
        Validate(skill, minimumLevel, nameof(skill));
        Skill = skill;
        MinimumLevel = minimumLevel;
    }

    /// <summary>Gets the skill name.</summary>
    public string Skill { get; }

    /// <summary>Gets the minimum level.</summary>
    public int MinimumLevel { get; }

    internal static void Validate(string skill, int level, string paramName)
    {
        ArgumentNullException.ThrowIfNull(skill, paramName);
        if (string.IsNullOrWhiteSpace(skill) || skill.Length > 64)
        {
            throw new ArgumentException($"A skill name must be 1 to 64 characters and not blank; got {TextPolicy.Echo(skill)}.", paramName);
        }

        if (level is < 0 or > MaxLevel)
        {
            throw new ArgumentOutOfRangeException(paramName, level, $"Skill {TextPolicy.Echo(skill)}: a level must be between 0 and {MaxLevel}.");
        }
    }
}
