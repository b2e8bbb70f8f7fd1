using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests.Processes;

/// <summary>Issue 14 item 8: editing a ticket's classification with SLA policy re-selection, and manual SLA due dates.</summary>
public abstract partial class ProcessTests
{
    private static readonly ContractId Gold = new("C-GOLD");

    /// <summary>Monday 2025-01-06, the test clock's start day, at <paramref name="hour"/>:00 UTC (plus <paramref name="days"/>).</summary>
    private static Instant Monday(int hour, int days = 0) => Instant.FromUtc(2025, 1, 6 + days, hour, 0);

    /// <summary><c>standard</c> (resolution 8 h, first response 1 h) for everyone, <c>vip</c> (resolution 2 h) for tier VIP,
    /// <c>gold</c> (resolution 4 h, first response 30 min) for contract C-GOLD.</summary>
    protected static ServiceDeskEngineOptions EditOptions { get; } = Desk.Options.With(Desk.Options.RoutingRules, new SlaPolicySet([
        Desk.Policy,
        BuildPolicy("vip", p => p.CustomerTiers.Add("VIP"), Duration.FromHours(2), Duration.FromHours(1)),
        BuildPolicy("gold", p => p.Contracts.Add(Gold.Value), Duration.FromHours(4), Duration.FromMinutes(30)),
    ]));

    /// <summary>The worked example of docs/processes.md, "Editing a ticket", line for line.</summary>
    [ConformanceFact]
    public async Task Edits_WorkedExample_RunsAsDocumented()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var agent = Agent(Desk.Alice);
        var ticket = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Mail server down"))).Ticket;
        var id = ticket.Id;
        var tuesdayNoon = Monday(12, 1);

        // The contract changes to a VIP contract: record the edit and select the SLA policy again, restarting its clocks.
        var edited = await engine.ChangeClassificationAsync(agent, id,
            TicketClassification.Of(ticket) with { Contract = new ContractId("C-GOLD") },
            slaReselection: SlaPriorityChange.Restart);
        Assert.Equal("gold", edited.SlaPolicy);
        Assert.Equal("gold", edited.Ticket.Attributes[ServiceDeskEngine.SlaPolicyAttribute].AsString());
        Assert.Collection(edited.Events,
            e => Assert.IsType<ClassificationChanged>(e),
            e => Assert.Equal(("gold", "standard", true), (((SlaPolicyReselected)e).Policy, ((SlaPolicyReselected)e).PreviousPolicy, ((SlaPolicyReselected)e).Restarted)),
            e => Assert.Equal((ServiceDeskEngine.SlaPolicyAttribute, "gold"), (((AttributeChanged)e).Key, ((AttributeChanged)e).Value!.Value.AsString())));

        // An agent promises a date: the resolution metric is due then, whatever the target and pauses say.
        await engine.OverrideSlaDueAsync(agent, id, "resolution", tuesdayNoon, "part arrives Tuesday");
        Assert.Equal(tuesdayNoon, Resolution((await engine.GetTicketAsync(Tenant, id))!).DueAt);
        await engine.ClearSlaDueOverrideAsync(agent, id, "resolution");  // back to the computed due
        Assert.Equal(Monday(13), Resolution((await engine.GetTicketAsync(Tenant, id))!).DueAt); // gold: 4 h from the edit at 09:00
    }

    [ConformanceFact]
    public async Task ChangeClassification_ToGoldContractWithRestart_SelectsTheContractPolicyAndStartsItsClocksAtTheEdit()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var opened = await engine.OpenTicketAsync(Caller(), Desk.Incident("Mail server down"));
        Assert.Equal("standard", opened.SlaPolicy);
        Clock.AdvanceHours(3); // Monday 12:00, 3 business hours into the standard policy

        var edited = await engine.ChangeClassificationAsync(
            Agent(Desk.Alice), opened.Ticket.Id, TicketClassification.Of(opened.Ticket) with { Contract = Gold }, SlaPriorityChange.Restart);

        Assert.Equal(CommandOutcome.Applied, edited.Outcome);
        Assert.Equal("gold", edited.SlaPolicy);
        Assert.Equal(Gold, edited.Ticket.Contract);
        Assert.Equal("gold", edited.Ticket.Attributes[ServiceDeskEngine.SlaPolicyAttribute].AsString());
        var changed = Assert.IsType<ClassificationChanged>(edited.Events[0]);
        Assert.Equal((Gold, (ContractId?)null), (changed.Contract!.Value, changed.PreviousContract));
        var reselected = Assert.IsType<SlaPolicyReselected>(edited.Events[1]);
        Assert.Equal(("gold", "standard", true, ActorKind.System), (reselected.Policy, reselected.PreviousPolicy, reselected.Restarted, reselected.Actor.Kind));

        var view = (await engine.GetTicketAsync(Tenant, opened.Ticket.Id))!;
        Assert.Equal("gold", view.SlaPolicy);
        Assert.Equal(Monday(16), Resolution(view).DueAt); // 4 h from the edit
        Assert.Equal(Monday(12, 0) + Duration.FromMinutes(30), view.Clocks.Single(c => c.Metric == "first_response").DueAt);
        Assert.Equal(Monday(12, 0) + Duration.FromMinutes(30), (await ((ITimerStore)Store).GetScheduleAsync(Tenant, opened.Ticket.Id))!.Deadline);
        var history = await Store.ReadHistoryAsync(Tenant, opened.Ticket.Id);
        Assert.Contains(history, e => e is SlaPolicyReselected { Policy: "gold" });
    }

    [ConformanceFact]
    public async Task ChangeClassification_ToGoldContractKeepingElapsed_JudgesTheTimeSoFarByTheNewTargets()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var opened = await engine.OpenTicketAsync(Caller(), Desk.Incident("Mail server down"));
        await engine.CommentAsync(Agent(Desk.Bob), opened.Ticket.Id, CommentVisibility.Public, "On it."); // first response met
        Clock.AdvanceHours(3);

        var edited = await engine.ChangeClassificationAsync(
            Agent(Desk.Alice), opened.Ticket.Id, TicketClassification.Of(opened.Ticket) with { Contract = Gold }, SlaPriorityChange.KeepElapsed);

        Assert.False(Assert.IsType<SlaPolicyReselected>(edited.Events[1]).Restarted);
        var view = (await engine.GetTicketAsync(Tenant, opened.Ticket.Id))!;
        Assert.Equal(Monday(13), Resolution(view).DueAt); // 4 h from the opening at 09:00
        Assert.Equal(Duration.FromHours(3), Resolution(view).Elapsed);
        Assert.Equal(Monday(13), (await ((ITimerStore)Store).GetScheduleAsync(Tenant, opened.Ticket.Id))!.Deadline);
    }

    [ConformanceFact]
    public async Task ChangeClassification_WithVipTier_SelectsTheVipPolicy()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var opened = await engine.OpenTicketAsync(Caller(), Desk.Incident("Laptop broken"));

        var edited = await engine.ChangeClassificationAsync(
            Agent(Desk.Alice), opened.Ticket.Id, new TicketClassification { Category = new TicketCategory("Hardware", "Laptop") }, SlaPriorityChange.KeepElapsed, "VIP");

        Assert.Equal("vip", edited.SlaPolicy);
        Assert.Equal(Monday(11), Resolution((await engine.GetTicketAsync(Tenant, opened.Ticket.Id))!).DueAt);

        // The contract outranks the tier: a later edit to the gold contract moves a VIP's ticket to gold.
        var gold = await engine.ChangeClassificationAsync(
            Agent(Desk.Alice), opened.Ticket.Id, TicketClassification.Of(edited.Ticket) with { Contract = Gold }, SlaPriorityChange.KeepElapsed, "VIP");
        Assert.Equal("gold", gold.SlaPolicy);
        Assert.Equal("vip", ((SlaPolicyReselected)gold.Events[1]).PreviousPolicy);
    }

    [ConformanceFact]
    public async Task ChangeClassification_KeepPolicy_RecordsTheEditAndKeepsPolicyAndClocks()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var opened = await engine.OpenTicketAsync(Caller(), Desk.Incident("Mail server down"));
        Clock.AdvanceHours(1);

        var edited = await engine.ChangeClassificationAsync(
            Agent(Desk.Alice), opened.Ticket.Id, new TicketClassification { Service = new ServiceId("mail"), ConfigurationItem = new ConfigurationItemId("mx-01"), Contract = Gold });

        Assert.Equal("standard", edited.SlaPolicy);
        var changed = Assert.Single(edited.Events);
        Assert.Equal(new ServiceId("mail"), ((ClassificationChanged)changed).Service);
        Assert.Equal((new ServiceId("mail"), new ConfigurationItemId("mx-01")), (edited.Ticket.Service!.Value, edited.Ticket.ConfigurationItem!.Value));
        Assert.Equal(Monday(17), Resolution((await engine.GetTicketAsync(Tenant, opened.Ticket.Id))!).DueAt);
    }

    [ConformanceFact]
    public async Task ChangeClassification_SameValues_IsUnchangedAndStoresNothing()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var opened = await engine.OpenTicketAsync(Caller(), Desk.Incident("Mail server down"));
        var before = await EventCountAsync(opened.Ticket.Id);

        var same = await engine.ChangeClassificationAsync(Agent(Desk.Alice), opened.Ticket.Id, TicketClassification.Of(opened.Ticket), SlaPriorityChange.Restart);

        Assert.Equal(CommandOutcome.Unchanged, same.Outcome);
        Assert.Equal(before, await EventCountAsync(opened.Ticket.Id));
    }

    [ConformanceFact]
    public async Task ChangeClassification_TierKeptFromOpening_UsedByReselectionAndEditedAsAnEvent()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var opened = await engine.OpenTicketAsync(Caller(), Desk.Incident("Laptop broken") with { CustomerTier = "VIP" });
        var id = opened.Ticket.Id;
        Assert.Equal(("vip", "VIP"), (opened.SlaPolicy, opened.Ticket.Attributes[ServiceDeskEngine.CustomerTierAttribute].AsString()));
        var stored = (await Store.GetAsync(Tenant, id))!;
        Assert.Equal("VIP", stored.Attributes[ServiceDeskEngine.CustomerTierAttribute].AsString());

        // The contract outranks the tier; taken away again, re-selection finds the VIP tier the ticket keeps (none passed).
        var gold = await engine.ChangeClassificationAsync(Agent(Desk.Alice), id, new TicketClassification { Contract = Gold }, SlaPriorityChange.Restart);
        Assert.Equal("gold", gold.SlaPolicy);
        var back = await engine.ChangeClassificationAsync(Agent(Desk.Alice), id, new TicketClassification(), SlaPriorityChange.KeepElapsed);
        Assert.Equal("vip", back.SlaPolicy);

        // A new tier alone is an edit: one AttributeChanged by the agent, then the re-selection it asks for.
        var standard = await engine.ChangeClassificationAsync(Agent(Desk.Alice), id, TicketClassification.Of(back.Ticket), SlaPriorityChange.KeepElapsed, "Standard");
        Assert.Equal(CommandOutcome.Applied, standard.Outcome);
        var tier = Assert.IsType<AttributeChanged>(standard.Events[0]);
        Assert.Equal((ServiceDeskEngine.CustomerTierAttribute, "Standard", ActorKind.Agent), (tier.Key, tier.Value!.Value.AsString(), tier.Actor.Kind));
        Assert.Equal("standard", standard.SlaPolicy);
        Assert.DoesNotContain(standard.Events, e => e is ClassificationChanged);

        // The same tier again changes nothing.
        var before = await EventCountAsync(id);
        var again = await engine.ChangeClassificationAsync(Agent(Desk.Alice), id, TicketClassification.Of(standard.Ticket), SlaPriorityChange.KeepElapsed, "Standard");
        Assert.Equal(CommandOutcome.Unchanged, again.Outcome);
        Assert.Equal(before, await EventCountAsync(id));
    }

    [ConformanceFact]
    public async Task ChangeClassification_BadInputOrClosedTicket_ClearErrorAndNothingStored()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Mail server down"))).Ticket.Id;
        var before = await EventCountAsync(id);

        var defaultId = await Assert.ThrowsAsync<ArgumentException>(() => engine.ChangeClassificationAsync(Agent(Desk.Alice), id, new TicketClassification { Service = default(ServiceId) }));
        Assert.Contains("Service is a default id", defaultId.Message, StringComparison.Ordinal);
        var tier = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.ChangeClassificationAsync(Agent(Desk.Alice), id, new TicketClassification(), null, new string('v', 65)));
        Assert.Contains("maximum is 64", tier.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.ChangeClassificationAsync(Agent(Desk.Alice), id, new TicketClassification(), (SlaPriorityChange)9));
        Assert.Throws<ArgumentException>(() => new TicketCategory(" "));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TicketCategory(new string('c', TicketCategory.MaxLength + 1)));
        Assert.Equal(before, await EventCountAsync(id));

        await engine.TransitionAsync(Agent(Desk.Alice), id, IncidentLifecycle.Resolve, "SolvedPermanently", "Restarted the service.");
        await engine.TransitionAsync(Caller(), id, IncidentLifecycle.Close);
        var closed = await EventCountAsync(id);
        var refused = await engine.ChangeClassificationAsync(Agent(Desk.Alice), id, new TicketClassification { Contract = Gold }, SlaPriorityChange.Restart);

        Assert.Equal(CommandOutcome.Rejected, refused.Outcome);
        Assert.Equal("open", Assert.Single(refused.UnmetGuards).Name);
        Assert.Equal(closed, await EventCountAsync(id));
    }

    [ConformanceFact]
    public async Task ChangeClassification_RetriedWithTheSameKey_ReplaysAndOtherParametersConflict()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Mail server down"))).Ticket.Id;
        var edit = new TicketClassification { Contract = Gold };

        var first = await engine.ChangeClassificationAsync(Agent(Desk.Alice, "edit-1"), id, edit, SlaPriorityChange.Restart);
        var retry = await engine.ChangeClassificationAsync(Agent(Desk.Alice, "edit-1"), id, edit, SlaPriorityChange.Restart);
        var conflict = await Assert.ThrowsAsync<IdempotencyConflictException>(
            () => engine.ChangeClassificationAsync(Agent(Desk.Alice, "edit-1"), id, edit, SlaPriorityChange.KeepElapsed));

        Assert.Equal(CommandOutcome.Applied, first.Outcome);
        Assert.Equal(CommandOutcome.Replayed, retry.Outcome);
        Assert.Equal(first.Ticket.Version, retry.Ticket.Version);
        Assert.True(conflict.DifferentParameters);
        Assert.Single(await Store.ReadHistoryAsync(Tenant, id), e => e is ClassificationChanged);
    }

    [ConformanceFact]
    public async Task ChangeClassification_StaleExpectedVersion_ThrowsConcurrencyAndStoresNothing()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var opened = await engine.OpenTicketAsync(Caller(), Desk.Incident("Mail server down"));
        await engine.CommentAsync(Agent(Desk.Bob), opened.Ticket.Id, CommentVisibility.Public, "On it.");
        var before = await EventCountAsync(opened.Ticket.Id);
        var stale = Agent(Desk.Alice) with { ExpectedVersion = opened.Ticket.Version };

        await Assert.ThrowsAsync<ConcurrencyException>(() => engine.ChangeClassificationAsync(stale, opened.Ticket.Id, new TicketClassification { Contract = Gold }));
        await Assert.ThrowsAsync<ConcurrencyException>(() => engine.OverrideSlaDueAsync(stale, opened.Ticket.Id, "resolution", Monday(12, 1)));

        Assert.Equal(before, await EventCountAsync(opened.Ticket.Id));
    }

    [ConformanceFact]
    public async Task EditCommands_ByTheRequester_AreDeniedAndStoreNothing()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Mail server down"))).Ticket.Id;
        var before = await EventCountAsync(id);

        var edit = await Assert.ThrowsAsync<CommandDeniedException>(() => engine.ChangeClassificationAsync(Caller(), id, new TicketClassification { Contract = Gold }));
        var due = await Assert.ThrowsAsync<CommandDeniedException>(() => engine.OverrideSlaDueAsync(Caller(), id, "resolution", Monday(12, 1)));
        var clear = await Assert.ThrowsAsync<CommandDeniedException>(() => engine.ClearSlaDueOverrideAsync(Caller(), id, "resolution"));

        Assert.Contains("ChangeClassification", edit.Message, StringComparison.Ordinal);
        Assert.Contains("OverrideSlaDue", due.Message, StringComparison.Ordinal);
        Assert.Contains("ClearSlaDueOverride", clear.Message, StringComparison.Ordinal);
        Assert.Equal(before, await EventCountAsync(id));
    }

    [ConformanceFact]
    public async Task OverrideSlaDue_Resolution_MovesTheDueTheScheduleAndTheSweepersBreachUntilCleared()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        await engine.CommentAsync(Agent(Desk.Bob), id, CommentVisibility.Public, "Ordering a part."); // first response met
        var timers = (ITimerStore)Store;

        var set = await engine.OverrideSlaDueAsync(Agent(Desk.Alice), id, "resolution", Monday(12, 1), "part arrives Tuesday");

        var overridden = Assert.IsType<SlaDueOverridden>(Assert.Single(set.Events));
        Assert.Equal(("resolution", (Instant?)Monday(12, 1)), (overridden.Metric, overridden.Due));
        var view = (await engine.GetTicketAsync(Tenant, id))!;
        Assert.Equal(Monday(12, 1), Resolution(view).DueAt);
        Assert.True(Resolution(view).IsDueOverridden);
        Assert.Equal(Monday(12, 1), (await timers.GetScheduleAsync(Tenant, id))!.Deadline);

        // Monday 17:30: past the computed due (17:00) but not the manual one, so the sweeper records no breach.
        Clock.Advance(Monday(17) + Duration.FromMinutes(30) - Clock.Now);
        await new EscalationSweeper(engine).SweepAllDueAsync();
        Assert.DoesNotContain(await Store.ReadHistoryAsync(Tenant, id), e => e is SlaThresholdReached { Threshold: "breach" });

        var again = await engine.OverrideSlaDueAsync(Agent(Desk.Alice), id, "resolution", Monday(12, 1));
        Assert.Equal(CommandOutcome.Unchanged, again.Outcome);

        // Tuesday 12:00: the manual due is breached, at the manual due.
        Clock.Advance(Monday(12, 1) - Clock.Now);
        await new EscalationSweeper(engine).SweepAllDueAsync();
        var breach = Assert.Single(await Store.ReadHistoryAsync(Tenant, id), e => e is SlaThresholdReached { Threshold: "breach" });
        Assert.Equal(Monday(12, 1), ((SlaThresholdReached)breach).ReachedAt);

        var cleared = await engine.ClearSlaDueOverrideAsync(Agent(Desk.Alice), id, "resolution");
        Assert.Null(Assert.IsType<SlaDueOverridden>(Assert.Single(cleared.Events)).Due);
        Assert.Equal(Monday(17), Resolution((await engine.GetTicketAsync(Tenant, id))!).DueAt); // computed again; the breach stays
        Assert.Equal(CommandOutcome.Unchanged, (await engine.ClearSlaDueOverrideAsync(Agent(Desk.Alice), id, "resolution")).Outcome);
    }

    [ConformanceFact]
    public async Task OverrideSlaDue_PastBeyondTheHorizonOrUnknown_RefusedAndNothingStored()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        var before = await EventCountAsync(id);

        var past = await engine.OverrideSlaDueAsync(Agent(Desk.Alice), id, "resolution", Clock.Now - Duration.FromMinutes(1));
        var now = await engine.OverrideSlaDueAsync(Agent(Desk.Alice), id, "resolution", Clock.Now);
        var far = await engine.OverrideSlaDueAsync(Agent(Desk.Alice), id, "resolution", Clock.Now + ServiceDeskEngine.MaxSlaDueOverrideAhead + Duration.FromSeconds(1));
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => engine.OverrideSlaDueAsync(Agent(Desk.Alice), id, "resolutoin", Monday(12, 1)));
        var blank = await Assert.ThrowsAsync<ArgumentException>(() => engine.OverrideSlaDueAsync(Agent(Desk.Alice), id, " ", Monday(12, 1)));
        var longName = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.OverrideSlaDueAsync(Agent(Desk.Alice), id, new string('m', 65), Monday(12, 1)));

        Assert.Equal(("future", CommandOutcome.Rejected), (Assert.Single(past.UnmetGuards).Name, past.Outcome));
        Assert.Equal("future", Assert.Single(now.UnmetGuards).Name);
        Assert.Equal("horizon", Assert.Single(far.UnmetGuards).Name);
        Assert.Contains("365 days", far.UnmetGuards[0].Description, StringComparison.Ordinal);
        Assert.Contains("no metric 'resolutoin'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("first_response, resolution, next_response", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("metric", blank.Message, StringComparison.Ordinal);
        Assert.Contains("maximum is 64", longName.Message, StringComparison.Ordinal);
        Assert.Equal(before, await EventCountAsync(id));

        var atTheHorizon = await engine.OverrideSlaDueAsync(Agent(Desk.Alice), id, "resolution", Clock.Now + ServiceDeskEngine.MaxSlaDueOverrideAhead);
        Assert.Equal(CommandOutcome.Applied, atTheHorizon.Outcome);
    }

    [ConformanceFact]
    public async Task OverrideSlaDue_RetriedWithTheSameKey_ReplaysAndOtherParametersConflict()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EditOptions);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer jams"))).Ticket.Id;

        var first = await engine.OverrideSlaDueAsync(Agent(Desk.Alice, "due-1"), id, "resolution", Monday(12, 1));
        var retry = await engine.OverrideSlaDueAsync(Agent(Desk.Alice, "due-1"), id, "resolution", Monday(12, 1));
        var conflict = await Assert.ThrowsAsync<IdempotencyConflictException>(
            () => engine.OverrideSlaDueAsync(Agent(Desk.Alice, "due-1"), id, "resolution", Monday(13, 1)));
        var clear = await engine.ClearSlaDueOverrideAsync(Agent(Desk.Alice, "clear-1"), id, "resolution");
        var clearRetry = await engine.ClearSlaDueOverrideAsync(Agent(Desk.Alice, "clear-1"), id, "resolution");

        Assert.Equal(CommandOutcome.Applied, first.Outcome);
        Assert.Equal(CommandOutcome.Replayed, retry.Outcome);
        Assert.True(conflict.DifferentParameters);
        Assert.Equal((CommandOutcome.Applied, CommandOutcome.Replayed), (clear.Outcome, clearRetry.Outcome));
        Assert.Equal(2, (await Store.ReadHistoryAsync(Tenant, id)).Count(e => e is SlaDueOverridden));
    }

    [ConformanceFact]
    public async Task OverrideSlaDue_TicketWithoutSlaPolicy_IsRefused()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, ServiceDeskEngineOptions.CreateDefault());
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer jams"))).Ticket.Id;

        var refused = await engine.OverrideSlaDueAsync(Agent(Desk.Alice), id, "resolution", Monday(12, 1));

        Assert.Equal("sla", Assert.Single(refused.UnmetGuards).Name);
        Assert.Equal(1, await EventCountAsync(id));
    }

    private static SlaClockState Resolution(TicketView view) => view.Clocks.Single(c => c.Metric == "resolution");

    private static SlaPolicy BuildPolicy(string name, Action<SlaPolicyOptions> match, Duration resolution, Duration firstResponse)
    {
        var options = new SlaPolicyOptions { Name = name };
        match(options);
        options.Metrics.Add(SlaMetricOptions.FirstResponse(Desk.Calendar, firstResponse));
        options.Metrics.Add(SlaMetricOptions.Resolution(Desk.Calendar, resolution));
        options.Metrics.Add(SlaMetricOptions.NextResponse(Desk.Calendar, Duration.FromHours(2)));
        return options.Build();
    }
}
