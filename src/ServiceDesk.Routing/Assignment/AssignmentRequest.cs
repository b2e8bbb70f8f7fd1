using NodaTime;

namespace ServiceDesk.Routing;

/// <summary>What to assign: the ticket, the group it was routed to, the moment, and the ticket's needs.</summary>
/// <remarks>Passed by reference (<c>in</c>) to every filter and chooser so a decision allocates nothing for it.</remarks>
public readonly struct AssignmentRequest
{
    private readonly IReadOnlyList<SkillRequirement>? _skills;

    /// <summary>Initializes a request.</summary>
    /// <param name="ticket">The ticket to assign.</param>
    /// <param name="group">The group to assign within; not the default value.</param>
    /// <param name="now">The current instant (Routing never reads a clock).</param>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="group"/> is the default value.</exception>
    public AssignmentRequest(Ticket ticket, GroupId group, Instant now)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        GroupId.ThrowIfDefault(group);
        Ticket = ticket;
        Group = group;
        Now = now;
        GroupBit = AgentProfile.GroupBit(group);
    }

    /// <summary>Gets the ticket.</summary>
    public Ticket Ticket { get; }

    /// <summary>Gets the group to assign within.</summary>
    public GroupId Group { get; }

    internal ulong GroupBit { get; }

    /// <summary>Gets the instant of the decision.</summary>
    public Instant Now { get; }

    /// <summary>Gets the skills the ticket needs; none by default.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public IReadOnlyList<SkillRequirement> RequiredSkills
    {
        get => _skills ?? [];
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(RequiredSkills));
            _skills = [.. value];
        }
    }

    /// <summary>Gets where the work happens (field service), if known; used by the nearest chooser and distance filter.</summary>
    public GeoPoint? Site { get; init; }
}
