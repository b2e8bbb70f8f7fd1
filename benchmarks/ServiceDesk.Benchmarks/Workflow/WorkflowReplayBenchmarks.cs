using BenchmarkDotNet.Attributes;
using ServiceDesk.Workflow;

namespace ServiceDesk.Benchmarks.Workflow;

/// <summary>
/// The full replay of the real ServiceNow incident log (141,712 events of 24,918 incidents, 64,022 lifecycle decisions)
/// through the shipped incident lifecycle, with the mapping of the replay test. The log is read and mapped once in the
/// setup; a run creates the tickets, builds each decision's context, decides, and follows the log. Figures are per full
/// replay: <see cref="WorkflowDefinition.TryFire"/> against the naive use of Stateless that builds and configures a
/// machine per decision.
/// </summary>
[MemoryDiagnoser]
public class WorkflowReplayBenchmarks
{
    private readonly WorkflowDefinition _workflow = IncidentLifecycle.Create(WorkflowBenchmarkData.Options);
    private readonly NaiveStatelessIncident _naive = new(WorkflowBenchmarkData.Options);
    private UciEvent[] _events = [];

    [GlobalSetup]
    public void Setup()
    {
        _events = UciIncidentLog.Load(UciIncidentLog.DataPath());
        if (_events.Length != 141_712)
        {
            throw new InvalidOperationException($"The log has {_events.Length:N0} events; expected 141,712.");
        }

        var fast = ReplayTryFire();
        var naive = NaiveStatelessPerDecision();
        if (fast != UciIncidentLog.Documented || naive != fast)
        {
            throw new InvalidOperationException($"The replay disagrees with the documented counts: {fast} (naive {naive}), expected {UciIncidentLog.Documented}.");
        }
    }

    [Benchmark(Baseline = true)]
    public ReplayCounts NaiveStatelessPerDecision() => UciIncidentLog.Replay(_events, (ticket, trigger, context) =>
    {
        var d = _naive.TryFire(ticket, trigger, context);
        return (d.Outcome, d.Ticket);
    });

    [Benchmark]
    public ReplayCounts ReplayTryFire() => UciIncidentLog.Replay(_events, (ticket, trigger, context) =>
    {
        var r = _workflow.TryFire(ticket, trigger, context);
        return (r.Outcome, r.Ticket);
    });
}
