namespace ServiceDesk.Routing;

/// <summary>Picks one agent among those every <see cref="EligibilityFilter"/> accepted.</summary>
/// <remarks>
/// <para>Derive from this class for a custom policy. An implementation must be thread-safe, deterministic for the same
/// inputs (and cursor state), and should not allocate.</para>
/// <para>Built-in choosers: <see cref="RoundRobin"/>, <see cref="LeastLoaded"/>, <see cref="BestSkillMatch"/> and
/// <see cref="Nearest"/>. Every tie is broken the same fair way: lower weighted load, then the agent who has waited longest
/// since their last assignment (never assigned first), then agent id (ordinal), so no agent is favoured by list
/// order.</para>
/// </remarks>
public abstract class AgentChooser
{
    /// <summary>Gets a short name for explanations, e.g. <c>least-loaded</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Creates a round-robin chooser whose cursor (the last agent chosen per tenant and group) lives in
    /// <paramref name="cursors"/>.</summary>
    /// <param name="cursors">The cursor store; persistent stores keep rotation fair across restarts.</param>
    /// <returns>The chooser.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cursors"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Eligible agents are taken in ordinal order of their ids; the chooser picks the first id after the cursor,
    /// wrapping around, and moves the cursor with a compare-and-set, retrying if another caller moved it first. So
    /// concurrent callers never pick the same agent for the same cursor position, an agent who joins or leaves the
    /// eligible set does not reset the rotation, and over n assignments to a stable set of k agents each receives
    /// n / k rounded up or down.
    /// </remarks>
    public static AgentChooser RoundRobin(RoundRobinCursorStore cursors)
    {
        ArgumentNullException.ThrowIfNull(cursors);
        return new RoundRobinChooser(cursors);
    }

    /// <summary>Creates a chooser that picks the agent with the lowest weighted load.</summary>
    /// <param name="weights">The weights; <see langword="null"/> for <see cref="WorkloadWeights.Default"/>.</param>
    /// <returns>The chooser.</returns>
    public static AgentChooser LeastLoaded(WorkloadWeights? weights = null) => new LeastLoadedChooser(weights ?? WorkloadWeights.Default);

    /// <summary>Creates a chooser that picks the agent with the highest total level over the request's required skills
    /// (a missing skill counts 0), ties broken as for <see cref="LeastLoaded"/>.</summary>
    /// <param name="weights">The weights for the tie-break; <see langword="null"/> for <see cref="WorkloadWeights.Default"/>.</param>
    /// <returns>The chooser.</returns>
    public static AgentChooser BestSkillMatch(WorkloadWeights? weights = null) => new SkillChooser(weights ?? WorkloadWeights.Default);

    /// <summary>Creates a chooser that picks the agent nearest to the request's <see cref="AssignmentRequest.Site"/> by
    /// great-circle distance; agents without a location come last. Without a site it behaves as <see cref="LeastLoaded"/>.</summary>
    /// <param name="weights">The weights for the tie-break; <see langword="null"/> for <see cref="WorkloadWeights.Default"/>.</param>
    /// <returns>The chooser.</returns>
    public static AgentChooser Nearest(WorkloadWeights? weights = null) => new NearestChooser(weights ?? WorkloadWeights.Default);

    /// <summary>Picks an agent.</summary>
    /// <param name="eligible">Indexes into <paramref name="agents"/> of the eligible agents, in list order; never empty.</param>
    /// <param name="agents">All candidate agents.</param>
    /// <param name="request">The request.</param>
    /// <returns>The index into <paramref name="agents"/> of the chosen agent, or -1 to choose nobody.</returns>
    public abstract int Choose(ReadOnlySpan<int> eligible, IReadOnlyList<AgentProfile> agents, in AssignmentRequest request);

    /// <summary>Says why <paramref name="chosen"/> won, for the assignment's explanation (see
    /// <see cref="AgentAssigner.Explain"/>); called only when an explanation is wanted, never on the hot path.</summary>
    /// <param name="chosen">The agent <see cref="Choose"/> returned.</param>
    /// <param name="eligible">The eligible agents' indexes, as given to <see cref="Choose"/>.</param>
    /// <param name="agents">The candidates.</param>
    /// <param name="request">The request.</param>
    /// <returns>One sentence, e.g. <c>least-loaded: ann has the lowest weighted load (2) of 6 eligible</c>; the base
    /// implementation says only which chooser chose whom.</returns>
    public virtual string Explain(AgentProfile chosen, ReadOnlySpan<int> eligible, IReadOnlyList<AgentProfile> agents, in AssignmentRequest request)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        return $"{Name} chose {chosen.Id}";
    }

    /// <summary>Returns <see cref="Name"/>.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;

    /// <summary>Compares two agents by the fair tie-break: lower load, longest wait since last assignment, then id.</summary>
    private protected static int FairOrder(AgentProfile a, long loadA, AgentProfile b, long loadB)
    {
        var byLoad = loadA.CompareTo(loadB);
        if (byLoad != 0)
        {
            return byLoad;
        }

        var byWait = (a.LastAssignedAt, b.LastAssignedAt) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            var (x, y) => x.Value.CompareTo(y.Value),
        };
        return byWait != 0 ? byWait : string.CompareOrdinal(a.Id.Value, b.Id.Value);
    }

    private sealed class RoundRobinChooser(RoundRobinCursorStore cursors) : AgentChooser
    {
        public override string Name => "round-robin";

        public override string Explain(AgentProfile chosen, ReadOnlySpan<int> eligible, IReadOnlyList<AgentProfile> agents, in AssignmentRequest request)
            => $"round-robin: {chosen.Id} is next in id order after the group's previous round-robin assignee, of {eligible.Length} eligible";

        public override int Choose(ReadOnlySpan<int> eligible, IReadOnlyList<AgentProfile> agents, in AssignmentRequest request)
        {
            var tenant = request.Ticket.Tenant;
            while (true)
            {
                var last = cursors.Read(tenant, request.Group);
                var next = -1;
                var first = -1;
                foreach (var index in eligible)
                {
                    var id = agents[index].Id.Value;
                    if (first < 0 || string.CompareOrdinal(id, agents[first].Id.Value) < 0)
                    {
                        first = index;
                    }

                    if (last is { } l && string.CompareOrdinal(id, l.Value) > 0
                        && (next < 0 || string.CompareOrdinal(id, agents[next].Id.Value) < 0))
                    {
                        next = index;
                    }
                }

                var chosen = next >= 0 ? next : first;
                if (cursors.TryAdvance(tenant, request.Group, last, agents[chosen].Id))
                {
                    return chosen;
                }
            }
        }
    }

    private sealed class LeastLoadedChooser(WorkloadWeights weights) : AgentChooser
    {
        public override string Name => "least-loaded";

        public override string Explain(AgentProfile chosen, ReadOnlySpan<int> eligible, IReadOnlyList<AgentProfile> agents, in AssignmentRequest request)
            => $"least-loaded: {chosen.Id} has the lowest weighted load ({LoadText(chosen, weights)}) of {eligible.Length} eligible; ties go to the longest wait, then id order";

        public override int Choose(ReadOnlySpan<int> eligible, IReadOnlyList<AgentProfile> agents, in AssignmentRequest request)
            => Fairest(eligible, agents, weights);
    }

    private sealed class SkillChooser(WorkloadWeights weights) : AgentChooser
    {
        public override string Name => "best-skill-match";

        public override string Explain(AgentProfile chosen, ReadOnlySpan<int> eligible, IReadOnlyList<AgentProfile> agents, in AssignmentRequest request)
        {
            var skills = request.RequiredSkills;
            if (skills.Count == 0)
            {
                return $"best-skill-match: no skills required, so {chosen.Id} has the lowest weighted load ({LoadText(chosen, weights)}) of {eligible.Length} eligible";
            }

            var levels = string.Join(", ", skills.Select(s => $"{s.Skill} {Math.Max(0, chosen.SkillLevel(s.Skill))}"));
            return $"best-skill-match: {chosen.Id} has the highest total level over the required skills ({levels}) of {eligible.Length} eligible; ties go to the lower load";
        }

        public override int Choose(ReadOnlySpan<int> eligible, IReadOnlyList<AgentProfile> agents, in AssignmentRequest request)
        {
            var skills = request.RequiredSkills;
            var best = -1;
            long bestScore = -1;
            long bestLoad = 0;
            foreach (var index in eligible)
            {
                var agent = agents[index];
                long score = 0;
                for (var s = 0; s < skills.Count; s++)
                {
                    score += Math.Max(0, agent.SkillLevel(skills[s].Skill));
                }

                var load = weights.LoadOf(agent.Workload);
                if (best < 0 || score > bestScore || (score == bestScore && FairOrder(agent, load, agents[best], bestLoad) < 0))
                {
                    (best, bestScore, bestLoad) = (index, score, load);
                }
            }

            return best;
        }
    }

    private sealed class NearestChooser(WorkloadWeights weights) : AgentChooser
    {
        public override string Name => "nearest";

        public override string Explain(AgentProfile chosen, ReadOnlySpan<int> eligible, IReadOnlyList<AgentProfile> agents, in AssignmentRequest request)
            => request.Site is not { } site
                ? $"nearest: the ticket has no site, so {chosen.Id} has the lowest weighted load ({LoadText(chosen, weights)}) of {eligible.Length} eligible"
                : chosen.Location is { } location
                    ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"nearest: {chosen.Id} is {location.DistanceKilometresTo(site):0.0} km from the site, the nearest of {eligible.Length} eligible")
                    : $"nearest: no eligible agent has a location; {chosen.Id} has the lowest weighted load";

        public override int Choose(ReadOnlySpan<int> eligible, IReadOnlyList<AgentProfile> agents, in AssignmentRequest request)
        {
            if (request.Site is not { } site)
            {
                return Fairest(eligible, agents, weights);
            }

            var best = -1;
            var bestDistance = double.PositiveInfinity;
            long bestLoad = 0;
            foreach (var index in eligible)
            {
                var agent = agents[index];
                var distance = agent.Location is { } location ? location.DistanceKilometresTo(site) : double.PositiveInfinity;
                var load = weights.LoadOf(agent.Workload);
                if (best < 0 || distance < bestDistance
                    || (distance.Equals(bestDistance) && FairOrder(agent, load, agents[best], bestLoad) < 0))
                {
                    (best, bestDistance, bestLoad) = (index, distance, load);
                }
            }

            return best;
        }
    }

    private static string LoadText(AgentProfile agent, WorkloadWeights weights)
    {
        var work = agent.Workload;
        return $"{weights.LoadOf(work)}: {work.Total} open";
    }

    private static int Fairest(ReadOnlySpan<int> eligible, IReadOnlyList<AgentProfile> agents, WorkloadWeights weights)
    {
        var best = -1;
        long bestLoad = 0;
        foreach (var index in eligible)
        {
            var agent = agents[index];
            var load = weights.LoadOf(agent.Workload);
            if (best < 0 || FairOrder(agent, load, agents[best], bestLoad) < 0)
            {
                (best, bestLoad) = (index, load);
            }
        }

        return best;
    }
}
