namespace ServiceDesk.Routing;

/// <summary>Decides whether an agent may receive a ticket; an <see cref="AgentAssigner"/> applies its filters in order,
/// then lets one <see cref="AgentChooser"/> pick among the agents every filter accepted.</summary>
/// <remarks>
/// <para>Derive from this class for custom rules (a language the agent speaks, a customer they must not serve). An
/// implementation must be thread-safe and should not allocate: it runs once per agent per decision.</para>
/// <para>The built-in filters are <see cref="GroupMember"/>, <see cref="HasSkills"/>, <see cref="OnShift"/>,
/// <see cref="NotAbsent"/>, <see cref="UnderCapacity"/> and <see cref="WithinDistance"/>.</para>
/// </remarks>
public abstract class EligibilityFilter
{
    /// <summary>Gets a filter that accepts members of the request's <see cref="AssignmentRequest.Group"/>.</summary>
    public static EligibilityFilter GroupMember { get; } = new GroupMemberFilter();

    /// <summary>Gets a filter that accepts agents with every <see cref="AssignmentRequest.RequiredSkills"/> at its minimum
    /// level or above.</summary>
    public static EligibilityFilter HasSkills { get; } = new SkillsFilter();

    /// <summary>Gets a filter that accepts agents whose own <see cref="AgentProfile.Shift"/> calendar is open at
    /// <see cref="AssignmentRequest.Now"/>; an agent without a calendar is always on shift.</summary>
    public static EligibilityFilter OnShift { get; } = new OnShiftFilter();

    /// <summary>Gets a filter that rejects agents with an absence containing <see cref="AssignmentRequest.Now"/>.</summary>
    public static EligibilityFilter NotAbsent { get; } = new NotAbsentFilter();

    /// <summary>Gets a short name for explanations, e.g. <c>on-shift</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Creates a filter that accepts agents whose weighted load plus the ticket's weight stays within their
    /// <see cref="AgentProfile.Capacity"/>.</summary>
    /// <param name="weights">The weights; <see langword="null"/> for <see cref="WorkloadWeights.Default"/>.</param>
    /// <returns>The filter.</returns>
    public static EligibilityFilter UnderCapacity(WorkloadWeights? weights = null) => new CapacityFilter(weights ?? WorkloadWeights.Default);

    /// <summary>Creates a filter that accepts agents within <paramref name="kilometres"/> of the request's
    /// <see cref="AssignmentRequest.Site"/>. Agents without a location are rejected; when the request has no site the
    /// filter accepts everyone.</summary>
    /// <param name="kilometres">The maximum great-circle distance, greater than 0.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kilometres"/> is not greater than 0.</exception>
    public static EligibilityFilter WithinDistance(double kilometres)
    {
        if (!(kilometres > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(kilometres), kilometres, "The distance must be greater than 0 km.");
        }

        return new DistanceFilter(kilometres);
    }

    /// <summary>Decides whether <paramref name="agent"/> may receive the request's ticket.</summary>
    /// <param name="agent">The agent.</param>
    /// <param name="request">The request.</param>
    /// <returns><see langword="true"/> when eligible.</returns>
    public abstract bool IsEligible(AgentProfile agent, in AssignmentRequest request);

    /// <summary>Returns <see cref="Name"/>.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;

    private sealed class GroupMemberFilter : EligibilityFilter
    {
        public override string Name => "group-member";

        public override bool IsEligible(AgentProfile agent, in AssignmentRequest request) => agent.IsMemberOf(request.Group, request.GroupBit);
    }

    private sealed class SkillsFilter : EligibilityFilter
    {
        public override string Name => "skills";

        public override bool IsEligible(AgentProfile agent, in AssignmentRequest request)
        {
            var skills = request.RequiredSkills;
            for (var i = 0; i < skills.Count; i++)
            {
                if (agent.SkillLevel(skills[i].Skill) < skills[i].MinimumLevel)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class OnShiftFilter : EligibilityFilter
    {
        public override string Name => "on-shift";

        public override bool IsEligible(AgentProfile agent, in AssignmentRequest request)
            => agent.Shift is not { } shift || shift.IsOpen(request.Now);
    }

    private sealed class NotAbsentFilter : EligibilityFilter
    {
        public override string Name => "not-absent";

        public override bool IsEligible(AgentProfile agent, in AssignmentRequest request) => !agent.IsAbsentAt(request.Now);
    }

    private sealed class CapacityFilter(WorkloadWeights weights) : EligibilityFilter
    {
        public override string Name => "under-capacity";

        public override bool IsEligible(AgentProfile agent, in AssignmentRequest request)
            => weights.LoadOf(agent.Workload) + weights[request.Ticket.Priority] <= agent.Capacity;
    }

    private sealed class DistanceFilter(double kilometres) : EligibilityFilter
    {
        public override string Name => "within-distance";

        public override bool IsEligible(AgentProfile agent, in AssignmentRequest request)
            => request.Site is not { } site || (agent.Location is { } location && location.DistanceKilometresTo(site) <= kilometres);
    }
}
