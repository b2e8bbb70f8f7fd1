using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Routing;
using ServiceDesk.Sla;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Internal;

/// <summary>
/// What the engine needs between commands, derived from a ticket's history: the SLA clocks' progress, when the status was
/// entered, the last public update, outgoing links, the escalation marks and the recorded thresholds. Kept beside the ticket
/// as its <see cref="Storage.TicketAppend.DerivedState"/> (see <see cref="TicketMemoryJson"/>), so a command reads O(1) rows;
/// rebuilt from the history when missing, of another schema, of another ticket version or of another SLA policy.
/// </summary>
/// <remarks>The fold <see cref="Apply"/> is the only place that interprets history for decisions; a rebuild folds the whole
/// history, a command folds its own events into a copy. Mutable; not thread-safe; each command works on its own copy.</remarks>
internal sealed class TicketMemory
{
    /// <summary>The schema of the stored form; a stored memory of another schema is rebuilt from the history.</summary>
    /// <remarks>2: a hold state held without a reason is on hold for the clocks (reason = the state's name). 3: the latest
    /// approval (approvers, rule, decisions, outcome) and the number of approvals asked. 4: incoming links
    /// (<see cref="TicketLinkedFrom"/>), the resolution cycle and the cycle last rated.</remarks>
    public const int Schema = 4;

    public long Version { get; set; }

    /// <summary>The name of the SLA policy the tracker runs, or <see langword="null"/> without clocks.</summary>
    public string? PolicyName { get; set; }

    /// <summary>The fingerprint of the policy definition the clocks were computed with.</summary>
    public string? PolicyFingerprint { get; set; }

    public SlaTracker? Tracker { get; set; }

    public Instant? StatusSince { get; set; }

    public Instant? LastPublicUpdate { get; set; }

    public List<(TicketId Other, TicketLinkType Type)> Links { get; } = [];

    /// <summary>The tickets that link to this one (recorded by <see cref="TicketLinkedFrom"/>).</summary>
    public List<(TicketId Other, TicketLinkType Type)> IncomingLinks { get; } = [];

    /// <summary>How many times the ticket was resolved: entered <see cref="TicketStatus.Resolved"/>, or
    /// <see cref="TicketStatus.Closed"/> other than from Resolved.</summary>
    public int ResolutionCycle { get; set; }

    /// <summary>The resolution cycle of the last satisfaction rating (0 when never rated).</summary>
    public int RatedCycle { get; set; }

    public List<EscalationMark> Marks { get; } = [];

    public List<(string Metric, int Cycle, string Threshold)> Recorded { get; } = [];

    /// <summary>The number of approvals asked so far (the last approval's number).</summary>
    public int ApprovalCount { get; set; }

    /// <summary>The latest approval asked, pending or not; <see langword="null"/> before the first.</summary>
    public ApprovalMemory? Approval { get; set; }

    /// <summary>Folds a ticket's history (events up to the ticket's version) into a new memory.</summary>
    public static TicketMemory Rebuild(Ticket ticket, IReadOnlyList<TicketEvent> history, WorkflowDefinition workflow, SlaPolicy? policy)
    {
        TicketOpened? opened = null;
        StatusChanged? firstChange = null;
        var ordered = true;
        long previous = 0;
        foreach (var e in history)
        {
            if (e.Version <= previous)
            {
                ordered = false;
            }

            previous = e.Version;
            if (e.Version > ticket.Version)
            {
                continue;
            }

            if (e.Version == 1)
            {
                opened = e as TicketOpened;
            }

            if (e is StatusChanged s && (firstChange is null || s.Version < firstChange.Version))
            {
                firstChange = s;
            }
        }

        IEnumerable<TicketEvent> events = ordered ? history : history.OrderBy(e => e.Version);
        var memory = new TicketMemory { PolicyName = policy?.Name, PolicyFingerprint = policy?.Fingerprint };
        var initialStatus = firstChange?.From ?? ticket.Status;
        var initialHold = HoldReason(workflow, initialStatus, firstChange is null ? ticket.HoldReason : null);
        var initialPriority = opened?.Priority ?? ticket.Priority;

        // A re-selection that restarted the clocks of this policy: its clocks start there, and nothing before counts.
        SlaPolicyReselected? restart = null;
        if (policy is not null)
        {
            foreach (var e in events)
            {
                if (e.Version <= ticket.Version && e is SlaPolicyReselected r)
                {
                    restart = r.Restarted && string.Equals(r.Policy, policy.Name, StringComparison.Ordinal) ? r : null;
                }
            }

            if (restart is null)
            {
                memory.Tracker = SlaTracker.Start(policy, opened?.At ?? ticket.OpenedAt, initialStatus.Name, initialPriority, initialHold);
            }
        }

        var status = initialStatus;
        var hold = initialHold;
        var priority = initialPriority;
        foreach (var e in events)
        {
            if (e.Version > ticket.Version)
            {
                continue;
            }

            if (ReferenceEquals(e, restart))
            {
                memory.Tracker = SlaTracker.Start(policy!, e.At, status.Name, priority, hold);
            }

            switch (e)
            {
                case StatusChanged s:
                    status = s.To;
                    hold = HoldReason(workflow, s.To, s.Reason);
                    break;
                case PriorityChanged p:
                    priority = p.To;
                    break;
                default:
                    break;
            }

            if (!ReferenceEquals(e, opened))
            {
                memory.Apply(e, workflow);
            }
        }

        memory.Version = ticket.Version;
        return memory;
    }

    /// <summary>Folds one event (after the ticket's opening) into the memory.</summary>
    public void Apply(TicketEvent e, WorkflowDefinition workflow)
    {
        switch (e)
        {
            case StatusChanged s:
                if (s.To == TicketStatus.Resolved || (s.To == TicketStatus.Closed && s.From != TicketStatus.Resolved))
                {
                    ResolutionCycle++;
                }

                StatusSince = s.At;
                LastPublicUpdate = s.At;
                if (Tracker is { } statusTracker)
                {
                    var hold = HoldReason(workflow, s.To, s.Reason);
                    statusTracker.ChangeStatus(Clamp(statusTracker, s.At), s.To.Name, hold);
                }

                break;
            case PriorityChanged p:
                Tracker?.ChangePriority(Clamp(Tracker, p.At), p.To);
                break;
            case CommentAdded c:
                var isPublic = c.Visibility == CommentVisibility.Public;
                if (isPublic && c.Actor.Kind != ActorKind.Requester)
                {
                    LastPublicUpdate = c.At;
                }

                Tracker?.Comment(Clamp(Tracker, c.At), Map(c.Actor.Kind), isPublic);
                break;
            case TicketLinked l:
                Links.Add((l.Other, l.LinkType));
                break;
            case TicketLinkedFrom f:
                IncomingLinks.Add((f.Other, f.LinkType));
                break;
            case SatisfactionRated:
                RatedCycle = ResolutionCycle;
                break;
            case Escalated { Cycle: { } cycle } x:
                Marks.Add(new EscalationMark(x.Level, x.Metric, cycle, x.IdleSince));
                break;
            case SlaThresholdReached r:
                Recorded.Add((r.Metric, r.Cycle, r.Threshold));
                break;
            case SlaDueOverridden o:
                Tracker?.OverrideDue(Clamp(Tracker, o.At), o.Metric, o.Due);
                break;
            case SlaPolicyReselected { Restarted: true }:
                // The new policy's clocks start again at cycle 1: thresholds and escalation levels of the old clocks are
                // no longer theirs (idle escalations, which follow no clock, stay).
                Recorded.Clear();
                Marks.RemoveAll(m => m.Metric is not null);
                break;
            case ApprovalRequested a:
                ApprovalCount = a.Approval;
                Approval = new ApprovalMemory(a.Approval, [.. a.Approvers], a.ApproverGroup, a.Required, a.DueAt);
                break;
            case ApprovalDecided d when Approval is { } decided && decided.Number == d.Approval:
                decided.Decisions.Add((d.Actor.Id, d.Approved));
                decided.Outcome = d.Outcome;
                break;
            case ApprovalWithdrawn w when Approval is { } withdrawn && withdrawn.Number == w.Approval:
                withdrawn.Outcome = ApprovalOutcome.Withdrawn;
                break;
            default:
                break;
        }

        Version = e.Version;
    }

    /// <summary>Whether a threshold of a metric's cycle is recorded.</summary>
    public bool IsRecorded(string metric, int cycle, string threshold)
    {
        foreach (var (m, c, t) in Recorded)
        {
            if (c == cycle && string.Equals(m, metric, StringComparison.Ordinal) && string.Equals(t, threshold, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the ticket links to <paramref name="other"/> with <paramref name="type"/>.</summary>
    public bool HasLink(TicketId other, TicketLinkType type)
    {
        foreach (var (o, t) in Links)
        {
            if (o == other && t == type)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="other"/> links to this ticket with <paramref name="type"/>.</summary>
    public bool HasIncomingLink(TicketId other, TicketLinkType type)
    {
        foreach (var (o, t) in IncomingLinks)
        {
            if (o == other && t == type)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The clocks at <paramref name="now"/> (at least the last change's instant); empty without a policy.</summary>
    public IReadOnlyList<SlaClockState> Evaluate(Instant now)
        => Tracker is { } tracker ? tracker.Evaluate(now < tracker.LastAt ? tracker.LastAt : now) : [];

    public TicketMemory Clone()
    {
        var copy = new TicketMemory
        {
            Version = Version,
            PolicyName = PolicyName,
            PolicyFingerprint = PolicyFingerprint,
            Tracker = Tracker?.Clone(),
            StatusSince = StatusSince,
            LastPublicUpdate = LastPublicUpdate,
            ApprovalCount = ApprovalCount,
            ResolutionCycle = ResolutionCycle,
            RatedCycle = RatedCycle,
            Approval = Approval?.Clone(),
        };
        copy.Links.AddRange(Links);
        copy.IncomingLinks.AddRange(IncomingLinks);
        copy.Marks.AddRange(Marks);
        copy.Recorded.AddRange(Recorded);
        return copy;
    }

    /// <summary>
    /// The hold reason the SLA clocks see in a status: the reason given, or the status's own name for a hold state held
    /// without one (a workflow whose initial state is a hold state, or a hold state that declares no reasons), so that
    /// <see cref="SlaCondition.OnHold"/> sees every hold state; <see langword="null"/> outside hold states.
    /// </summary>
    private static string? HoldReason(WorkflowDefinition workflow, TicketStatus status, string? reason)
        => workflow.HasState(status) && workflow.GetState(status).IsHold ? reason ?? status.Name : null;

    private static Instant Clamp(SlaTracker tracker, Instant at) => at < tracker.LastAt ? tracker.LastAt : at;

    private static SlaActor Map(ActorKind kind) => kind switch
    {
        ActorKind.Agent => SlaActor.Agent,
        ActorKind.Requester => SlaActor.Customer,
        _ => SlaActor.System,
    };
}

/// <summary>An approval as the engine keeps it between commands: who was asked, by what rule, and the decisions so far.</summary>
internal sealed class ApprovalMemory(int number, string[] approvers, GroupId? group, int required, Instant? dueAt)
{
    public int Number { get; } = number;

    /// <summary>The agents asked; empty for a group approval.</summary>
    public string[] Approvers { get; } = approvers;

    public GroupId? Group { get; } = group;

    /// <summary>0 for all approvers, otherwise at least this many approvals.</summary>
    public int Required { get; } = required;

    public Instant? DueAt { get; } = dueAt;

    public ApprovalOutcome Outcome { get; set; } = ApprovalOutcome.Pending;

    /// <summary>The decisions, oldest first; one per approver.</summary>
    public List<(string Approver, bool Approved)> Decisions { get; } = [];

    /// <summary>The rule the approval was asked with (a group approval is decided by its first member to decide).</summary>
    public ApprovalRule Rule => Group is not null ? ApprovalRule.Any : Required switch
    {
        0 => ApprovalRule.All,
        1 => ApprovalRule.Any,
        var n => ApprovalRule.NOfM(n),
    };

    public bool HasDecided(string approver)
    {
        foreach (var (a, _) in Decisions)
        {
            if (string.Equals(a, approver, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The approval as the workflow's guards see it; a withdrawn approval is no approval at all.</summary>
    public ApprovalSet? ToSet(string? extraApprover = null, bool extraApproved = false)
    {
        if (Outcome == ApprovalOutcome.Withdrawn)
        {
            return null;
        }

        var decisions = new List<ApprovalDecision>(Decisions.Count + 1);
        foreach (var (a, approved) in Decisions)
        {
            decisions.Add(new ApprovalDecision(a, approved));
        }

        if (extraApprover is not null)
        {
            decisions.Add(new ApprovalDecision(extraApprover, extraApproved));
        }

        // A group is asked as a whole: the members who decided stand for it (the first decision decides, by rule Any).
        // Until a member decides, the group itself stands as the one approver asked (so "approvers are assigned" holds).
        IEnumerable<string> asked = Group is not { } group
            ? Approvers
            : decisions.Count == 0 ? ["group:" + group.Value] : decisions.Select(d => d.Approver);
        return new ApprovalSet(asked, decisions) { Rule = Rule };
    }

    public ApprovalMemory Clone()
    {
        var copy = new ApprovalMemory(Number, Approvers, Group, Required, DueAt) { Outcome = Outcome };
        copy.Decisions.AddRange(Decisions);
        return copy;
    }
}
