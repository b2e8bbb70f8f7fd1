using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>Evaluates SLA clocks: a pure function of a metric, a ticket's timeline and <c>now</c>.</summary>
/// <remarks>
/// <para>The timeline is replayed entry by entry (entries after <c>now</c> are ignored). At each entry, in this order:</para>
/// <list type="number">
/// <item>time since the previous entry is added to elapsed (running) or paused (paused) business time, in the metric's calendar;</item>
/// <item>a due override for this metric is applied (to the running cycle, or else to the next cycle that starts);</item>
/// <item>a priority change that changes the target is applied according to <see cref="SlaMetric.PriorityChange"/>;</item>
/// <item>a running or paused clock is cancelled if the cancel condition matches, else stopped (met or breached) if the stop
/// condition matches, else restarted in a new cycle if the reset condition matches; then it pauses if running and the pause
/// condition matches, or resumes if paused and the resume condition matches (or, without one, the pause condition no longer does);</item>
/// <item>a clock that is not running starts if the start condition matches: the first time at the entry (or at the ticket's
/// creation with <see cref="SlaMetric.RetroactiveStart"/>), after a stop in a new cycle or continuing the stopped one
/// (<see cref="SlaMetric.Reopen"/>), after a cancel in a new cycle; the same entry can then stop, cancel or pause it.</item>
/// </list>
/// <para>
/// The due instant is where the elapsed business time reaches the target. A clock still running (or paused) at or after
/// its due is breached; one that stops at or before it is met, and one that stops after it is breached even when the
/// calendar was closed in between (due Friday 18:00, answered Saturday: breached). Breach is sticky within a cycle.
/// Evaluation allocates a little per call and is thread-safe.
/// </para>
/// </remarks>
public static class SlaClock
{
    /// <summary>Returns the stages of a clock and the transitions between them as a Mermaid state diagram.</summary>
    /// <returns>Mermaid <c>stateDiagram-v2</c> text; docs/sla.md embeds it and a test keeps the two identical.</returns>
    public static string ToMermaid() => """
        stateDiagram-v2
            [*] --> NotStarted
            NotStarted --> Running: start matches
            Running --> Paused: pause matches
            Paused --> Running: resume matches (without one, pause stops matching)
            Running --> Running: reset matches (new cycle)
            Paused --> Running: reset matches (new cycle)
            Running --> Met: stop matches by the due
            Paused --> Met: stop matches by the due
            Running --> Breached: stop matches after the due (breach is sticky)
            Paused --> Breached: stop matches after the due (breach is sticky)
            Running --> Cancelled: cancel matches
            Paused --> Cancelled: cancel matches
            Met --> Running: start matches again (new cycle or continue)
            Breached --> Running: start matches again (new cycle or continue)
            Cancelled --> Running: start matches again (new cycle)
        """.Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>Evaluates one metric over a ticket's timeline at <paramref name="now"/>.</summary>
    /// <param name="metric">The metric.</param>
    /// <param name="timeline">The ticket's timeline.</param>
    /// <param name="now">The evaluation instant; entries after it have not happened yet.</param>
    /// <returns>The clock's state at <paramref name="now"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static SlaClockState Evaluate(SlaMetric metric, TicketTimeline timeline, Instant now)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(timeline);
        var run = new Run(metric, timeline.CreatedAt, timeline.Entries[0].State.Priority);
        TicketState? previous = null;
        foreach (var entry in timeline.Entries)
        {
            if (entry.At > now)
            {
                break;
            }

            run.Apply(entry, previous);
            previous = entry.State;
        }

        run.AdvanceTo(now);
        return run.Result(now);
    }

    /// <summary>The evaluation state of one metric: applied entry by entry, then advanced to <c>now</c> for a result. Its
    /// size does not grow with the number of entries (running periods that touch are merged), so it can be kept between
    /// commands (see <see cref="SlaTracker"/>).</summary>
    internal sealed class Run
    {
        private readonly SlaMetric metric;
        private readonly Instant createdAt;
        private readonly BusinessCalendar _calendar;
        private readonly List<(Instant Start, Instant End)> _runs = [];
        private SlaStage _stage = SlaStage.NotStarted;
        private int _cycle;
        private Instant _cycleStart;
        private Instant? _stoppedAt;
        private Instant _since;
        private Duration _elapsed;
        private Duration _paused;
        private Duration _target;
        private Instant _targetSince;
        private Instant? _override;
        private Instant? _pendingOverride;
        private Instant? _breachedAt;
        private Priority _priority;

        internal Run(SlaMetric metric, Instant createdAt, Priority priority)
        {
            this.metric = metric;
            this.createdAt = createdAt;
            _calendar = metric.Calendar;
            _target = metric.TargetFor(priority);
            _priority = priority;
        }

        internal Run(SlaMetric metric, Instant createdAt, SlaMetricProgress progress)
        {
            this.metric = metric;
            this.createdAt = createdAt;
            _calendar = metric.Calendar;
            _stage = progress.Stage;
            _cycle = progress.Cycle;
            _cycleStart = progress.CycleStart;
            _stoppedAt = progress.StoppedAt;
            _since = progress.Since;
            _elapsed = progress.Elapsed;
            _paused = progress.Paused;
            _target = progress.Target;
            _targetSince = progress.TargetSince;
            _override = progress.Override;
            _pendingOverride = progress.PendingOverride;
            _breachedAt = progress.BreachedAt;
            _priority = progress.Priority;
            foreach (var r in progress.Runs)
            {
                _runs.Add((r.Start, r.End));
            }
        }

        private Run(Run other)
        {
            metric = other.metric;
            createdAt = other.createdAt;
            _calendar = other._calendar;
            _runs.AddRange(other._runs);
            _stage = other._stage;
            _cycle = other._cycle;
            _cycleStart = other._cycleStart;
            _stoppedAt = other._stoppedAt;
            _since = other._since;
            _elapsed = other._elapsed;
            _paused = other._paused;
            _target = other._target;
            _targetSince = other._targetSince;
            _override = other._override;
            _pendingOverride = other._pendingOverride;
            _breachedAt = other._breachedAt;
            _priority = other._priority;
        }

        internal SlaMetric Metric => metric;

        private bool Active => _stage is SlaStage.Running or SlaStage.Paused;

        internal Run Clone() => new(this);

        internal SlaMetricProgress ToProgress()
        {
            var runs = new SlaRunPeriod[_runs.Count];
            for (var i = 0; i < runs.Length; i++)
            {
                runs[i] = new SlaRunPeriod(_runs[i].Start, _runs[i].End);
            }

            return new SlaMetricProgress
            {
                Metric = metric.Name,
                Stage = _stage,
                Cycle = _cycle,
                CycleStart = _cycleStart,
                StoppedAt = _stoppedAt,
                Since = _since,
                Elapsed = _elapsed,
                Paused = _paused,
                Target = _target,
                TargetSince = _targetSince,
                Override = _override,
                PendingOverride = _pendingOverride,
                BreachedAt = _breachedAt,
                Priority = _priority,
                Runs = runs,
            };
        }

        internal void Apply(TimelineEntry entry, TicketState? previous)
        {
            var at = entry.At;
            AdvanceTo(at);
            if (entry.Kind == TimelineEntryKind.DueOverridden && string.Equals(entry.Metric, metric.Name, StringComparison.Ordinal))
            {
                if (Active)
                {
                    _override = entry.Due;
                    UpdateBreach(at);
                }
                else
                {
                    _pendingOverride = entry.Due;
                }
            }

            if (entry.State.Priority != _priority)
            {
                _priority = entry.State.Priority;
                ChangeTarget(metric.TargetFor(_priority), at);
            }

            if (Active)
            {
                if (metric.Cancel.Matches(entry, previous))
                {
                    StopAt(at, cancelled: true);
                    return;
                }

                if (metric.Stop.Matches(entry, previous))
                {
                    StopAt(at, cancelled: false);
                    return;
                }

                if (metric.Reset.Matches(entry, previous))
                {
                    StartCycle(at);
                }

                PauseOrResume(entry, previous);
                return;
            }

            if (!metric.Start.Matches(entry, previous))
            {
                return;
            }

            if (_stage == SlaStage.NotStarted)
            {
                StartCycle(metric.RetroactiveStart ? createdAt : at);
                AdvanceTo(at);
            }
            else if (_stage is SlaStage.Met or SlaStage.Breached && metric.Reopen == SlaReopenBehavior.Continue)
            {
                _stage = SlaStage.Running;
                _since = at;
                _stoppedAt = null;
                ChangeTarget(metric.TargetFor(_priority), at);
            }
            else
            {
                StartCycle(at);
            }

            if (metric.Cancel.Matches(entry, previous))
            {
                StopAt(at, cancelled: true);
            }
            else if (metric.Stop.Matches(entry, previous))
            {
                StopAt(at, cancelled: false);
            }
            else
            {
                PauseOrResume(entry, previous);
            }
        }

        internal void AdvanceTo(Instant at)
        {
            if (!Active || at <= _since)
            {
                return;
            }

            var business = _calendar.BusinessTimeBetween(_since, at);
            if (_stage == SlaStage.Running)
            {
                _elapsed += business;
                if (_runs.Count > 0 && _runs[^1].End == _since)
                {
                    _runs[^1] = (_runs[^1].Start, at); // contiguous running periods merge: business time is additive
                }
                else
                {
                    _runs.Add((_since, at));
                }
            }
            else
            {
                _paused += business;
            }

            _since = at;
            UpdateBreach(at);
        }

        internal SlaClockState Result(Instant now)
        {
            var end = _stoppedAt ?? now;
            var started = _stage != SlaStage.NotStarted;
            var overridden = started && _override is not null;
            var target = overridden ? _calendar.BusinessTimeBetween(_cycleStart, _override!.Value) : _target;
            var measured = overridden ? _calendar.BusinessTimeBetween(_cycleStart, end) : _elapsed;
            var isBreached = _breachedAt is not null || (Active && started && measured >= target && (overridden ? end >= _override!.Value : true));
            Instant? due = null;
            if (overridden)
            {
                due = _override;
            }
            else if (started && (_stage != SlaStage.Paused || _elapsed >= _target))
            {
                due = _elapsed >= _target ? DueWhenReached() : _calendar.AddBusinessTime(end, _target - _elapsed);
            }

            var thresholds = new SlaThresholdState[metric.Thresholds.Count];
            Instant? next = null;
            for (var i = 0; i < thresholds.Length; i++)
            {
                var threshold = metric.Thresholds[i];
                var elapsedAt = threshold.ElapsedAt(target);
                Instant? at = null;
                bool reached;
                if (!started)
                {
                    reached = false;
                }
                else if (overridden)
                {
                    at = threshold.Kind switch
                    {
                        SlaThresholdKind.BeforeDue => _calendar.AddBusinessTime(_override!.Value, -threshold.Offset),
                        SlaThresholdKind.AfterDue => _calendar.AddBusinessTime(_override!.Value, threshold.Offset),
                        _ => _calendar.AddBusinessTime(_cycleStart, elapsedAt),
                    };
                    reached = at <= end;
                }
                else
                {
                    reached = _elapsed >= elapsedAt;
                    at = reached ? ReachedAt(elapsedAt) : _stage == SlaStage.Running ? _calendar.AddBusinessTime(end, elapsedAt - _elapsed) : null;
                }

                thresholds[i] = new SlaThresholdState(threshold, elapsedAt, reached, at);
                if (!reached && at is { } pending && Active && (_stage == SlaStage.Running || overridden) && pending > now && (next is null || pending < next))
                {
                    next = pending;
                }
            }

            if (Active && (_stage == SlaStage.Running || overridden) && !isBreached && due is { } d && d > now && (next is null || d < next))
            {
                next = d;
            }

            return new SlaClockState
            {
                Metric = metric.Name,
                Stage = _stage,
                Cycle = _cycle,
                IsBreached = isBreached,
                StartedAt = started ? _cycleStart : null,
                StoppedAt = _stoppedAt,
                Target = target,
                Elapsed = _elapsed,
                WallElapsed = started ? end - _cycleStart : Duration.Zero,
                Paused = _paused,
                Remaining = target - measured,
                // A manual due at or before the cycle start leaves no business time to the due: the target is spent (100 %).
                PercentElapsed = target.BclCompatibleTicks > 0 ? measured.BclCompatibleTicks * 100m / target.BclCompatibleTicks : 100m,
                DueAt = due,
                IsDueOverridden = overridden,
                BreachedAt = _breachedAt ?? (isBreached && due is { } missed ? (missed < _cycleStart ? _cycleStart : missed) : null),
                Thresholds = thresholds,
                NextTimerAt = next,
            };
        }

        private void StartCycle(Instant at)
        {
            _cycle++;
            _stage = SlaStage.Running;
            _cycleStart = at;
            _since = at;
            _stoppedAt = null;
            _elapsed = Duration.Zero;
            _paused = Duration.Zero;
            _runs.Clear();
            _breachedAt = null;
            _target = metric.TargetFor(_priority);
            _targetSince = at;
            _override = _pendingOverride;
            _pendingOverride = null;
        }

        private void StopAt(Instant at, bool cancelled)
        {
            _stage = cancelled ? SlaStage.Cancelled : _breachedAt is null ? SlaStage.Met : SlaStage.Breached;
            _stoppedAt = at;
        }

        private void PauseOrResume(TimelineEntry entry, TicketState? previous)
        {
            var pause = metric.Pause.Matches(entry, previous);
            if (_stage == SlaStage.Running && pause)
            {
                _stage = SlaStage.Paused;
            }
            else if (_stage == SlaStage.Paused && (metric.Resume is null ? !pause : metric.Resume.Matches(entry, previous)))
            {
                _stage = SlaStage.Running;
            }
        }

        private void ChangeTarget(Duration target, Instant at)
        {
            if (target == _target)
            {
                return;
            }

            if (!Active)
            {
                // A stopped cycle keeps the target it was judged by; the next cycle (or a continued one) takes the new one.
                if (_stage == SlaStage.NotStarted)
                {
                    _target = target;
                }

                return;
            }

            switch (metric.PriorityChange)
            {
                case SlaPriorityChange.Restart:
                    StartCycle(at);
                    break;
                case SlaPriorityChange.Retroactive:
                    _target = target;
                    _targetSince = _cycleStart;
                    _breachedAt = null;
                    UpdateBreach(at);
                    break;
                default:
                    _target = target;
                    _targetSince = at;
                    UpdateBreach(at);
                    break;
            }
        }

        /// <summary>Records a breach once the measured time exceeds the target (or the override has passed).</summary>
        private void UpdateBreach(Instant at)
        {
            if (_breachedAt is not null)
            {
                return;
            }

            if (_override is { } fixedDue)
            {
                if (at > fixedDue)
                {
                    // A manual due before the cycle start breaches at the start: a clock cannot breach before it runs.
                    _breachedAt = fixedDue < _cycleStart ? _cycleStart : fixedDue;
                }

                return;
            }

            if (_elapsed >= _target)
            {
                var due = DueWhenReached();
                if (at > due)
                {
                    _breachedAt = due;
                }
            }
        }

        /// <summary>The due instant once the elapsed time has reached the target (not before the target took effect).</summary>
        private Instant DueWhenReached()
        {
            var reached = ReachedAt(_target);
            return reached < _targetSince ? _targetSince : reached;
        }

        /// <summary>The instant the cycle's running time reached an amount of elapsed business time (at most the elapsed so far).</summary>
        private Instant ReachedAt(Duration amount)
        {
            if (amount <= Duration.Zero)
            {
                return _cycleStart;
            }

            var total = Duration.Zero;
            foreach (var (start, end) in _runs)
            {
                var business = _calendar.BusinessTimeBetween(start, end);
                if (total + business >= amount)
                {
                    return _calendar.AddBusinessTime(start, amount - total);
                }

                total += business;
            }

            return _runs.Count > 0 ? _runs[^1].End : _cycleStart;
        }
    }
}
