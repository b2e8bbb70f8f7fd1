using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Routing;

/// <summary>Where an SLA clock stands, as far as escalation cares.</summary>
public enum SlaClockStage
{
    /// <summary>Counting towards its target; not yet breached.</summary>
    Running = 1,

    /// <summary>Paused (on hold, awaiting the caller): nothing escalates on this clock.</summary>
    Paused = 2,

    /// <summary>Still counting, past its due instant: after-deadline thresholds keep escalating.</summary>
    Breached = 3,

    /// <summary>Stopped (target met, or stopped after a breach): nothing escalates on this clock any more.</summary>
    Stopped = 4,

    /// <summary>Cancelled (the metric no longer applies): nothing escalates on this clock.</summary>
    Cancelled = 5,
}

/// <summary>The state of one SLA clock of a ticket, as escalation needs it: a small input type so that Routing does not
/// depend on how ServiceDesk.Sla computes clocks.</summary>
/// <remarks>
/// <para>The engine maps each clock state of ServiceDesk.Sla onto a snapshot: the metric name and cycle; the stage
/// (running and not breached → <see cref="SlaClockStage.Running"/>, running and breached →
/// <see cref="SlaClockStage.Breached"/>, paused → <see cref="SlaClockStage.Paused"/>, stopped →
/// <see cref="SlaClockStage.Stopped"/>, cancelled → <see cref="SlaClockStage.Cancelled"/>); the start of the cycle;
/// the target; the due instant, which already includes every pause so far; and the clock's business calendar.</para>
/// <para>Thresholds are computed backwards from <see cref="Due"/> in the calendar's business time, which is exact while
/// the clock runs without pausing from now to the deadline; when the clock pauses, the engine passes a new snapshot
/// (with a new due instant) and the schedule moves with it.</para>
/// </remarks>
public readonly record struct SlaClockSnapshot
{
    /// <summary>Initializes a snapshot.</summary>
    /// <param name="metric">The metric name (e.g. <c>resolution</c>), 1 to 64 characters, compared ordinally.</param>
    /// <param name="cycle">The SLA cycle, 1 or more (a reopen may start a new one).</param>
    /// <param name="stage">The stage.</param>
    /// <param name="start">When the clock (this cycle) started.</param>
    /// <param name="target">The target in business time, greater than zero.</param>
    /// <param name="due">The deadline, pauses included; not before <paramref name="start"/>.</param>
    /// <param name="calendar">The clock's business calendar; <see langword="null"/> for 24×7.</param>
    /// <exception cref="ArgumentNullException"><paramref name="metric"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="metric"/> is blank or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The cycle, stage, target or due instant is out of range.</exception>
    public SlaClockSnapshot(string metric, int cycle, SlaClockStage stage, Instant start, Duration target, Instant due, BusinessCalendar? calendar = null)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (string.IsNullOrWhiteSpace(metric) || metric.Length > 64)
        {
            throw new ArgumentException($"A metric name must be 1 to 64 characters and not blank; got {TextPolicy.Echo(metric)}.", nameof(metric));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(cycle, 1);
        if (!Enum.IsDefined(stage))
        {
            throw new ArgumentOutOfRangeException(nameof(stage), stage, $"Use one of {string.Join(", ", Enum.GetNames<SlaClockStage>())}.");
        }

        if (target <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "The target must be greater than zero.");
        }

        if (due < start)
        {
            throw new ArgumentOutOfRangeException(nameof(due), due, $"The due instant must not be before the start {start}.");
        }

        (Metric, Cycle, Stage, Start, Target, Due, Calendar) = (metric, cycle, stage, start, target, due, calendar);
    }

    /// <summary>Gets the metric name.</summary>
    public string Metric { get; }

    /// <summary>Gets the SLA cycle.</summary>
    public int Cycle { get; }

    /// <summary>Gets the stage.</summary>
    public SlaClockStage Stage { get; }

    /// <summary>Gets when this cycle started.</summary>
    public Instant Start { get; }

    /// <summary>Gets the target in business time.</summary>
    public Duration Target { get; }

    /// <summary>Gets the deadline, pauses included.</summary>
    public Instant Due { get; }

    /// <summary>Gets the business calendar; <see langword="null"/> for 24×7.</summary>
    public BusinessCalendar? Calendar { get; }

    /// <summary>Gets a value indicating whether the clock still counts (<see cref="SlaClockStage.Running"/> or
    /// <see cref="SlaClockStage.Breached"/>), so its thresholds can fire.</summary>
    public bool IsCounting => Stage is SlaClockStage.Running or SlaClockStage.Breached;

    /// <summary>Returns the instant <paramref name="before"/> of business time before <see cref="Due"/> (negative: after),
    /// clamped to <see cref="Start"/>.</summary>
    /// <param name="before">Business time before the deadline; negative for after it.</param>
    /// <returns>The instant.</returns>
    public Instant BeforeDue(Duration before)
    {
        if (before <= Duration.Zero)
        {
            var after = -before;
            return Calendar is { } c ? c.AddBusinessTime(Due, after) : Due + after;
        }

        if (Calendar is not { } calendar)
        {
            var instant = Due - before;
            return instant < Start ? Start : instant;
        }

        // Backwards in business time: the open time in [Start, Due) is B, so the instant with `before` of open time left
        // is the one reached after B - before of open time from the start.
        var total = calendar.BusinessTimeBetween(Start, Due);
        return before >= total ? Start : calendar.AddBusinessTime(Start, total - before);
    }
}
