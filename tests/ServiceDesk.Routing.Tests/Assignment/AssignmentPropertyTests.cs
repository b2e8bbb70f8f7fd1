using NodaTime;
using static ServiceDesk.Routing.Tests.TestData;

namespace ServiceDesk.Routing.Tests.Assignment;

public class AssignmentPropertyTests
{
    private static readonly GroupId Group = new("g");

    /// <summary>Round-robin over k eligible agents gives each within 1 of n / k, however the agents are listed and
    /// whoever else (ineligible) is in the list.</summary>
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool RoundRobin_NAssignmentsOverKAgents_EachWithinOneOfNOverK(byte agentCount, ushort assignments, int seed)
    {
        var k = 1 + (agentCount % 20);
        var n = assignments % 500;
        var random = new Random(seed);
        var eligible = Enumerable.Range(0, k).Select(i => new AgentProfile(new AgentId($"a{random.Next(1000):D3}-{i}")) { Groups = [Group] });
        var others = Enumerable.Range(0, random.Next(5)).Select(i => new AgentProfile(new AgentId($"x{i}")));
        var agents = eligible.Concat(others).OrderBy(_ => random.Next()).ToArray();
        var assigner = new AgentAssigner([EligibilityFilter.GroupMember], AgentChooser.RoundRobin(new InMemoryRoundRobinCursorStore()));
        var request = new AssignmentRequest(Ticket(), Group, T0);

        var counts = new Dictionary<AgentId, int>();
        for (var i = 0; i < n; i++)
        {
            var agent = assigner.Assign(request, agents).Agent!.Value;
            counts[agent] = counts.GetValueOrDefault(agent) + 1;
        }

        var floor = n / k;
        return agents.Where(a => a.IsMemberOf(Group)).All(a => counts.GetValueOrDefault(a.Id) is var c && (c == floor || c == floor + 1))
            && counts.Keys.All(id => agents.Single(a => a.Id == id).IsMemberOf(Group));
    }

    /// <summary>Least-loaded never picks an agent with more weighted load than another eligible agent.</summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool LeastLoaded_AnyAgents_NeverPicksAHeavierAgent(int seed)
    {
        var random = new Random(seed);
        var agents = Enumerable.Range(0, random.Next(1, 40)).Select(i => new AgentProfile(new AgentId($"a{i}"))
        {
            Groups = random.Next(4) == 0 ? [] : [Group],
            Workload = new Workload(random.Next(3), random.Next(3), random.Next(5), random.Next(5), random.Next(2)),
            Capacity = random.Next(5, 30),
            LastAssignedAt = random.Next(3) == 0 ? null : T0 - Duration.FromMinutes(random.Next(3)),
        }).ToArray();
        var weights = new WorkloadWeights(random.Next(1, 6), random.Next(1, 4), 1, 1, random.Next(0, 2));
        var filters = new[] { EligibilityFilter.GroupMember, EligibilityFilter.UnderCapacity(weights) };
        var request = new AssignmentRequest(Ticket(t => t with { Priority = (Priority)random.Next(1, 6) }), Group, T0);

        var result = new AgentAssigner(filters, AgentChooser.LeastLoaded(weights)).Assign(request, agents);

        var eligible = agents.Where(a => filters.All(f => f.IsEligible(a, request))).ToArray();
        if (eligible.Length == 0)
        {
            return result.Outcome == AssignmentOutcome.QueuedToGroup && result.Agent is null;
        }

        var chosen = agents.Single(a => a.Id == result.Agent);
        return eligible.Contains(chosen) && eligible.All(a => weights.LoadOf(chosen.Workload) <= weights.LoadOf(a.Workload));
    }
}
