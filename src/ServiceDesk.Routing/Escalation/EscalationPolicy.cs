using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Sla;

namespace ServiceDesk.Routing;

/// <summary>The next escalation a ticket is waiting for: the instant it is due and the rule.</summary>
/// <param name="At">When it must fire (may be in the past when the timer is late).</param>
/// <param name="Rule">The rule.</param>
/// <param name="Mark">The mark it will record.</param>
public readonly record struct ScheduledEscalation(Instant At, EscalationRule Rule, EscalationMark Mark);

/// <summary>One concrete effect of a firing: whom to notify (and when), where to move the ticket, or what priority to set.</summary>
/// <param name="Action">The action that produced it.</param>
/// <param name="Kind">The kind of <see cref="Escalated"/> event.</param>
/// <param name="Target">Who or where, as text for the event: an agent id, a group id, <c>P2High</c>, <c>major-incident</c>
/// or <c>account-manager</c>.</param>
/// <param name="Agent">The agent to notify, when known.</param>
/// <param name="Group">The group to move the ticket to, for functional escalation.</param>
/// <param name="Priority">The new priority, for a priority raise.</param>
/// <param name="DeliverAt">When to apply it: notifications deferred to business hours get the next opening; everything
/// else is the evaluation instant.</param>
public sealed record EscalationOutput(
    EscalationAction Action, EscalationKind Kind, string Target, AgentId? Agent, GroupId? Group, Priority? Priority, Instant DeliverAt);

/// <summary>A rule that fired, with its concrete effects.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Mark">The mark to store so it never fires again for this cycle.</param>
/// <param name="ReachedAt">When its threshold was reached (may be before the evaluation instant).</param>
/// <param name="Outputs">The effects; actions that resolve to nothing (no assignee, no next tier, already P1, already a
/// major incident) produce none.</param>
public sealed record EscalationFiring(EscalationRule Rule, EscalationMark Mark, Instant ReachedAt, IReadOnlyList<EscalationOutput> Outputs)
{
    /// <summary>Returns the <see cref="Escalated"/> events of the outputs, with consecutive versions after the ticket's,
    /// each carrying the firing's <see cref="Mark"/> (<see cref="Escalated.Metric"/>, <see cref="Escalated.Cycle"/>,
    /// <see cref="Escalated.IdleSince"/>) so the marks can be read back from a history, and the output's
    /// <see cref="EscalationOutput.DeliverAt"/> as <see cref="Escalated.DeliverAt"/> when it is after <paramref name="at"/>
    /// (a notification deferred to business hours).</summary>
    /// <param name="ticket">The ticket, at the version the events follow.</param>
    /// <param name="actor">Who escalated (usually the system).</param>
    /// <param name="at">The instant of the events.</param>
    /// <returns>One event per output, in order; a firing without outputs (its actions resolved to nothing) gives one
    /// <see cref="EscalationKind.Notify"/> event without a target, so that the level is still recorded, and fires once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<Escalated> ToEvents(Ticket ticket, Actor actor, Instant at)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        Escalated Record(int i, EscalationKind kind, string? target, Instant? deliverAt) =>
            new(ticket.Tenant, ticket.Id, ticket.Version + 1 + i, at, actor, Rule.Level, kind, target)
            {
                Metric = Mark.Metric,
                Cycle = Mark.Cycle,
                IdleSince = Mark.IdleSince,
                DeliverAt = deliverAt,
            };

        return Outputs.Count == 0
            ? [Record(0, EscalationKind.Notify, null, null)]
            : [.. Outputs.Select((o, i) => Record(i, o.Kind, o.Target, o.DeliverAt > at ? o.DeliverAt : null))];
    }
}

/// <summary>The result of <see cref="EscalationPolicy.Evaluate"/>: what fires now and what is next.</summary>
/// <param name="Firings">The rules due at the evaluation instant and not fired yet, by threshold instant then level.</param>
/// <param name="Next">The next escalation after these, or <see langword="null"/> when nothing is pending.</param>
public sealed record EscalationEvaluation(IReadOnlyList<EscalationFiring> Firings, ScheduledEscalation? Next);

/// <summary>
/// Escalation rules keyed on SLA thresholds and idle time, with a pure scheduler: given a ticket, its SLA clocks, the last
/// public update and the marks of what already fired, <see cref="NextDue"/> returns the next instant something must fire
/// and <see cref="Evaluate"/> returns what fires now.
/// </summary>
/// <remarks>
/// <para><b>Thresholds.</b> A percentage p of a clock's target is reached with (100 − p) % of the target left before the
/// due instant; an offset is that much business time before (negative) or after the deadline. Both are computed from
/// <see cref="SlaClockSnapshot.Due"/> backwards (or forwards) in the clock's own calendar. An idle rule fires after its
/// business time (in the policy's calendar, or real time without one) since the last public update.</para>
/// <para><b>Once per cycle.</b> A rule fires at most once per (level, metric, cycle), or per (level, idle period); the
/// caller passes back the <see cref="EscalationMark"/>s of firings it applied, so a timer processed twice fires nothing
/// the second time. A new SLA cycle (a reopen) or a new public update starts fresh.</para>
/// <para><b>Nothing escalates</b> when the ticket is in an inactive status (resolved, closed, cancelled), on an SLA clock
/// that is paused, stopped or cancelled, or for idle rules while the ticket is in a paused status (on hold).</para>
/// <para><b>Delivery.</b> Functional and hierarchical actions apply at the evaluation instant; notifications of a
/// <see cref="NotificationDelivery.BusinessHours"/> rule are deferred to the next opening of the policy's calendar.</para>
/// <para>Immutable and thread-safe; reads no clock.</para>
/// </remarks>
public sealed partial class EscalationPolicy
{
    private readonly EscalationRule[] _rules;
    private readonly TicketStatus[] _inactive;
    private readonly TicketStatus[] _paused;

    internal EscalationPolicy(List<EscalationRule> rules, BusinessCalendar? calendar, SupportGroupDirectory groups, TicketStatus[] inactive, TicketStatus[] paused)
    {
        _rules = [.. rules];
        BusinessHours = calendar;
        Groups = groups;
        _inactive = inactive;
        _paused = paused;
    }

    /// <summary>Gets the rules in definition order.</summary>
    public IReadOnlyList<EscalationRule> Rules => _rules;

    /// <summary>Gets the calendar for idle time and business-hours delivery, if any.</summary>
    public BusinessCalendar? BusinessHours { get; }

    /// <summary>Gets the group directory for next tiers, leads and managers.</summary>
    public SupportGroupDirectory Groups { get; }

    /// <summary>Returns the next escalation the ticket waits for: the earliest threshold among rules not fired yet.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="clocks">The ticket's SLA clocks.</param>
    /// <param name="lastPublicUpdate">The last update visible to the requester; <see langword="null"/> for the opening.</param>
    /// <param name="fired">The marks of firings already applied.</param>
    /// <returns>The next escalation (its instant may be in the past when overdue), or <see langword="null"/> when none is
    /// pending. The engine stores its instant as the ticket's timer.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <remarks>Allocates nothing beyond what the business calendars allocate.</remarks>
    public ScheduledEscalation? NextDue(Ticket ticket, IReadOnlyList<SlaClockSnapshot> clocks, Instant? lastPublicUpdate, IReadOnlyList<EscalationMark> fired)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(clocks);
        ArgumentNullException.ThrowIfNull(fired);
        if (Contains(_inactive, ticket.Status))
        {
            return null;
        }

        ScheduledEscalation? best = null;
        for (var r = 0; r < _rules.Length; r++)
        {
            var rule = _rules[r];
            if (rule.Trigger.IsIdle)
            {
                if (IdleThreshold(rule, ticket, lastPublicUpdate, fired) is { } idle && (best is null || idle.At < best.Value.At))
                {
                    best = new ScheduledEscalation(idle.At, rule, idle.Mark);
                }

                continue;
            }

            for (var c = 0; c < clocks.Count; c++)
            {
                if (SlaThreshold(rule, clocks[c], fired) is { } sla && (best is null || sla.At < best.Value.At))
                {
                    best = new ScheduledEscalation(sla.At, rule, sla.Mark);
                }
            }
        }

        return best;
    }

    /// <summary>Returns every escalation due at <paramref name="now"/> that has not fired, and the next one after them.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="clocks">The ticket's SLA clocks.</param>
    /// <param name="lastPublicUpdate">The last update visible to the requester; <see langword="null"/> for the opening.</param>
    /// <param name="fired">The marks of firings already applied.</param>
    /// <param name="now">The evaluation instant.</param>
    /// <returns>The firings (store their marks) and the next escalation.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public EscalationEvaluation Evaluate(Ticket ticket, IReadOnlyList<SlaClockSnapshot> clocks, Instant? lastPublicUpdate, IReadOnlyList<EscalationMark> fired, Instant now)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(clocks);
        ArgumentNullException.ThrowIfNull(fired);
        var due = new List<(Instant At, EscalationRule Rule, EscalationMark Mark)>();
        ScheduledEscalation? next = null;
        for (var r = 0; r < _rules.Length; r++)
        {
            foreach (var (at, mark) in Thresholds(_rules[r], ticket, clocks, lastPublicUpdate, fired))
            {
                if (at <= now)
                {
                    due.Add((at, _rules[r], mark));
                }
                else if (next is null || at < next.Value.At)
                {
                    next = new ScheduledEscalation(at, _rules[r], mark);
                }
            }
        }

        var firings = due
            .OrderBy(d => d.At)
            .ThenBy(d => d.Rule.Level)
            .Select(d => new EscalationFiring(d.Rule, d.Mark, d.At, Outputs(d.Rule, ticket, now)))
            .ToArray();
        return new EscalationEvaluation(firings, next);
    }

    private IEnumerable<(Instant At, EscalationMark Mark)> Thresholds(
        EscalationRule rule, Ticket ticket, IReadOnlyList<SlaClockSnapshot> clocks, Instant? lastPublicUpdate, IReadOnlyList<EscalationMark> fired)
    {
        if (Contains(_inactive, ticket.Status))
        {
            yield break;
        }

        if (rule.Trigger.IsIdle)
        {
            if (IdleThreshold(rule, ticket, lastPublicUpdate, fired) is { } idle)
            {
                yield return idle;
            }

            yield break;
        }

        foreach (var clock in clocks)
        {
            if (SlaThreshold(rule, clock, fired) is { } sla)
            {
                yield return sla;
            }
        }
    }

    private (Instant At, EscalationMark Mark)? IdleThreshold(EscalationRule rule, Ticket ticket, Instant? lastPublicUpdate, IReadOnlyList<EscalationMark> fired)
    {
        if (Contains(_paused, ticket.Status))
        {
            return null;
        }

        var since = lastPublicUpdate ?? ticket.OpenedAt;
        var mark = new EscalationMark(rule.Level, null, 0, since);
        if (Fired(fired, mark))
        {
            return null;
        }

        var idle = rule.Trigger.Idle!.Value;
        return (BusinessHours is { } calendar ? calendar.AddBusinessTime(since, idle) : since + idle, mark);
    }

    private static (Instant At, EscalationMark Mark)? SlaThreshold(EscalationRule rule, in SlaClockSnapshot clock, IReadOnlyList<EscalationMark> fired)
    {
        if (!clock.IsCounting || !string.Equals(clock.Metric, rule.Trigger.Metric, StringComparison.Ordinal))
        {
            return null;
        }

        var mark = new EscalationMark(rule.Level, clock.Metric, clock.Cycle, null);
        if (Fired(fired, mark))
        {
            return null;
        }

        return rule.Trigger.ThresholdOf(clock) is { } at ? (at, mark) : null;
    }

    private static bool Fired(IReadOnlyList<EscalationMark> fired, in EscalationMark mark)
    {
        for (var i = 0; i < fired.Count; i++)
        {
            if (fired[i] == mark)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(TicketStatus[] statuses, TicketStatus status)
    {
        foreach (var s in statuses)
        {
            if (s == status)
            {
                return true;
            }
        }

        return false;
    }

    private List<EscalationOutput> Outputs(EscalationRule rule, Ticket ticket, Instant now)
    {
        var outputs = new List<EscalationOutput>();
        var notifyAt = rule.Delivery == NotificationDelivery.BusinessHours && BusinessHours is { } calendar && !calendar.IsOpen(now)
            ? calendar.NextOpen(now)
            : now;
        SupportGroup? group = null;
        if (ticket.AssignmentGroup is { } g)
        {
            Groups.TryGet(g, out group);
        }

        foreach (var action in rule.Actions)
        {
            switch (action.Kind)
            {
                case EscalationActionKind.Notify:
                    switch (action.NotifyTarget)
                    {
                        case NotifyTarget.Assignee when ticket.Assignee is { } assignee:
                            outputs.Add(new(action, EscalationKind.Notify, assignee.Value, assignee, null, null, notifyAt));
                            break;
                        case NotifyTarget.GroupLead when group?.Lead is { } lead:
                            outputs.Add(new(action, EscalationKind.Notify, lead.Value, lead, null, null, notifyAt));
                            break;
                        case NotifyTarget.ManagerChain when group is not null:
                            outputs.AddRange(group.Managers.Select(m => new EscalationOutput(action, EscalationKind.Notify, m.Value, m, null, null, notifyAt)));
                            break;
                        case NotifyTarget.AccountManager:
                            outputs.Add(new(action, EscalationKind.Notify, "account-manager", null, null, null, notifyAt));
                            break;
                    }

                    break;
                case EscalationActionKind.NextTier when group?.NextTier is { } nextTier:
                    outputs.Add(new(action, EscalationKind.Functional, nextTier.Value, null, nextTier, null, now));
                    break;
                case EscalationActionKind.ToGroup when action.Group != ticket.AssignmentGroup:
                    outputs.Add(new(action, EscalationKind.Functional, action.Group!.Value.Value, null, action.Group, null, now));
                    break;
                case EscalationActionKind.RaisePriority:
                    var raised = action.Priority ?? (ticket.Priority == Priority.P1Critical ? Priority.P1Critical : ticket.Priority - 1);
                    if (raised < ticket.Priority)
                    {
                        outputs.Add(new(action, EscalationKind.Hierarchical, raised.ToString(), null, null, raised, now));
                    }

                    break;
                case EscalationActionKind.DeclareMajorIncident when !ticket.IsMajorIncident:
                    outputs.Add(new(action, EscalationKind.Hierarchical, "major-incident", null, null, null, now));
                    break;
            }
        }

        return outputs;
    }
}
