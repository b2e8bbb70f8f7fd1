using ServiceDesk.Events;
using static ServiceDesk.Workflow.Tests.TestData;

namespace ServiceDesk.Workflow.Tests;

public class WorkflowBuilderTests
{
    private static readonly TicketStatus Open = new("Open");
    private static readonly TicketStatus Doing = new("Doing");
    private static readonly TicketStatus Done = new("Done");
    private static readonly WorkflowTrigger Go = new("Go");
    private static readonly WorkflowTrigger Finish = new("Finish");

    private static WorkflowBuilder Valid() => new WorkflowBuilder("todo")
        .State(Open).State(Doing).State(Done)
        .Transition(Open, Go, Doing)
        .Transition(Doing, Finish, Done);

    private static string SingleFault(WorkflowBuilder builder)
        => Assert.Single(Assert.Throws<InvalidDefinitionException>(builder.Build).Errors);

    [Fact]
    public void Build_ValidWorkflow_HasStatesTransitionsAndTerminal()
    {
        var workflow = Valid().Build();

        Assert.Equal("todo", workflow.Name);
        Assert.Equal(Open, workflow.Initial);
        Assert.Equal([Open, Doing, Done], workflow.States.Select(s => s.Name));
        Assert.Equal(["Open --Go--> Doing", "Doing --Finish--> Done"], workflow.Transitions.Select(t => t.ToString()));
        Assert.Equal([Go, Finish], workflow.Triggers);
        Assert.True(workflow.GetState(Done).IsTerminal);
        Assert.False(workflow.GetState(Open).IsTerminal);
        Assert.Null(workflow.Kind);
    }

    [Fact]
    public void Build_NoStates_FaultsStatesAndInitial()
    {
        var e = Assert.Throws<InvalidDefinitionException>(new WorkflowBuilder("empty").Build);

        Assert.Equal(["$.states: at least one state is required.", "$.initial: an initial state is required."], e.Errors);
        Assert.Equal("workflow 'empty'", e.DefinitionName);
    }

    [Fact]
    public void Build_InitialStateNotDeclared_Faults()
        => Assert.Equal(
            "$.initial: state 'Nowhere' is not declared; declared states: 'Open', 'Doing', 'Done'.",
            SingleFault(Valid().InitialState(new TicketStatus("Nowhere"))));

    [Fact]
    public void Build_TransitionTargetNotDeclared_FaultsWithPath()
        => Assert.Equal(
            "$.transitions[2].to: state 'Limbo' is not declared; declared states: 'Open', 'Doing', 'Done'.",
            SingleFault(Valid().Transition(Doing, new WorkflowTrigger("Drop"), new TicketStatus("Limbo"))));

    [Fact]
    public void Build_TransitionSourceNotDeclared_FaultsWithPath()
        => Assert.StartsWith(
            "$.transitions[2].from: state 'Limbo' is not declared",
            SingleFault(Valid().Transition(new TicketStatus("Limbo"), Go, Doing)),
            StringComparison.Ordinal);

    [Fact]
    public void Build_UnreachableState_Faults()
        => Assert.Equal(
            "$.states[3]: state 'Orphan' is unreachable from the initial state 'Open'.",
            SingleFault(Valid().State(new TicketStatus("Orphan"))));

    [Fact]
    public void Build_UnreachableStateWithOutgoingTransitions_Faults()
        => Assert.Equal(
            "$.states[3]: state 'Orphan' is unreachable from the initial state 'Open'.",
            SingleFault(Valid().State(new TicketStatus("Orphan")).Transition(new TicketStatus("Orphan"), Go, Done)));

    [Fact]
    public void Build_NoTerminalState_Faults()
        => Assert.Equal(
            "$.states: no state is terminal; at least one state must have no outgoing transition.",
            SingleFault(Valid().Transition(Done, new WorkflowTrigger("Again"), Open)));

    [Fact]
    public void Build_UnregisteredGuard_FaultsListingRegisteredAndBuiltIns()
    {
        var fault = SingleFault(Valid()
            .Guard("IsFriday", "it is Friday", _ => true)
            .ConfigureTransitions(Open, Go, t => t.When("actor:Agent", "IsMonday")));

        Assert.StartsWith("$.transitions[0].guards[1]: guard 'IsMonday' is not registered; registered guards: 'IsFriday'; built-in forms:", fault, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("actor:Robot", "$.transitions[0].guards[0]: guard 'actor:Robot': 'Robot' is not an actor kind")]
    [InlineData("actor:", "$.transitions[0].guards[0]: guard 'actor:': '' is not an actor kind")]
    [InlineData("heldFor:", "$.transitions[0].guards[0]: guard 'heldFor:' is neither registered nor a valid built-in guard")]
    [InlineData("attribute:novalue", "$.transitions[0].guards[0]: guard 'attribute:novalue' is neither registered nor a valid built-in guard")]
    [InlineData("magic:x", "$.transitions[0].guards[0]: guard 'magic:x' is neither registered nor a valid built-in guard")]
    [InlineData("9lives", "$.transitions[0].guards[0]: '9lives' is not a valid guard name")]
    public void Build_MalformedBuiltInGuard_Faults(string guard, string expectedStart)
        => Assert.StartsWith(expectedStart, SingleFault(Valid().ConfigureTransitions(Open, Go, t => t.When(guard))), StringComparison.Ordinal);

    [Fact]
    public void Build_GuardListedTwice_Faults()
        => Assert.Equal("$.transitions[0].guards: a guard is listed twice.", SingleFault(Valid().ConfigureTransitions(Open, Go, t => t.When("actor:Agent", "actor:Agent"))));

    [Fact]
    public void Build_DuplicateTransition_Faults()
        => Assert.Equal(
            "$.transitions[2]: transition 'Open' --Go--> 'Doing' repeats $.transitions[0]; merge their guards instead.",
            SingleFault(Valid().Transition(Open, Go, Doing)));

    [Fact]
    public void Build_AlternativeTransitionsUnguarded_Faults()
        => Assert.Equal(
            "$.transitions[0]: trigger 'Go' leads from 'Open' to 2 states ('Doing', 'Done'), so each of those transitions needs guards that tell them apart.",
            SingleFault(Valid().Transition(Open, Go, Done, t => t.When("actor:System"))));

    [Fact]
    public void Build_BadReasonNamesAndDuplicates_Fault()
    {
        var e = Assert.Throws<InvalidDefinitionException>(Valid().State(Doing, s => s.Reason("ok").Reason("ok").Reason("not ok")).Build);

        Assert.Equal(
            ["$.states[1].reasons[1]: reason 'ok' is declared twice in state 'Doing'.",
             "$.states[1].reasons[2]: 'not ok' is not a valid reason name; use 1 to 64 ASCII letters, digits or underscores, starting with a letter."],
            e.Errors);
    }

    [Fact]
    public void Build_TransitionReasonNotOfTarget_Faults()
    {
        var e = Assert.Throws<InvalidDefinitionException>(Valid()
            .State(Done, s => s.Reason("Fixed"))
            .ConfigureTransitions(Doing, Finish, t => t.WithReasons("Fixed", "Lost"))
            .ConfigureTransitions(Open, Go, t => t.WithReasons("Any"))
            .Build);

        Assert.Equal(
            ["$.transitions[0].reasons[0]: state 'Doing' declares no reasons, so the transition cannot restrict them to 'Any'.",
             "$.transitions[1].reasons[1]: 'Lost' is not a reason of state 'Done'; its reasons: 'Fixed'."],
            e.Errors);
    }

    [Fact]
    public void Build_NewLinkedTicketGuardNotOnTransition_Faults()
        => Assert.StartsWith(
            "$.transitions[0].otherwise.guard: 'Window' is not one of the transition's guards",
            SingleFault(Valid().ConfigureTransitions(Open, Go, t => t.When("actor:Agent").OrNewLinkedTicketWhenUnmet("Window"))),
            StringComparison.Ordinal);

    [Fact]
    public void Build_ManyFaults_OneExceptionListingEvery()
    {
        var builder = new WorkflowBuilder("broken")
            .State(Open).State(Doing).State(new TicketStatus("Orphan"))
            .Transition(Open, Go, Doing, t => t.When("Nope"))
            .Transition(Doing, Finish, new TicketStatus("Missing"))
            .Transition(Doing, Go, Open)
            .Transition(new TicketStatus("Orphan"), Go, Open);

        var e = Assert.Throws<InvalidDefinitionException>(builder.Build);

        Assert.Equal(4, e.Errors.Count);
        Assert.StartsWith("$.transitions[0].guards[0]: guard 'Nope' is not registered", e.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith("$.transitions[1].to: state 'Missing' is not declared", e.Errors[1], StringComparison.Ordinal);
        Assert.Equal("$.states[2]: state 'Orphan' is unreachable from the initial state 'Open'.", e.Errors[2]);
        Assert.Equal("$.states: no state is terminal; at least one state must have no outgoing transition.", e.Errors[3]);
        Assert.Contains("(4 faults)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_DefaultValues_ThrowAtOnce()
    {
        var builder = new WorkflowBuilder("x");

        Assert.Throws<ArgumentException>(() => builder.State(default));
        Assert.Throws<ArgumentException>(() => builder.InitialState(default));
        Assert.Throws<ArgumentException>(() => builder.Transition(Open, default, Done));
        Assert.Throws<ArgumentException>(() => builder.Transition(default, Go, Done));
        Assert.Throws<ArgumentException>(() => new WorkflowBuilder(" "));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.ForKind((TicketKind)99));
        Assert.Throws<ArgumentException>(() => builder.ConfigureTransitions(Open, Go, _ => { }));
        Assert.Throws<ArgumentException>(() => new WorkflowTrigger("no spaces"));
        Assert.Throws<ArgumentException>(() => new WorkflowGuard("x", " ", _ => true));
        Assert.Throws<ArgumentException>(() => new WorkflowGuard("has space", "d", _ => true));
    }

    [Fact]
    public void ToBuilder_CustomiseShippedLifecycle_LeavesOriginalUnchanged()
    {
        var shipped = IncidentLifecycle.Create();
        var triage = new TicketStatus("Triage");
        var triageTrigger = new WorkflowTrigger("Triage");

        var custom = shipped.ToBuilder()
            .WithName("incident-with-triage")
            .State(triage)
            .Transition(TicketStatus.New, triageTrigger, triage, t => t.When("actor:Agent"))
            .Transition(triage, IncidentLifecycle.Start, TicketStatus.InProgress, t => t.When("role:triage"))
            .Build();

        Assert.False(shipped.HasState(triage));
        Assert.DoesNotContain(triageTrigger, shipped.Triggers);
        Assert.True(custom.HasState(triage));
        var ticket = Incident(TicketStatus.New);
        var triaged = custom.Fire(ticket, triageTrigger, ByAgent()).Ticket;
        Assert.Equal("the actor has the role 'triage'", Assert.Single(custom.TryFire(triaged, IncidentLifecycle.Start, ByAgent()).UnmetGuards).Description);
        Assert.True(custom.TryFire(triaged, IncidentLifecycle.Start, ByAgent() with { Roles = new HashSet<string> { "triage" } }).Succeeded);
    }

    [Fact]
    public void ToBuilder_AddGuardToShippedTransition_GuardApplies()
    {
        var custom = IncidentLifecycle.Create().ToBuilder()
            .Guard("HasAssignee", "the incident is assigned to an agent", a => a.Ticket.Assignee is not null)
            .ConfigureTransitions(TicketStatus.InProgress, IncidentLifecycle.Resolve, t => t.When("HasAssignee"))
            .Build();

        var result = custom.TryFire(Incident(TicketStatus.InProgress), IncidentLifecycle.Resolve, ByAgent() with { Reason = "Duplicate", Notes = "dup" });

        Assert.Equal(("HasAssignee", "the incident is assigned to an agent"), (result.UnmetGuards[0].Name, result.UnmetGuards[0].Description));
    }

    [Fact]
    public void RenameState_RenamesEverywhere()
    {
        var progress = new TicketStatus("WorkInProgress");
        var renamed = IncidentLifecycle.Create().ToBuilder().RenameState(TicketStatus.InProgress, progress).Build();

        Assert.False(renamed.HasState(TicketStatus.InProgress));
        Assert.Equal(progress, renamed.Fire(Incident(TicketStatus.New), IncidentLifecycle.Start, ByAgent()).To);
        Assert.Throws<ArgumentException>(() => renamed.ToBuilder().RenameState(TicketStatus.New, TicketStatus.Closed));
        Assert.Throws<ArgumentException>(() => renamed.ToBuilder().RenameState(TicketStatus.InProgress, TicketStatus.Closed));
    }

    [Fact]
    public void RemoveState_RemovesItsTransitions()
    {
        var withoutHold = IncidentLifecycle.Create().ToBuilder().RemoveState(TicketStatus.OnHold).Build();

        Assert.False(withoutHold.HasState(TicketStatus.OnHold));
        Assert.DoesNotContain(IncidentLifecycle.Hold, withoutHold.Triggers);
        Assert.DoesNotContain(IncidentLifecycle.CallerReplied, withoutHold.Triggers);
    }

    [Fact]
    public void RemoveTransitions_ThenUnreachable_FaultsOnBuild()
    {
        var builder = Valid().RemoveTransitions(Open, Go);

        var e = Assert.Throws<InvalidDefinitionException>(builder.Build);

        Assert.Equal(
            ["$.states[1]: state 'Doing' is unreachable from the initial state 'Open'.", "$.states[2]: state 'Done' is unreachable from the initial state 'Open'."],
            e.Errors);
    }

    [Fact]
    public void Build_LaterBuilderChanges_DoNotAffectBuiltDefinition()
    {
        var builder = Valid();
        var first = builder.Build();
        builder.Transition(Open, Finish, Done);

        Assert.Equal(2, first.Transitions.Count);
        Assert.Equal(3, builder.Build().Transitions.Count);
    }

    [Fact]
    public void Cascade_SkipStatusesRenamedWithState()
    {
        var stop = new TicketStatus("Stopped");
        var workflow = Valid()
            .ConfigureTransitions(Doing, Finish, t => t.Cascade(TicketLinkType.ChildOf, LinkDirection.Incoming, Finish, skipStatuses: [Done]))
            .RenameState(Done, stop)
            .Build();

        Assert.Equal([stop], workflow.Transitions[1].Cascade!.SkipStatuses);
    }
}
