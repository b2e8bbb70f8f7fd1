using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Routing;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;
using Xunit;

namespace ServiceDesk.Engine.Tests;

/// <summary>
/// The SLA bug classes of docs/sla.md that need the engine (paused after breach with the sweeper, created on hold or
/// resolved, what counts as a response, priority change, policy selection), on every store adapter. The clock starts on
/// Monday 2025-01-06 09:00 UTC; <see cref="Desk.Calendar"/> is weekdays 09:00-17:00 UTC.
/// </summary>
public abstract class EngineSlaTests(StoreKind kind) : StoreBackedTests(kind)
{
    private static readonly TicketStatus Pending = new("Pending");
    private CommandContext Caller() => new(Tenant, Actor.OfRequester("Jane Doe"));

    private CommandContext Agent() => new(Tenant, Actor.OfAgent(Desk.Alice));

    private static SlaClockState Clock_(TicketView? view, string metric) => Assert.IsType<TicketView>(view).Clocks.Single(c => c.Metric == metric);

    /// <summary>Incidents with <paramref name="workflow"/> instead of the incident lifecycle, under the desk's SLA policy.</summary>
    private static ServiceDeskEngineOptions WithIncidentWorkflow(WorkflowDefinition workflow)
    {
        var workflows = Desk.Options.Workflows.ToDictionary(p => p.Key, p => p.Value);
        workflows[TicketKind.Incident] = workflow;
        return new ServiceDeskEngineOptions(workflows).With(Desk.Options.RoutingRules, Desk.Options.SlaPolicies);
    }

    // Class 12: pause entered after the breach; the sweeper fires nothing after the due while the ticket is on hold.
    [ConformanceFact]
    public async Task Sweeper_HoldAfterBreach_FiresNoAfterDueEscalationUntilResumed()
    {
        var options = Desk.Options.With(new EscalationPolicyBuilder()
            .Rule("breach", 1, EscalationTrigger.SlaPercent("resolution", 100), NotificationDelivery.Immediately, EscalationAction.Notify(NotifyTarget.Assignee))
            .Rule("late", 2, EscalationTrigger.SlaPercent("resolution", 125), NotificationDelivery.Immediately, EscalationAction.Notify(NotifyTarget.Assignee))
            .Build());
        using var engine = new ServiceDeskEngine(Store, Clock, options);
        var sweeper = new EscalationSweeper(engine);
        var t0 = Clock.Now; // Monday 09:00: resolution (8 h) due Monday 17:00, 125 % (10 h) Tuesday 11:00 if it kept running
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        await engine.CommentAsync(Agent(), id, CommentVisibility.Public, "Looking into it");
        await engine.TransitionAsync(Agent(), id, IncidentLifecycle.Start);

        Clock.AdvanceHours(8); // Monday 17:00: breached
        Assert.Equal(1, (await sweeper.SweepAllDueAsync()).Escalations);
        Clock.Advance(Duration.FromMinutes(16 * 60 + 30)); // Tuesday 09:30, 8.5 h elapsed
        var held = await engine.TransitionAsync(Agent(), id, IncidentLifecycle.Hold, IncidentLifecycle.AwaitingCaller);
        Assert.Equal(CommandOutcome.Applied, held.Outcome);

        var breachAt = t0 + Duration.FromHours(8);
        var resolution = Clock_(await engine.GetTicketAsync(Tenant, id), "resolution");
        Assert.Equal((SlaStage.Paused, true, breachAt, breachAt), (resolution.Stage, resolution.IsBreached, resolution.BreachedAt, resolution.DueAt));
        Assert.Null(resolution.NextTimerAt);
        Assert.Null(held.NextSlaTimerAt);
        var schedule = await ((ITimerStore)Store).GetScheduleAsync(Tenant, id);
        Assert.Null(schedule!.TimerDueAt); // no SLA timer and no escalation due while on hold
        Assert.Equal(breachAt, schedule.Deadline); // the missed due: a breached ticket on hold stays at the head of the queue

        Clock.Advance(Duration.FromMinutes(31 * 60 + 30)); // Wednesday 17:00: long past 125 % in wall and business time
        var whileHeld = await sweeper.SweepAllDueAsync();
        Assert.Equal((0, 0), (whileHeld.Claimed, whileHeld.Escalations));
        resolution = Clock_(await engine.GetTicketAsync(Tenant, id), "resolution");
        Assert.Equal((Duration.FromMinutes(510), breachAt, breachAt), (resolution.Elapsed, resolution.BreachedAt, resolution.DueAt));

        var resumed = await engine.TransitionAsync(Agent(), id, IncidentLifecycle.Resume);
        var late = Instant.FromUtc(2025, 1, 9, 10, 30); // Thursday: the 1.5 business hours left to 125 %
        Assert.Equal(late, (await ((ITimerStore)Store).GetScheduleAsync(Tenant, id))!.TimerDueAt);
        Assert.Equal(CommandOutcome.Applied, resumed.Outcome);
        Clock.Advance(late - Clock.Now);
        Assert.Equal(1, (await sweeper.SweepAllDueAsync()).Escalations);
        Assert.Equal([1, 2], (await Store.ReadHistoryAsync(Tenant, id)).OfType<Escalated>().Select(e => e.Level));
    }

    // Class 13: a ticket whose first state is a hold state starts paused with zero elapsed.
    [ConformanceFact]
    public async Task Open_InitialStateIsAHoldState_ClocksStartPausedWithZeroElapsed()
    {
        var workflow = new WorkflowBuilder("triage-first").ForKind(TicketKind.Incident)
            .State(Pending, s => s.Hold())
            .State(TicketStatus.InProgress)
            .State(TicketStatus.Resolved, s => s.Sla(SlaMode.Stopped))
            .InitialState(Pending)
            .Transition(Pending, IncidentLifecycle.Start, TicketStatus.InProgress)
            .Transition(TicketStatus.InProgress, IncidentLifecycle.Resolve, TicketStatus.Resolved)
            .Build();
        using var engine = new ServiceDeskEngine(Store, Clock, WithIncidentWorkflow(workflow));
        var t0 = Clock.Now;
        var opened = await engine.OpenTicketAsync(Caller(), Desk.Incident("New laptop"));
        Assert.Null(opened.NextSlaTimerAt);

        Clock.AdvanceHours(2);
        var view = await engine.GetTicketAsync(Tenant, opened.Ticket.Id);
        foreach (var metric in new[] { "resolution", "first_response" })
        {
            var clock = Clock_(view, metric);
            Assert.Equal((SlaStage.Paused, t0, Duration.Zero, Duration.FromHours(2)), (clock.Stage, clock.StartedAt!.Value, clock.Elapsed, clock.Paused));
            Assert.Null(clock.DueAt);
            Assert.Null(clock.NextTimerAt);
        }

        var started = await engine.TransitionAsync(Agent(), opened.Ticket.Id, IncidentLifecycle.Start);
        Assert.Equal(Clock.Now + Duration.FromHours(1), started.NextSlaTimerAt); // first response: 1 h from the start, not from the opening
        var resolution = Clock_(await engine.GetTicketAsync(Tenant, opened.Ticket.Id), "resolution");
        Assert.Equal((SlaStage.Running, Instant.FromUtc(2025, 1, 7, 11, 0)), (resolution.Stage, resolution.DueAt!.Value));
    }

    // Class 13: a ticket recorded already resolved leaves the resolution clock not started.
    [ConformanceFact]
    public async Task Open_InitialStateIsResolved_ResolutionNotStartedUntilReopened()
    {
        var workflow = new WorkflowBuilder("walk-up").ForKind(TicketKind.Incident)
            .State(TicketStatus.Resolved, s => s.Sla(SlaMode.Stopped))
            .State(TicketStatus.InProgress)
            .State(TicketStatus.Closed, s => s.Sla(SlaMode.Stopped))
            .InitialState(TicketStatus.Resolved)
            .Transition(TicketStatus.Resolved, IncidentLifecycle.Reopen, TicketStatus.InProgress)
            .Transition(TicketStatus.Resolved, IncidentLifecycle.Close, TicketStatus.Closed)
            .Transition(TicketStatus.InProgress, IncidentLifecycle.Resolve, TicketStatus.Resolved)
            .Build();
        using var engine = new ServiceDeskEngine(Store, Clock, WithIncidentWorkflow(workflow));
        var t0 = Clock.Now;
        var opened = await engine.OpenTicketAsync(Agent(), Desk.Incident("Walk-up: password reset"));
        Assert.Null(opened.NextSlaTimerAt);

        Clock.AdvanceHours(1);
        var view = await engine.GetTicketAsync(Tenant, opened.Ticket.Id);
        var resolution = Clock_(view, "resolution");
        Assert.Equal((SlaStage.NotStarted, 0, Duration.Zero), (resolution.Stage, resolution.Cycle, resolution.Elapsed));
        Assert.Null(resolution.DueAt);
        var firstResponse = Clock_(view, "first_response");
        Assert.Equal((SlaStage.Met, t0, Duration.Zero), (firstResponse.Stage, firstResponse.StoppedAt!.Value, firstResponse.Elapsed));
        var schedule = await ((ITimerStore)Store).GetScheduleAsync(Tenant, opened.Ticket.Id);
        Assert.Equal(TicketSchedule.None, schedule);

        await engine.TransitionAsync(Agent(), opened.Ticket.Id, IncidentLifecycle.Reopen);
        resolution = Clock_(await engine.GetTicketAsync(Tenant, opened.Ticket.Id), "resolution");
        Assert.Equal((SlaStage.Running, 1, Clock.Now, Instant.FromUtc(2025, 1, 7, 10, 0)), (resolution.Stage, resolution.Cycle, resolution.StartedAt!.Value, resolution.DueAt!.Value));
    }

    // Class 18: a public comment by the system or an integration is not a response; the role of the comment decides.
    [ConformanceFact]
    public async Task Comment_BySystemIntegrationOrRequesterRole_IsNotAResponseButAgentRoleIs()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        Clock.AdvanceMinutes(5);
        await engine.CommentAsync(new CommandContext(Tenant, Actor.System), id, CommentVisibility.Public, "We have received your request.");
        await engine.CommentAsync(new CommandContext(Tenant, Actor.OfIntegration("monitoring")), id, CommentVisibility.Public, "Alert cleared.");
        await engine.CommentAsync(Agent(), id, CommentVisibility.Internal, "Probably the fuser.");
        Clock.AdvanceMinutes(5);
        var view = await engine.GetTicketAsync(Tenant, id);
        Assert.Equal((SlaStage.Running, Duration.FromMinutes(10)), (Clock_(view, "first_response").Stage, Clock_(view, "first_response").Elapsed));
        Assert.Equal(SlaStage.NotStarted, Clock_(view, "next_response").Stage);

        // An agent who is also the requester: the engine cannot tell (agent and customer ids are separate), so the role
        // the comment is written in decides: as the requester it is a customer reply, as an agent a response.
        var alice = new Requester(new CustomerId("alice"), "Alice", "alice@example.com");
        var own = (await engine.OpenTicketAsync(Agent(), new OpenTicketRequest(TicketKind.Incident, "My own laptop", alice, Impact.Low, Urgency.Low))).Ticket.Id;
        Clock.AdvanceMinutes(10);
        await engine.CommentAsync(new CommandContext(Tenant, Actor.OfRequester("Alice")), own, CommentVisibility.Public, "Still broken.");
        view = await engine.GetTicketAsync(Tenant, own);
        Assert.Equal((SlaStage.Running, SlaStage.Running), (Clock_(view, "first_response").Stage, Clock_(view, "next_response").Stage));
        Clock.AdvanceMinutes(10);
        await engine.CommentAsync(Agent(), own, CommentVisibility.Public, "Replaced the battery.");
        view = await engine.GetTicketAsync(Tenant, own);
        Assert.Equal((SlaStage.Met, Duration.FromMinutes(20)), (Clock_(view, "first_response").Stage, Clock_(view, "first_response").Elapsed));
        Assert.Equal(SlaStage.Met, Clock_(view, "next_response").Stage);
    }

    // Class 14: a priority change re-targets the running clocks (KeepElapsed, the default).
    [ConformanceFact]
    public async Task ChangePriority_MidTicket_RetargetsTheClocksKeepingElapsedTime()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options);
        var t0 = Clock.Now;
        var id = (await engine.OpenTicketAsync(Caller(), Desk.Incident("Outage"))).Ticket.Id;
        Assert.Equal(t0 + Duration.FromHours(8), Clock_(await engine.GetTicketAsync(Tenant, id), "resolution").DueAt);

        Clock.AdvanceMinutes(30);
        var changed = await engine.ChangePriorityAsync(Agent(), id, Impact.High, Urgency.High, "Whole site affected");
        Assert.Equal(Priority.P1Critical, changed.Ticket.Priority);

        var view = await engine.GetTicketAsync(Tenant, id);
        var resolution = Clock_(view, "resolution");
        Assert.Equal((Duration.FromHours(2), Duration.FromMinutes(30), t0 + Duration.FromHours(2), 1), (resolution.Target, resolution.Elapsed, resolution.DueAt!.Value, resolution.Cycle));
        Assert.Equal(t0 + Duration.FromHours(1), view!.NextDueAt); // first response (1 h for every priority) is still the nearest
        Assert.Equal(t0 + Duration.FromHours(1), changed.NextSlaTimerAt);
        var expected = SlaClock.Evaluate(
            Desk.Policy.GetMetric("resolution")!,
            TicketTimeline.Create(t0, "New", Priority.P3Moderate).ChangePriority(t0 + Duration.FromMinutes(30), Priority.P1Critical).Build(),
            view.EvaluatedAt);
        Assert.Equal(expected with { Thresholds = resolution.Thresholds }, resolution);
    }

    // Class 24: the policy a routing rule names wins; an unknown name falls back to selection by rank (service here).
    [ConformanceFact]
    public async Task Open_PolicyNamedByRoutingOrUnknownOrByService_SelectsDeterministically()
    {
        SlaPolicy Policy(string name, Duration target, Action<SlaPolicyOptions>? configure = null)
        {
            var options = new SlaPolicyOptions { Name = name };
            configure?.Invoke(options);
            options.Metrics.Add(SlaMetricOptions.Resolution(Desk.Calendar, target));
            return options.Build();
        }

        var policies = new SlaPolicySet(
        [
            Policy("standard", Duration.FromHours(8)),
            Policy("vip", Duration.FromHours(4), o => o.CustomerTiers.Add("VIP")),
            Policy("email", Duration.FromHours(2), o => o.Services.Add("Email")),
        ]);
        var routing = new RoutingRuleSetBuilder()
            .Rule("urgent", r => r.When(RoutingCondition.HasKeyword("urgent")).UseSlaPolicy("vip"))
            .Rule("legacy", r => r.When(RoutingCondition.HasKeyword("legacy")).UseSlaPolicy("gold"))
            .Build();
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options.With(routing, policies));

        async Task<string?> PolicyOf(OpenTicketRequest request) => (await engine.OpenTicketAsync(Caller(), request)).SlaPolicy;

        Assert.Equal("standard", await PolicyOf(Desk.Incident("Printer jams")));
        Assert.Equal("vip", await PolicyOf(Desk.Incident("Urgent: printer jams"))); // named by routing, without the VIP tier
        Assert.Equal("standard", await PolicyOf(Desk.Incident("Legacy printer jams"))); // "gold" is unknown: selection
        Assert.Equal("email", await PolicyOf(Desk.Incident("Mail bounces") with { Service = new ServiceId("Email"), CustomerTier = "VIP" })); // service ranks above tier
        Assert.Equal("email", await PolicyOf(Desk.Incident("Legacy mail bounces") with { Service = new ServiceId("Email") }));
    }
}

/// <summary>On the in-memory store.</summary>
public sealed class InMemoryEngineSlaTests() : EngineSlaTests(StoreKind.InMemory);

/// <summary>On a fresh SQLite file.</summary>
public sealed class SqliteEngineSlaTests() : EngineSlaTests(StoreKind.Sqlite);

/// <summary>On a real PostgreSQL server, in a schema of each test's own (skipped with the reason when none is configured
/// outside CI).</summary>
[ConformanceSkip(typeof(EnginePostgres), nameof(EnginePostgres.SkipReason))]
public sealed class PostgreSqlEngineSlaTests() : EngineSlaTests(StoreKind.PostgreSql);
