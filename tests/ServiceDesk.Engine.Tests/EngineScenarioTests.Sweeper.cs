using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Routing;
using ServiceDesk.Storage;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests;

/// <content>Schedules, the escalation sweeper and the outbox, on every adapter.</content>
public abstract partial class EngineScenarioTests
{
    private static readonly GroupId SecondLine = new("second-line");

    /// <summary>Notify at half the resolution target, move to second line at the breach.</summary>
    private static ServiceDeskEngineOptions EscalatingOptions { get; } = Desk.Options.With(new EscalationPolicyBuilder()
        .Rule("half", 1, EscalationTrigger.SlaPercent("resolution", 50), NotificationDelivery.Immediately, EscalationAction.Notify(NotifyTarget.Assignee))
        .Rule("breach", 2, EscalationTrigger.SlaPercent("resolution", 100), NotificationDelivery.Immediately, EscalationAction.ToGroup(SecondLine))
        .Build());

    private ITimerStore Timers => (ITimerStore)Store;

    [Fact]
    public async Task Open_StoresTimerDeadlineAndQueueMembership_ResolveClearsThem()
    {
        var t0 = Clock.Now;
        var id = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Printer jams"))).Ticket.Id;

        var schedule = await Timers.GetScheduleAsync(Desk.Tenant, id);
        Assert.NotNull(schedule);
        Assert.Equal(t0 + Duration.FromHours(1), schedule.TimerDueAt); // first response due at 10:00
        Assert.StartsWith("sla first_response#1", schedule.TimerPurpose, StringComparison.Ordinal);
        Assert.Equal(t0 + Duration.FromHours(1), schedule.Deadline);
        Assert.True(schedule.Queued);

        await ResolveAsync(Engine, id);
        schedule = await Timers.GetScheduleAsync(Desk.Tenant, id);
        Assert.Equal(TicketSchedule.None, schedule);
        Assert.Empty(await Engine.GetQueueAsync(Desk.Tenant));
    }

    [Fact]
    public async Task Sweeper_RecordsThresholdsAndFiresEachLevelOnce_AtTheRightInstants()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EscalatingOptions);
        var sweeper = new EscalationSweeper(engine);
        var t0 = Clock.Now; // Monday 09:00; resolution 8 business hours: half at 13:00, breach at 17:00
        var id = (await engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        await engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Public, "Looking into it");

        Assert.Equal(0, (await sweeper.SweepAllDueAsync()).Claimed); // nothing due yet
        var schedule = await Timers.GetScheduleAsync(Desk.Tenant, id);
        Assert.Equal(t0 + Duration.FromHours(4), schedule!.TimerDueAt);
        Assert.Equal("escalation L1 resolution#1", schedule.TimerPurpose);

        Clock.Advance(Duration.FromHours(4)); // 13:00
        var first = await sweeper.SweepAllDueAsync();
        Assert.Equal((1, 1, 0), (first.Claimed, first.Escalations, first.Failed));
        var history = await engine.GetHistoryAsync(Desk.Tenant, id);
        var level1 = Assert.Single(history.OfType<Escalated>());
        Assert.Equal((1, EscalationKind.Notify, "resolution", 1), (level1.Level, level1.EscalationKind, level1.Metric, level1.Cycle));
        Assert.Equal(t0 + Duration.FromHours(8), (await Timers.GetScheduleAsync(Desk.Tenant, id))!.TimerDueAt); // next: the breach

        Assert.Equal(0, (await sweeper.SweepAllDueAsync()).Claimed); // swept again at the same instant: nothing fires twice

        Clock.Advance(Duration.FromHours(4)); // 17:00: breach
        var second = await sweeper.SweepAllDueAsync();
        Assert.Equal((1, 1), (second.Claimed, second.Escalations));
        Assert.True(second.Thresholds >= 1);
        history = await engine.GetHistoryAsync(Desk.Tenant, id);
        Assert.Equal([1, 2], history.OfType<Escalated>().Select(e => e.Level));
        var breach = Assert.Single(history.OfType<SlaThresholdReached>(), t => t.Metric == "resolution");
        Assert.Equal(("breach", t0 + Duration.FromHours(8)), (breach.Threshold, breach.ReachedAt));
        var moved = history.OfType<Assigned>().Last();
        Assert.Equal((SecondLine, null), (moved.Group!.Value, moved.PreviousGroup));
        var ticket = (await engine.GetTicketAsync(Desk.Tenant, id))!.Ticket;
        Assert.Equal(SecondLine, ticket.AssignmentGroup);
        Assert.Equal(history[^1].Version, ticket.Version);

        Clock.Advance(Duration.FromDays(3));
        var later = await sweeper.SweepAllDueAsync();
        Assert.Equal(0, later.Escalations);
        Assert.Equal(2, (await engine.GetHistoryAsync(Desk.Tenant, id)).OfType<Escalated>().Count());
    }

    [Fact]
    public async Task Sweeper_ClaimedByACrashedSweeper_FiresAfterTheLeaseExpires()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EscalatingOptions);
        var sweeper = new EscalationSweeper(engine, new EscalationSweeperOptions { LeaseDuration = Duration.FromMinutes(5) });
        var id = (await engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        await engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Public, "Looking into it");
        Clock.Advance(Duration.FromHours(4));

        var crashed = await Timers.ClaimDueTimersAsync(Clock.Now, 10, Duration.FromMinutes(5)); // claims, then dies
        Assert.Single(crashed);
        Assert.Equal(0, (await sweeper.SweepAsync()).Claimed);

        Clock.Advance(Duration.FromMinutes(5));
        var result = await sweeper.SweepAsync();
        Assert.Equal((1, 1), (result.Claimed, result.Escalations));
        Assert.False(await Timers.CompleteTimerAsync(crashed[0], TicketSchedule.None)); // the dead claim cannot undo it
        Assert.Single((await engine.GetHistoryAsync(Desk.Tenant, id)).OfType<Escalated>());
    }

    [Fact]
    public async Task Sweeper_CommandRacingTheSweep_ConflictIsDecidedAgainOnTheNewState()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EscalatingOptions);
        var id = (await engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        await engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Public, "Looking into it");
        Clock.Advance(Duration.FromHours(4));

        // A stale lease: the sweeper read version N, a command then resolved the ticket (replacing the schedule).
        var lease = Assert.Single(await Timers.ClaimDueTimersAsync(Clock.Now, 10, Duration.FromMinutes(1)));
        await ResolveAsync(engine, id);
        Assert.False(await Timers.CompleteTimerAsync(lease, new TicketSchedule(Clock.Now, "stale", null, true)));

        var result = await new EscalationSweeper(engine).SweepAllDueAsync();
        Assert.Equal(0, result.Claimed); // resolved: no timer left
        Assert.Empty((await engine.GetHistoryAsync(Desk.Tenant, id)).OfType<Escalated>());
    }

    [Fact]
    public async Task Sweepers_FourConcurrentOverManyDueTimers_FireEveryLevelExactlyOnce()
    {
        using var engine = new ServiceDeskEngine(Store, Clock, EscalatingOptions);
        var count = ConcurrentSweepTickets;
        var ids = new List<TicketId>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add((await engine.OpenTicketAsync(Desk.Caller(), Desk.Incident($"Ticket {i}"))).Ticket.Id);
        }

        Clock.Advance(Duration.FromHours(8)); // past half and breach: both levels due on every ticket
        var sweepers = Enumerable.Range(0, 4).Select(_ => new EscalationSweeper(engine, new EscalationSweeperOptions { BatchSize = 25 })).ToArray();
        var results = await Task.WhenAll(sweepers.Select(s => Task.Run(() => s.SweepAllDueAsync())));
        var total = results.Aggregate(default(SweepResult), (a, b) => a + b);
        var rest = await sweepers[0].SweepAllDueAsync(); // conflicts leave their timers due for a later sweep
        total += rest;

        Assert.Equal(0, total.Failed);
        Assert.Equal(2 * count, total.Escalations);
        foreach (var id in ids)
        {
            var levels = (await engine.GetHistoryAsync(Desk.Tenant, id)).OfType<Escalated>().Select(e => e.Level).Order();
            Assert.Equal([1, 2], levels);
        }

        Assert.Equal(0, (await sweepers[0].SweepAllDueAsync()).Escalations);
    }

    [Fact]
    public async Task Metrics_BreachRecordedBySweeper_IsNotCountedAgainWhenACommandStopsTheClock()
    {
        using var factory = new TestMeterFactory();
        using var engine = new ServiceDeskEngine(Store, Clock, EscalatingOptions, null, factory);
        using var metrics = new MetricsCollector(factory);
        var id = (await engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Printer jams"))).Ticket.Id;
        await engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Public, "Looking into it");
        Clock.Advance(Duration.FromHours(9)); // resolution breached at 17:00 Monday

        var swept = await new EscalationSweeper(engine).SweepAllDueAsync();
        Assert.Equal(2, swept.Escalations);
        Assert.Equal(1, metrics.Sum("servicedesk.engine.sla.breaches", "servicedesk.sla.metric", "resolution"));
        Assert.Equal(2, metrics.Sum("servicedesk.engine.escalations"));
        Assert.True(metrics.Sum("servicedesk.engine.timers.fired") >= 1);

        await ResolveAsync(engine, id);
        Assert.Equal(1, metrics.Sum("servicedesk.engine.sla.breaches", "servicedesk.sla.metric", "resolution"));
    }

    [Fact]
    public async Task Outbox_HoldsEveryEngineEventInVersionOrderUntilAcknowledged()
    {
        var outbox = (IOutboxStore)Store;
        var id = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("VPN down"))).Ticket.Id;
        await Engine.AssignAsync(Desk.Agent(Desk.Alice), id, Desk.Network, Desk.Alice);
        await Engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Public, "On it");
        var history = await Engine.GetHistoryAsync(Desk.Tenant, id);

        var messages = await outbox.ReadOutboxAsync(100, Desk.Tenant);
        Assert.Equal(history.Select(e => e.Version), messages.Select(m => m.Event.Version));
        Assert.Equal(history, messages.Select(m => m.Event));
        Assert.Equal(messages.Count, await outbox.AcknowledgeOutboxAsync([.. messages.Select(m => m.Position)]));
        Assert.Empty(await outbox.ReadOutboxAsync(100, Desk.Tenant));
    }

    [Fact]
    public void Sweeper_BadArguments_AreRejectedWithTheValidRange()
    {
        Assert.Throws<ArgumentNullException>(() => new EscalationSweeper(null!));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new EscalationSweeperOptions { BatchSize = 0 });
        Assert.Contains("1 and 1,000", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EscalationSweeperOptions { BatchSize = 1001 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EscalationSweeperOptions { LeaseDuration = Duration.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EscalationSweeperOptions { LeaseDuration = Duration.FromDays(2) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EscalationSweeperOptions { PollInterval = Duration.FromHours(-1) });
    }

    private static async Task ResolveAsync(ServiceDeskEngine engine, TicketId id)
    {
        Assert.Equal(CommandOutcome.Applied, (await engine.AssignAsync(Desk.Agent(Desk.Alice), id, Desk.Network, Desk.Alice)).Outcome);
        Assert.Equal(CommandOutcome.Applied, (await engine.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Start)).Outcome);
        var resolved = await engine.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Resolve, "SolvedPermanently", "Fixed.");
        Assert.Equal(CommandOutcome.Applied, resolved.Outcome);
    }

    /// <summary>Gets how many tickets the four-sweeper test opens.</summary>
    protected virtual int ConcurrentSweepTickets => 200;
}
