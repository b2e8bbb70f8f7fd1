using NodaTime;
using static ServiceDesk.Workflow.Tests.TestData;

namespace ServiceDesk.Workflow.Tests;

public class WorkflowPropertyTests
{
    private static readonly WorkflowDefinition[] Workflows = new[] { "incident", "service-request", "problem", "change" }.Select(WorkflowDocsTests.Shipped).ToArray();
    private static readonly Actor[] Actors = [Agent, Caller, SystemActor, Integration];
    private static readonly string?[] Reasons = [null, IncidentLifecycle.AwaitingCaller, IncidentLifecycle.AwaitingVendor, "SolvedPermanently", ProblemLifecycle.Duplicate, "Successful", "Whatever"];

    /// <summary>Any sequence of steps: the lifecycle either moves along one of its transitions, producing consecutive events,
    /// or rejects with at least one unmet condition and changes nothing; it never throws.</summary>
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool TryFire_RandomWalk_EveryDecisionIsConsistent(byte workflowIndex, (byte Trigger, byte Actor, byte Reason, bool Notes, byte Hours)[] steps)
    {
        var workflow = Workflows[workflowIndex % Workflows.Length];
        var ticket = Ticket(workflow.Kind!.Value, workflow.Initial);
        if (workflow.Kind == TicketKind.Change)
        {
            ticket = ChangeLifecycle.Plan(ticket, ChangeType.Emergency);
        }

        var now = T0;
        var since = T0;
        foreach (var (t, a, r, notes, hours) in steps ?? [])
        {
            now += Duration.FromHours(hours);
            var trigger = workflow.Triggers[t % workflow.Triggers.Count];
            var context = new TransitionContext(Actors[a % Actors.Length], now)
            {
                Reason = Reasons[r % Reasons.Length],
                Notes = notes ? "notes" : null,
                StatusSince = since,
            };

            var result = workflow.TryFire(ticket, trigger, context);
            if (result.Succeeded)
            {
                var moved = workflow.Transitions.Any(x => x.From == ticket.Status && x.Trigger == trigger && x.To == result.To);
                var versions = result.Events.Select(e => e.Version).ToArray();
                var consecutive = versions.SequenceEqual(Enumerable.Range(0, versions.Length).Select(i => ticket.Version + 1 + i));
                if (!moved || !consecutive || result.Ticket.Status != result.To || result.Ticket.Version != ticket.Version + versions.Length || result.UnmetGuards.Count != 0)
                {
                    return false;
                }

                result.Ticket.Validate();
                ticket = result.Ticket;
                since = now;
            }
            else if (result.UnmetGuards.Count == 0 || result.Events.Count != 0 || !ReferenceEquals(result.Ticket, ticket) || result.SlaEffect != SlaEffect.None)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whatever the ticket and actor, a trigger offered by PermittedTriggers is never rejected by a guard (only,
    /// possibly, for a missing input), and a trigger not offered is always rejected.</summary>
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool PermittedTriggers_AgreeWithTryFire(byte workflowIndex, byte stateIndex, byte actorIndex, bool major)
    {
        var workflow = Workflows[workflowIndex % Workflows.Length];
        var state = workflow.States[stateIndex % workflow.States.Count].Name;
        var ticket = Ticket(workflow.Kind!.Value, state, state == TicketStatus.OnHold ? IncidentLifecycle.AwaitingCaller : null, major);
        var context = By(Actors[actorIndex % Actors.Length]) with { StatusSince = T0 - Duration.FromDays(3) };
        var permitted = workflow.PermittedTriggers(ticket, context);

        return workflow.Triggers.All(trigger =>
        {
            var result = workflow.TryFire(ticket, trigger, context);
            var inputOnly = result.UnmetGuards.All(u => u.Name is "reason" or "notes");
            return permitted.Contains(trigger) ? result.Succeeded || inputOnly : !result.Succeeded && !inputOnly;
        });
    }
}
