using System.Buffers;
using System.Text;

namespace ServiceDesk.Routing;

/// <summary>What to do when no agent of the group is eligible.</summary>
public enum AssignmentFallback
{
    /// <summary>Leave the ticket in the group's queue, unassigned (the default).</summary>
    QueueToGroup = 1,

    /// <summary>Move the ticket to the group's next tier (<see cref="SupportGroup.NextTier"/>), unassigned; when the
    /// group has no next tier, queue to the group.</summary>
    NextTier = 2,
}

/// <summary>The result of an assignment.</summary>
public enum AssignmentOutcome
{
    /// <summary>An agent was chosen.</summary>
    Assigned = 1,

    /// <summary>Nobody was eligible; the ticket stays in the group's queue.</summary>
    QueuedToGroup = 2,

    /// <summary>Nobody was eligible; the ticket moves to the next tier's group, unassigned.</summary>
    MovedToNextTier = 3,
}

/// <summary>The outcome of <see cref="AgentAssigner.Assign"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Group">The group the ticket ends in (the requested one, or the next tier).</param>
/// <param name="Agent">The chosen agent, when <see cref="AssignmentOutcome.Assigned"/>.</param>
/// <param name="Candidates">How many agents were considered.</param>
/// <param name="Eligible">How many passed every filter.</param>
/// <param name="MostRejectingFilter">When nobody was eligible, the filter that rejected the most agents (first in filter
/// order on a tie); otherwise <see langword="null"/>.</param>
public readonly record struct AssignmentResult(
    AssignmentOutcome Outcome, GroupId Group, AgentId? Agent, int Candidates, int Eligible, string? MostRejectingFilter)
{
    /// <summary>Returns a one-line explanation, e.g. <c>assigned to alice (3 of 12 eligible)</c>.</summary>
    /// <returns>The explanation.</returns>
    public override string ToString() => Outcome switch
    {
        AssignmentOutcome.Assigned => $"assigned to {Agent} in {Group} ({Eligible} of {Candidates} eligible)",
        AssignmentOutcome.MovedToNextTier => $"nobody eligible of {Candidates} (most rejected by {MostRejectingFilter ?? "none"}); moved to next tier {Group}",
        _ => $"nobody eligible of {Candidates} (most rejected by {MostRejectingFilter ?? "none"}); queued to {Group}",
    };
}

/// <summary>Assigns a ticket within a group: every <see cref="EligibilityFilter"/> in order, then one
/// <see cref="AgentChooser"/>, then the <see cref="AssignmentFallback"/> when nobody is eligible.</summary>
/// <remarks>
/// <para>Filters run in the order given, each agent stopping at the first filter that rejects it, so put cheap,
/// selective filters (group membership) first. The candidate list may be every agent of the tenant or only the group's;
/// include <see cref="EligibilityFilter.GroupMember"/> when it is wider than the group.</para>
/// <para><see cref="Assign"/> does not allocate on the heap for up to 1,024 candidates (the eligible indexes live on the
/// stack; above that a pooled array is rented and returned). It reads no clock: time comes from
/// <see cref="AssignmentRequest.Now"/>.</para>
/// <para>Immutable and thread-safe (a round-robin chooser's cursor store is thread-safe by contract).</para>
/// </remarks>
public sealed class AgentAssigner
{
    private const int StackLimit = 1024;
    private readonly EligibilityFilter[] _filters;

    /// <summary>Initializes an assigner.</summary>
    /// <param name="filters">The filters, applied in order; may be empty.</param>
    /// <param name="chooser">The chooser.</param>
    /// <param name="fallback">What to do when nobody is eligible; <see cref="AssignmentFallback.QueueToGroup"/> by default.</param>
    /// <param name="groups">The group directory for <see cref="AssignmentFallback.NextTier"/>; empty by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="filters"/>, an element or <paramref name="chooser"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fallback"/> is not defined.</exception>
    public AgentAssigner(
        IEnumerable<EligibilityFilter> filters,
        AgentChooser chooser,
        AssignmentFallback fallback = AssignmentFallback.QueueToGroup,
        SupportGroupDirectory? groups = null)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(chooser);
        _filters = [.. filters];
        foreach (var filter in _filters)
        {
            ArgumentNullException.ThrowIfNull(filter, nameof(filters));
        }

        if (!Enum.IsDefined(fallback))
        {
            throw new ArgumentOutOfRangeException(nameof(fallback), fallback, "Use QueueToGroup or NextTier.");
        }

        Chooser = chooser;
        Fallback = fallback;
        Groups = groups ?? SupportGroupDirectory.Empty;
    }

    /// <summary>Gets the filters in the order they run.</summary>
    public IReadOnlyList<EligibilityFilter> Filters => _filters;

    /// <summary>Gets the chooser.</summary>
    public AgentChooser Chooser { get; }

    /// <summary>Gets the fallback when nobody is eligible.</summary>
    public AssignmentFallback Fallback { get; }

    /// <summary>Gets the group directory used by the fallback.</summary>
    public SupportGroupDirectory Groups { get; }

    /// <summary>Chooses an agent for the request among <paramref name="agents"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="agents">The candidates.</param>
    /// <returns>The result; never throws for "nobody eligible", which is an expected outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="agents"/> or an element is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="request"/> is the default value.</exception>
    /// <exception cref="InvalidOperationException">The chooser returned an index that is not an eligible agent.</exception>
    public AssignmentResult Assign(in AssignmentRequest request, IReadOnlyList<AgentProfile> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        if (request.Ticket is null)
        {
            throw new ArgumentException("default(AssignmentRequest) has no ticket; use its constructor.", nameof(request));
        }

        var count = agents.Count;
        int[]? rented = null;
        var buffer = count <= StackLimit ? stackalloc int[count] : (rented = ArrayPool<int>.Shared.Rent(count));
        Span<int> rejections = stackalloc int[_filters.Length];
        rejections.Clear();
        try
        {
            var eligible = 0;
            for (var i = 0; i < count; i++)
            {
                var agent = agents[i] ?? throw new ArgumentNullException(nameof(agents), $"agents[{i}] is null.");
                var ok = true;
                for (var f = 0; f < _filters.Length; f++)
                {
                    if (!_filters[f].IsEligible(agent, request))
                    {
                        rejections[f]++;
                        ok = false;
                        break;
                    }
                }

                if (ok)
                {
                    buffer[eligible++] = i;
                }
            }

            if (eligible > 0)
            {
                var span = buffer[..eligible];
                var chosen = Chooser.Choose(span, agents, request);
                if (chosen >= 0)
                {
                    if (span.IndexOf(chosen) < 0)
                    {
                        throw new InvalidOperationException($"Chooser '{Chooser.Name}' returned index {chosen}, which is not an eligible agent.");
                    }

                    return new AssignmentResult(AssignmentOutcome.Assigned, request.Group, agents[chosen].Id, count, eligible, null);
                }
            }

            string? most = null;
            var max = 0;
            for (var f = 0; f < _filters.Length; f++)
            {
                if (rejections[f] > max)
                {
                    (max, most) = (rejections[f], _filters[f].Name);
                }
            }

            if (Fallback == AssignmentFallback.NextTier && Groups.NextTierOf(request.Group) is { } next)
            {
                return new AssignmentResult(AssignmentOutcome.MovedToNextTier, next, null, count, eligible, most);
            }

            return new AssignmentResult(AssignmentOutcome.QueuedToGroup, request.Group, null, count, eligible, most);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }
    /// <summary>Explains a result of <see cref="Assign"/>: how many candidates, which filters removed whom (the first
    /// <paramref name="maxNamesPerFilter"/> ids of each, then a count), how many were eligible, and why the chosen agent won
    /// (<see cref="AgentChooser.Explain"/>) or where the ticket went when nobody was eligible.</summary>
    /// <remarks>Runs the filters again to name the agents they removed, so call it for a decision that is recorded, not on a
    /// hot path that only needs the choice. With the same request and candidates it describes exactly what
    /// <see cref="Assign"/> did (filters are pure).</remarks>
    /// <param name="request">The request given to <see cref="Assign"/>.</param>
    /// <param name="agents">The candidates given to <see cref="Assign"/>.</param>
    /// <param name="result">What <see cref="Assign"/> returned.</param>
    /// <param name="maxNamesPerFilter">How many removed agents to name per filter, 0 to 100; 5 by default.</param>
    /// <returns>The explanation, e.g. <c>12 candidates in desk; removed by on-shift: 3 (bob, carl, dan); 9 eligible;
    /// least-loaded: ann has the lowest weighted load (0: 0 open) of 9 eligible; …</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="agents"/> or an element is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNamesPerFilter"/> is outside 0 to 100.</exception>
    public string Explain(in AssignmentRequest request, IReadOnlyList<AgentProfile> agents, AssignmentResult result, int maxNamesPerFilter = 5)
    {
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNamesPerFilter);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxNamesPerFilter, 100);
        var removed = new List<AgentId>[_filters.Length];
        var counts = new int[_filters.Length];
        var eligible = new List<int>();
        for (var i = 0; i < agents.Count; i++)
        {
            var agent = agents[i] ?? throw new ArgumentNullException(nameof(agents), $"agents[{i}] is null.");
            var rejectedBy = -1;
            for (var f = 0; f < _filters.Length; f++)
            {
                if (!_filters[f].IsEligible(agent, request))
                {
                    rejectedBy = f;
                    break;
                }
            }

            if (rejectedBy < 0)
            {
                eligible.Add(i);
                continue;
            }

            counts[rejectedBy]++;
            if ((removed[rejectedBy] ??= []).Count < maxNamesPerFilter)
            {
                removed[rejectedBy].Add(agent.Id);
            }
        }

        var text = new StringBuilder();
        text.Append(agents.Count).Append(agents.Count == 1 ? " candidate in " : " candidates in ").Append(request.Group);
        for (var f = 0; f < _filters.Length; f++)
        {
            if (counts[f] == 0)
            {
                continue;
            }

            text.Append("; removed by ").Append(_filters[f].Name).Append(": ").Append(counts[f]);
            if (removed[f] is { Count: > 0 } names)
            {
                text.Append(" (").AppendJoin(", ", names);
                if (counts[f] > names.Count)
                {
                    text.Append(", …");
                }

                text.Append(')');
            }
        }

        text.Append("; ").Append(eligible.Count).Append(" eligible; ");
        switch (result.Outcome)
        {
            case AssignmentOutcome.Assigned when result.Agent is { } chosen:
                var index = eligible.FindIndex(i => agents[i].Id == chosen);
                text.Append(index < 0
                    ? $"{Chooser.Name} chose {chosen}"
                    : Chooser.Explain(agents[eligible[index]], System.Runtime.InteropServices.CollectionsMarshal.AsSpan(eligible), agents, request));
                break;
            case AssignmentOutcome.MovedToNextTier:
                text.Append("nobody eligible; moved to the next tier, ").Append(result.Group).Append(", unassigned");
                break;
            default:
                text.Append("nobody eligible; left in ").Append(result.Group).Append("'s queue, unassigned");
                break;
        }

        return text.ToString();
    }
}
