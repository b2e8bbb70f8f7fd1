using System.Globalization;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Routing;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Internal;

/// <summary>Computes a ticket's stored schedule (timer, deadline, queue membership) and what its timer fires.</summary>
internal static class Scheduling
{
    /// <summary>The name recorded in <see cref="SlaThresholdReached.Threshold"/> for a breach.</summary>
    public const string Breach = "breach";

    /// <summary>The purpose of an auto-close timer.</summary>
    public const string AutoClosePurpose = "auto-close";

    /// <summary>Open means work remains: the state is not terminal and does not stop the SLA clocks.</summary>
    public static bool IsOpen(WorkflowDefinition workflow, TicketStatus status)
        => workflow.HasState(status) && workflow.GetState(status) is { IsTerminal: false } state && state.Sla != SlaMode.Stopped;

    /// <summary>The schedule of a ticket whose clocks are <paramref name="clocks"/>.</summary>
    public static TicketSchedule Compute(
        Ticket ticket, WorkflowDefinition workflow, SlaPolicy? policy, IReadOnlyList<SlaClockState> clocks,
        ServiceDeskEngineOptions options, TicketMemory memory)
    {
        var escalation = options.Escalation;
        var queued = IsOpen(workflow, ticket.Status);
        Instant? deadline = TicketView.Min(clocks, static c => c.Stage is SlaStage.Running or SlaStage.Paused ? c.DueAt : null);
        Instant? due = null;
        string? purpose = null;
        foreach (var clock in clocks)
        {
            // A threshold reached but not yet recorded (a command came between reaching it and the sweep, and perhaps paused
            // or stopped the clock, which then has no next timer) stays due, so the sweeper still records it and fires its
            // escalation levels.
            var at = EarliestUnrecorded(clock, memory) ?? clock.NextTimerAt;
            if (at is { } timer && (due is null || timer < due))
            {
                due = timer;
                purpose = string.Create(CultureInfo.InvariantCulture, $"sla {clock.Metric}#{clock.Cycle}");
            }
        }

        if (escalation is not null && queued
            && escalation.NextDue(ticket, Snapshots(policy, clocks), memory.LastPublicUpdate, memory.Marks) is { } next
            && (due is null || next.At < due))
        {
            due = next.At;
            purpose = next.Mark.Metric is { } metric
                ? string.Create(CultureInfo.InvariantCulture, $"escalation L{next.Rule.Level} {metric}#{next.Mark.Cycle}")
                : string.Create(CultureInfo.InvariantCulture, $"escalation L{next.Rule.Level} idle");
        }

        if (AutoCloseDueAt(ticket, workflow, options, memory) is { } close && (due is null || close < due))
        {
            due = close;
            purpose = AutoClosePurpose;
        }

        return new TicketSchedule(due, purpose, queued ? deadline : null, queued);
    }

    /// <summary>
    /// When the ticket's auto-close is due: <see cref="ServiceDeskEngineOptions.AutoCloseAfterBusinessDays"/> business days after
    /// it entered its status, provided the workflow would then permit <see cref="ServiceDeskEngineOptions.AutoCloseTrigger"/> to
    /// the system (so a status without the trigger, a major incident or a lifecycle that waits longer get no timer, and a
    /// reopen, which leaves the status, cancels it); <see langword="null"/> otherwise. One workflow decision; no history read.
    /// </summary>
    public static Instant? AutoCloseDueAt(Ticket ticket, WorkflowDefinition workflow, ServiceDeskEngineOptions options, TicketMemory memory)
    {
        var days = options.AutoCloseAfterBusinessDays;
        if (days == 0 || !workflow.HasState(ticket.Status) || workflow.GetState(ticket.Status).IsTerminal)
        {
            return null;
        }

        var since = memory.StatusSince ?? ticket.OpenedAt;
        var due = options.BusinessCalendar is { } calendar ? calendar.AddBusinessDays(since, days) : since + Duration.FromDays(days);
        var context = new TransitionContext(Actor.System, due) { StatusSince = since, Approvals = memory.Approval?.ToSet() };
        return workflow.TryFire(ticket, options.AutoCloseTrigger, context).Succeeded ? due : null;
    }

    /// <summary>The clocks as the escalation policy sees them; clocks without a start or a due are left out.</summary>
    public static SlaClockSnapshot[] Snapshots(SlaPolicy? policy, IReadOnlyList<SlaClockState> clocks)
    {
        if (policy is null || clocks.Count == 0)
        {
            return [];
        }

        var result = new List<SlaClockSnapshot>(clocks.Count);
        foreach (var c in clocks)
        {
            if (c.StartedAt is not { } start || c.DueAt is not { } due || due < start || c.Target <= Duration.Zero)
            {
                continue;
            }

            var stage = c.Stage switch
            {
                SlaStage.Running => c.IsBreached ? SlaClockStage.Breached : SlaClockStage.Running,
                SlaStage.Paused => SlaClockStage.Paused,
                SlaStage.Cancelled => SlaClockStage.Cancelled,
                SlaStage.Met or SlaStage.Breached => SlaClockStage.Stopped,
                _ => (SlaClockStage?)null,
            };
            var calendar = policy.GetMetric(c.Metric)?.Calendar;
            if (stage == SlaClockStage.Breached && !c.IsDueOverridden && calendar is not null)
            {
                // Past its due, a clock's DueAt is the missed due and no longer moves; a hold after the breach must still
                // move the levels after the due (125 %, "1 h after"), as it moves the metric's own after-due thresholds. So
                // the escalation rules see the due the elapsed time implies: Remaining (negative) counted back from now.
                due = calendar.AddBusinessTime(start + c.WallElapsed, c.Remaining);
            }

            if (stage is { } s)
            {
                result.Add(new SlaClockSnapshot(c.Metric, c.Cycle, s, start, c.Target, due, calendar));
            }
        }

        return [.. result];
    }

    /// <summary>The threshold events due: every reached threshold (and breach) of a counting clock not recorded yet.</summary>
    /// <summary>The earliest instant at which a threshold (or the breach) of a running or paused clock was reached without
    /// being recorded yet, or <see langword="null"/>; the same test as <see cref="ReachedThresholds"/>, without allocating.</summary>
    private static Instant? EarliestUnrecorded(SlaClockState clock, TicketMemory memory)
    {
        if (clock.Stage is not (SlaStage.Running or SlaStage.Paused))
        {
            return null;
        }

        Instant? earliest = null;
        foreach (var t in clock.Thresholds)
        {
            if (t.IsReached && t.At is { } at && (earliest is null || at < earliest) && !memory.IsRecorded(clock.Metric, clock.Cycle, t.Threshold.ToString()))
            {
                earliest = at;
            }
        }

        if (clock.IsBreached && clock.BreachedAt is { } breachedAt && (earliest is null || breachedAt < earliest) && !memory.IsRecorded(clock.Metric, clock.Cycle, Breach))
        {
            earliest = breachedAt;
        }

        return earliest;
    }

    public static List<(string Metric, int Cycle, string Threshold, Instant ReachedAt)> ReachedThresholds(
        IReadOnlyList<SlaClockState> clocks, TicketMemory memory)
    {
        var result = new List<(string, int, string, Instant)>();
        foreach (var clock in clocks)
        {
            if (clock.Stage is not (SlaStage.Running or SlaStage.Paused))
            {
                continue;
            }

            foreach (var t in clock.Thresholds)
            {
                var name = t.Threshold.ToString();
                if (t.IsReached && t.At is { } at && !memory.IsRecorded(clock.Metric, clock.Cycle, name))
                {
                    result.Add((clock.Metric, clock.Cycle, name, at));
                }
            }

            if (clock.IsBreached && clock.BreachedAt is { } breachedAt && !memory.IsRecorded(clock.Metric, clock.Cycle, Breach))
            {
                result.Add((clock.Metric, clock.Cycle, Breach, breachedAt));
            }
        }

        result.Sort(static (a, b) => a.Item4.CompareTo(b.Item4));
        return result;
    }
}
