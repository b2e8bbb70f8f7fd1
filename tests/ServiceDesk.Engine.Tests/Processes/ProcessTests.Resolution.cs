using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Routing;
using ServiceDesk.Storage;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests.Processes;

/// <content>Auto-close, customer confirmation, follow-ups (issue 14, item 5) and major incidents (item 6).</content>
public abstract partial class ProcessTests
{
    private async Task<TicketId> ResolvedIncidentAsync(ServiceDeskEngine engine, string subject = "Printer jams")
    {
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident(subject))).Ticket.Id;
        await engine.TransitionAsync(Agent(Desk.Alice), id, IncidentLifecycle.Start);
        Clock.AdvanceHours(1); // Monday 10:00
        (await engine.TransitionAsync(Agent(Desk.Alice), id, IncidentLifecycle.Resolve, "SolvedPermanently", "Replaced the fuser.")).EnsureSucceeded();
        return id;
    }

    [ConformanceFact]
    public async Task Sweeper_ResolvedIncident_AutoClosesAfterTwoBusinessDays()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AutoCloseOptions);
        var sweeper = new EscalationSweeper(engine);
        var id = await ResolvedIncidentAsync(engine); // resolved Monday 10:00: due at the end of Wednesday (17:00)

        var schedule = await ((ITimerStore)Store).GetScheduleAsync(Tenant, id);
        Clock.Reset(Instant.FromUtc(2025, 1, 8, 16, 59));
        await sweeper.SweepAllDueAsync();
        var early = (await Store.GetAsync(Tenant, id))!.Status;
        Clock.Reset(Instant.FromUtc(2025, 1, 8, 17, 0));
        await sweeper.SweepAllDueAsync();

        Assert.Equal(Instant.FromUtc(2025, 1, 8, 17, 0), schedule!.TimerDueAt);
        Assert.Equal("auto-close", schedule.TimerPurpose);
        Assert.Equal(TicketStatus.Resolved, early);
        var closed = (await Store.ReadHistoryAsync(Tenant, id)).OfType<StatusChanged>().Last();
        Assert.Equal((TicketStatus.Closed, ActorKind.System), (closed.To, closed.Actor.Kind));
        Assert.Null((await ((ITimerStore)Store).GetScheduleAsync(Tenant, id))!.TimerDueAt);
    }

    [ConformanceFact]
    public async Task Sweeper_AutoCloseOff_SchedulesNoAutoClose()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = await ResolvedIncidentAsync(engine);

        Assert.Null((await ((ITimerStore)Store).GetScheduleAsync(Tenant, id))!.TimerDueAt);
    }

    [ConformanceFact]
    public async Task RejectResolution_ByRequester_ReopensAndCancelsTheAutoClose()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AutoCloseOptions);
        var sweeper = new EscalationSweeper(engine);
        var id = await ResolvedIncidentAsync(engine);

        var reopened = await engine.RejectResolutionAsync(Caller(), id, "It still jams on page two.");
        Clock.Reset(Instant.FromUtc(2025, 1, 10, 17, 0));
        await sweeper.SweepAllDueAsync();

        Assert.Equal(CommandOutcome.Applied, reopened.Outcome);
        Assert.Equal("It still jams on page two.", Assert.IsType<CommentAdded>(reopened.Events[1]).Text);
        Assert.Equal(TicketStatus.InProgress, (await Store.GetAsync(Tenant, id))!.Status);
        Assert.DoesNotContain((await Store.ReadHistoryAsync(Tenant, id)).OfType<StatusChanged>(), s => s.To == TicketStatus.Closed);
    }

    [ConformanceFact]
    public async Task ConfirmResolution_ByTheRequester_ClosesAndOthersAreDenied()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AutoCloseOptions);
        var id = await ResolvedIncidentAsync(engine);
        var before = await EventCountAsync(id);

        var stranger = await Assert.ThrowsAsync<CommandDeniedException>(() => engine.ConfirmResolutionAsync(new CommandContext(Tenant, Actor.OfRequester("Mallory")), id));
        var agent = await Assert.ThrowsAsync<CommandDeniedException>(() => engine.RejectResolutionAsync(Agent(Desk.Alice), id, "no"));
        Assert.Equal(before, await EventCountAsync(id));
        var confirmed = await engine.ConfirmResolutionAsync(new CommandContext(Tenant, Actor.OfRequester("JANE@example.com")), id);

        Assert.Contains("Requester:Mallory may not ConfirmResolution", stranger.Message, StringComparison.Ordinal);
        Assert.Equal("RejectResolution", agent.Action);
        Assert.Equal(TicketStatus.Closed, confirmed.Ticket.Status);
        Assert.Null((await ((ITimerStore)Store).GetScheduleAsync(Tenant, id))!.TimerDueAt);
    }

    [ConformanceFact]
    public async Task RejectResolution_AfterTheReopenWindow_OpensOneLinkedFollowUpEvenWhenRetried()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AutoCloseOptions);
        var id = await ResolvedIncidentAsync(engine, "VPN drops every hour");
        await engine.ConfirmResolutionAsync(Caller(), id);
        Clock.AdvanceDays(11);

        var first = await engine.RejectResolutionAsync(Caller("reject-1"), id, "It is back.");
        var retry = await engine.RejectResolutionAsync(Caller("reject-1"), id, "It is back.");

        Assert.Equal(CommandOutcome.NewLinkedTicketRequired, first.Outcome);
        Assert.Contains(first.UnmetGuards, g => g.Name == IncidentLifecycle.WithinReopenWindowGuard);
        var followUp = first.FollowUp!;
        var source = (await Store.GetAsync(Tenant, id))!;
        Assert.Equal($"Follow-up of {source.Number}: VPN drops every hour", followUp.Subject);
        Assert.Equal((Desk.Network, Desk.Requester), (followUp.AssignmentGroup, followUp.Requester));
        var link = Assert.Single((await Store.ReadHistoryAsync(Tenant, followUp.Id)).OfType<TicketLinked>());
        Assert.Equal((id, TicketLinkType.FollowUpOf), (link.Other, link.LinkType));
        Assert.Equal((CommandOutcome.Replayed, followUp.Id), (retry.Outcome, retry.FollowUp!.Id));
        Assert.Equal(TicketStatus.Closed, (await Store.GetAsync(Tenant, id))!.Status);
        Assert.Equal(2, (await Store.QueryAsync(new TicketQuery(Tenant))).Items.Count);
    }

    [ConformanceFact]
    public async Task AutoClose_RacingARejection_ClosesAtMostOnceAndEndsReopened()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AutoCloseOptions);
        using var other = new ServiceDeskEngine(Store, Clock, AutoCloseOptions); // a second app instance
        var sweeper = new EscalationSweeper(other);
        var id = await ResolvedIncidentAsync(engine);
        Clock.Reset(Instant.FromUtc(2025, 1, 8, 17, 0));

        await Task.WhenAll(
            sweeper.SweepAllDueAsync(),
            engine.RetryOnConflictAsync(ct => engine.RejectResolutionAsync(Caller(), id, "Not fixed.", ct), maxAttempts: 10));
        await sweeper.SweepAllDueAsync();

        var history = await Store.ReadHistoryAsync(Tenant, id);
        Assert.True(history.OfType<StatusChanged>().Count(s => s.To == TicketStatus.Closed) <= 1);
        Assert.Equal(TicketStatus.InProgress, (await Store.GetAsync(Tenant, id))!.Status);
        Assert.Equal(Enumerable.Range(1, history.Count).Select(v => (long)v), history.Select(e => e.Version));
    }

    [ConformanceFact]
    public async Task DeclareMajorIncident_ResolvedMajorIncident_IsNeverAutoClosed()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, AutoCloseOptions);
        var manager = Agent(Desk.Alice) with { Roles = new HashSet<string>(StringComparer.Ordinal) { "major-incident-manager" } };
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Mail is down for everyone"))).Ticket.Id;

        var declared = await engine.DeclareMajorIncidentAsync(Agent(Desk.Alice), id, "all sites");
        var again = await engine.DeclareMajorIncidentAsync(Agent(Desk.Alice), id);
        var denied = await Assert.ThrowsAsync<CommandDeniedException>(() => engine.DeclareMajorIncidentAsync(Caller(), id));
        var byAgent = await engine.TransitionAsync(Agent(Desk.Alice), id, IncidentLifecycle.Resolve, "SolvedPermanently", "Restarted.");
        (await engine.TransitionAsync(manager, id, IncidentLifecycle.Resolve, "SolvedPermanently", "Restarted.")).EnsureSucceeded();

        Assert.True(declared.Ticket.IsMajorIncident);
        Assert.Equal((true, "all sites"), (Assert.IsType<MajorIncidentChanged>(declared.Events[0]).Declared, ((MajorIncidentChanged)declared.Events[0]).Reason));
        Assert.Equal(CommandOutcome.Unchanged, again.Outcome);
        Assert.Equal("DeclareMajorIncident", denied.Action);
        Assert.Equal(CommandOutcome.Rejected, byAgent.Outcome);
        Assert.Null((await ((ITimerStore)Store).GetScheduleAsync(Tenant, id))!.TimerDueAt); // no auto-close for a major incident
    }

    [ConformanceFact]
    public async Task DeclareMajorIncident_OnAProblem_ThrowsAndStoresNothing()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Agent(Desk.Alice), new OpenTicketRequest(TicketKind.Problem, "Recurring outages", Desk.Requester, Impact.Medium, Urgency.Medium))).Ticket.Id;

        var before = await EventCountAsync(id);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => engine.DeclareMajorIncidentAsync(Agent(Desk.Alice), id));

        Assert.Contains("only incidents", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, await EventCountAsync(id));
    }

    [ConformanceFact]
    public async Task Sweeper_EscalationDeclaringAMajorIncident_SetsTheFlag()
    {
        var options = Desk.Options.With(new EscalationPolicyBuilder()
            .Rule("major", 1, EscalationTrigger.SlaPercent("resolution", 50), NotificationDelivery.Immediately, EscalationAction.DeclareMajorIncident())
            .Build());
        using var engine = new ServiceDeskEngine(Store, Clock, options);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Payroll system down"))).Ticket.Id;
        await engine.CommentAsync(Agent(Desk.Alice), id, CommentVisibility.Public, "Looking into it");

        Clock.AdvanceHours(5); // 5 of 8 business hours: past 50 %
        await new EscalationSweeper(engine).SweepAllDueAsync();

        Assert.True((await Store.GetAsync(Tenant, id))!.IsMajorIncident);
        var changed = Assert.Single((await Store.ReadHistoryAsync(Tenant, id)).OfType<MajorIncidentChanged>());
        Assert.Equal((true, ActorKind.System), (changed.Declared, changed.Actor.Kind));
    }
}
