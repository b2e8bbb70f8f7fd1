using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ServiceDesk.Engine.Internal;

/// <summary>The engine's instruments on the <c>ServiceDesk.Engine</c> meter.</summary>
internal sealed class EngineMetrics : IDisposable
{
    private readonly Meter? _owned;

    public EngineMetrics(IMeterFactory? factory)
    {
        var meter = factory?.Create(new MeterOptions(ServiceDeskEngine.MeterName)) ?? (_owned = new Meter(ServiceDeskEngine.MeterName));
        Meter = meter;
        TicketsOpened = meter.CreateCounter<long>("servicedesk.engine.tickets.opened", "{ticket}", "Tickets opened.");
        Transitions = meter.CreateCounter<long>("servicedesk.engine.transitions", "{transition}", "Workflow transitions applied or rejected.");
        Breaches = meter.CreateCounter<long>("servicedesk.engine.sla.breaches", "{breach}", "SLA clocks a command stopped in breach.");
        Conflicts = meter.CreateCounter<long>("servicedesk.engine.command.conflicts", "{conflict}", "Concurrency conflicts retried by the retry helper.");
        Escalations = meter.CreateCounter<long>("servicedesk.engine.escalations", "{escalation}", "Escalation levels fired by the sweeper.");
        TimersFired = meter.CreateCounter<long>("servicedesk.engine.timers.fired", "{timer}", "Due timers processed by the sweeper.");
        MemoryRebuilds = meter.CreateCounter<long>(
            "servicedesk.engine.memory.rebuilds", "{ticket}", "Tickets whose stored memory was missing or stale and was rebuilt from the history.");
        Duration = meter.CreateHistogram<double>("servicedesk.engine.command.duration", "s", "Command latency, from the call to the stored result.");
    }

    public Meter Meter { get; }

    public Counter<long> TicketsOpened { get; }

    public Counter<long> Transitions { get; }

    public Counter<long> Breaches { get; }

    public Counter<long> Conflicts { get; }

    public Histogram<double> Duration { get; }

    public Counter<long> Escalations { get; }

    public Counter<long> TimersFired { get; }

    public Counter<long> MemoryRebuilds { get; }

    public void RecordDuration(string command, string outcome, long startTimestamp)
        => Duration.Record(
            Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
            new KeyValuePair<string, object?>("command", command),
            new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _owned?.Dispose();
}
