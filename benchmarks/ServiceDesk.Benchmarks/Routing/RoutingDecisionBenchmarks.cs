using BenchmarkDotNet.Attributes;
using ServiceDesk.Routing;

namespace ServiceDesk.Benchmarks.Routing;

/// <summary>
/// A full routing decision per ticket: 1,000 rules (first match, most tickets reach the last rules) then an assignment
/// among 200 agents (group, skills, absence and capacity filters, least-loaded chooser). The baseline interprets every
/// condition tree directly (re-splitting the text into words for each keyword rule) and assigns with LINQ.
/// </summary>
[MemoryDiagnoser]
public class RoutingDecisionBenchmarks
{
    private const int Batch = 64;
    private readonly WorkloadWeights _weights = WorkloadWeights.Default;
    private RoutingRuleSet _rules = null!;
    private Ticket[] _tickets = null!;
    private AgentProfile[] _agents = null!;
    private AgentAssigner _assigner = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rules = RoutingBenchmarkData.Rules(1000);
        _tickets = RoutingBenchmarkData.Tickets(Batch);
        _agents = RoutingBenchmarkData.Agents(200);
        _assigner = new AgentAssigner(
            [EligibilityFilter.GroupMember, EligibilityFilter.HasSkills, EligibilityFilter.NotAbsent, EligibilityFilter.UnderCapacity(_weights)],
            AgentChooser.LeastLoaded(_weights));
        for (var i = 0; i < Batch; i++)
        {
            var request = RoutingBenchmarkData.Request(_tickets[i]);
            if (_rules.Decide(_tickets[i]).Explain() != _rules.DecideInterpreted(_tickets[i]).Explain()
                || _assigner.Assign(request, _agents).Agent != RoutingBenchmarkData.NaiveLeastLoaded(_agents, request, _weights))
            {
                throw new InvalidOperationException($"Compiled and naive disagree on ticket {i}.");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int NaiveInterpreter()
    {
        var sum = 0;
        foreach (var ticket in _tickets)
        {
            var decision = _rules.DecideInterpreted(ticket);
            var request = RoutingBenchmarkData.Request(ticket);
            sum += decision.Matches.Count + (RoutingBenchmarkData.NaiveLeastLoaded(_agents, request, _weights) is null ? 0 : 1);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Compiled()
    {
        var sum = 0;
        foreach (var ticket in _tickets)
        {
            var decision = _rules.Decide(ticket);
            var request = RoutingBenchmarkData.Request(ticket);
            sum += decision.Matches.Count + (_assigner.Assign(request, _agents).Agent is null ? 0 : 1);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int CompiledRulesOnly()
    {
        var sum = 0;
        foreach (var ticket in _tickets)
        {
            sum += _rules.Decide(ticket).Matches.Count;
        }

        return sum;
    }
}
