using BenchmarkDotNet.Attributes;
using ServiceDesk.Routing;

namespace ServiceDesk.Benchmarks.Routing;

/// <summary>Choosing one agent among 10,000 candidates (group, skills, absence and capacity filters): the assigner with
/// each chooser against a LINQ filter-and-sort baseline.</summary>
[MemoryDiagnoser]
public class AgentChoiceBenchmarks
{
    private readonly WorkloadWeights _weights = WorkloadWeights.Default;
    private AgentProfile[] _agents = null!;
    private AssignmentRequest _request;
    private AgentAssigner _leastLoaded = null!;
    private AgentAssigner _roundRobin = null!;
    private AgentAssigner _nearest = null!;

    [GlobalSetup]
    public void Setup()
    {
        _agents = RoutingBenchmarkData.Agents(10_000);
        _request = RoutingBenchmarkData.Request(RoutingBenchmarkData.Tickets(1)[0]);
        EligibilityFilter[] filters = [EligibilityFilter.GroupMember, EligibilityFilter.HasSkills, EligibilityFilter.NotAbsent, EligibilityFilter.UnderCapacity(_weights)];
        _leastLoaded = new AgentAssigner(filters, AgentChooser.LeastLoaded(_weights));
        _roundRobin = new AgentAssigner(filters, AgentChooser.RoundRobin(new InMemoryRoundRobinCursorStore()));
        _nearest = new AgentAssigner(filters, AgentChooser.Nearest(_weights));
        if (_leastLoaded.Assign(_request, _agents).Agent != RoutingBenchmarkData.NaiveLeastLoaded(_agents, _request, _weights))
        {
            throw new InvalidOperationException("Least-loaded and the naive baseline disagree.");
        }
    }

    [Benchmark(Baseline = true)]
    public AgentId? NaiveLinq() => RoutingBenchmarkData.NaiveLeastLoaded(_agents, _request, _weights);

    [Benchmark]
    public AgentId? LeastLoaded() => _leastLoaded.Assign(_request, _agents).Agent;

    [Benchmark]
    public AgentId? RoundRobin() => _roundRobin.Assign(_request, _agents).Agent;

    [Benchmark]
    public AgentId? Nearest() => _nearest.Assign(_request, _agents).Agent;
}
