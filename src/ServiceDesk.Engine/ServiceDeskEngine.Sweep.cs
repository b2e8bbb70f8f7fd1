using NodaTime;
using ServiceDesk.Engine.Internal;
using ServiceDesk.Events;
using ServiceDesk.Routing;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine;

/// <content>What a due timer does (used by <see cref="EscalationSweeper"/>).</content>
public sealed partial class ServiceDeskEngine
{
    /// <summary>How long a timer that is still due after firing with nothing to record waits before it is looked at again.</summary>
    private static readonly Duration StuckTimerRetry = Duration.FromMinutes(1);

    /// <summary>Gets the store the engine writes to.</summary>
    internal ITicketStore Store => _store;

    /// <summary>Gets the engine's clock.</summary>
    internal IClock Clock => _clock;

    /// <summary>Processes one claimed timer: records the SLA thresholds reached, fires the escalation rules due, and stores
    /// the ticket's next schedule, all in one append at the version read (or, with nothing to record, completes the timer).</summary>
    /// <remarks>On a batch's engine (<paramref name="complete"/> given), what the timer records is staged
    /// (<see cref="TimerOutcome.Staged"/>) and a timer with nothing to record is completed by <paramref name="complete"/> at once
    /// (on the store, or on the batch for a ticket staged in it). Metrics are recorded by <see cref="RecordFired"/> once the
    /// append is stored.</remarks>
    internal async Task<TimerOutcome> FireTimerAsync(
        TimerLease lease, Instant now, CancellationToken cancellationToken, Func<TimerLease, TicketSchedule, CancellationToken, Task<bool>>? complete = null)
    {
        complete ??= ((ITimerStore)_store).CompleteTimerAsync;
        var stored = await _store.GetStoredAsync(lease.Tenant, lease.Ticket, cancellationToken).ConfigureAwait(false);
        if (stored is null || !Options.Workflows.TryGetValue(stored.Ticket.Kind, out var workflow))
        {
            await complete(lease, TicketSchedule.None, cancellationToken).ConfigureAwait(false);
            return default;
        }

        var ticket = stored.Ticket;
        var policy = PolicyOf(ticket);
        var memory = await MemoryOfAsync(stored, workflow, policy, cancellationToken).ConfigureAwait(false);
        var loaded = new Loaded(ticket, memory, workflow, policy, Later(now, ticket.UpdatedAt));
        var at = loaded.Now;
        var clocks = loaded.Before;

        var events = new List<TicketEvent>();
        var next = ticket;
        foreach (var (metric, cycle, threshold, reachedAt) in Scheduling.ReachedThresholds(clocks, memory))
        {
            events.Add(new SlaThresholdReached(ticket.Tenant, ticket.Id, next.Version + events.Count + 1, at, Actor.System, metric, cycle, threshold, reachedAt));
        }

        var thresholds = events.Count;
        var escalations = 0;
        if (Options.Escalation is { } escalation && Scheduling.IsOpen(workflow, ticket.Status))
        {
            var evaluation = escalation.Evaluate(ticket, Scheduling.Snapshots(policy, clocks), memory.LastPublicUpdate, memory.Marks, at);
            foreach (var firing in evaluation.Firings)
            {
                escalations++;
                next = Fire(next, firing, events, at);
            }
        }

        if (next.AssignmentGroup != ticket.AssignmentGroup)
        {
            // An escalation moved the ticket to another group, unassigned: automatic assignment chooses in the new group.
            next = await AssignWithinAsync(next, AssignmentTrigger.Escalated, Actor.System, at, ticket.Version, events, cancellationToken).ConfigureAwait(false);
        }

        if (Scheduling.AutoCloseDueAt(next, workflow, Options, memory) is { } closeAt && closeAt <= at)
        {
            var fired = workflow.TryFire(next with { Version = ticket.Version + events.Count }, Options.AutoCloseTrigger, new TransitionContext(Actor.System, at)
            {
                StatusSince = memory.StatusSince ?? ticket.OpenedAt,
                Approvals = memory.Approval?.ToSet(),
            });
            if (fired.Succeeded)
            {
                events.AddRange(fired.Events);
                next = fired.Ticket;
                EngineLog.Transitioned(_logger, ticket.Number, ticket.Tenant, Options.AutoCloseTrigger.Name, fired.From, fired.To);
                _metrics.RecordTransition(Options.AutoCloseTrigger.Name, CommandOutcome.Applied);
            }
        }

        if (events.Count == 0)
        {
            var schedule = Scheduling.Compute(ticket, workflow, policy, clocks, Options, memory);
            if (schedule.TimerDueAt is { } again && again <= at)
            {
                // Nothing to record, yet still due: never spin on such a timer; look again a minute later.
                schedule = new TicketSchedule(at + StuckTimerRetry, schedule.TimerPurpose, schedule.Deadline, schedule.Queued);
            }

            var completed = await complete(lease, schedule, cancellationToken).ConfigureAwait(false);
            return new TimerOutcome(0, 0, completed ? 1 : 0, completed ? 0 : 1);
        }

        next = next with { Version = ticket.Version + events.Count, UpdatedAt = at };
        try
        {
            // The same commit path as every command: one append at the version read, with the next schedule and memory.
            await CommitAsync("Sweep", null, null, loaded, new Decision(CommandOutcome.Applied, next, events) { CountsBreaches = false }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ConcurrencyException)
        {
            // Another writer changed the ticket first; its append replaced the schedule, so a timer still due is claimed
            // again by the next sweep and decided on the new state. Nothing was recorded twice.
            _metrics.Conflicts.Add(1);
            return new TimerOutcome(0, 0, 0, 1);
        }

        return new TimerOutcome(escalations, thresholds, 0, 0) { Ticket = ticket, Events = events, Staged = _store is BatchStagingStore };
    }

    /// <summary>Records the metrics and logs of a fired timer whose append is stored.</summary>
    internal void RecordFired(TimerOutcome outcome)
    {
        if (outcome.Ticket is not { } ticket)
        {
            return;
        }

        foreach (var e in outcome.Events)
        {
            if (e is SlaThresholdReached { Threshold: Scheduling.Breach } b)
            {
                _metrics.RecordBreach(b.Metric);
                EngineLog.SlaBreached(_logger, ticket.Number, ticket.Tenant, b.Metric, b.Cycle);
            }
        }

        _metrics.Escalations.Add(outcome.Escalations);
    }

    /// <summary>Appends the events of one firing to <paramref name="events"/> (the <see cref="Escalated"/> records with their
    /// marks, then a move to another group and a priority raise) and returns the ticket with its effects.</summary>
    private Ticket Fire(Ticket ticket, EscalationFiring firing, List<TicketEvent> events, Instant at)
    {
        var (tenant, id, baseVersion) = (ticket.Tenant, ticket.Id, ticket.Version);
        events.AddRange(firing.ToEvents(ticket with { Version = baseVersion + events.Count }, Actor.System, at));
        foreach (var output in firing.Outputs)
        {
            if (output.Group is { } group && group != ticket.AssignmentGroup)
            {
                events.Add(new Assigned(tenant, id, baseVersion + events.Count + 1, at, Actor.System, group, null, ticket.AssignmentGroup, ticket.Assignee));
                ticket = ticket with { AssignmentGroup = group, Assignee = null };
            }

            if (output.Action.Kind == EscalationActionKind.DeclareMajorIncident && !ticket.IsMajorIncident)
            {
                events.Add(new MajorIncidentChanged(tenant, id, baseVersion + events.Count + 1, at, Actor.System, true, $"escalation level {firing.Rule.Level}"));
                ticket = ticket with { IsMajorIncident = true };
            }

            if (output.Priority is { } priority && priority != ticket.Priority)
            {
                events.Add(new PriorityChanged(
                    tenant, id, baseVersion + events.Count + 1, at, Actor.System, ticket.Priority, priority, ticket.Impact, ticket.Urgency,
                    $"escalation level {firing.Rule.Level}"));
                ticket = ticket with { Priority = priority };
            }
        }

        EngineLog.Escalated(_logger, ticket.Number, tenant, firing.Rule.Level, firing.Rule.Name, string.Join(", ", firing.Outputs.Select(o => o.Kind + " " + o.Target)));
        return ticket;
    }

    /// <summary>Counts timers a sweep processed.</summary>
    internal void TimersFired(int count) => _metrics.TimersFired.Add(count);

    /// <summary>What one timer did.</summary>
    internal readonly record struct TimerOutcome(int Escalations, int Thresholds, int Rescheduled, int Conflicts)
    {
        /// <summary>Gets the ticket as read, when the timer recorded events.</summary>
        public Ticket? Ticket { get; init; }

        /// <summary>Gets the events recorded.</summary>
        public IReadOnlyList<TicketEvent> Events { get; init; } = [];

        /// <summary>Gets a value indicating whether the events are staged in a batch (stored when it commits).</summary>
        public bool Staged { get; init; }
    }
}
