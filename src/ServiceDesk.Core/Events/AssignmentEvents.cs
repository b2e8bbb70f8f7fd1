using NodaTime;

namespace ServiceDesk.Events;

/// <summary>What made the engine choose an agent.</summary>
public enum AssignmentTrigger
{
    /// <summary>The ticket was opened into a group.</summary>
    Opened = 1,

    /// <summary>The ticket was reassigned to a group without a named agent.</summary>
    Reassigned = 2,

    /// <summary>An escalation moved the ticket to another group.</summary>
    Escalated = 3,

    /// <summary>The ticket's agent became unavailable (absent, left) and its work was handed on.</summary>
    AgentUnavailable = 4,
}

/// <summary>Routing rules decided where a new ticket goes: the group, the tags the rules added, and why.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who opened the ticket.</param>
/// <param name="Group">The group the rules chose, or <see langword="null"/> when they chose none.</param>
/// <param name="Tags">The tags the rules added, in order, without duplicates (up to 50, each 1 to 100 characters).</param>
/// <param name="Explanation">The rules' explanation, one line per matching rule (1 to 4,000 characters; longer text is cut
/// by the engine).</param>
public sealed record TicketRouted(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    GroupId? Group, IReadOnlyList<string> Tags, string Explanation)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>The most tags one routing may add: 50.</summary>
    public const int MaxTags = 50;

    /// <summary>The maximum length of a tag: 100 characters.</summary>
    public const int MaxTagLength = 100;

    /// <summary>The maximum length of an explanation: 4,000 characters.</summary>
    public const int MaxExplanationLength = 4_000;

    /// <summary>Gets the tags the rules added.</summary>
    public IReadOnlyList<string> Tags { get; init; } = CheckTags(Tags);

    /// <summary>Gets the rules' explanation.</summary>
    public string Explanation { get; init; } = Guard.Text(Explanation, MaxExplanationLength, required: true, nameof(Explanation));

    /// <summary>Compares every value, the tags by content and order, so an event read back from JSON equals the one written.</summary>
    /// <param name="other">The other event.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(TicketRouted? other)
        => other is not null && base.Equals(other) && Group == other.Group && Tags.SequenceEqual(other.Tags, StringComparer.Ordinal)
            && string.Equals(Explanation, other.Explanation, StringComparison.Ordinal);

    /// <summary>Returns a hash of the values, consistent with <see cref="Equals(TicketRouted?)"/>.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Group, Tags.Count, Explanation);

    private static IReadOnlyList<string> CheckTags(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags, nameof(Tags));
        if (tags.Count > MaxTags)
        {
            throw new ArgumentOutOfRangeException(nameof(Tags), tags.Count, $"A routing adds at most {MaxTags} tags.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            if (!seen.Add(Guard.Text(tag, MaxTagLength, required: true, nameof(Tags))))
            {
                throw new ArgumentException($"The tag {TextPolicy.Echo(tag)} is listed twice.", nameof(Tags));
            }
        }

        return [.. tags];
    }
}

/// <summary>The engine chose an agent for a ticket (or found nobody eligible), and why: the strategy, how many of the
/// group's agents were considered and eligible, which filters removed whom and why the chosen agent won.</summary>
/// <remarks>Recorded before the <see cref="Assigned"/> event that applies the choice; when nobody is eligible there is no
/// agent, and the ticket stays in <paramref name="Group"/>'s queue (or moves to the next tier, with its own
/// <see cref="Assigned"/> event).</remarks>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket.</param>
/// <param name="Version">The version produced.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who caused it (the command's actor, or the system for escalations).</param>
/// <param name="Trigger">What made the engine assign.</param>
/// <param name="Group">The group the ticket ends in.</param>
/// <param name="Agent">The chosen agent, or <see langword="null"/> when nobody was eligible.</param>
/// <param name="Strategy">The chooser's name, e.g. <c>least-loaded</c> (1 to 100 characters).</param>
/// <param name="Candidates">How many agents were considered, 0 or more.</param>
/// <param name="Eligible">How many passed every filter, 0 to <paramref name="Candidates"/>.</param>
/// <param name="Explanation">The explanation (1 to 4,000 characters).</param>
public sealed record AgentAssignmentDecided(
    TenantId Tenant, TicketId Ticket, long Version, Instant At, Actor Actor,
    AssignmentTrigger Trigger, GroupId Group, AgentId? Agent, string Strategy, int Candidates, int Eligible, string Explanation)
    : TicketEvent(Tenant, Ticket, Version, At, Actor)
{
    /// <summary>The maximum length of a strategy name: 100 characters.</summary>
    public const int MaxStrategyLength = 100;

    /// <summary>Gets what made the engine assign.</summary>
    public AssignmentTrigger Trigger { get; init; } = Enum.IsDefined(Trigger)
        ? Trigger
        : throw new ArgumentOutOfRangeException(nameof(Trigger), Trigger, "Use Opened, Reassigned, Escalated or AgentUnavailable.");

    /// <summary>Gets the group the ticket ends in.</summary>
    public GroupId Group { get; init; } = Group.IsDefault ? throw new ArgumentException("default(GroupId) identifies nothing.", nameof(Group)) : Group;

    /// <summary>Gets the chooser's name.</summary>
    public string Strategy { get; init; } = Guard.Text(Strategy, MaxStrategyLength, required: true, nameof(Strategy));

    /// <summary>Gets how many agents were considered.</summary>
    public int Candidates { get; init; } = Candidates < 0
        ? throw new ArgumentOutOfRangeException(nameof(Candidates), Candidates, "Candidates are 0 or more.")
        : Candidates;

    /// <summary>Gets how many passed every filter.</summary>
    public int Eligible { get; init; } = Eligible < 0 || Eligible > Candidates
        ? throw new ArgumentOutOfRangeException(nameof(Eligible), Eligible, $"Eligible agents are 0 to the {Candidates} candidates.")
        : Eligible;

    /// <summary>Gets the explanation.</summary>
    public string Explanation { get; init; } = Guard.Text(Explanation, TicketRouted.MaxExplanationLength, required: true, nameof(Explanation));
}
