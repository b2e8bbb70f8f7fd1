using NodaTime;
using ServiceDesk.Events;
using static ServiceDesk.Workflow.Tests.TestData;

namespace ServiceDesk.Workflow.Tests;

public class WorkflowDefinitionTests
{
    private static readonly WorkflowDefinition Incident = IncidentLifecycle.Create(new IncidentLifecycleOptions { AddBusinessDays = AddWeekdays });

    [Fact]
    public void TryFire_UnknownTrigger_RejectedNotThrown()
    {
        var result = Incident.TryFire(Incident(TicketStatus.New), new WorkflowTrigger("Teleport"), ByAgent());

        var unmet = Assert.Single(result.UnmetGuards);
        Assert.Equal(("trigger", "workflow 'incident' has no trigger 'Teleport'"), (unmet.Name, unmet.Description));
        Assert.Equal(TransitionOutcome.Rejected, result.Outcome);
    }

    [Fact]
    public void TryFire_TicketOfOtherKind_ThrowsArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => Incident.TryFire(Ticket(TicketKind.Change, TicketStatus.New), IncidentLifecycle.Start, ByAgent()));
        Assert.Contains("is for Incident tickets; ticket CHG", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFire_StatusNotInWorkflow_ThrowsArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => Incident.TryFire(Incident(new TicketStatus("Scheduled")), IncidentLifecycle.Start, ByAgent()));
        Assert.Contains("status 'Scheduled', which is not a state of workflow 'incident'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFire_NullOrDefaultArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => Incident.TryFire(null!, IncidentLifecycle.Start, ByAgent()));
        Assert.Throws<ArgumentNullException>(() => Incident.TryFire(Incident(TicketStatus.New), IncidentLifecycle.Start, null!));
        Assert.Throws<ArgumentException>(() => Incident.TryFire(Incident(TicketStatus.New), default, ByAgent()));
        Assert.Throws<ArgumentNullException>(() => Incident.PermittedTriggers(null!, ByAgent()));
        Assert.Throws<ArgumentException>(() => new TransitionContext(default, T0));
        Assert.Throws<ArgumentException>(() => ByAgent() with { Reason = " " });
        Assert.Throws<ArgumentException>(() => ByAgent() with { Reason = new string('x', 101) });
        Assert.Throws<ArgumentException>(() => ByAgent() with { Notes = "" });
    }

    [Fact]
    public void Fire_Permitted_ReturnsSameAsTryFire()
    {
        var ticket = Incident(TicketStatus.New);

        var fired = Incident.Fire(ticket, IncidentLifecycle.Start, ByAgent());
        var tried = Incident.TryFire(ticket, IncidentLifecycle.Start, ByAgent());

        Assert.Equal(tried.Ticket, fired.Ticket);
        Assert.Equal(tried.Events, fired.Events);
    }

    [Fact]
    public void Fire_Rejected_ThrowsInvalidTransitionListingGuards()
    {
        var e = Assert.Throws<InvalidTransitionException>(() => Incident.Fire(Incident(TicketStatus.New), IncidentLifecycle.Start, By(Caller)));

        Assert.Equal(TransitionOutcome.Rejected, e.Result.Outcome);
        Assert.Equal(
            "Ticket INC0000042 cannot take trigger 'Start' from status 'New':" + Environment.NewLine + "- actor:Agent|System: not met: the actor is an agent or the system",
            e.Message);
        Assert.IsAssignableFrom<InvalidOperationException>(e);
    }

    [Fact]
    public void InvalidTransitionException_SucceededResult_Throws()
    {
        var ok = Incident.TryFire(Incident(TicketStatus.New), IncidentLifecycle.Start, ByAgent());
        Assert.Throws<ArgumentException>(() => new InvalidTransitionException(ok));
    }

    [Fact]
    public void TryFire_AlternativeTransitions_ListsUnmetGuardsOfEveryAlternative()
    {
        var a = new TicketStatus("A");
        var b = new TicketStatus("B");
        var c = new TicketStatus("C");
        var go = new WorkflowTrigger("Go");
        var workflow = new WorkflowBuilder("alt").State(a).State(b).State(c)
            .Transition(a, go, b, t => t.When("role:left"))
            .Transition(a, go, c, t => t.When("role:right"))
            .Build();
        var ticket = Ticket(TicketKind.Incident, a);

        var none = workflow.TryFire(ticket, go, ByAgent());
        var left = workflow.TryFire(ticket, go, ByAgent() with { Roles = new HashSet<string> { "left" } });
        var right = workflow.TryFire(ticket, go, ByAgent() with { Roles = new HashSet<string> { "right" } });

        Assert.Equal(["role:left", "role:right"], none.UnmetGuards.Names());
        Assert.Equal(b, left.To);
        Assert.Equal(c, right.To);
        Assert.Throws<InvalidOperationException>(() => workflow.TryFire(ticket, go, ByAgent() with { Roles = new HashSet<string> { "left", "right" } }));
    }

    [Fact]
    public void TryFire_AttributeGuard_ReadsStringAttribute()
    {
        var a = new TicketStatus("A");
        var b = new TicketStatus("B");
        var go = new WorkflowTrigger("Go");
        var workflow = new WorkflowBuilder("attr").State(a).State(b).Transition(a, go, b, t => t.When("attribute:tier=gold")).Build();

        var gold = Ticket(TicketKind.Incident, a, attributes: CustomAttributes.Empty.With("tier", AttributeValue.FromString("gold")));
        var silver = Ticket(TicketKind.Incident, a, attributes: CustomAttributes.Empty.With("tier", AttributeValue.FromString("silver")));
        var number = Ticket(TicketKind.Incident, a, attributes: CustomAttributes.Empty.With("tier", AttributeValue.FromInteger(1)));

        Assert.True(workflow.TryFire(gold, go, ByAgent()).Succeeded);
        Assert.Equal("the ticket's attribute 'tier' is 'gold'", Assert.Single(workflow.TryFire(silver, go, ByAgent()).UnmetGuards).Description);
        Assert.False(workflow.TryFire(number, go, ByAgent()).Succeeded);
    }

    [Fact]
    public void TryFire_SlaModes_EffectFollowsBeforeAndAfter()
    {
        var running = new TicketStatus("Running");
        var paused = new TicketStatus("Paused");
        var stopped = new TicketStatus("Stopped");
        var done = new TicketStatus("Done");
        WorkflowTrigger T(string n) => new(n);
        var workflow = new WorkflowBuilder("sla")
            .State(running).State(paused, s => s.Sla(SlaMode.Paused)).State(stopped, s => s.Sla(SlaMode.Stopped)).State(done, s => s.Sla(SlaMode.Stopped))
            .Transition(running, T("Pause"), paused).Transition(paused, T("Run"), running).Transition(running, T("Stop"), stopped)
            .Transition(stopped, T("Run"), running).Transition(stopped, T("Pause"), paused).Transition(paused, T("Stop"), stopped)
            .Transition(stopped, T("Finish"), done).Transition(running, T("Again"), running)
            .Build();
        SlaEffect Effect(TicketStatus from, string trigger) => workflow.Fire(Ticket(TicketKind.Incident, from), T(trigger), ByAgent()).SlaEffect;

        Assert.Equal(SlaEffect.Pause, Effect(running, "Pause"));
        Assert.Equal(SlaEffect.Resume, Effect(paused, "Run"));
        Assert.Equal(SlaEffect.Stop, Effect(running, "Stop"));
        Assert.Equal(SlaEffect.Resume, Effect(stopped, "Run"));
        Assert.Equal(SlaEffect.Pause, Effect(stopped, "Pause"));
        Assert.Equal(SlaEffect.Stop, Effect(paused, "Stop"));
        Assert.Equal(SlaEffect.None, Effect(stopped, "Finish"));
        Assert.Equal(SlaEffect.None, Effect(running, "Again"));
    }

    [Fact]
    public void TryFire_ReentryTransition_EmitsStatusChangedToSameState()
    {
        var result = Incident.Fire(Incident(TicketStatus.OnHold, IncidentLifecycle.AwaitingVendor), IncidentLifecycle.Hold, ByAgent() with { Reason = IncidentLifecycle.AwaitingProblem });

        var changed = Assert.IsType<StatusChanged>(Assert.Single(result.Events));
        Assert.Equal((TicketStatus.OnHold, TicketStatus.OnHold, "AwaitingProblem"), (changed.From, changed.To, changed.Reason));
    }

    [Fact]
    public void TryFire_NowBeforeUpdatedAt_KeepsUpdatedAtMonotonic()
    {
        var ticket = Incident(TicketStatus.New) with { UpdatedAt = T0 + Duration.FromDays(1) };

        var result = Incident.Fire(ticket, IncidentLifecycle.Start, ByAgent(T0 + Duration.FromHours(1)));

        Assert.Equal(T0 + Duration.FromDays(1), result.Ticket.UpdatedAt);
        Assert.Equal(T0 + Duration.FromHours(1), result.Events[0].At);
    }

    [Fact]
    public void GetState_Unknown_ThrowsKeyNotFound()
        => Assert.Throws<KeyNotFoundException>(() => Incident.GetState(new TicketStatus("Nope")));

    [Fact]
    public void SharedDefinition_ParallelUse_SameDecisionsAsSequential()
    {
        var tickets = Enumerable.Range(0, 64).Select(i => Incident(i % 2 == 0 ? TicketStatus.OnHold : TicketStatus.Resolved, i % 2 == 0 ? (i % 4 == 0 ? IncidentLifecycle.AwaitingCaller : IncidentLifecycle.AwaitingVendor) : null)).ToArray();
        var contexts = new[] { By(Caller), ByAgent(), By(SystemActor, T0 + Duration.FromDays(30)) with { StatusSince = T0 } };
        var triggers = new[] { IncidentLifecycle.CallerReplied, IncidentLifecycle.Resume, IncidentLifecycle.Reopen, IncidentLifecycle.AutoClose, IncidentLifecycle.Close };

        string Decide(int i)
        {
            var ticket = tickets[i % tickets.Length];
            var context = contexts[i % contexts.Length];
            var trigger = triggers[i % triggers.Length];
            var result = Incident.TryFire(ticket, trigger, context);
            var permitted = Incident.PermittedTriggers(ticket, context);
            return $"{result.Outcome}:{result.To}:{string.Join(",", result.UnmetGuards.Names())}|{string.Join(",", permitted)}";
        }

        const int n = 20_000;
        var expected = Enumerable.Range(0, n).Select(Decide).ToArray();
        var actual = new string[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount) }, i => actual[i] = Decide(i));

        Assert.Equal(expected, actual);
        Assert.Contains(expected, e => e.StartsWith("Transitioned", StringComparison.Ordinal));
        Assert.Contains(expected, e => e.StartsWith("Rejected", StringComparison.Ordinal));
    }

    [Fact]
    public void SharedDefinition_GuardsSeeTheirOwnCallsContext_UnderContention()
    {
        // Each call's guard must see that call's ticket and context, never another thread's.
        var a = new TicketStatus("A");
        var b = new TicketStatus("B");
        var go = new WorkflowTrigger("Go");
        var workflow = new WorkflowBuilder("echo")
            .Guard("SubjectMatchesActor", "the subject names the actor", g => { Thread.SpinWait(50); return g.Ticket.Subject == g.Context.Actor.Id; })
            .State(a).State(b).Transition(a, go, b, t => t.When("SubjectMatchesActor")).Build();

        var failures = 0;
        Parallel.For(0, 20_000, i =>
        {
            var id = $"agent{i % 97}";
            var ticket = Ticket(TicketKind.Incident, a) with { Subject = id };
            var matching = workflow.TryFire(ticket, go, By(Actor.OfAgent(new AgentId(id))));
            var other = workflow.TryFire(ticket, go, By(Actor.OfAgent(new AgentId(id + "x"))));
            if (!matching.Succeeded || other.Succeeded)
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }
}
