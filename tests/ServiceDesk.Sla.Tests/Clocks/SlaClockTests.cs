using NodaTime;
using static ServiceDesk.Sla.Tests.TestCalendars;

namespace ServiceDesk.Sla.Tests.Clocks;

/// <summary>SLA clock semantics on a Mon-Fri 09:00-18:00 New York calendar; 2025-03-03 is a Monday.</summary>
public sealed class SlaClockTests
{
    private static readonly BusinessCalendar Calendar = NyNineToSix();
    private static readonly Instant Monday10 = Ny(2025, 3, 3, 10);

    private static SlaMetric Resolution(Duration target, Action<SlaMetricOptions>? configure = null)
    {
        var options = SlaMetricOptions.Resolution(Calendar, target);
        configure?.Invoke(options);
        return options.Build();
    }

    private static TicketTimelineBuilder Ticket(Priority priority = Priority.P3Moderate) => TicketTimeline.Create(Monday10, "New", priority);

    [Fact]
    public void Evaluate_NoEntriesYet_RunsTowardDueAtClose()
    {
        var state = SlaClock.Evaluate(Resolution(Duration.FromHours(8)), Ticket().Build(), Ny(2025, 3, 3, 12));

        Assert.Equal(SlaStage.Running, state.Stage);
        Assert.Equal(1, state.Cycle);
        Assert.Equal(Duration.FromHours(2), state.Elapsed);
        Assert.Equal(Duration.FromHours(6), state.Remaining);
        Assert.Equal(25m, state.PercentElapsed);
        Assert.Equal(Ny(2025, 3, 3, 18), state.DueAt); // lands exactly at close: Monday 18:00
        Assert.Equal(Ny(2025, 3, 3, 18), state.NextTimerAt);
        Assert.False(state.IsBreached);
    }

    [Fact]
    public void Evaluate_ResolvedInTime_IsMet()
    {
        var timeline = Ticket().ChangeStatus(Ny(2025, 3, 3, 11), "InProgress").ChangeStatus(Ny(2025, 3, 3, 15), "Resolved").Build();

        var state = SlaClock.Evaluate(Resolution(Duration.FromHours(8)), timeline, Ny(2025, 3, 5, 9));

        Assert.Equal(SlaStage.Met, state.Stage);
        Assert.Equal(Ny(2025, 3, 3, 15), state.StoppedAt);
        Assert.Equal(Duration.FromHours(5), state.Elapsed);
        Assert.Equal(Duration.FromHours(5), state.WallElapsed);
        Assert.Null(state.NextTimerAt);
    }

    [Fact]
    public void Evaluate_PausedOnHold_DueMovesByPausedBusinessTime()
    {
        var timeline = Ticket()
            .ChangeStatus(Ny(2025, 3, 3, 11), "OnHold", "AwaitingCustomer")
            .ChangeStatus(Ny(2025, 3, 3, 13), "InProgress")
            .Build();

        var state = SlaClock.Evaluate(Resolution(Duration.FromHours(8)), timeline, Ny(2025, 3, 3, 14));

        Assert.Equal(SlaStage.Running, state.Stage);
        Assert.Equal(Duration.FromHours(2), state.Elapsed);
        Assert.Equal(Duration.FromHours(2), state.Paused);
        Assert.Equal(Ny(2025, 3, 4, 11), state.DueAt);
    }

    [Fact]
    public void Evaluate_PausedOverWeekend_PauseIsMeasuredInBusinessTime()
    {
        var timeline = TicketTimeline.Create(Ny(2025, 3, 7, 9), "New", Priority.P3Moderate)
            .ChangeStatus(Ny(2025, 3, 7, 17), "OnHold", "AwaitingVendor")
            .ChangeStatus(Ny(2025, 3, 10, 10), "InProgress")
            .Build();

        var state = SlaClock.Evaluate(Resolution(Duration.FromHours(20)), timeline, Ny(2025, 3, 10, 11));

        Assert.Equal(Duration.FromHours(2), state.Paused); // Friday 17-18 and Monday 09-10, not 65 wall hours
        Assert.Equal(Duration.FromHours(9), state.Elapsed);
        Assert.True(state.Paused + state.Elapsed <= state.WallElapsed);
        Assert.Equal(Ny(2025, 3, 11, 13), state.DueAt); // 11 h left from Monday 11:00: 7 h on Monday, 4 h on Tuesday
    }

    [Fact]
    public void Evaluate_WhilePaused_HasNoDueAndNoTimer()
    {
        var timeline = Ticket().ChangeStatus(Ny(2025, 3, 3, 11), "OnHold", "AwaitingCustomer").Build();

        var state = SlaClock.Evaluate(Resolution(Duration.FromHours(8), o => o.Thresholds.Add(SlaThreshold.Percent(50))), timeline, Ny(2025, 3, 3, 15));

        Assert.Equal(SlaStage.Paused, state.Stage);
        Assert.Null(state.DueAt);
        Assert.Null(state.NextTimerAt);
        Assert.Null(state.Thresholds[0].At);
        Assert.Equal(Duration.FromHours(1), state.Elapsed);
        Assert.Equal(Duration.FromHours(4), state.Paused);
    }

    [Fact]
    public void Evaluate_PastDue_IsBreachedAndBreachIsSticky()
    {
        var metric = Resolution(Duration.FromHours(2));
        var running = SlaClock.Evaluate(metric, Ticket().Build(), Ny(2025, 3, 3, 13));

        Assert.Equal(SlaStage.Running, running.Stage);
        Assert.True(running.IsBreached);
        Assert.Equal(Ny(2025, 3, 3, 12), running.BreachedAt);
        Assert.Equal(-Duration.FromHours(1), running.Remaining);
        Assert.Equal(150m, running.PercentElapsed);
        Assert.Null(running.NextTimerAt);

        var resolved = SlaClock.Evaluate(metric, Ticket().ChangeStatus(Ny(2025, 3, 3, 14), "Resolved").Build(), Ny(2025, 3, 4, 9));
        Assert.Equal(SlaStage.Breached, resolved.Stage);
        Assert.Equal(Ny(2025, 3, 3, 12), resolved.BreachedAt);
    }

    [Fact]
    public void Evaluate_StoppedExactlyAtDue_IsMetButRunningAtDueIsBreached()
    {
        var metric = Resolution(Duration.FromHours(2));
        Assert.Equal(SlaStage.Met, SlaClock.Evaluate(metric, Ticket().ChangeStatus(Ny(2025, 3, 3, 12), "Resolved").Build(), Ny(2025, 3, 3, 12)).Stage);
        Assert.True(SlaClock.Evaluate(metric, Ticket().Build(), Ny(2025, 3, 3, 12)).IsBreached);
        Assert.False(SlaClock.Evaluate(metric, Ticket().Build(), Ny(2025, 3, 3, 11, 59)).IsBreached);
    }

    [Fact]
    public void Evaluate_StoppedAfterDueOnClosedTime_IsBreached()
    {
        // Due Friday 18:00 (end of day). An answer on Saturday uses no more business time, but comes after the due.
        var timeline = TicketTimeline.Create(Ny(2025, 3, 7, 16), "New", Priority.P3Moderate).ChangeStatus(Ny(2025, 3, 8, 10), "Resolved").Build();

        var state = SlaClock.Evaluate(Resolution(Duration.FromHours(2)), timeline, Ny(2025, 3, 10, 9));

        Assert.Equal(SlaStage.Breached, state.Stage);
        Assert.Equal(Ny(2025, 3, 7, 18), state.BreachedAt);
        Assert.Equal(Duration.FromHours(2), state.Elapsed);
    }

    [Fact]
    public void Evaluate_ReopenWithContinue_KeepsCycleAndElapsed()
    {
        var timeline = Ticket()
            .ChangeStatus(Ny(2025, 3, 3, 12), "Resolved")
            .ChangeStatus(Ny(2025, 3, 4, 9), "InProgress")
            .ChangeStatus(Ny(2025, 3, 4, 10), "Resolved")
            .Build();

        var continued = SlaClock.Evaluate(Resolution(Duration.FromHours(8)), timeline, Ny(2025, 3, 4, 12));
        var restarted = SlaClock.Evaluate(Resolution(Duration.FromHours(8), o => o.Reopen = SlaReopenBehavior.NewCycle), timeline, Ny(2025, 3, 4, 12));

        Assert.Equal((SlaStage.Met, 1, Duration.FromHours(3)), (continued.Stage, continued.Cycle, continued.Elapsed));
        Assert.Equal((SlaStage.Met, 2, Duration.FromHours(1)), (restarted.Stage, restarted.Cycle, restarted.Elapsed));
    }

    [Fact]
    public void Evaluate_NextResponse_NewCycleForEachAnsweredCustomerReply()
    {
        var metric = SlaMetricOptions.NextResponse(Calendar, Duration.FromHours(1)).Build();
        var timeline = Ticket()
            .Comment(Ny(2025, 3, 3, 10, 15), SlaActor.Customer)
            .Comment(Ny(2025, 3, 3, 10, 45), SlaActor.Agent)
            .Comment(Ny(2025, 3, 3, 11), SlaActor.Customer)
            .Comment(Ny(2025, 3, 3, 11, 30), SlaActor.Customer)
            .Comment(Ny(2025, 3, 3, 11, 40), SlaActor.Agent, isPublic: false)
            .Build();

        Assert.Equal(SlaStage.Met, SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 3, 10, 50)).Stage);
        var state = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 3, 12, 30));

        Assert.Equal(2, state.Cycle);
        Assert.Equal(SlaStage.Running, state.Stage); // the internal note does not answer the customer
        Assert.Equal(Ny(2025, 3, 3, 11), state.StartedAt); // counted from the oldest unanswered reply
        Assert.True(state.IsBreached);
        Assert.Equal(Ny(2025, 3, 3, 12), state.BreachedAt);
    }

    [Fact]
    public void Evaluate_FirstResponse_StopsOnPublicAgentReplyOnly()
    {
        var metric = SlaMetricOptions.FirstResponse(Calendar, Duration.FromHours(4)).Build();
        var timeline = Ticket()
            .Comment(Ny(2025, 3, 3, 11), SlaActor.Agent, isPublic: false)
            .Comment(Ny(2025, 3, 3, 12), SlaActor.Customer)
            .Comment(Ny(2025, 3, 3, 13), SlaActor.Agent)
            .Build();

        var state = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 4, 9));

        Assert.Equal(SlaStage.Met, state.Stage);
        Assert.Equal(Ny(2025, 3, 3, 13), state.StoppedAt);
        Assert.Equal(Duration.FromHours(3), state.Elapsed);
    }

    [Fact]
    public void Evaluate_Thresholds_PlacedInBusinessTimeAndMovedByPauses()
    {
        var metric = Resolution(Duration.FromHours(4), o =>
        {
            o.Thresholds.Add(SlaThreshold.Percent(50));
            o.Thresholds.Add(SlaThreshold.BeforeDue(Duration.FromMinutes(30)));
            o.Thresholds.Add(SlaThreshold.AfterDue(Duration.FromHours(1)));
        });

        var early = SlaClock.Evaluate(metric, Ticket().Build(), Ny(2025, 3, 3, 11));
        Assert.Equal([Ny(2025, 3, 3, 12), Ny(2025, 3, 3, 13, 30), Ny(2025, 3, 3, 15)], early.Thresholds.Select(t => t.At));
        Assert.All(early.Thresholds, t => Assert.False(t.IsReached));
        Assert.Equal(Ny(2025, 3, 3, 12), early.NextTimerAt);

        var paused = Ticket().ChangeStatus(Ny(2025, 3, 3, 11), "OnHold", "AwaitingCustomer").ChangeStatus(Ny(2025, 3, 3, 12), "InProgress").Build();
        var later = SlaClock.Evaluate(metric, paused, Ny(2025, 3, 3, 13, 15));
        Assert.Equal([true, false, false], later.Thresholds.Select(t => t.IsReached));
        Assert.Equal(Ny(2025, 3, 3, 13), later.Thresholds[0].At); // reached after 2 h of running time
        Assert.Equal(Ny(2025, 3, 3, 14, 30), later.NextTimerAt);
        Assert.Equal(Ny(2025, 3, 3, 15), later.DueAt);
    }

    [Fact]
    public void Evaluate_ThresholdBeforeDueAcrossNight_IsCountedBackwardsInBusinessTime()
    {
        var metric = Resolution(Duration.FromHours(4), o => o.Thresholds.Add(SlaThreshold.BeforeDue(Duration.FromHours(3))));
        var timeline = TicketTimeline.Create(Ny(2025, 3, 3, 16), "New", Priority.P3Moderate).Build();

        var state = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 3, 16, 30));

        Assert.Equal(Ny(2025, 3, 4, 11), state.DueAt);
        Assert.Equal(Ny(2025, 3, 3, 17), state.Thresholds[0].At); // Tuesday 11:00 minus 3 business hours
    }

    [Theory]
    [InlineData(SlaPriorityChange.KeepElapsed, 1, true, 13)]
    [InlineData(SlaPriorityChange.Retroactive, 1, true, 12)]
    [InlineData(SlaPriorityChange.Restart, 2, false, 0)]
    public void Evaluate_PriorityRaisedMidTicket_FollowsChosenMode(SlaPriorityChange mode, int cycle, bool breached, int breachHour)
    {
        var metric = Resolution(Duration.FromHours(8), o =>
        {
            o.TargetsByPriority[Priority.P1Critical] = Duration.FromHours(2);
            o.PriorityChange = mode;
        });
        var timeline = Ticket().ChangePriority(Ny(2025, 3, 3, 13), Priority.P1Critical).Build();

        var state = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 3, 13, 30));

        Assert.Equal(cycle, state.Cycle);
        Assert.Equal(Duration.FromHours(2), state.Target);
        Assert.Equal(breached, state.IsBreached);
        if (breached)
        {
            Assert.Equal(Ny(2025, 3, 3, breachHour), state.BreachedAt);
        }
        else
        {
            Assert.Equal(Ny(2025, 3, 3, 15), state.DueAt);
        }
    }

    [Theory]
    [InlineData(SlaPriorityChange.KeepElapsed, true)]
    [InlineData(SlaPriorityChange.Retroactive, false)]
    public void Evaluate_PriorityLoweredAfterBreach_RetroactiveClearsBreachKeepElapsedDoesNot(SlaPriorityChange mode, bool breached)
    {
        var metric = Resolution(Duration.FromHours(8), o =>
        {
            o.TargetsByPriority[Priority.P1Critical] = Duration.FromHours(2);
            o.PriorityChange = mode;
        });
        var timeline = Ticket(Priority.P1Critical).ChangePriority(Ny(2025, 3, 3, 13), Priority.P3Moderate).Build();

        var state = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 3, 14));

        Assert.Equal(breached, state.IsBreached);
        Assert.Equal(Duration.FromHours(8), state.Target);
        Assert.Equal(Ny(2025, 3, 3, 18), state.DueAt);
    }

    [Fact]
    public void Evaluate_ManualDueOverride_IsNotMovedByPauses()
    {
        var timeline = Ticket()
            .OverrideDue(Ny(2025, 3, 3, 10, 5), "resolution", Ny(2025, 3, 3, 12))
            .ChangeStatus(Ny(2025, 3, 3, 10, 30), "OnHold", "AwaitingCustomer")
            .ChangeStatus(Ny(2025, 3, 3, 11, 30), "InProgress")
            .Build();
        var metric = Resolution(Duration.FromHours(8), o => o.Thresholds.Add(SlaThreshold.BeforeDue(Duration.FromMinutes(30))));

        var before = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 3, 11));
        var after = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 3, 12, 30));

        Assert.True(before.IsDueOverridden);
        Assert.Equal(Ny(2025, 3, 3, 12), before.DueAt);
        Assert.Equal(Ny(2025, 3, 3, 11, 30), before.NextTimerAt); // the threshold fires even while paused: the due is fixed
        Assert.Equal(SlaStage.Paused, before.Stage);
        Assert.True(after.IsBreached);
        Assert.Equal(Ny(2025, 3, 3, 12), after.BreachedAt);
        Assert.Equal(Duration.FromHours(2), after.Target);
        Assert.Equal(-Duration.FromMinutes(30), after.Remaining);
    }

    [Fact]
    public void Evaluate_CanceledStatus_CancelsTheClock()
    {
        var state = SlaClock.Evaluate(Resolution(Duration.FromHours(1)), Ticket().ChangeStatus(Ny(2025, 3, 3, 12), "Canceled").Build(), Ny(2025, 3, 4, 12));

        Assert.Equal(SlaStage.Cancelled, state.Stage);
        Assert.Equal(Ny(2025, 3, 3, 12), state.StoppedAt);
        Assert.Null(state.NextTimerAt);
    }

    [Fact]
    public void Evaluate_RetroactiveStart_CountsFromCreation()
    {
        var options = new SlaMetricOptions
        {
            Name = "assignment_to_fix",
            Calendar = Calendar,
            Target = Duration.FromHours(4),
            Start = SlaCondition.StatusEntered("Assigned"),
            Stop = SlaCondition.StatusIn("Resolved"),
        };
        var timeline = Ticket().ChangeStatus(Ny(2025, 3, 3, 12), "Assigned").Build();

        var plain = SlaClock.Evaluate(options.Build(), timeline, Ny(2025, 3, 3, 13));
        options.RetroactiveStart = true;
        var retroactive = SlaClock.Evaluate(options.Build(), timeline, Ny(2025, 3, 3, 13));

        Assert.Equal((Ny(2025, 3, 3, 12), Duration.FromHours(1)), (plain.StartedAt!.Value, plain.Elapsed));
        Assert.Equal((Monday10, Duration.FromHours(3)), (retroactive.StartedAt!.Value, retroactive.Elapsed));
    }

    [Fact]
    public void Evaluate_ResetCondition_StartsNewCycle()
    {
        var metric = Resolution(Duration.FromHours(8), o => o.Reset = SlaCondition.Event("reassigned"));
        var timeline = Ticket().Event(Ny(2025, 3, 3, 14), "reassigned").Build();

        var state = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 3, 15));

        Assert.Equal((2, Ny(2025, 3, 3, 14), Duration.FromHours(1)), (state.Cycle, state.StartedAt!.Value, state.Elapsed));
    }

    [Fact]
    public void Evaluate_EntriesAfterNow_AreIgnored()
    {
        var timeline = Ticket().ChangeStatus(Ny(2025, 3, 3, 15), "Resolved").Build();

        var state = SlaClock.Evaluate(Resolution(Duration.FromHours(8)), timeline, Ny(2025, 3, 3, 12));

        Assert.Equal(SlaStage.Running, state.Stage);
        Assert.Equal(Duration.FromHours(2), state.Elapsed);
    }

    [Fact]
    public void Evaluate_BeforeCreation_IsNotStarted()
    {
        var state = SlaClock.Evaluate(Resolution(Duration.FromHours(8)), Ticket().Build(), Ny(2025, 3, 3, 9));

        Assert.Equal((SlaStage.NotStarted, 0, Duration.Zero, 0m), (state.Stage, state.Cycle, state.Elapsed, state.PercentElapsed));
        Assert.Null(state.DueAt);
        Assert.Null(state.NextTimerAt);
    }

    [Fact]
    public void Timeline_EntryBeforePrevious_ThrowsNamingBothInstants()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Ticket().ChangeStatus(Ny(2025, 3, 3, 9), "InProgress"));
        Assert.Equal("at", ex.ParamName);
        Assert.Contains("before the previous entry", ex.Message, StringComparison.Ordinal);
    }
}
