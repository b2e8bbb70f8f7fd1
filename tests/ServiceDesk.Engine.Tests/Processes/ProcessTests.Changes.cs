using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests.Processes;

/// <summary>Issue 14 item 2: change management (calendar, freezes, collisions, windows, CAB/ECAB, standard changes).</summary>
public abstract partial class ProcessTests
{
    private static readonly AgentId Dave = new("dave");
    private static readonly ServiceId Payments = new("payments");
    private static readonly ServiceId Web = new("web");
    private static readonly ConfigurationItemId CoreSwitch = new("core-switch");

    private static Instant Day(double days) => TestClock.DefaultStart + Duration.FromHours(days * 24);

    /// <summary>The CAB (bob and carol, all, 8 hours), the ECAB (dave, any, 1 hour), a year-end freeze on payments for this
    /// test's tenant (days 10 to 12 from the clock's start) and a freeze for everyone (day 20), and one standard change.</summary>
    private ChangeManagement BuildChanges()
    {
        var options = new ChangeManagementOptions
        {
            Cab = ApprovalRequest.Of(ApprovalRule.All, Desk.Bob, new AgentId("carol")) with { DueIn = Duration.FromHours(8) },
            EmergencyCab = ApprovalRequest.Of(ApprovalRule.Any, Dave) with { DueIn = Duration.FromHours(1) },
        };
        options.FreezeWindows.Add(new FreezeWindow("year-end", new Interval(Day(10), Day(12))) { Tenant = Tenant, Service = Payments });
        options.FreezeWindows.Add(new FreezeWindow("datacentre-move", new Interval(Day(20), Day(21))));
        options.StandardChanges.Add(new StandardChangeTemplate("restart-web", "Restart the web farm", Duration.FromHours(1))
        {
            Service = Web,
            ConfigurationItem = new ConfigurationItemId("web-01"),
        });
        return options.Build();
    }

    private ServiceDeskEngine ChangeEngine(ChangeManagement? changes = null) => new(Store, Clock, Desk.Options.With(changes ?? BuildChanges()));

    private async Task<TicketId> OpenChangeAsync(
        ServiceDeskEngine engine, ChangeType type, string subject = "Upgrade the core switch", ServiceId? service = null, ConfigurationItemId? item = null)
    {
        var request = new OpenTicketRequest(TicketKind.Change, subject, Desk.Requester, Impact.Medium, Urgency.Medium)
        {
            Service = service,
            ConfigurationItem = item,
            Attributes = CustomAttributes.Empty.With(ChangeLifecycle.TypeAttribute, AttributeValue.FromString(type.ToString())),
        };
        return (await engine.OpenTicketAsync(Agent(Desk.Alice), request)).Ticket.Id;
    }

    [ConformanceFact]
    public async Task Changes_WorkedExample_RunsAsDocumented()
    {
        using var engine = ChangeEngine();
        var agent = Agent(Desk.Alice);
        var change = await OpenChangeAsync(engine, ChangeType.Normal, item: CoreSwitch);
        var other = await OpenChangeAsync(engine, ChangeType.Normal, "Patch the core switch", item: CoreSwitch);
        await engine.ScheduleChangeAsync(agent, other, Day(2), Day(2) + Duration.FromHours(3));

        // Schedule: the planned window is stored as two AttributeChanged the lifecycle's window guards read.
        var scheduled = await engine.ScheduleChangeAsync(agent, change, Day(2) + Duration.FromHours(1), Day(2) + Duration.FromHours(2));
        var collision = Assert.Single(scheduled.ChangeConflicts);            // CHG0000002 plans the same switch at the same time
        Assert.Equal(ChangeConflictKind.Collision, collision.Kind);
        Assert.Equal("CHG0000002", collision.Name);

        // Into a freeze: refused, naming the freeze; nothing stored.
        var frozen = await engine.ScheduleChangeAsync(agent, change, Day(20), Day(20) + Duration.FromHours(2));
        Assert.Equal(CommandOutcome.Rejected, frozen.Outcome);
        Assert.Contains("datacentre-move", frozen.UnmetGuards[0].Description, StringComparison.Ordinal);

        // CAB: Submit (Assess), then the configured CAB is asked and RequestAuthorization fired in one command.
        await engine.TransitionAsync(agent, change, ChangeLifecycle.Submit);
        var asked = await engine.RequestChangeAuthorizationAsync(agent, change);
        Assert.Equal(ChangeLifecycle.Authorize, asked.Ticket.Status);
        await engine.ApproveAsync(Agent(Desk.Bob), change, 1);
        var approved = await engine.ApproveAsync(Agent(new AgentId("carol")), change, 1);
        Assert.Equal(ChangeLifecycle.Scheduled, approved.Ticket.Status);
        Assert.Equal("CHG0000002", Assert.Single(approved.ChangeConflicts).Name); // reported again to the CAB

        // Implementation only inside the approved window.
        var early = await engine.TransitionAsync(agent, change, ChangeLifecycle.StartImplementation);
        Assert.Equal(ChangeLifecycle.InsideWindowOrEmergencyGuard, Assert.Single(early.UnmetGuards).Name);
        Clock.Advance(Day(2) + Duration.FromHours(1) - Clock.Now);
        var started = await engine.TransitionAsync(agent, change, ChangeLifecycle.StartImplementation);
        Assert.Equal(ChangeLifecycle.Implement, started.Ticket.Status);

        // The calendar of the tenant's changes in an interval.
        var calendar = await engine.GetChangeCalendarAsync(Tenant, new Interval(Day(2), Day(3)));
        Assert.Equal(["CHG0000002", "CHG0000001"], calendar.Select(c => c.Number.ToString()));

        // A standard change from the catalogue: opened and scheduled without the CAB.
        var standard = await engine.OpenStandardChangeAsync(agent, "restart-web", Desk.Requester, Day(5));
        Assert.Equal(ChangeLifecycle.Scheduled, standard.Ticket.Status);
    }

    [ConformanceFact]
    public async Task ScheduleChange_NormalChange_StoresTheWindowAsAttributesTheLifecycleReads()
    {
        using var engine = ChangeEngine();
        var id = await OpenChangeAsync(engine, ChangeType.Normal);
        var window = new Interval(Day(3), Day(3) + Duration.FromHours(2));

        var result = await engine.ScheduleChangeAsync(Agent(Desk.Alice), id, window.Start, window.End);
        var again = await engine.ScheduleChangeAsync(Agent(Desk.Alice), id, window.Start, window.End);

        Assert.Equal(CommandOutcome.Applied, result.Outcome);
        Assert.Empty(result.ChangeConflicts);
        Assert.Equal(
            [ChangeLifecycle.PlannedStartAttribute, ChangeLifecycle.PlannedEndAttribute],
            result.Events.Cast<AttributeChanged>().Select(e => e.Key));
        Assert.Equal(window, ChangeLifecycle.WindowOf((await engine.GetTicketAsync(Tenant, id))!.Ticket));
        Assert.Equal(CommandOutcome.Unchanged, again.Outcome);
        Assert.Single(await engine.GetChangeCalendarAsync(Tenant, new Interval(Day(3) + Duration.FromHours(1), Day(4))));
        Assert.Empty(await engine.GetChangeCalendarAsync(Tenant, new Interval(Day(3) + Duration.FromHours(2), Day(4)))); // [start, end)
    }

    [ConformanceFact]
    public async Task ScheduleChange_RetriedWithTheSameKey_ReplaysAndAnotherWindowConflicts()
    {
        using var engine = ChangeEngine();
        var id = await OpenChangeAsync(engine, ChangeType.Normal);

        var first = await engine.ScheduleChangeAsync(Agent(Desk.Alice, "plan-1"), id, Day(3), Day(3) + Duration.FromHours(2));
        var retry = await engine.ScheduleChangeAsync(Agent(Desk.Alice, "plan-1"), id, Day(3), Day(3) + Duration.FromHours(2));
        var conflict = await Assert.ThrowsAsync<IdempotencyConflictException>(
            () => engine.ScheduleChangeAsync(Agent(Desk.Alice, "plan-1"), id, Day(4), Day(4) + Duration.FromHours(2)));

        Assert.Equal(CommandOutcome.Applied, first.Outcome);
        Assert.Equal(CommandOutcome.Replayed, retry.Outcome);
        Assert.Equal(first.Ticket.Version, retry.Ticket.Version);
        Assert.True(conflict.DifferentParameters);
        Assert.Equal(2, (await Store.ReadHistoryAsync(Tenant, id)).Count(e => e is AttributeChanged { Key: ChangeLifecycle.PlannedStartAttribute or ChangeLifecycle.PlannedEndAttribute }));
    }

    [ConformanceFact]
    public async Task ScheduleChange_BadInput_ThrowsNamingTheValueAndStoresNothing()
    {
        using var engine = ChangeEngine();
        var id = await OpenChangeAsync(engine, ChangeType.Normal);
        var incident = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        var before = await EventCountAsync(id);

        var backwards = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.ScheduleChangeAsync(Agent(Desk.Alice), id, Day(3), Day(2)));
        var empty = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.ScheduleChangeAsync(Agent(Desk.Alice), id, Day(3), Day(3)));
        var tooLong = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.ScheduleChangeAsync(Agent(Desk.Alice), id, Day(3), Day(40)));
        var notAChange = await Assert.ThrowsAsync<ArgumentException>(() => engine.ScheduleChangeAsync(Agent(Desk.Alice), incident, Day(3), Day(4)));
        await Assert.ThrowsAsync<CommandDeniedException>(() => engine.ScheduleChangeAsync(Caller(), id, Day(3), Day(4)));
        await Assert.ThrowsAsync<ArgumentException>(() => engine.GetChangeCalendarAsync(Tenant, new Interval(Day(3), Day(3))));

        Assert.Contains("ends before it starts", backwards.Message, StringComparison.Ordinal);
        Assert.Contains(Day(2).ToString(), backwards.Message, StringComparison.Ordinal);
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
        Assert.Contains("30 days", tooLong.Message, StringComparison.Ordinal);
        Assert.Contains("only changes", notAChange.Message, StringComparison.Ordinal);
        Assert.Equal(before, await EventCountAsync(id));
        Assert.Null(ChangeLifecycle.WindowOf((await engine.GetTicketAsync(Tenant, id))!.Ticket));
    }

    [ConformanceFact]
    public async Task ScheduleChange_IntoAFreeze_IsRejectedNamingTheFreezeAndStoresNothing()
    {
        using var engine = ChangeEngine();
        var payments = await OpenChangeAsync(engine, ChangeType.Normal, "Upgrade the payment gateway", Payments);
        var web = await OpenChangeAsync(engine, ChangeType.Normal, "Upgrade the web farm", Web);
        var standard = await OpenChangeAsync(engine, ChangeType.Standard, "Rotate certificates", Payments);
        var before = await EventCountAsync(payments);

        var frozen = await engine.ScheduleChangeAsync(Agent(Desk.Alice), payments, Day(11), Day(11) + Duration.FromHours(2));
        var otherService = await engine.ScheduleChangeAsync(Agent(Desk.Alice), web, Day(11), Day(11) + Duration.FromHours(2));
        var everyone = await engine.ScheduleChangeAsync(Agent(Desk.Alice), web, Day(20.5), Day(20.5) + Duration.FromHours(2));
        var standardFrozen = await engine.ScheduleChangeAsync(Agent(Desk.Alice), standard, Day(11), Day(11) + Duration.FromHours(1));

        Assert.Equal(CommandOutcome.Rejected, frozen.Outcome);
        Assert.Equal("freeze", Assert.Single(frozen.UnmetGuards).Name);
        Assert.Contains("year-end", frozen.UnmetGuards[0].Description, StringComparison.Ordinal);
        var conflict = Assert.Single(frozen.ChangeConflicts);
        Assert.Equal((ChangeConflictKind.Freeze, "year-end", new Interval(Day(10), Day(12))), (conflict.Kind, conflict.Name, conflict.Window));
        Assert.Equal(before, await EventCountAsync(payments));
        Assert.Equal(CommandOutcome.Applied, otherService.Outcome); // the year-end freeze is on payments only
        Assert.Equal(CommandOutcome.Rejected, everyone.Outcome);     // the datacentre move freezes every service
        Assert.Contains("datacentre-move", everyone.UnmetGuards[0].Description, StringComparison.Ordinal);
        Assert.Equal(CommandOutcome.Rejected, standardFrozen.Outcome);
        Assert.Equal(TicketStatus.New, standardFrozen.Ticket.Status);
    }

    [ConformanceFact]
    public async Task ScheduleChange_FreezeOfAnotherTenant_DoesNotApply()
    {
        var options = new ChangeManagementOptions();
        options.FreezeWindows.Add(new FreezeWindow("globex-freeze", new Interval(Day(1), Day(30))) { Tenant = Desk.OtherTenant });
        using var engine = ChangeEngine(options.Build());
        var id = await OpenChangeAsync(engine, ChangeType.Normal, service: Payments);

        var result = await engine.ScheduleChangeAsync(Agent(Desk.Alice), id, Day(11), Day(12));

        Assert.Equal(CommandOutcome.Applied, result.Outcome);
        Assert.Empty(result.ChangeConflicts);
    }

    [ConformanceFact]
    public async Task ScheduleChange_EmergencyIntoAFreeze_IsAppliedWithTheFreezeReported()
    {
        using var engine = ChangeEngine();
        var id = await OpenChangeAsync(engine, ChangeType.Emergency, "Patch the payment gateway now", Payments);

        var result = await engine.ScheduleChangeAsync(Agent(Desk.Alice), id, Day(11), Day(11) + Duration.FromHours(1));

        Assert.Equal(CommandOutcome.Applied, result.Outcome);
        var conflict = Assert.Single(result.ChangeConflicts);
        Assert.Equal((ChangeConflictKind.Freeze, "year-end"), (conflict.Kind, conflict.Name));
    }

    [ConformanceFact]
    public async Task ScheduleChange_OverlappingChangesOnTheSameItemOrService_ReportsTheCollisionsByNumberAndWindow()
    {
        using var engine = ChangeEngine();
        var first = await OpenChangeAsync(engine, ChangeType.Normal, "Firmware on the core switch", item: CoreSwitch);
        var second = await OpenChangeAsync(engine, ChangeType.Normal, "Web release", Web);
        var canceled = await OpenChangeAsync(engine, ChangeType.Normal, "Old plan", Web, CoreSwitch);
        var apart = await OpenChangeAsync(engine, ChangeType.Normal, "Unrelated", new ServiceId("mail"));
        var firstWindow = new Interval(Day(4), Day(4) + Duration.FromHours(4));
        await engine.ScheduleChangeAsync(Agent(Desk.Alice), first, firstWindow.Start, firstWindow.End);
        await engine.ScheduleChangeAsync(Agent(Desk.Alice), second, Day(4) + Duration.FromHours(3), Day(4) + Duration.FromHours(5));
        await engine.ScheduleChangeAsync(Agent(Desk.Alice), canceled, Day(4), Day(5));
        await engine.TransitionAsync(Agent(Desk.Alice), canceled, ChangeLifecycle.Cancel);
        await engine.ScheduleChangeAsync(Agent(Desk.Alice), apart, Day(4), Day(5));
        var change = await OpenChangeAsync(engine, ChangeType.Normal, "Move the web farm", Web, CoreSwitch);

        var result = await engine.ScheduleChangeAsync(Agent(Desk.Alice), change, Day(4) + Duration.FromHours(2), Day(4) + Duration.FromHours(6));
        var afterwards = await engine.ScheduleChangeAsync(Agent(Desk.Alice), change, Day(4) + Duration.FromHours(5), Day(4) + Duration.FromHours(6));

        Assert.Equal(CommandOutcome.Applied, result.Outcome); // collisions are reported, not refused
        Assert.Equal(
            [("CHG0000001", firstWindow, "configuration item core-switch"), ("CHG0000002", new Interval(Day(4) + Duration.FromHours(3), Day(4) + Duration.FromHours(5)), "service web")],
            result.ChangeConflicts.Select(c => (c.Name, c.Window, c.Description[(c.Description.IndexOf(" on ", StringComparison.Ordinal) + 4)..])));
        Assert.All(result.ChangeConflicts, c => Assert.Equal(ChangeConflictKind.Collision, c.Kind));
        Assert.Equal(first, result.ChangeConflicts[0].Change);
        Assert.Empty(afterwards.ChangeConflicts); // [end) is free: back-to-back windows do not collide
    }

    [ConformanceFact]
    public async Task Approve_ChangeWhoseWindowOverlapsAFreezeAndAChange_ReportsBothAndStillSchedules()
    {
        // Scheduled before the freeze was declared (an engine without it), approved after (the CAB sees the conflict).
        using (var before = ChangeEngine(new ChangeManagementOptions().Build()))
        {
            var other = await OpenChangeAsync(before, ChangeType.Normal, "Other payments change", Payments);
            await before.ScheduleChangeAsync(Agent(Desk.Alice), other, Day(11), Day(11) + Duration.FromHours(1));
        }

        using var engine = ChangeEngine();
        var id = await OpenChangeAsync(engine, ChangeType.Normal, "Payments upgrade", Payments);
        using (var unfrozen = ChangeEngine(new ChangeManagementOptions().Build()))
        {
            await unfrozen.ScheduleChangeAsync(Agent(Desk.Alice), id, Day(11), Day(11) + Duration.FromHours(2));
        }

        await engine.TransitionAsync(Agent(Desk.Alice), id, ChangeLifecycle.Submit);
        await engine.RequestChangeAuthorizationAsync(Agent(Desk.Alice), id);
        var pending = await engine.ApproveAsync(Agent(Desk.Bob), id, 1);
        var granted = await engine.ApproveAsync(Agent(new AgentId("carol")), id, 1);

        Assert.Empty(pending.ChangeConflicts); // reported with the decision that authorizes the change
        Assert.Equal(ChangeLifecycle.Scheduled, granted.Ticket.Status);
        Assert.Equal(
            [(ChangeConflictKind.Freeze, "year-end"), (ChangeConflictKind.Collision, "CHG0000001")],
            granted.ChangeConflicts.Select(c => (c.Kind, c.Name)));
    }

    [ConformanceFact]
    public async Task StartImplementation_OutsideTheApprovedWindow_IsRejectedAndInsideIsApplied()
    {
        using var engine = ChangeEngine();
        var normal = await OpenChangeAsync(engine, ChangeType.Normal);
        var emergency = await OpenChangeAsync(engine, ChangeType.Emergency, "Replace the failed disk");
        await engine.ScheduleChangeAsync(Agent(Desk.Alice), normal, Day(1), Day(1) + Duration.FromHours(2));
        await engine.ScheduleChangeAsync(Agent(Desk.Alice), emergency, Day(1), Day(1) + Duration.FromHours(2));
        await engine.TransitionAsync(Agent(Desk.Alice), normal, ChangeLifecycle.Submit);
        await engine.RequestChangeAuthorizationAsync(Agent(Desk.Alice), normal);
        await engine.ApproveAsync(Agent(Desk.Bob), normal, 1);
        await engine.ApproveAsync(Agent(new AgentId("carol")), normal, 1);
        await engine.TransitionAsync(Agent(Desk.Alice), emergency, ChangeLifecycle.Submit);
        await engine.RequestChangeAuthorizationAsync(Agent(Desk.Alice), emergency);
        await engine.ApproveAsync(Agent(Dave), emergency, 1);
        var before = await EventCountAsync(normal);

        var early = await engine.TransitionAsync(Agent(Desk.Alice), normal, ChangeLifecycle.StartImplementation);
        var emergencyEarly = await engine.TransitionAsync(Agent(Desk.Alice), emergency, ChangeLifecycle.StartImplementation);
        var reschedule = await engine.ScheduleChangeAsync(Agent(Desk.Alice), normal, Clock.Now, Clock.Now + Duration.FromHours(1));
        Clock.Advance(Day(1) - Clock.Now);
        var inside = await engine.TransitionAsync(Agent(Desk.Alice), normal, ChangeLifecycle.StartImplementation);

        Assert.Equal(CommandOutcome.Rejected, early.Outcome);
        Assert.Equal(ChangeLifecycle.InsideWindowOrEmergencyGuard, Assert.Single(early.UnmetGuards).Name);
        Assert.Equal(CommandOutcome.Rejected, reschedule.Outcome); // the approved window is fixed
        Assert.Equal("authorized", Assert.Single(reschedule.UnmetGuards).Name);
        Assert.Equal(before, await EventCountAsync(normal) - inside.Events.Count);
        Assert.Equal(ChangeLifecycle.Implement, inside.Ticket.Status);
        Assert.Equal(ChangeLifecycle.Implement, emergencyEarly.Ticket.Status); // an emergency is not held to its window
    }

    [ConformanceFact]
    public async Task RequestChangeAuthorization_ByType_AsksTheCabOrTheFasterEcabAndNeverForAStandardChange()
    {
        using var engine = ChangeEngine();
        var normal = await OpenChangeAsync(engine, ChangeType.Normal);
        var emergency = await OpenChangeAsync(engine, ChangeType.Emergency, "Replace the failed disk");
        var standard = await OpenChangeAsync(engine, ChangeType.Standard, "Rotate certificates");
        await engine.TransitionAsync(Agent(Desk.Alice), normal, ChangeLifecycle.Submit);
        await engine.TransitionAsync(Agent(Desk.Alice), emergency, ChangeLifecycle.Submit);

        var cab = await engine.RequestChangeAuthorizationAsync(Agent(Desk.Alice), normal);
        var ecab = await engine.RequestChangeAuthorizationAsync(Agent(Desk.Alice), emergency);
        var refused = await engine.RequestChangeAuthorizationAsync(Agent(Desk.Alice), standard);
        var twice = await engine.RequestChangeAuthorizationAsync(Agent(Desk.Alice), normal);

        var cabAsked = Assert.IsType<ApprovalRequested>(cab.Events[0]);
        Assert.Equal(["bob", "carol"], cabAsked.Approvers);
        Assert.Equal(Clock.Now + Duration.FromHours(8), cabAsked.DueAt);
        Assert.Equal(ChangeLifecycle.Authorize, cab.Ticket.Status); // RequestAuthorization fired from Assess
        var ecabAsked = Assert.IsType<ApprovalRequested>(ecab.Events[0]);
        Assert.Equal(["dave"], ecabAsked.Approvers);
        Assert.Equal(Clock.Now + Duration.FromHours(1), ecabAsked.DueAt);
        Assert.Equal("standard", Assert.Single(refused.UnmetGuards).Name);
        Assert.Equal(CommandOutcome.Rejected, twice.Outcome);
        var approved = await engine.ApproveAsync(Agent(Dave), emergency, 1);
        Assert.Equal(ChangeLifecycle.Scheduled, approved.Ticket.Status); // any one of the ECAB; no window needed
        await Assert.ThrowsAsync<CommandDeniedException>(() => engine.ApproveAsync(Agent(Dave), normal, 1)); // not on the CAB
    }

    [ConformanceFact]
    public async Task RequestChangeAuthorization_OnAFridayEvening_EcabIsDueInWallClockTimeAndCabInBusinessTime()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options.WithAutoClose(0, Desk.Calendar).With(BuildChanges()));
        var normal = await OpenChangeAsync(engine, ChangeType.Normal);
        var emergency = await OpenChangeAsync(engine, ChangeType.Emergency, "Replace the failed disk");
        await engine.TransitionAsync(Agent(Desk.Alice), normal, ChangeLifecycle.Submit);
        await engine.TransitionAsync(Agent(Desk.Alice), emergency, ChangeLifecycle.Submit);
        Clock.Advance(Instant.FromUtc(2025, 1, 10, 20, 0) - Clock.Now); // Friday 20:00, after business hours

        var cab = await engine.RequestChangeAuthorizationAsync(Agent(Desk.Alice), normal);
        var ecab = await engine.RequestChangeAuthorizationAsync(Agent(Desk.Alice), emergency);

        Assert.Equal(Clock.Now + Duration.FromHours(1), Assert.IsType<ApprovalRequested>(ecab.Events[0]).DueAt);
        Assert.Equal(Desk.Calendar.AddBusinessTime(Clock.Now, Duration.FromHours(8)), Assert.IsType<ApprovalRequested>(cab.Events[0]).DueAt);
        Assert.True(Assert.IsType<ApprovalRequested>(cab.Events[0]).DueAt > Instant.FromUtc(2025, 1, 13, 0, 0)); // Monday or later
    }

    [ConformanceFact]
    public async Task RequestChangeAuthorization_NoCabConfigured_ThrowsNamingTheOptionAndStoresNothing()
    {
        using var engine = ChangeEngine(new ChangeManagementOptions().Build());
        var id = await OpenChangeAsync(engine, ChangeType.Emergency);
        var before = await EventCountAsync(id);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RequestChangeAuthorizationAsync(Agent(Desk.Alice), id));

        Assert.Contains("EmergencyCab", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await EventCountAsync(id));
    }

    [ConformanceFact]
    public async Task OpenStandardChange_FromTheCatalogue_IsScheduledWithoutCabAndReplaysWithItsKey()
    {
        using var engine = ChangeEngine();

        var opened = await engine.OpenStandardChangeAsync(Agent(Desk.Alice, "std-1"), "restart-web", Desk.Requester, Day(6));
        var replayed = await engine.OpenStandardChangeAsync(Agent(Desk.Alice, "std-1"), "restart-web", Desk.Requester, Day(6));

        var change = opened.Ticket;
        Assert.Equal(CommandOutcome.Applied, opened.Outcome);
        Assert.Equal(ChangeLifecycle.Scheduled, change.Status);
        Assert.Equal(("Restart the web farm", Web, new ConfigurationItemId("web-01")), (change.Subject, change.Service, change.ConfigurationItem));
        Assert.Equal(ChangeType.Standard, ChangeLifecycle.TypeOf(change));
        Assert.Equal("restart-web", change.Attributes[ServiceDeskEngine.StandardChangeTemplateAttribute].AsString());
        Assert.Equal(new Interval(Day(6), Day(6) + Duration.FromHours(1)), ChangeLifecycle.WindowOf(change));
        Assert.DoesNotContain(await Store.ReadHistoryAsync(Tenant, change.Id), e => e is ApprovalRequested);
        Assert.Equal(CommandOutcome.Replayed, replayed.Outcome);
        Assert.Equal(change.Id, replayed.Ticket.Id);
        Assert.Single(await engine.GetChangeCalendarAsync(Tenant, new Interval(Day(6), Day(7))));
    }

    [ConformanceFact]
    public async Task OpenStandardChange_UnknownTemplate_ThrowsListingTheCatalogueAndStoresNothing()
    {
        using var engine = ChangeEngine();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => engine.OpenStandardChangeAsync(Agent(Desk.Alice), "reboot-all", Desk.Requester, Day(6)));

        Assert.Contains("'reboot-all'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'restart-web'", error.Message, StringComparison.Ordinal);
        Assert.Empty((await Store.QueryAsync(new TicketQuery(Tenant))).Items);
        await Assert.ThrowsAsync<CommandDeniedException>(() => engine.OpenStandardChangeAsync(Caller(), "restart-web", Desk.Requester, Day(6)));
    }

    [Fact]
    public void ChangeManagementOptions_Invalid_ListsEveryFault()
    {
        var options = new ChangeManagementOptions
        {
            Cab = ApprovalRequest.Of(ApprovalRule.All, Desk.Bob) with { DueIn = Duration.FromHours(1) },
            EmergencyCab = ApprovalRequest.Of(ApprovalRule.Any, Dave) with { DueIn = Duration.FromHours(2) },
        };
        options.FreezeWindows.Add(new FreezeWindow(" ", new Interval(Day(1), Day(1))));
        options.StandardChanges.Add(new StandardChangeTemplate("a", "A", Duration.Zero));
        options.StandardChanges.Add(new StandardChangeTemplate("a", "B", Duration.FromDays(31)));

        var error = Assert.Throws<InvalidDefinitionException>(options.Build);

        Assert.Equal(6, error.Errors.Count);
        Assert.Contains(error.Errors, e => e.Contains("shorter than the CAB", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("used twice", StringComparison.Ordinal));
        Assert.Throws<InvalidDefinitionException>(new ChangeManagementOptions { EmergencyCab = ApprovalRequest.Of(ApprovalRule.Any, Dave) }.Build);
    }
}
