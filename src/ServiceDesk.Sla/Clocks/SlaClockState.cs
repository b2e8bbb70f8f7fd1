using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>The stage of an SLA clock's current cycle.</summary>
public enum SlaStage
{
    /// <summary>The start condition has not matched yet.</summary>
    NotStarted = 0,

    /// <summary>Counting business time (possibly already past its due: see <see cref="SlaClockState.IsBreached"/>).</summary>
    Running = 1,

    /// <summary>Paused: business time is counted as paused time, not elapsed time.</summary>
    Paused = 2,

    /// <summary>Stopped within the target.</summary>
    Met = 3,

    /// <summary>Stopped after the target was exceeded (or after a breach earlier in the cycle: breach is sticky).</summary>
    Breached = 4,

    /// <summary>Cancelled by the cancel condition; neither met nor breached.</summary>
    Cancelled = 5,
}

/// <summary>The state of one threshold of an evaluated clock.</summary>
/// <param name="Threshold">The threshold.</param>
/// <param name="ElapsedAt">The elapsed business time at which it is reached (with a due override: time since the cycle start).</param>
/// <param name="IsReached">Whether it has been reached in the current cycle.</param>
/// <param name="At">
/// When reached, the instant it was reached; otherwise the instant it will be reached if the clock keeps running, or
/// <see langword="null"/> when the clock is not running (paused or stopped) and has no fixed due.
/// </param>
public sealed record SlaThresholdState(SlaThreshold Threshold, Duration ElapsedAt, bool IsReached, Instant? At);

/// <summary>The evaluated state of one SLA clock at an instant: a pure function of a metric, a timeline and <c>now</c>.</summary>
/// <remarks>
/// <para>
/// Invariants: <c>Elapsed &lt;= WallElapsed</c> and <c>Elapsed + Paused &lt;= WallElapsed</c>; <see cref="Remaining"/> is
/// <c>Target - Elapsed</c> (negative once over); <see cref="PercentElapsed"/> is exact (ticks, <see cref="decimal"/>)
/// and rounded only for display. With a manual due override, pauses do not move the due: the target becomes the business
/// time from the cycle start to the override, and <see cref="Remaining"/>, <see cref="PercentElapsed"/> and the
/// thresholds count all business time since the cycle start, paused or not.
/// </para>
/// </remarks>
public sealed record SlaClockState
{
    /// <summary>Gets the metric's name.</summary>
    public required string Metric { get; init; }

    /// <summary>Gets the stage of the current cycle.</summary>
    public required SlaStage Stage { get; init; }

    /// <summary>Gets the current cycle number, from 1; 0 before the first start.</summary>
    public required int Cycle { get; init; }

    /// <summary>
    /// Gets a value indicating whether the current cycle is breached: stopped as <see cref="SlaStage.Breached"/>, or still
    /// running or paused with its due instant reached (a clock running at exactly its due instant is breached; one that
    /// stops exactly then is met).
    /// </summary>
    public required bool IsBreached { get; init; }

    /// <summary>Gets the start of the current cycle.</summary>
    public Instant? StartedAt { get; init; }

    /// <summary>Gets the stop (met, breached or cancelled) of the current cycle, if stopped.</summary>
    public Instant? StoppedAt { get; init; }

    /// <summary>Gets the target in force (business time).</summary>
    public required Duration Target { get; init; }

    /// <summary>Gets the business time counted while running in the current cycle.</summary>
    public required Duration Elapsed { get; init; }

    /// <summary>Gets the wall time from the cycle start to the stop, or to <c>now</c>.</summary>
    public required Duration WallElapsed { get; init; }

    /// <summary>Gets the business time spent paused in the current cycle (same calendar as the target).</summary>
    public required Duration Paused { get; init; }

    /// <summary>Gets the business time left before the due; negative once over.</summary>
    public required Duration Remaining { get; init; }

    /// <summary>Gets the elapsed share of the target in per cent, exact; above 100 once over.</summary>
    public required decimal PercentElapsed { get; init; }

    /// <summary>
    /// Gets the due instant: when running, adjusted for every pause so far; when stopped, the due the clock had; the manual
    /// override when there is one; <see langword="null"/> before the start, and while paused before the due is reached
    /// (the due moves with the pause, so it is not known yet).
    /// </summary>
    /// <remarks>
    /// A clock paused <b>after</b> its breach keeps reporting the due it missed (equal to <see cref="BreachedAt"/>): once the
    /// elapsed time has reached the target the due can no longer move, and the breach is sticky. It has no
    /// <see cref="NextTimerAt"/> while paused, so no threshold after the due (and no escalation on one) fires while the
    /// ticket is on hold; they come due again, in business time, once the clock resumes.
    /// </remarks>
    public Instant? DueAt { get; init; }

    /// <summary>Gets a value indicating whether <see cref="DueAt"/> is a manual override.</summary>
    public bool IsDueOverridden { get; init; }

    /// <summary>Gets the instant the current cycle breached, if it did.</summary>
    public Instant? BreachedAt { get; init; }

    /// <summary>Gets the thresholds of the metric, in definition order.</summary>
    public required IReadOnlyList<SlaThresholdState> Thresholds { get; init; }

    /// <summary>
    /// Gets the next instant after <c>now</c> at which this clock needs attention (an unreached threshold or the due), or
    /// <see langword="null"/> when none can come without a new timeline entry (not started, paused, stopped, or all
    /// reached). This is what an escalation scheduler stores.
    /// </summary>
    public Instant? NextTimerAt { get; init; }
}
