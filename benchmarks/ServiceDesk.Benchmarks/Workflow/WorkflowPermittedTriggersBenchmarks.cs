using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Workflow;

namespace ServiceDesk.Benchmarks.Workflow;

/// <summary>
/// What a UI may offer for an in-progress incident to an agent (<c>Hold</c>, <c>Resolve</c>, <c>Cancel</c>):
/// <see cref="WorkflowDefinition.PermittedTriggers"/> against the naive use of Stateless that builds and configures a
/// machine per call. Figures are per call.
/// </summary>
[MemoryDiagnoser]
public class WorkflowPermittedTriggersBenchmarks
{
    private readonly WorkflowDefinition _workflow = IncidentLifecycle.Create(WorkflowBenchmarkData.Options);
    private readonly NaiveStatelessIncident _naive = new(WorkflowBenchmarkData.Options);
    private Ticket _ticket = null!;
    private TransitionContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ticket = WorkflowBenchmarkData.Incident(TicketStatus.InProgress);
        _context = new TransitionContext(WorkflowBenchmarkData.Agent, WorkflowBenchmarkData.T0 + Duration.FromHours(1));
        var fast = _workflow.PermittedTriggers(_ticket, _context);
        var naive = _naive.PermittedTriggers(_ticket, _context);
        if (fast.Count != 3 || !fast.SequenceEqual(naive))
        {
            throw new InvalidOperationException($"The baseline disagrees: {string.Join(", ", naive)} vs {string.Join(", ", fast)}.");
        }
    }

    [Benchmark(Baseline = true)]
    public IReadOnlyList<WorkflowTrigger> NaiveStatelessPerCall() => _naive.PermittedTriggers(_ticket, _context);

    [Benchmark]
    public IReadOnlyList<WorkflowTrigger> PermittedTriggers() => _workflow.PermittedTriggers(_ticket, _context);
}
