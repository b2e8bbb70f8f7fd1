using NodaTime;
using ServiceDesk.Events;
using static ServiceDesk.Workflow.Tests.TestData;

namespace ServiceDesk.Workflow.Tests;

/// <summary>
/// Decisions are answered from the definition's precompiled transition table; Stateless, configured from the same
/// definition, is the reference. For every shipped lifecycle (and a workflow with overlapping alternatives) and thousands of
/// random tickets and contexts, both must give the same decision: the same target (Stateless's own <c>Fire</c>), the same
/// unmet guards in the same order, the same fault when two alternatives are met, and the same permitted triggers.
/// </summary>
public class StatelessEquivalenceTests
{
    private const int CasesPerWorkflow = 4_000;

    private static readonly Actor[] Actors = [Agent, Caller, SystemActor, Integration, Actor.OfAgent(new AgentId("carol"))];

    private static readonly string[] RoleNames = ["major-incident-manager", "cab", "ecab", "left", "right", "someone-else"];

    private static readonly string[] Approvers = ["ann", "ben", "cat"];

    private static readonly string?[] Reasons =
        [null, IncidentLifecycle.AwaitingCaller, IncidentLifecycle.AwaitingVendor, IncidentLifecycle.AwaitingProblem, IncidentLifecycle.AwaitingChange, "SolvedPermanently", ProblemLifecycle.Duplicate, ProblemLifecycle.FixApplied, "Whatever"];

    private static readonly string[] InputNames = ["reason", "notes"];

    public static TheoryData<string> Workflows => ["incident", "incident-no-autoclose", "incident-children", "service-request", "service-request-2-of-3", "problem", "change", "overlapping"];

    [Theory]
    [MemberData(nameof(Workflows))]
    public void TryFire_RandomTicketsAndContexts_SameDecisionAsStateless(string name)
    {
        var workflow = Create(name);
        var random = new Random(Seed(name));
        var triggers = workflow.Triggers.Append(new WorkflowTrigger("Teleport")).ToArray();
        var outcomes = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < CasesPerWorkflow; i++)
        {
            var ticket = RandomTicket(workflow, random);
            var context = RandomContext(random, ticket);
            var trigger = triggers[random.Next(triggers.Length)];
            var what = $"case {i} of '{name}': {ticket.Status} (held for {ticket.HoldReason ?? "-"}, major {ticket.IsMajorIncident}) --{trigger}--> by {context.Actor.Kind} [{string.Join(",", context.Roles)}]";

            var expected = Stateless(workflow, ticket, trigger, context);
            TransitionResult actual;
            try
            {
                actual = workflow.TryFire(ticket, trigger, context);
            }
            catch (InvalidOperationException) when (expected.Ambiguous)
            {
                outcomes.Add("ambiguous");
                continue;
            }

            Assert.False(expected.Ambiguous, $"{what}: Stateless found two permitted transitions but the table decided {actual.Outcome}.");
            if (expected.Destination is { } destination)
            {
                if (actual.Succeeded)
                {
                    Assert.Equal(destination, actual.To.Name);
                    outcomes.Add("transitioned");
                }
                else
                {
                    // Stateless permits the trigger; only a missing input (a reason or notes) may still reject it.
                    Assert.Equal(TransitionOutcome.Rejected, actual.Outcome);
                    Assert.All(actual.UnmetGuards, u => Assert.Contains(u.Name, InputNames));
                    Assert.NotEmpty(actual.UnmetGuards);
                    outcomes.Add("input missing");
                }
            }
            else if (expected.Unmet.Length == 0)
            {
                // Stateless has no handler for the trigger in this state.
                Assert.Equal(["trigger"], actual.UnmetGuards.Names());
                Assert.Equal(TransitionOutcome.Rejected, actual.Outcome);
                outcomes.Add("no such trigger");
            }
            else
            {
                Assert.False(actual.Succeeded, what);
                Assert.Equal(expected.Unmet, actual.UnmetGuards.Select(u => (u.Name, u.Description)).ToArray());
                Assert.Equal(ExpectedOutcome(workflow, ticket, trigger, expected.Unmet), actual.Outcome);
                outcomes.Add(actual.Outcome.ToString());
            }
        }

        // The random cases reach every kind of decision the workflow can make (so the comparison is not vacuous).
        Assert.Contains("transitioned", outcomes);
        Assert.Contains("no such trigger", outcomes);
        Assert.Contains(TransitionOutcome.Rejected.ToString(), outcomes);
        if (name.StartsWith("incident", StringComparison.Ordinal))
        {
            Assert.Contains(TransitionOutcome.NewLinkedTicketRequired.ToString(), outcomes);
        }

        if (name == "overlapping")
        {
            Assert.Contains("ambiguous", outcomes);
        }
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void PermittedTriggers_RandomTicketsAndContexts_SameAsStateless(string name)
    {
        var workflow = Create(name);
        var random = new Random(Seed(name) + 1);
        var nonEmpty = 0;

        for (var i = 0; i < CasesPerWorkflow; i++)
        {
            var ticket = RandomTicket(workflow, random);
            var context = RandomContext(random, ticket);
            var slot = new MachineSlot(workflow);
            slot.Load(ticket, context, default);

            string[]? expected;
            try
            {
                // The state's triggers in declaration order that Stateless's CanFire permits (it faults when two alternatives are met).
                expected = [.. workflow.Transitions.Where(t => t.From == ticket.Status).Select(t => t.Trigger.Name).Distinct().Where(t => slot.Machine.CanFire(t))];
            }
            catch (InvalidOperationException)
            {
                expected = null;
            }

            if (expected is null)
            {
                Assert.Throws<InvalidOperationException>(() => workflow.PermittedTriggers(ticket, context));
                continue;
            }

            var actual = workflow.PermittedTriggers(ticket, context).Select(t => t.Name).ToArray();
            Assert.Equal(expected, actual);
            nonEmpty += actual.Length > 0 ? 1 : 0;
        }

        Assert.InRange(nonEmpty, 1, CasesPerWorkflow - 1);
    }

    private static int Seed(string name) => name.Aggregate(17, (h, c) => unchecked((h * 31) + c));

    private static WorkflowDefinition Create(string name) => name switch
    {
        "incident-no-autoclose" => IncidentLifecycle.Create(),
        "incident-children" => IncidentLifecycle.Create(new IncidentLifecycleOptions { AddBusinessDays = AddWeekdays, ChildResolution = ChildResolutionRule.RequireChildrenResolved }),
        "service-request-2-of-3" => ServiceRequestLifecycle.Create(new ServiceRequestLifecycleOptions { ApprovalRule = ApprovalRule.NOfM(2) }),
        "overlapping" => Overlapping(),
        _ => WorkflowDocsTests.Shipped(name),
    };

    /// <summary>Alternatives whose guards overlap (both met is a fault of the definition), plus a re-entry.</summary>
    private static WorkflowDefinition Overlapping()
    {
        var a = new TicketStatus("A");
        var b = new TicketStatus("B");
        var c = new TicketStatus("C");
        var go = new WorkflowTrigger("Go");
        return new WorkflowBuilder("overlapping").State(a).State(b).State(c)
            .Transition(a, go, b, t => t.When("role:left", "actor:Agent"))
            .Transition(a, go, c, t => t.When("actor:Agent|Requester", "role:right"))
            .Transition(a, new WorkflowTrigger("Stay"), a, t => t.When("role:cab"))
            .Transition(b, go, c)
            .Build();
    }

    /// <summary>What Stateless decides, through a machine configured from the definition (<see cref="MachineSlot"/>).</summary>
    private static (string? Destination, (string Name, string Description)[] Unmet, bool Ambiguous) Stateless(
        WorkflowDefinition workflow, Ticket ticket, WorkflowTrigger trigger, TransitionContext context)
    {
        var slot = new MachineSlot(workflow);
        slot.Load(ticket, context, trigger);
        bool permitted;
        ICollection<string>? unmet;
        try
        {
            permitted = slot.Machine.CanFire(trigger.Name, out unmet);
        }
        catch (InvalidOperationException)
        {
            return (null, [], true);
        }

        if (permitted)
        {
            // Let Stateless run the transition: the external state then holds its destination.
            slot.Machine.Fire(trigger.Name);
            return (slot.State, [], false);
        }

        var guards = workflow.Transitions.Where(t => t.From == ticket.Status && t.Trigger == trigger).SelectMany(t => t.Guards).ToArray();
        return (null, [.. (unmet ?? []).Distinct(StringComparer.Ordinal).Select(n => (n, guards.First(g => g.Name == n).Description))], false);
    }

    private static TransitionOutcome ExpectedOutcome(WorkflowDefinition workflow, Ticket ticket, WorkflowTrigger trigger, (string Name, string Description)[] unmet)
    {
        var otherwise = workflow.Transitions
            .Where(t => t.From == ticket.Status && t.Trigger == trigger && t.Otherwise == RejectionOutcome.NewLinkedTicket)
            .Select(t => t.OtherwiseGuard)
            .ToHashSet(StringComparer.Ordinal);
        return unmet.All(u => otherwise.Contains(u.Name)) ? TransitionOutcome.NewLinkedTicketRequired : TransitionOutcome.Rejected;
    }

    private static Ticket RandomTicket(WorkflowDefinition workflow, Random random)
    {
        var state = workflow.States[random.Next(workflow.States.Count)];
        string? hold = state.IsHold && state.Reasons.Count > 0 && random.Next(4) > 0 ? state.Reasons[random.Next(state.Reasons.Count)].Name : null;
        var ticket = Ticket(workflow.Kind ?? TicketKind.Incident, state.Name, hold, major: random.Next(4) == 0) with
        {
            UpdatedAt = T0 + Duration.FromHours(random.Next(0, 24 * 20)),
        };

        if (workflow.Kind == TicketKind.Change && random.Next(5) > 0)
        {
            var start = T0 + Duration.FromHours(random.Next(0, 24 * 20));
            Interval? window = random.Next(3) switch
            {
                0 => null,
                1 => new Interval(start, start + Duration.FromHours(random.Next(1, 48))),
                _ => new Interval(T0, T0 + Duration.FromDays(60)),
            };
            ticket = ChangeLifecycle.Plan(ticket, (ChangeType)random.Next(1, 4), window);
        }

        if (workflow.Kind == TicketKind.Problem)
        {
            if (random.Next(2) == 0)
            {
                ticket = ProblemLifecycle.DocumentRootCause(ticket, "a cause");
            }

            if (random.Next(2) == 0)
            {
                ticket = ProblemLifecycle.MarkKnownError(ticket, "a workaround");
            }
        }

        return ticket;
    }

    private static TransitionContext RandomContext(Random random, Ticket ticket)
    {
        var now = ticket.UpdatedAt + Duration.FromHours(random.Next(0, 24 * 30));
        var roles = RoleNames.Where(_ => random.Next(3) == 0).ToHashSet(StringComparer.Ordinal);
        var context = new TransitionContext(Actors[random.Next(Actors.Length)], now)
        {
            Roles = roles,
            Reason = Reasons[random.Next(Reasons.Length)],
            Notes = random.Next(2) == 0 ? "notes" : null,
            StatusSince = random.Next(3) == 0 ? null : ticket.UpdatedAt - Duration.FromHours(random.Next(0, 24 * 15)),
        };

        if (random.Next(3) > 0)
        {
            var asked = Approvers.Take(random.Next(Approvers.Length + 1)).ToArray();
            var decisions = asked.Where(_ => random.Next(2) == 0).Select(a => new ApprovalDecision(a, random.Next(3) > 0)).ToArray();
            context = context with { Approvals = new ApprovalSet(asked, decisions) };
        }

        if (random.Next(2) == 0)
        {
            var statuses = new[] { TicketStatus.New, TicketStatus.InProgress, TicketStatus.Resolved, TicketStatus.Closed };
            var links = Enumerable.Range(0, random.Next(1, 4))
                .Select(_ => new LinkedTicket(TicketId.New(), TicketKind.Incident, statuses[random.Next(statuses.Length)], random.Next(3) > 0 ? TicketLinkType.ChildOf : TicketLinkType.RelatedTo, (LinkDirection)random.Next(1, 3)))
                .ToArray();
            context = context with { Links = links };
        }

        return context;
    }
}
