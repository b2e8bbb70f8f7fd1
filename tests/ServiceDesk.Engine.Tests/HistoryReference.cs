using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests;

/// <summary>
/// The reference the engine's memory is tested against: a ticket's whole event history turned into the SLA package's
/// <see cref="TicketTimeline"/> and evaluated (what the engine did on every command before it kept a memory).
/// </summary>
internal static class HistoryReference
{
    /// <summary>Builds the timeline of <paramref name="history"/> (events with versions up to <paramref name="ticket"/>'s).</summary>
    /// <remarks>The status at opening is the <c>From</c> of the first status change (or the current status when there is
    /// none); a status change records the hold reason when the target state is a hold state of the workflow. Priority
    /// changes and comments are recorded; other events do not concern the clocks. Entries are kept in time order even if
    /// events carry earlier instants (they never do when written by the engine). After a re-selection that restarted the
    /// clocks (<see cref="SlaPolicyReselected.Restarted"/>), the timeline starts at it.</remarks>
    public static TicketTimeline Build(Ticket ticket, IEnumerable<TicketEvent> history, WorkflowDefinition workflow)
    {
        var events = history.Where(e => e.Version <= ticket.Version).OrderBy(e => e.Version).ToList();
        var opened = events.Count > 0 ? events[0] as TicketOpened : null;
        var firstChange = events.OfType<StatusChanged>().FirstOrDefault();
        var initialStatus = firstChange?.From ?? ticket.Status;
        var initialHold = firstChange is null ? ticket.HoldReason : null;
        var createdAt = opened?.At ?? ticket.OpenedAt;
        var initialPriority = opened?.Priority ?? ticket.Priority;

        // A re-selection that restarted the clocks (the last re-selection names the policy in force): the timeline starts
        // there, in the status and priority of that moment, and nothing before it counts.
        var restart = events.OfType<SlaPolicyReselected>().LastOrDefault() is { Restarted: true } r ? r : null;
        var skip = opened is null ? 0 : 1;
        if (restart is not null)
        {
            foreach (var e in events.TakeWhile(e => !ReferenceEquals(e, restart)))
            {
                switch (e)
                {
                    case StatusChanged s:
                        initialStatus = s.To;
                        initialHold = workflow.HasState(s.To) && workflow.GetState(s.To).IsHold ? s.Reason ?? s.To.Name : null;
                        break;
                    case PriorityChanged p:
                        initialPriority = p.To;
                        break;
                    default:
                        break;
                }
            }

            createdAt = restart.At;
            skip = events.IndexOf(restart);
        }

        var builder = TicketTimeline.Create(createdAt, initialStatus.Name, initialPriority, initialHold);
        var last = createdAt;
        foreach (var e in events.Skip(skip))
        {
            var at = e.At < last ? last : e.At;
            last = at;
            switch (e)
            {
                case StatusChanged s:
                    var hold = workflow.HasState(s.To) && workflow.GetState(s.To).IsHold ? s.Reason : null;
                    builder.ChangeStatus(at, s.To.Name, hold);
                    break;
                case PriorityChanged p:
                    builder.ChangePriority(at, p.To);
                    break;
                case CommentAdded c:
                    builder.Comment(at, Map(c.Actor.Kind), c.Visibility == CommentVisibility.Public);
                    break;
                case SlaDueOverridden o:
                    builder.OverrideDue(at, o.Metric, o.Due);
                    break;
                default:
                    break;
            }
        }

        return builder.Build();
    }

    /// <summary>Evaluates the clocks of a policy; empty without one.</summary>
    public static IReadOnlyList<SlaClockState> Evaluate(SlaPolicy? policy, TicketTimeline timeline, Instant now)
        => policy is null ? [] : policy.Evaluate(timeline, now);

    private static SlaActor Map(ActorKind kind) => kind switch
    {
        ActorKind.Agent => SlaActor.Agent,
        ActorKind.Requester => SlaActor.Customer,
        _ => SlaActor.System,
    };
}
