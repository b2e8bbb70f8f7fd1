using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>
/// Incremental evaluation of a policy's clocks: feed a ticket's changes one by one as they happen, evaluate at any later
/// instant, and save the state between commands so that a command's cost does not grow with the ticket's history.
/// </summary>
/// <remarks>
/// <para>
/// A tracker applies exactly the rules of <see cref="SlaClock.Evaluate"/>: after the same changes, <see cref="Evaluate"/>
/// at <c>now</c> returns what <see cref="SlaPolicy.Evaluate"/> returns for the timeline of those changes at <c>now</c>
/// (pinned by a property test). Its size depends on the number of metrics and of running periods in the current cycle
/// (contiguous running periods merge), not on the number of changes: comments and other entries that do not pause or
/// resume a clock add nothing.
/// </para>
/// <para>Changes must come in time order (an earlier instant than <see cref="LastAt"/> throws). A tracker is mutable and
/// not thread-safe; <see cref="Clone"/> it to evaluate "what if" without touching the original. <see cref="ToState"/> and
/// <see cref="FromState"/> save and restore it (the engine stores the state with each ticket).</para>
/// </remarks>
public sealed class SlaTracker
{
    private readonly SlaClock.Run[] _runs;

    private SlaTracker(SlaPolicy policy, Instant createdAt, Instant lastAt, TicketState current, SlaClock.Run[] runs)
    {
        Policy = policy;
        CreatedAt = createdAt;
        LastAt = lastAt;
        Current = current;
        _runs = runs;
    }

    /// <summary>Gets the policy whose metrics are tracked.</summary>
    public SlaPolicy Policy { get; }

    /// <summary>Gets the ticket's creation instant (where a retroactive start begins).</summary>
    public Instant CreatedAt { get; }

    /// <summary>Gets the instant of the last change applied; <see cref="Evaluate"/> needs an instant at or after it.</summary>
    public Instant LastAt { get; private set; }

    /// <summary>Gets the ticket's state after the last change.</summary>
    public TicketState Current { get; private set; }

    /// <summary>Starts tracking a ticket created at <paramref name="createdAt"/> (applies the creation entry).</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="createdAt">When the ticket was created.</param>
    /// <param name="status">Its status at creation.</param>
    /// <param name="priority">Its priority at creation.</param>
    /// <param name="holdReason">Its hold reason at creation, if created on hold.</param>
    /// <returns>The tracker.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="status"/> is null or empty.</exception>
    public static SlaTracker Start(SlaPolicy policy, Instant createdAt, string status, Priority priority, string? holdReason = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentException.ThrowIfNullOrEmpty(status);
        var state = new TicketState(status, holdReason, priority);
        var runs = new SlaClock.Run[policy.Metrics.Count];
        for (var i = 0; i < runs.Length; i++)
        {
            runs[i] = new SlaClock.Run(policy.Metrics[i], createdAt, priority);
        }

        var tracker = new SlaTracker(policy, createdAt, createdAt, state, runs);
        tracker.Apply(new TimelineEntry(createdAt, TimelineEntryKind.Created, state), null);
        return tracker;
    }

    /// <summary>Restores a tracker saved with <see cref="ToState"/>.</summary>
    /// <param name="policy">The policy the state was saved for: the same metric names in the same order.</param>
    /// <param name="state">The saved state.</param>
    /// <returns>The tracker.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The state's metrics are not the policy's (by name and order).</exception>
    public static SlaTracker FromState(SlaPolicy policy, SlaTrackerState state)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(state);
        if (state.Metrics.Count != policy.Metrics.Count)
        {
            throw new ArgumentException(
                $"The state tracks {state.Metrics.Count} metric(s) but policy {TextPolicy.Echo(policy.Name)} has {policy.Metrics.Count}.", nameof(state));
        }

        var runs = new SlaClock.Run[policy.Metrics.Count];
        for (var i = 0; i < runs.Length; i++)
        {
            var metric = policy.Metrics[i];
            var progress = state.Metrics[i] ?? throw new ArgumentException($"state.Metrics[{i}] is null.", nameof(state));
            if (!string.Equals(progress.Metric, metric.Name, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"state.Metrics[{i}] is metric '{Truncate(progress.Metric)}' but policy {TextPolicy.Echo(policy.Name)} has {TextPolicy.Echo(metric.Name)} there.", nameof(state));
            }

            runs[i] = new SlaClock.Run(metric, state.CreatedAt, progress);
        }

        return new SlaTracker(policy, state.CreatedAt, state.LastAt, state.Current, runs);
    }

    /// <summary>Records a status change (and the hold reason, when the new status is a hold).</summary>
    /// <param name="at">When; not before <see cref="LastAt"/>.</param>
    /// <param name="status">The new status.</param>
    /// <param name="holdReason">The hold reason, or <see langword="null"/>.</param>
    /// <returns>This tracker.</returns>
    /// <exception cref="ArgumentException"><paramref name="status"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="at"/> is before <see cref="LastAt"/>.</exception>
    public SlaTracker ChangeStatus(Instant at, string status, string? holdReason = null) => Add(TimelineEntry.StatusChange(at, Current, status, holdReason));

    /// <summary>Records a priority change.</summary>
    /// <param name="at">When; not before <see cref="LastAt"/>.</param>
    /// <param name="priority">The new priority.</param>
    /// <returns>This tracker.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="at"/> is before <see cref="LastAt"/>.</exception>
    public SlaTracker ChangePriority(Instant at, Priority priority) => Add(TimelineEntry.PriorityChange(at, Current, priority));

    /// <summary>Records a comment.</summary>
    /// <param name="at">When; not before <see cref="LastAt"/>.</param>
    /// <param name="actor">Who wrote it.</param>
    /// <param name="isPublic">Whether the requester can see it.</param>
    /// <returns>This tracker.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="at"/> is before <see cref="LastAt"/>.</exception>
    public SlaTracker Comment(Instant at, SlaActor actor, bool isPublic = true) => Add(TimelineEntry.CommentBy(at, Current, actor, isPublic));

    /// <summary>Records a named event (for <see cref="SlaCondition.Event"/> conditions).</summary>
    /// <param name="at">When; not before <see cref="LastAt"/>.</param>
    /// <param name="name">The event's name.</param>
    /// <param name="actor">Who caused it.</param>
    /// <returns>This tracker.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="at"/> is before <see cref="LastAt"/>.</exception>
    public SlaTracker Event(Instant at, string name, SlaActor actor = SlaActor.System) => Add(TimelineEntry.Named(at, Current, name, actor));

    /// <summary>Sets (or, with <see langword="null"/>, clears) a manual due instant for one metric.</summary>
    /// <param name="at">When; not before <see cref="LastAt"/>.</param>
    /// <param name="metric">The metric's name.</param>
    /// <param name="due">The due instant, or <see langword="null"/> to clear the override.</param>
    /// <returns>This tracker.</returns>
    /// <exception cref="ArgumentException"><paramref name="metric"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="at"/> is before <see cref="LastAt"/>.</exception>
    public SlaTracker OverrideDue(Instant at, string metric, Instant? due) => Add(TimelineEntry.Override(at, Current, metric, due));

    /// <summary>Evaluates every metric's clock at <paramref name="now"/>, without changing the tracker.</summary>
    /// <param name="now">The instant; at or after <see cref="LastAt"/>.</param>
    /// <returns>One state per metric, in the policy's order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="now"/> is before <see cref="LastAt"/>.</exception>
    public IReadOnlyList<SlaClockState> Evaluate(Instant now)
    {
        CheckOrder(now, nameof(now));
        var result = new SlaClockState[_runs.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var run = _runs[i].Clone();
            run.AdvanceTo(now);
            result[i] = run.Result(now);
        }

        return result;
    }

    /// <summary>Returns an independent copy.</summary>
    /// <returns>The copy.</returns>
    public SlaTracker Clone()
    {
        var runs = new SlaClock.Run[_runs.Length];
        for (var i = 0; i < runs.Length; i++)
        {
            runs[i] = _runs[i].Clone();
        }

        return new SlaTracker(Policy, CreatedAt, LastAt, Current, runs);
    }

    /// <summary>Saves the tracker's state (an immutable value to store and later pass to <see cref="FromState"/>).</summary>
    /// <returns>The state.</returns>
    public SlaTrackerState ToState()
    {
        var metrics = new SlaMetricProgress[_runs.Length];
        for (var i = 0; i < metrics.Length; i++)
        {
            metrics[i] = _runs[i].ToProgress();
        }

        return new SlaTrackerState(CreatedAt, LastAt, Current, metrics);
    }

    private SlaTracker Add(TimelineEntry entry)
    {
        CheckOrder(entry.At, "at");
        Apply(entry, Current);
        return this;
    }

    private void Apply(TimelineEntry entry, TicketState? previous)
    {
        foreach (var run in _runs)
        {
            run.Apply(entry, previous);
        }

        LastAt = entry.At;
        Current = entry.State;
    }

    private void CheckOrder(Instant at, string paramName)
    {
        if (at < LastAt)
        {
            throw new ArgumentOutOfRangeException(paramName, at, $"Changes must come in time order: {at} is before the last change at {LastAt}.");
        }
    }

    private static string Truncate(string? value) => value is null ? "(null)" : value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "...");
}

/// <summary>The saved state of an <see cref="SlaTracker"/>: an immutable value to store between commands.</summary>
/// <param name="CreatedAt">The ticket's creation instant.</param>
/// <param name="LastAt">The instant of the last change applied.</param>
/// <param name="Current">The ticket's state after the last change.</param>
/// <param name="Metrics">The progress of each metric, in the policy's order.</param>
public sealed record SlaTrackerState(Instant CreatedAt, Instant LastAt, TicketState Current, IReadOnlyList<SlaMetricProgress> Metrics);

/// <summary>A running period of a clock's current cycle (business time is counted inside it).</summary>
/// <param name="Start">Where it starts.</param>
/// <param name="End">Where it ends (so far).</param>
public readonly record struct SlaRunPeriod(Instant Start, Instant End);

/// <summary>The saved progress of one metric's clock (part of an <see cref="SlaTrackerState"/>).</summary>
/// <remarks>The fields mirror the evaluation rules documented on <see cref="SlaClock"/>; they are meant to be stored and
/// restored as they are, not edited.</remarks>
public sealed record SlaMetricProgress
{
    /// <summary>Gets the metric's name.</summary>
    public required string Metric { get; init; }

    /// <summary>Gets the stage of the current cycle.</summary>
    public required SlaStage Stage { get; init; }

    /// <summary>Gets the current cycle (0 before the first start).</summary>
    public required int Cycle { get; init; }

    /// <summary>Gets where the current cycle started.</summary>
    public Instant CycleStart { get; init; }

    /// <summary>Gets where the current cycle stopped, if it did.</summary>
    public Instant? StoppedAt { get; init; }

    /// <summary>Gets the instant up to which elapsed and paused time are counted.</summary>
    public Instant Since { get; init; }

    /// <summary>Gets the elapsed business time of the cycle.</summary>
    public Duration Elapsed { get; init; }

    /// <summary>Gets the paused business time of the cycle.</summary>
    public Duration Paused { get; init; }

    /// <summary>Gets the cycle's target.</summary>
    public Duration Target { get; init; }

    /// <summary>Gets since when the target applies.</summary>
    public Instant TargetSince { get; init; }

    /// <summary>Gets the manual due of the cycle, if any.</summary>
    public Instant? Override { get; init; }

    /// <summary>Gets a manual due waiting for the next cycle, if any.</summary>
    public Instant? PendingOverride { get; init; }

    /// <summary>Gets when the cycle breached, if it did.</summary>
    public Instant? BreachedAt { get; init; }

    /// <summary>Gets the ticket's priority as the clock last saw it.</summary>
    public Priority Priority { get; init; }

    /// <summary>Gets the running periods of the current cycle (contiguous ones merged).</summary>
    public IReadOnlyList<SlaRunPeriod> Runs { get; init; } = [];
}
