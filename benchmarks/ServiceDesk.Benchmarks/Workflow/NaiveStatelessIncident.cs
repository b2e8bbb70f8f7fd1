using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Workflow;
using Stateless;

namespace ServiceDesk.Benchmarks.Workflow;

/// <summary>What the naive incident workflow decided.</summary>
/// <param name="Outcome">Transitioned, rejected, or rejected with a new linked ticket as the answer.</param>
/// <param name="Ticket">The ticket after the transition, or the original ticket.</param>
/// <param name="Events">The events to append; empty when rejected.</param>
/// <param name="Unmet">The names of the unmet guards; empty on success.</param>
public sealed record NaiveDecision(TransitionOutcome Outcome, Ticket Ticket, IReadOnlyList<TicketEvent> Events, IReadOnlyList<string> Unmet);

/// <summary>
/// The baseline: the shipped incident lifecycle written the naive way with Stateless, as its README shows it. Every call
/// builds a new state machine whose state accessor and guards close over the ticket and context, configures every
/// state and transition, and asks it (<c>CanFire</c> with the unmet guards, then <c>Fire</c> for the destination); the
/// result is assembled with LINQ and lists.
/// </summary>
/// <remarks>It produces the same decisions as <see cref="IncidentLifecycle"/> with the given options (the benchmarks check
/// this in their setup), so the comparison measures only how the decision is made. It leaves out cascades to linked
/// tickets, which the benchmark inputs do not have.</remarks>
public sealed class NaiveStatelessIncident(IncidentLifecycleOptions options)
{
    private static readonly string[] ResolutionCodes = [.. new IncidentLifecycleOptions().ResolutionCodes];

    /// <summary>Decides a trigger, like <see cref="WorkflowDefinition.TryFire"/>.</summary>
    public NaiveDecision TryFire(Ticket ticket, WorkflowTrigger trigger, TransitionContext context)
    {
        var state = ticket.Status.Name;
        var machine = Configure(() => state, s => state = s, ticket, context);
        if (!machine.CanFire(trigger.Name, out var unmet))
        {
            var names = unmet is { Count: > 0 } ? unmet.Distinct(StringComparer.Ordinal).ToList() : ["trigger"];
            var outcome = ticket.Status == TicketStatus.Closed && trigger == IncidentLifecycle.Reopen && names.All(n => n == IncidentLifecycle.WithinReopenWindowGuard)
                ? TransitionOutcome.NewLinkedTicketRequired
                : TransitionOutcome.Rejected;
            return new NaiveDecision(outcome, ticket, [], names);
        }

        machine.Fire(trigger.Name);
        var to = new TicketStatus(state);
        var reasons = to == TicketStatus.OnHold ? options.HoldReasons.Select(r => r.Name).ToList()
            : to == TicketStatus.Resolved ? ResolutionCodes.ToList()
            : [];
        var missing = new List<string>();
        if (reasons.Count > 0 && !reasons.Contains(context.Reason ?? string.Empty))
        {
            missing.Add("reason");
        }

        if (trigger == IncidentLifecycle.Resolve && context.Notes is null)
        {
            missing.Add("notes");
        }

        if (missing.Count > 0)
        {
            return new NaiveDecision(TransitionOutcome.Rejected, ticket, [], missing);
        }

        var version = ticket.Version + 1;
        var events = new List<TicketEvent>
        {
            new StatusChanged(ticket.Tenant, ticket.Id, version, context.Now, context.Actor, ticket.Status, to, context.Reason),
        };
        if (context.Notes is { } notes)
        {
            events.Add(new CommentAdded(ticket.Tenant, ticket.Id, ++version, context.Now, context.Actor, CommentVisibility.Public, notes));
        }

        var updated = ticket with
        {
            Status = to,
            HoldReason = to == TicketStatus.OnHold ? context.Reason : null,
            Version = version,
            UpdatedAt = context.Now > ticket.UpdatedAt ? context.Now : ticket.UpdatedAt,
        };
        return new NaiveDecision(TransitionOutcome.Transitioned, updated, events, []);
    }

    /// <summary>Lists the permitted triggers, like <see cref="WorkflowDefinition.PermittedTriggers"/>.</summary>
    public IReadOnlyList<WorkflowTrigger> PermittedTriggers(Ticket ticket, TransitionContext context)
    {
        var state = ticket.Status.Name;
        var machine = Configure(() => state, s => state = s, ticket, context);
        return Triggers().Where(t => machine.CanFire(t.Name)).ToList();
    }

    private static IEnumerable<WorkflowTrigger> Triggers() =>
    [
        IncidentLifecycle.Start, IncidentLifecycle.Hold, IncidentLifecycle.Resume, IncidentLifecycle.CallerReplied, IncidentLifecycle.Resolve,
        IncidentLifecycle.Cancel, IncidentLifecycle.Reopen, IncidentLifecycle.Close, IncidentLifecycle.AutoClose,
    ];

    private StateMachine<string, string> Configure(Func<string> read, Action<string> write, Ticket ticket, TransitionContext context)
    {
        var machine = new StateMachine<string, string>(read, write);
        bool Is(params ActorKind[] kinds) => kinds.Contains(context.Actor.Kind);
        var since = context.StatusSince ?? ticket.UpdatedAt;
        Tuple<Func<bool>, string> G(string name, Func<bool> guard) => new(guard, name);
        var agentOrSystem = G("actor:Agent|System", () => Is(ActorKind.Agent, ActorKind.System));
        var agent = G("actor:Agent", () => Is(ActorKind.Agent));
        var requesterOrAgent = G("actor:Requester|Agent", () => Is(ActorKind.Requester, ActorKind.Agent));
        var roleIfMajor = G(IncidentLifecycle.MajorIncidentRoleGuard, () => !ticket.IsMajorIncident || context.HasRole(options.MajorIncidentRole));

        string New = TicketStatus.New.Name, InProgress = TicketStatus.InProgress.Name, OnHold = TicketStatus.OnHold.Name,
            Resolved = TicketStatus.Resolved.Name, Closed = TicketStatus.Closed.Name, Canceled = TicketStatus.Canceled.Name;
        machine.Configure(New)
            .PermitIf(IncidentLifecycle.Start.Name, InProgress, agentOrSystem)
            .PermitIf(IncidentLifecycle.Hold.Name, OnHold, agent)
            .PermitIf(IncidentLifecycle.Resolve.Name, Resolved, agentOrSystem, roleIfMajor)
            .PermitIf(IncidentLifecycle.Cancel.Name, Canceled, agent, roleIfMajor);
        machine.Configure(InProgress)
            .PermitIf(IncidentLifecycle.Hold.Name, OnHold, agent)
            .PermitIf(IncidentLifecycle.Resolve.Name, Resolved, agentOrSystem, roleIfMajor)
            .PermitIf(IncidentLifecycle.Cancel.Name, Canceled, agent, roleIfMajor);
        machine.Configure(OnHold)
            .PermitReentryIf(IncidentLifecycle.Hold.Name, agent)
            .PermitIf(IncidentLifecycle.Resume.Name, InProgress, agent)
            .PermitIf(
                IncidentLifecycle.CallerReplied.Name,
                InProgress,
                G("heldFor:" + IncidentLifecycle.AwaitingCaller, () => ticket.HoldReason == IncidentLifecycle.AwaitingCaller),
                G("actor:Requester|Integration", () => Is(ActorKind.Requester, ActorKind.Integration)))
            .PermitIf(IncidentLifecycle.Resolve.Name, Resolved, agentOrSystem, roleIfMajor)
            .PermitIf(IncidentLifecycle.Cancel.Name, Canceled, agent, roleIfMajor);
        var resolved = machine.Configure(Resolved)
            .PermitIf(IncidentLifecycle.Reopen.Name, InProgress, requesterOrAgent)
            .PermitIf(IncidentLifecycle.Close.Name, Closed, requesterOrAgent);
        if (options.AutoCloseAfterBusinessDays > 0)
        {
            resolved.PermitIf(
                IncidentLifecycle.AutoClose.Name,
                Closed,
                G("actor:System", () => Is(ActorKind.System)),
                G(IncidentLifecycle.NotMajorIncidentGuard, () => !ticket.IsMajorIncident),
                G(IncidentLifecycle.AutoCloseDueGuard, () => context.Now >= options.AddBusinessDays!(since, options.AutoCloseAfterBusinessDays)));
        }

        machine.Configure(Closed)
            .PermitIf(
                IncidentLifecycle.Reopen.Name,
                InProgress,
                requesterOrAgent,
                G(IncidentLifecycle.WithinReopenWindowGuard, () => context.Now < since + Duration.FromDays(options.ReopenFromClosedDays)));
        machine.Configure(Canceled);
        return machine;
    }
}
