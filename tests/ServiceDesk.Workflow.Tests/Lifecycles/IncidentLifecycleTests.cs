using NodaTime;
using ServiceDesk.Events;
using static ServiceDesk.Workflow.Tests.TestData;

namespace ServiceDesk.Workflow.Tests.Lifecycles;

public class IncidentLifecycleTests
{
    private static readonly IncidentLifecycleOptions Options = new() { AddBusinessDays = AddWeekdays };
    private static readonly WorkflowDefinition Workflow = IncidentLifecycle.Create(Options);

    private static TransitionContext Resolving(Actor? actor = null) =>
        By(actor ?? Agent) with { Reason = "SolvedPermanently", Notes = "Replaced the toner." };

    [Fact]
    public void TryFire_StartNewByAgent_MovesToInProgress()
    {
        var ticket = Incident(TicketStatus.New);
        var result = Workflow.TryFire(ticket, IncidentLifecycle.Start, ByAgent());

        Assert.True(result.Succeeded);
        Assert.Equal(TransitionOutcome.Transitioned, result.Outcome);
        Assert.Equal(TicketStatus.InProgress, result.To);
        Assert.Equal(TicketStatus.InProgress, result.Ticket.Status);
        Assert.Equal(4, result.Ticket.Version);
        Assert.Equal(T0 + Duration.FromHours(1), result.Ticket.UpdatedAt);
        var changed = Assert.IsType<StatusChanged>(Assert.Single(result.Events));
        Assert.Equal((TicketStatus.New, TicketStatus.InProgress, 4L, Agent, (string?)null), (changed.From, changed.To, changed.Version, changed.Actor, changed.Reason));
        Assert.Equal(ticket.Id, changed.Ticket);
        Assert.Equal(SlaEffect.None, result.SlaEffect);
        Assert.Empty(result.UnmetGuards);
    }

    [Fact]
    public void TryFire_StartBySystem_MovesToInProgress()
        => Assert.True(Workflow.TryFire(Incident(TicketStatus.New), IncidentLifecycle.Start, By(SystemActor)).Succeeded);

    [Fact]
    public void TryFire_StartByRequester_RejectedWithActorGuard()
    {
        var ticket = Incident(TicketStatus.New);
        var result = Workflow.TryFire(ticket, IncidentLifecycle.Start, By(Caller));

        Assert.Equal(TransitionOutcome.Rejected, result.Outcome);
        var unmet = Assert.Single(result.UnmetGuards);
        Assert.Equal(("actor:Agent|System", "the actor is an agent or the system"), (unmet.Name, unmet.Description));
        Assert.Empty(result.Events);
        Assert.Equal(TicketStatus.New, result.To);
        Assert.Same(ticket, result.Ticket);
        Assert.Equal(SlaEffect.None, result.SlaEffect);
    }

    [Theory]
    [InlineData(IncidentLifecycle.AwaitingCaller, SlaEffect.Pause)]
    [InlineData(IncidentLifecycle.AwaitingVendor, SlaEffect.Pause)]
    [InlineData(IncidentLifecycle.AwaitingChange, SlaEffect.None)]
    [InlineData(IncidentLifecycle.AwaitingProblem, SlaEffect.None)]
    public void TryFire_HoldWithReason_SetsHoldReasonAndSlaEffect(string reason, SlaEffect effect)
    {
        var result = Workflow.TryFire(Incident(TicketStatus.InProgress), IncidentLifecycle.Hold, ByAgent() with { Reason = reason });

        Assert.True(result.Succeeded);
        Assert.Equal(TicketStatus.OnHold, result.Ticket.Status);
        Assert.Equal(reason, result.Ticket.HoldReason);
        Assert.Equal(reason, Assert.IsType<StatusChanged>(Assert.Single(result.Events)).Reason);
        Assert.Equal(effect, result.SlaEffect);
    }

    [Fact]
    public void TryFire_HoldFromNew_MovesToOnHold()
        => Assert.True(Workflow.TryFire(Incident(TicketStatus.New), IncidentLifecycle.Hold, ByAgent() with { Reason = IncidentLifecycle.AwaitingVendor }).Succeeded);

    [Fact]
    public void TryFire_HoldWithoutReason_RejectedNamingTheReasons()
    {
        var result = Workflow.TryFire(Incident(TicketStatus.InProgress), IncidentLifecycle.Hold, ByAgent());

        var unmet = Assert.Single(result.UnmetGuards);
        Assert.Equal("reason", unmet.Name);
        Assert.Equal("a reason for 'OnHold' is given, one of 'AwaitingCaller', 'AwaitingChange', 'AwaitingProblem', 'AwaitingVendor'", unmet.Description);
    }

    [Fact]
    public void TryFire_HoldWithUnknownReason_Rejected()
        => Assert.Equal(["reason"], Workflow.TryFire(Incident(TicketStatus.InProgress), IncidentLifecycle.Hold, ByAgent() with { Reason = "Lunch" }).UnmetGuards.Names());

    [Fact]
    public void TryFire_HoldByRequester_Rejected()
        => Assert.Equal(
            ["actor:Agent"],
            Workflow.TryFire(Incident(TicketStatus.InProgress), IncidentLifecycle.Hold, By(Caller) with { Reason = IncidentLifecycle.AwaitingCaller }).UnmetGuards.Names());

    [Fact]
    public void TryFire_ChangeHoldReasonFromPausingToRunning_ResumesSla()
    {
        var held = Incident(TicketStatus.OnHold, IncidentLifecycle.AwaitingCaller);
        var result = Workflow.TryFire(held, IncidentLifecycle.Hold, ByAgent() with { Reason = IncidentLifecycle.AwaitingChange });

        Assert.True(result.Succeeded);
        Assert.Equal(TicketStatus.OnHold, result.To);
        Assert.Equal(IncidentLifecycle.AwaitingChange, result.Ticket.HoldReason);
        Assert.Equal(SlaEffect.Resume, result.SlaEffect);
    }

    [Theory]
    [InlineData(IncidentLifecycle.AwaitingCaller, SlaEffect.Resume)]
    [InlineData(IncidentLifecycle.AwaitingChange, SlaEffect.None)]
    public void TryFire_ResumeByAgent_BackToInProgressAndClearsHoldReason(string reason, SlaEffect effect)
    {
        var result = Workflow.TryFire(Incident(TicketStatus.OnHold, reason), IncidentLifecycle.Resume, ByAgent());

        Assert.True(result.Succeeded);
        Assert.Equal(TicketStatus.InProgress, result.Ticket.Status);
        Assert.Null(result.Ticket.HoldReason);
        Assert.Equal(effect, result.SlaEffect);
    }

    [Fact]
    public void TryFire_CallerRepliesWhileHeldForCaller_ResumesWork()
    {
        var result = Workflow.TryFire(Incident(TicketStatus.OnHold, IncidentLifecycle.AwaitingCaller), IncidentLifecycle.CallerReplied, By(Caller));

        Assert.True(result.Succeeded);
        Assert.Equal(TicketStatus.InProgress, result.To);
        Assert.Equal(SlaEffect.Resume, result.SlaEffect);
    }

    [Fact]
    public void TryFire_CallerRepliesByMailIntegration_ResumesWork()
        => Assert.True(Workflow.TryFire(Incident(TicketStatus.OnHold, IncidentLifecycle.AwaitingCaller), IncidentLifecycle.CallerReplied, By(Integration)).Succeeded);

    [Fact]
    public void TryFire_CallerRepliesWhileHeldForVendor_RejectedWithHeldForGuard()
    {
        var result = Workflow.TryFire(Incident(TicketStatus.OnHold, IncidentLifecycle.AwaitingVendor), IncidentLifecycle.CallerReplied, By(Caller));

        var unmet = Assert.Single(result.UnmetGuards);
        Assert.Equal(("heldFor:AwaitingCaller", "the ticket is on hold for 'AwaitingCaller'"), (unmet.Name, unmet.Description));
    }

    [Fact]
    public void TryFire_CallerReplyFiredByAgent_RejectedWithActorGuard()
    {
        var result = Workflow.TryFire(Incident(TicketStatus.OnHold, IncidentLifecycle.AwaitingCaller), IncidentLifecycle.CallerReplied, ByAgent());

        var unmet = Assert.Single(result.UnmetGuards);
        Assert.Equal(("actor:Requester|Integration", "the actor is the requester or an integration"), (unmet.Name, unmet.Description));
    }

    [Theory]
    [InlineData("New")]
    [InlineData("InProgress")]
    [InlineData("OnHold")]
    public void TryFire_ResolveWithCodeAndNotes_ResolvesStopsSlaAndRecordsNotes(string from)
    {
        var ticket = Incident(new TicketStatus(from), from == "OnHold" ? IncidentLifecycle.AwaitingCaller : null);
        var result = Workflow.TryFire(ticket, IncidentLifecycle.Resolve, Resolving());

        Assert.True(result.Succeeded);
        Assert.Equal(TicketStatus.Resolved, result.Ticket.Status);
        Assert.Null(result.Ticket.HoldReason);
        Assert.Equal(SlaEffect.Stop, result.SlaEffect);
        Assert.Equal(2, result.Events.Count);
        Assert.Equal("SolvedPermanently", Assert.IsType<StatusChanged>(result.Events[0]).Reason);
        var notes = Assert.IsType<CommentAdded>(result.Events[1]);
        Assert.Equal(("Replaced the toner.", CommentVisibility.Public, 5L), (notes.Text, notes.Visibility, notes.Version));
        Assert.Equal(5, result.Ticket.Version);
    }

    [Fact]
    public void TryFire_ResolveWithoutCodeOrNotes_RejectedListingBoth()
    {
        var result = Workflow.TryFire(Incident(TicketStatus.InProgress), IncidentLifecycle.Resolve, ByAgent());

        Assert.Equal(["reason", "notes"], result.UnmetGuards.Names());
        Assert.StartsWith("a reason for 'Resolved' is given, one of 'SolvedPermanently'", result.UnmetGuards[0].Description, StringComparison.Ordinal);
        Assert.Equal("notes are given for 'Resolve'", result.UnmetGuards[1].Description);
        Assert.Equal("notes: not met: notes are given for 'Resolve'", result.UnmetGuards[1].ToString());
    }

    [Fact]
    public void TryFire_ResolveWithCodeButNoNotes_RejectedForNotes()
        => Assert.Equal(["notes"], Workflow.TryFire(Incident(TicketStatus.InProgress), IncidentLifecycle.Resolve, ByAgent() with { Reason = "Duplicate" }).UnmetGuards.Names());

    [Fact]
    public void TryFire_ResolveByRequester_Rejected()
        => Assert.Equal(["actor:Agent|System"], Workflow.TryFire(Incident(TicketStatus.InProgress), IncidentLifecycle.Resolve, Resolving(Caller)).UnmetGuards.Names());

    [Fact]
    public void TryFire_ResolveMajorIncidentWithoutRole_RejectedWithRoleDescription()
    {
        var result = Workflow.TryFire(Incident(TicketStatus.InProgress, major: true), IncidentLifecycle.Resolve, Resolving());

        var unmet = Assert.Single(result.UnmetGuards);
        Assert.Equal(IncidentLifecycle.MajorIncidentRoleGuard, unmet.Name);
        Assert.Equal("a major incident is resolved or canceled by the role 'major-incident-manager'", unmet.Description);
    }

    [Fact]
    public void TryFire_ResolveMajorIncidentWithRole_Resolves()
    {
        var context = Resolving() with { Roles = new HashSet<string> { "major-incident-manager" } };
        Assert.True(Workflow.TryFire(Incident(TicketStatus.InProgress, major: true), IncidentLifecycle.Resolve, context).Succeeded);
    }

    [Theory]
    [InlineData("New")]
    [InlineData("InProgress")]
    [InlineData("OnHold")]
    public void TryFire_CancelBeforeResolution_CancelsWithFreeTextReason(string from)
    {
        var result = Workflow.TryFire(Incident(new TicketStatus(from)), IncidentLifecycle.Cancel, ByAgent() with { Reason = "Raised twice by mistake" });

        Assert.True(result.Succeeded);
        Assert.Equal(TicketStatus.Canceled, result.To);
        Assert.Equal("Raised twice by mistake", Assert.IsType<StatusChanged>(result.Events[0]).Reason);
        Assert.Equal(SlaEffect.Stop, result.SlaEffect);
    }

    [Fact]
    public void TryFire_CancelResolved_RejectedNamingWhereCancelIsPermitted()
    {
        var result = Workflow.TryFire(Incident(TicketStatus.Resolved), IncidentLifecycle.Cancel, ByAgent());

        var unmet = Assert.Single(result.UnmetGuards);
        Assert.Equal("trigger", unmet.Name);
        Assert.Equal("trigger 'Cancel' is permitted in 'New', 'InProgress', 'OnHold', not in 'Resolved'", unmet.Description);
    }

    [Fact]
    public void TryFire_CancelMajorIncidentWithoutRole_Rejected()
        => Assert.Equal([IncidentLifecycle.MajorIncidentRoleGuard], Workflow.TryFire(Incident(TicketStatus.New, major: true), IncidentLifecycle.Cancel, ByAgent()).UnmetGuards.Names());

    [Theory]
    [InlineData(ActorKind.Requester)]
    [InlineData(ActorKind.Agent)]
    public void TryFire_ReopenResolved_BackToInProgressResumingSla(ActorKind kind)
    {
        var result = Workflow.TryFire(Incident(TicketStatus.Resolved), IncidentLifecycle.Reopen, By(kind == ActorKind.Agent ? Agent : Caller));

        Assert.True(result.Succeeded);
        Assert.Equal(TicketStatus.InProgress, result.To);
        Assert.Equal(SlaEffect.Resume, result.SlaEffect);
    }

    [Fact]
    public void TryFire_ReopenResolvedBySystem_Rejected()
        => Assert.Equal(["actor:Requester|Agent"], Workflow.TryFire(Incident(TicketStatus.Resolved), IncidentLifecycle.Reopen, By(SystemActor)).UnmetGuards.Names());

    [Fact]
    public void TryFire_CloseResolvedByRequester_Closes()
    {
        var result = Workflow.TryFire(Incident(TicketStatus.Resolved), IncidentLifecycle.Close, By(Caller));

        Assert.True(result.Succeeded);
        Assert.Equal(TicketStatus.Closed, result.To);
        Assert.Equal(SlaEffect.None, result.SlaEffect);
    }

    [Fact]
    public void TryFire_ReopenClosedWithinWindow_Reopens()
    {
        var closedAt = T0 + Duration.FromDays(1);
        var context = By(Caller, closedAt + Duration.FromDays(9) + Duration.FromHours(23)) with { StatusSince = closedAt };

        var result = Workflow.TryFire(Incident(TicketStatus.Closed), IncidentLifecycle.Reopen, context);

        Assert.True(result.Succeeded);
        Assert.Equal(TicketStatus.InProgress, result.To);
        Assert.Equal(SlaEffect.Resume, result.SlaEffect);
    }

    [Fact]
    public void TryFire_ReopenClosedAfterWindow_RequiresNewLinkedTicket()
    {
        var closedAt = T0 + Duration.FromDays(1);
        var context = By(Caller, closedAt + Duration.FromDays(10)) with { StatusSince = closedAt };

        var result = Workflow.TryFire(Incident(TicketStatus.Closed), IncidentLifecycle.Reopen, context);

        Assert.Equal(TransitionOutcome.NewLinkedTicketRequired, result.Outcome);
        Assert.False(result.Succeeded);
        var unmet = Assert.Single(result.UnmetGuards);
        Assert.Equal((IncidentLifecycle.WithinReopenWindowGuard, "the incident was closed less than 10 days ago"), (unmet.Name, unmet.Description));
        Assert.Empty(result.Events);
    }

    [Fact]
    public void TryFire_ReopenClosedBySystemAfterWindow_PlainRejection()
    {
        var context = By(SystemActor, T0 + Duration.FromDays(30)) with { StatusSince = T0 };

        var result = Workflow.TryFire(Incident(TicketStatus.Closed), IncidentLifecycle.Reopen, context);

        Assert.Equal(TransitionOutcome.Rejected, result.Outcome);
        Assert.Equal(["actor:Requester|Agent", IncidentLifecycle.WithinReopenWindowGuard], result.UnmetGuards.Names());
    }

    [Fact]
    public void TryFire_ReopenClosedWithoutStatusSince_MeasuresFromUpdatedAt()
    {
        var ticket = Incident(TicketStatus.Closed) with { UpdatedAt = T0 + Duration.FromDays(5) };

        Assert.True(Workflow.TryFire(ticket, IncidentLifecycle.Reopen, By(Caller, T0 + Duration.FromDays(14))).Succeeded);
        Assert.Equal(TransitionOutcome.NewLinkedTicketRequired, Workflow.TryFire(ticket, IncidentLifecycle.Reopen, By(Caller, T0 + Duration.FromDays(15))).Outcome);
    }

    [Fact]
    public void TryFire_ReopenClosedWithZeroDayPolicy_AlwaysRequiresNewLinkedTicket()
    {
        var workflow = IncidentLifecycle.Create(new IncidentLifecycleOptions { ReopenFromClosedDays = 0, AutoCloseAfterBusinessDays = 0 });

        var result = workflow.TryFire(Incident(TicketStatus.Closed), IncidentLifecycle.Reopen, By(Caller, T0) with { StatusSince = T0 });

        Assert.Equal(TransitionOutcome.NewLinkedTicketRequired, result.Outcome);
        Assert.Equal("closed incidents are never reopened", Assert.Single(result.UnmetGuards).Description);
    }

    [Fact]
    public void Fire_ReopenClosedAfterWindow_ThrowsWithNewLinkedTicketOutcome()
    {
        var context = By(Caller, T0 + Duration.FromDays(11)) with { StatusSince = T0 };

        var e = Assert.Throws<InvalidTransitionException>(() => Workflow.Fire(Incident(TicketStatus.Closed), IncidentLifecycle.Reopen, context));

        Assert.Equal(TransitionOutcome.NewLinkedTicketRequired, e.Result.Outcome);
        Assert.Contains("open a new ticket linked to it instead", e.Message, StringComparison.Ordinal);
        Assert.Contains("WithinReopenWindow: not met: the incident was closed less than 10 days ago", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFire_AutoCloseAfterFiveBusinessDays_ClosesBySystem()
    {
        // Resolved Monday 09:00; five weekdays later is the next Monday 09:00 (the weekend does not count).
        var resolvedAt = T0;
        var due = T0 + Duration.FromDays(7);
        Assert.Equal(due, IncidentLifecycle.AutoCloseDueAt(resolvedAt, Options));

        var early = Workflow.TryFire(Incident(TicketStatus.Resolved), IncidentLifecycle.AutoClose, By(SystemActor, due - Duration.FromSeconds(1)) with { StatusSince = resolvedAt });
        var onTime = Workflow.TryFire(Incident(TicketStatus.Resolved), IncidentLifecycle.AutoClose, By(SystemActor, due) with { StatusSince = resolvedAt });

        Assert.Equal(IncidentLifecycle.AutoCloseDueGuard, Assert.Single(early.UnmetGuards).Name);
        Assert.Equal("the incident has been resolved for 5 business days", early.UnmetGuards[0].Description);
        Assert.True(onTime.Succeeded);
        Assert.Equal(TicketStatus.Closed, onTime.To);
    }

    [Fact]
    public void TryFire_AutoCloseByAgent_Rejected()
        => Assert.Equal(["actor:System"], Workflow.TryFire(Incident(TicketStatus.Resolved), IncidentLifecycle.AutoClose, ByAgent(T0 + Duration.FromDays(30)) with { StatusSince = T0 }).UnmetGuards.Names());

    [Fact]
    public void TryFire_AutoCloseMajorIncident_Rejected()
    {
        var result = Workflow.TryFire(Incident(TicketStatus.Resolved, major: true), IncidentLifecycle.AutoClose, By(SystemActor, T0 + Duration.FromDays(30)) with { StatusSince = T0 });

        var unmet = Assert.Single(result.UnmetGuards);
        Assert.Equal((IncidentLifecycle.NotMajorIncidentGuard, "the incident is not a major incident"), (unmet.Name, unmet.Description));
    }

    [Fact]
    public void Create_WithoutOptions_HasNoAutoClose()
    {
        var workflow = IncidentLifecycle.Create();

        Assert.DoesNotContain(IncidentLifecycle.AutoClose, workflow.Triggers);
        Assert.Null(IncidentLifecycle.AutoCloseDueAt(T0, new IncidentLifecycleOptions { AutoCloseAfterBusinessDays = 0 }));
    }

    [Fact]
    public void Create_InvalidOptions_ThrowsOneExceptionListingEveryFault()
    {
        var options = new IncidentLifecycleOptions { Name = " ", ReopenFromClosedDays = -1, AutoCloseAfterBusinessDays = 3, MajorIncidentRole = "" };
        options.HoldReasons.Clear();
        options.ResolutionCodes.Clear();

        var e = Assert.Throws<InvalidDefinitionException>(() => IncidentLifecycle.Create(options));

        Assert.Equal(6, e.Errors.Count);
        Assert.Contains(e.Errors, x => x.StartsWith("Name:", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("HoldReasons:", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("ResolutionCodes:", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("ReopenFromClosedDays: -1 is outside 0 to 3650", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("AddBusinessDays: required", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("MajorIncidentRole:", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_BadHoldReasonName_FaultNamesTheJsonPath()
    {
        var options = new IncidentLifecycleOptions { AutoCloseAfterBusinessDays = 0 };
        options.HoldReasons.Add(new HoldReasonOption("Awaiting parts", PausesSla: true));

        var e = Assert.Throws<InvalidDefinitionException>(() => IncidentLifecycle.Create(options));

        Assert.StartsWith("$.states[2].reasons[4]: 'Awaiting parts' is not a valid reason name", Assert.Single(e.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_AutoCloseDueAtWithoutCalculator_Throws()
        => Assert.Throws<ArgumentException>(() => IncidentLifecycle.AutoCloseDueAt(T0, new IncidentLifecycleOptions()));

    [Fact]
    public void PermittedTriggers_InProgressForAgent_ListsAgentActions()
        => Assert.Equal(
            [IncidentLifecycle.Hold, IncidentLifecycle.Resolve, IncidentLifecycle.Cancel],
            Workflow.PermittedTriggers(Incident(TicketStatus.InProgress), ByAgent()));

    [Fact]
    public void PermittedTriggers_OnHoldForCallerAsRequester_OffersCallerReplyOnly()
        => Assert.Equal(
            [IncidentLifecycle.CallerReplied],
            Workflow.PermittedTriggers(Incident(TicketStatus.OnHold, IncidentLifecycle.AwaitingCaller), By(Caller)));

    [Fact]
    public void PermittedTriggers_ResolvedForRequester_OffersReopenAndClose()
        => Assert.Equal(
            [IncidentLifecycle.Reopen, IncidentLifecycle.Close],
            Workflow.PermittedTriggers(Incident(TicketStatus.Resolved), By(Caller)));

    [Fact]
    public void PermittedTriggers_CanceledIsTerminal_OffersNothing()
    {
        Assert.Empty(Workflow.PermittedTriggers(Incident(TicketStatus.Canceled), ByAgent()));
        Assert.True(Workflow.GetState(TicketStatus.Canceled).IsTerminal);
        Assert.False(Workflow.GetState(TicketStatus.Closed).IsTerminal);
    }

    [Fact]
    public void TryFire_ResolveParentWithOpenChildren_CascadesResolveToOpenChildrenOnly()
    {
        var openChild = new LinkedTicket(TicketId.New(), TicketKind.Incident, TicketStatus.InProgress, TicketLinkType.ChildOf, LinkDirection.Incoming);
        var resolvedChild = new LinkedTicket(TicketId.New(), TicketKind.Incident, TicketStatus.Resolved, TicketLinkType.ChildOf, LinkDirection.Incoming);
        var parent = new LinkedTicket(TicketId.New(), TicketKind.Incident, TicketStatus.InProgress, TicketLinkType.ChildOf, LinkDirection.Outgoing);
        var problem = new LinkedTicket(TicketId.New(), TicketKind.Problem, TicketStatus.New, TicketLinkType.CausedBy, LinkDirection.Outgoing);

        var result = Workflow.TryFire(Incident(TicketStatus.InProgress), IncidentLifecycle.Resolve, Resolving() with { Links = [openChild, resolvedChild, parent, problem] });

        var cascade = Assert.Single(result.Cascades);
        Assert.Equal(new CascadeAction(openChild.Id, IncidentLifecycle.Resolve, "SolvedPermanently", "Replaced the toner.", TicketLinkType.ChildOf), cascade);
    }

    [Fact]
    public void TryFire_CascadedResolveOnChild_ResolvesChildBySystem()
    {
        var parentResult = Workflow.TryFire(
            Incident(TicketStatus.InProgress),
            IncidentLifecycle.Resolve,
            Resolving() with { Links = [new LinkedTicket(TicketId.New(), TicketKind.Incident, TicketStatus.OnHold, TicketLinkType.ChildOf, LinkDirection.Incoming)] });
        var cascade = Assert.Single(parentResult.Cascades);

        var child = Incident(TicketStatus.OnHold, IncidentLifecycle.AwaitingVendor);
        var childResult = Workflow.TryFire(child, cascade.Trigger, By(SystemActor) with { Reason = cascade.Reason, Notes = cascade.Notes });

        Assert.True(childResult.Succeeded);
        Assert.Equal(TicketStatus.Resolved, childResult.To);
    }

    [Fact]
    public void TryFire_ParentWithRequireChildrenResolvedRule_RejectedWhileChildOpen()
    {
        var workflow = IncidentLifecycle.Create(new IncidentLifecycleOptions { AutoCloseAfterBusinessDays = 0, ChildResolution = ChildResolutionRule.RequireChildrenResolved });
        var openChild = new LinkedTicket(TicketId.New(), TicketKind.Incident, TicketStatus.New, TicketLinkType.ChildOf, LinkDirection.Incoming);
        var closedChild = openChild with { Id = TicketId.New(), Status = TicketStatus.Closed };

        var blocked = workflow.TryFire(Incident(TicketStatus.InProgress), IncidentLifecycle.Resolve, Resolving() with { Links = [openChild, closedChild] });
        var allowed = workflow.TryFire(Incident(TicketStatus.InProgress), IncidentLifecycle.Resolve, Resolving() with { Links = [closedChild] });

        var unmet = Assert.Single(blocked.UnmetGuards);
        Assert.Equal((IncidentLifecycle.ChildrenResolvedGuard, "every child incident is resolved, closed or canceled"), (unmet.Name, unmet.Description));
        Assert.True(allowed.Succeeded);
        Assert.Empty(allowed.Cascades);
    }

    [Fact]
    public void TryFire_ChildResolutionNone_NoCascade()
    {
        var workflow = IncidentLifecycle.Create(new IncidentLifecycleOptions { AutoCloseAfterBusinessDays = 0, ChildResolution = ChildResolutionRule.None });
        var child = new LinkedTicket(TicketId.New(), TicketKind.Incident, TicketStatus.New, TicketLinkType.ChildOf, LinkDirection.Incoming);

        var result = workflow.TryFire(Incident(TicketStatus.InProgress), IncidentLifecycle.Resolve, Resolving() with { Links = [child] });

        Assert.True(result.Succeeded);
        Assert.Empty(result.Cascades);
    }

    [Fact]
    public void TryFire_FullPath_NewToClosedProducesConsecutiveVersions()
    {
        var ticket = Incident(TicketStatus.New);
        var steps = new (WorkflowTrigger Trigger, TransitionContext Context)[]
        {
            (IncidentLifecycle.Start, ByAgent()),
            (IncidentLifecycle.Hold, ByAgent() with { Reason = IncidentLifecycle.AwaitingCaller }),
            (IncidentLifecycle.CallerReplied, By(Caller)),
            (IncidentLifecycle.Resolve, Resolving()),
            (IncidentLifecycle.Reopen, By(Caller)),
            (IncidentLifecycle.Resolve, Resolving()),
            (IncidentLifecycle.Close, By(Caller)),
        };
        var versions = new List<long>();
        var effects = new List<SlaEffect>();
        foreach (var (trigger, context) in steps)
        {
            var result = Workflow.Fire(ticket, trigger, context);
            versions.AddRange(result.Events.Select(e => e.Version));
            effects.Add(result.SlaEffect);
            ticket = result.Ticket;
        }

        Assert.Equal(TicketStatus.Closed, ticket.Status);
        Assert.Equal(Enumerable.Range(4, versions.Count).Select(v => (long)v), versions);
        Assert.Equal([SlaEffect.None, SlaEffect.Pause, SlaEffect.Resume, SlaEffect.Stop, SlaEffect.Resume, SlaEffect.Stop, SlaEffect.None], effects);
        ticket.Validate();
    }
}
