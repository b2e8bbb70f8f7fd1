using NodaTime;
using ServiceDesk.Engine.Internal;
using ServiceDesk.Events;
using ServiceDesk.Routing;
using ServiceDesk.Sla;
using ServiceDesk.Storage;

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
    internal async Task<TimerOutcome> FireTimerAsync(TimerLease lease, Instant now, CancellationToken cancellationToken)
    {
        var timers = (ITimerStore)_store;
        var ticket = await _store.GetAsync(lease.Tenant, lease.Ticket, cancellationToken).ConfigureAwait(false);
        if (ticket is null || !Options.Workflows.TryGetValue(ticket.Kind, out var workflow))
        {
            await timers.CompleteTimerAsync(lease, TicketSchedule.None, cancellationToken).ConfigureAwait(false);
            return default;
        }

        var history = await ReadHistoryUpToAsync(ticket, cancellationToken).ConfigureAwait(false);
        var policy = PolicyOf(ticket);
        var at = Later(now, ticket.UpdatedAt);
        var clocks = SlaTimelines.Evaluate(policy, SlaTimelines.Build(ticket, history, workflow), at);

        var events = new List<TicketEvent>();
        var next = ticket;
        foreach (var (metric, cycle, threshold, reachedAt) in Scheduling.ReachedThresholds(clocks, history))
        {
            events.Add(new SlaThresholdReached(ticket.Tenant, ticket.Id, next.Version + events.Count + 1, at, Actor.System, metric, cycle, threshold, reachedAt));
        }

        var thresholds = events.Count;
        var escalations = 0;
        if (Options.Escalation is { } escalation && Scheduling.IsOpen(workflow, ticket.Status))
        {
            var evaluation = escalation.Evaluate(
                ticket, Scheduling.Snapshots(policy, clocks), Scheduling.LastPublicUpdate(history), Scheduling.Marks(history), at);
            foreach (var firing in evaluation.Firings)
            {
                escalations++;
                next = Fire(next, firing, events, at);
            }
        }

        if (events.Count == 0)
        {
            var schedule = Scheduling.Compute(ticket, workflow, policy, clocks, Options.Escalation, history);
            if (schedule.TimerDueAt is { } again && again <= at)
            {
                // Nothing to record, yet still due: never spin on such a timer; look again a minute later.
                schedule = new TicketSchedule(at + StuckTimerRetry, schedule.TimerPurpose, schedule.Deadline, schedule.Queued);
            }

            var completed = await timers.CompleteTimerAsync(lease, schedule, cancellationToken).ConfigureAwait(false);
            return new TimerOutcome(0, 0, completed ? 1 : 0, completed ? 0 : 1);
        }

        next = next with { Version = ticket.Version + events.Count, UpdatedAt = at };
        TicketEvent[] nextHistory = [.. history, .. events];
        var after = SlaTimelines.Evaluate(policy, SlaTimelines.Build(next, nextHistory, workflow), at);
        var append = new TicketAppend(next, events, ticket.Version)
        {
            Schedule = Scheduling.Compute(next, workflow, policy, after, Options.Escalation, nextHistory),
        };
        try
        {
            await _store.AppendAsync(append, cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyException)
        {
            // Another writer changed the ticket first; its append replaced the schedule, so a timer still due is claimed
            // again by the next sweep and decided on the new state. Nothing was recorded twice.
            _metrics.Conflicts.Add(1);
            return new TimerOutcome(0, 0, 0, 1);
        }

        foreach (var e in events)
        {
            if (e is SlaThresholdReached { Threshold: Scheduling.Breach } b)
            {
                _metrics.RecordBreach(b.Metric);
                EngineLog.SlaBreached(_logger, ticket.Number, ticket.Tenant, b.Metric, b.Cycle);
            }
        }

        _metrics.Escalations.Add(escalations);
        return new TimerOutcome(escalations, thresholds, 0, 0);
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
    internal readonly record struct TimerOutcome(int Escalations, int Thresholds, int Rescheduled, int Conflicts);
}
