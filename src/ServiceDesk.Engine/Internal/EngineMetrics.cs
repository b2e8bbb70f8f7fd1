using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ServiceDesk.Engine.Internal;

/// <summary>The engine's instruments on the <c>ServiceDesk.Engine</c> meter. Tags are namespaced <c>servicedesk.*</c>
/// (<see cref="EngineTelemetry"/> names them), plus the OpenTelemetry <c>error.type</c> on failed durations; the tenant is
/// never a metric tag (unbounded cardinality), only a span tag.</summary>
internal sealed class EngineMetrics : IDisposable
{
    /// <summary>The bucket boundaries advised for command durations, in seconds: 0.5 ms to 10 s. An in-memory command takes
    /// well under a millisecond, one on SQLite or PostgreSQL a few milliseconds, so the low buckets are dense.</summary>
    internal static readonly IReadOnlyList<double> CommandDurationBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>The bucket boundaries advised for sweep durations, in seconds: 1 ms to 60 s (a sweep processes up to a batch
    /// of timers, each a read and an append).</summary>
    internal static readonly IReadOnlyList<double> SweepDurationBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

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
        Duration = meter.CreateHistogram(
            "servicedesk.engine.command.duration",
            "s",
            "Command latency, from the call to the stored result.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommandDurationBuckets });
        SweepDuration = meter.CreateHistogram(
            "servicedesk.engine.sweep.duration",
            "s",
            "Sweep latency: one claim of due timers and their processing.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SweepDurationBuckets });
    }

    public Meter Meter { get; }

    public Counter<long> TicketsOpened { get; }

    public Counter<long> Transitions { get; }

    public Counter<long> Breaches { get; }

    public Counter<long> Conflicts { get; }

    public Histogram<double> Duration { get; }

    public Histogram<double> SweepDuration { get; }

    public Counter<long> Escalations { get; }

    public Counter<long> TimersFired { get; }

    public Counter<long> MemoryRebuilds { get; }

    /// <summary>Counts an opened ticket, tagged with its kind.</summary>
    public void RecordOpened(TicketKind kind)
        => TicketsOpened.Add(1, new KeyValuePair<string, object?>(EngineTelemetry.TicketKindTag, kind.ToString()));

    /// <summary>Counts a workflow transition applied or rejected, tagged with its trigger and outcome.</summary>
    public void RecordTransition(string trigger, CommandOutcome outcome)
        => Transitions.Add(
            1,
            new KeyValuePair<string, object?>(EngineTelemetry.TriggerTag, trigger),
            new KeyValuePair<string, object?>(EngineTelemetry.OutcomeTag, outcome.ToString()));

    /// <summary>Counts an SLA breach, tagged with the metric.</summary>
    public void RecordBreach(string metric)
        => Breaches.Add(1, new KeyValuePair<string, object?>(EngineTelemetry.SlaMetricTag, metric));

    /// <summary>Records a command's duration with its name and outcome, and the error type when it threw.</summary>
    public void RecordCommandDuration(string command, string outcome, string? errorType, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { EngineTelemetry.CommandTag, command },
            { EngineTelemetry.OutcomeTag, outcome },
        };
        if (errorType is not null)
        {
            tags.Add(EngineTelemetry.ErrorTypeTag, errorType);
        }

        Duration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Records a sweep's duration, with the error type when it threw.</summary>
    public void RecordSweepDuration(string? errorType, TimeSpan elapsed)
    {
        if (errorType is null)
        {
            SweepDuration.Record(elapsed.TotalSeconds);
        }
        else
        {
            SweepDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(EngineTelemetry.ErrorTypeTag, errorType));
        }
    }

    public void Dispose() => _owned?.Dispose();
}
