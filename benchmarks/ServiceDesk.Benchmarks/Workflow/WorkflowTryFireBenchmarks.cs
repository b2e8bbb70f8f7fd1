using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Workflow;

namespace ServiceDesk.Benchmarks.Workflow;

/// <summary>
/// One incident transition decided by <see cref="WorkflowDefinition.TryFire"/> (a shared definition with its precompiled
/// transition table), against the naive use of Stateless that builds and configures a machine per call. <c>Hold</c> puts
/// an in-progress incident on hold for the caller (one event, SLA paused); <c>Resolve</c> resolves it with a code and
/// notes (two events, SLA stopped). Figures are per decision, including the result (new ticket, events).
/// </summary>
[MemoryDiagnoser]
public class WorkflowTryFireBenchmarks
{
    private readonly WorkflowDefinition _workflow = IncidentLifecycle.Create(WorkflowBenchmarkData.Options);
    private readonly NaiveStatelessIncident _naive = new(WorkflowBenchmarkData.Options);
    private Ticket _ticket = null!;
    private WorkflowTrigger _trigger;
    private TransitionContext _context = null!;

    /// <summary>Gets or sets the transition: <c>Hold</c> or <c>Resolve</c>.</summary>
    [Params("Hold", "Resolve")]
    public string Transition { get; set; } = "Hold";

    [GlobalSetup]
    public void Setup()
    {
        _ticket = WorkflowBenchmarkData.Incident(TicketStatus.InProgress);
        var context = new TransitionContext(WorkflowBenchmarkData.Agent, WorkflowBenchmarkData.T0 + Duration.FromHours(1));
        (_trigger, _context) = Transition == "Hold"
            ? (IncidentLifecycle.Hold, context with { Reason = IncidentLifecycle.AwaitingCaller })
            : (IncidentLifecycle.Resolve, context with { Reason = "SolvedPermanently", Notes = "Replaced the toner." });

        var fast = _workflow.TryFire(_ticket, _trigger, _context);
        var naive = _naive.TryFire(_ticket, _trigger, _context);
        if (!fast.Succeeded || naive.Outcome != fast.Outcome || naive.Ticket != fast.Ticket || !naive.Events.SequenceEqual(fast.Events))
        {
            throw new InvalidOperationException($"The baseline disagrees on {Transition}: {naive.Outcome} vs {fast.Outcome}.");
        }
    }

    [Benchmark(Baseline = true)]
    public NaiveDecision NaiveStatelessPerCall() => _naive.TryFire(_ticket, _trigger, _context);

    [Benchmark]
    public TransitionResult TryFire() => _workflow.TryFire(_ticket, _trigger, _context);
}
