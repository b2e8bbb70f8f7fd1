using NodaTime;
using static ServiceDesk.Sla.Tests.TestCalendars;

namespace ServiceDesk.Sla.Tests.Clocks;

/// <summary>
/// The SLA bug classes of docs/sla.md ("Known bug classes") that the other clock tests did not pin yet, on the
/// Mon-Fri 09:00-18:00 New York calendar; 2025-03-03 is a Monday.
/// </summary>
public sealed class SlaBugClassTests
{
    private static readonly BusinessCalendar Calendar = NyNineToSix();
    private static readonly Instant Monday10 = Ny(2025, 3, 3, 10);

    private static SlaMetric Resolution(Duration target, Action<SlaMetricOptions>? configure = null)
    {
        var options = SlaMetricOptions.Resolution(Calendar, target);
        configure?.Invoke(options);
        return options.Build();
    }

    private static TicketTimelineBuilder Ticket() => TicketTimeline.Create(Monday10, "New", Priority.P3Moderate);

    // Class 1: created outside business hours.
    [Fact]
    public void Evaluate_OpenedOnSaturday_CountsNothingUntilMondayOpening()
    {
        var timeline = TicketTimeline.Create(Ny(2025, 3, 8, 11), "New", Priority.P3Moderate).Build();
        var metric = Resolution(Duration.FromHours(4));

        var sunday = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 9, 20));
        var monday = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 10, 10));

        Assert.Equal((SlaStage.Running, Duration.Zero, 0m), (sunday.Stage, sunday.Elapsed, sunday.PercentElapsed));
        Assert.Equal(Ny(2025, 3, 8, 11), sunday.StartedAt); // the cycle starts at creation, the count at the opening
        Assert.Equal(Ny(2025, 3, 10, 13), sunday.DueAt);
        Assert.Equal(Ny(2025, 3, 10, 13), sunday.NextTimerAt);
        Assert.Equal(Duration.FromHours(1), monday.Elapsed);
        Assert.Equal(Ny(2025, 3, 10, 13), monday.DueAt);
    }

    // Class 12: pause entered after the breach.
    [Fact]
    public void Evaluate_HoldAfterBreach_StaysBreachedWithTheMissedDueAndNoTimer()
    {
        var metric = Resolution(Duration.FromHours(2), o => o.Thresholds.Add(SlaThreshold.AfterDue(Duration.FromHours(1))));
        var timeline = Ticket().ChangeStatus(Ny(2025, 3, 3, 12, 30), "OnHold", "AwaitingCustomer").Build();

        var held = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 4, 17));

        Assert.Equal(SlaStage.Paused, held.Stage);
        Assert.True(held.IsBreached); // sticky: the hold does not undo it
        Assert.Equal(Ny(2025, 3, 3, 12), held.BreachedAt); // the breach instant is unchanged
        Assert.Equal(Ny(2025, 3, 3, 12), held.DueAt); // the due it missed, which can no longer move
        Assert.Null(held.NextTimerAt); // nothing fires while on hold, not even the after-due threshold
        Assert.False(held.Thresholds[0].IsReached);
        Assert.Null(held.Thresholds[0].At);
        Assert.Equal((Duration.FromMinutes(150), Duration.FromMinutes(810)), (held.Elapsed, held.Paused));
    }

    [Fact]
    public void Evaluate_ResumedAfterHoldAfterBreach_AfterDueThresholdComesDueInBusinessTime()
    {
        var metric = Resolution(Duration.FromHours(2), o => o.Thresholds.Add(SlaThreshold.AfterDue(Duration.FromHours(1))));
        var timeline = Ticket()
            .ChangeStatus(Ny(2025, 3, 3, 12, 30), "OnHold", "AwaitingCustomer")
            .ChangeStatus(Ny(2025, 3, 4, 17), "InProgress")
            .Build();

        var resumed = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 4, 17, 10));

        Assert.Equal((SlaStage.Running, true, Ny(2025, 3, 3, 12)), (resumed.Stage, resumed.IsBreached, resumed.BreachedAt));
        Assert.Equal(Ny(2025, 3, 4, 17, 30), resumed.NextTimerAt); // 30 min of the hour after the due were left
        Assert.Equal(Ny(2025, 3, 4, 17, 30), resumed.Thresholds[0].At);
    }

    // Class 13: created directly in a paused or closed state.
    [Fact]
    public void Evaluate_CreatedOnHold_StartsPausedWithZeroElapsed()
    {
        var timeline = TicketTimeline.Create(Monday10, "OnHold", Priority.P3Moderate, "AwaitingVendor").Build();
        var metric = Resolution(Duration.FromHours(8));

        var state = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 3, 15));
        var tracked = SlaTracker.Start(new SlaPolicyOptions { Name = "p", Metrics = { SlaMetricOptions.Resolution(Calendar, Duration.FromHours(8)) } }.Build(), Monday10, "OnHold", Priority.P3Moderate, "AwaitingVendor")
            .Evaluate(Ny(2025, 3, 3, 15))[0];

        Assert.Equal((SlaStage.Paused, 1, Monday10), (state.Stage, state.Cycle, state.StartedAt));
        Assert.Equal((Duration.Zero, Duration.FromHours(5)), (state.Elapsed, state.Paused));
        Assert.Null(state.DueAt);
        Assert.Null(state.NextTimerAt);
        Assert.Equal(state, tracked with { Thresholds = state.Thresholds });
    }

    [Fact]
    public void Evaluate_CreatedResolved_ResolutionNotStartedAndFirstResponseMetAtCreation()
    {
        var timeline = TicketTimeline.Create(Monday10, "Resolved", Priority.P3Moderate).Build();

        var resolution = SlaClock.Evaluate(Resolution(Duration.FromHours(8)), timeline, Ny(2025, 3, 4, 10));
        var firstResponse = SlaClock.Evaluate(SlaMetricOptions.FirstResponse(Calendar, Duration.FromHours(1)).Build(), timeline, Ny(2025, 3, 4, 10));

        Assert.Equal((SlaStage.NotStarted, 0, (Instant?)null, (Instant?)null), (resolution.Stage, resolution.Cycle, resolution.DueAt, resolution.NextTimerAt));
        Assert.Equal(Duration.Zero, resolution.Elapsed);
        Assert.Equal((SlaStage.Met, Monday10, Duration.Zero), (firstResponse.Stage, firstResponse.StoppedAt, firstResponse.Elapsed));
    }

    // Class 17: reopen after resolve.
    [Fact]
    public void Evaluate_BreachedThenResolvedThenReopenedWithContinue_BreachStays()
    {
        var timeline = Ticket()
            .ChangeStatus(Ny(2025, 3, 3, 13), "Resolved")
            .ChangeStatus(Ny(2025, 3, 4, 9), "InProgress")
            .Build();

        var reopened = SlaClock.Evaluate(Resolution(Duration.FromHours(2)), timeline, Ny(2025, 3, 4, 9, 30));

        Assert.Equal((SlaStage.Running, 1), (reopened.Stage, reopened.Cycle));
        Assert.True(reopened.IsBreached);
        Assert.Equal(Ny(2025, 3, 3, 12), reopened.BreachedAt);
        Assert.Equal(Duration.FromMinutes(210), reopened.Elapsed); // 3 h before the resolve, 30 min since the reopen
        Assert.Null(reopened.NextTimerAt);
    }

    // Class 18: what counts as a response.
    [Fact]
    public void Evaluate_PublicSystemComment_IsNotAFirstResponse()
    {
        var metric = SlaMetricOptions.FirstResponse(Calendar, Duration.FromHours(4)).Build();
        var timeline = Ticket()
            .Comment(Ny(2025, 3, 3, 10, 1), SlaActor.System) // an automatic acknowledgement, or an integration's update
            .Comment(Ny(2025, 3, 3, 11), SlaActor.Customer)
            .Build();

        var state = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 3, 12));

        Assert.Equal(SlaStage.Running, state.Stage);
        Assert.Equal(Duration.FromHours(2), state.Elapsed);
    }

    // Class 23: manual due dates.
    [Fact]
    public void Evaluate_ManualDueOutsideBusinessHours_IsKeptAsGiven()
    {
        var metric = Resolution(Duration.FromHours(40), o => o.Thresholds.Add(SlaThreshold.BeforeDue(Duration.FromHours(1))));
        var saturday = Ny(2025, 3, 8, 12);
        var timeline = Ticket().OverrideDue(Ny(2025, 3, 3, 11), "resolution", saturday).Build();

        var friday = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 7, 12));
        var sunday = SlaClock.Evaluate(metric, timeline, Ny(2025, 3, 9, 12));

        Assert.Equal((true, saturday), (friday.IsDueOverridden, friday.DueAt)); // not moved to Monday's opening
        Assert.Equal(Ny(2025, 3, 7, 17), friday.NextTimerAt); // one business hour before the due: Friday 17:00
        Assert.False(friday.IsBreached);
        Assert.Equal((true, saturday), (sunday.IsBreached, sunday.BreachedAt));
    }

    [Fact]
    public void Evaluate_ManualDueBeforeTheCycleStart_BreachesAtTheStart()
    {
        var metric = Resolution(Duration.FromHours(8));
        var pending = TicketTimeline.Create(Monday10, "Resolved", Priority.P3Moderate)
            .OverrideDue(Ny(2025, 3, 3, 10, 30), "resolution", Ny(2025, 3, 3, 9))
            .ChangeStatus(Ny(2025, 3, 3, 11), "InProgress")
            .Build();
        var running = Ticket().OverrideDue(Ny(2025, 3, 3, 11), "resolution", Ny(2025, 3, 3, 9)).Build();

        var started = SlaClock.Evaluate(metric, pending, Ny(2025, 3, 3, 12));
        var overridden = SlaClock.Evaluate(metric, running, Ny(2025, 3, 3, 12));

        Assert.Equal((true, Ny(2025, 3, 3, 9), Ny(2025, 3, 3, 11)), (started.IsBreached, started.DueAt, started.BreachedAt));
        Assert.Equal((true, Ny(2025, 3, 3, 9), Monday10), (overridden.IsBreached, overridden.DueAt, overridden.BreachedAt));
        Assert.Equal(100m, overridden.PercentElapsed);
        Assert.Null(overridden.NextTimerAt);
    }

    [Fact]
    public void Evaluate_ManualDueInThePastAfterTheStart_BreachesAtThatDue()
    {
        var timeline = Ticket().OverrideDue(Ny(2025, 3, 3, 14), "resolution", Ny(2025, 3, 3, 11)).Build();

        var state = SlaClock.Evaluate(Resolution(Duration.FromHours(8)), timeline, Ny(2025, 3, 3, 14));

        Assert.Equal((true, Ny(2025, 3, 3, 11)), (state.IsBreached, state.BreachedAt));
    }

    [Fact]
    public void Evaluate_ManualDueCleared_ReturnsToTheComputedDueButKeepsABreach()
    {
        var metric = Resolution(Duration.FromHours(8));
        var cleared = Ticket()
            .OverrideDue(Ny(2025, 3, 3, 11), "resolution", Ny(2025, 3, 3, 12))
            .OverrideDue(Ny(2025, 3, 3, 11, 30), "resolution", null)
            .Build();
        var clearedLate = Ticket()
            .OverrideDue(Ny(2025, 3, 3, 11), "resolution", Ny(2025, 3, 3, 12))
            .OverrideDue(Ny(2025, 3, 3, 13), "resolution", null)
            .Build();

        var before = SlaClock.Evaluate(metric, cleared, Ny(2025, 3, 3, 13));
        var after = SlaClock.Evaluate(metric, clearedLate, Ny(2025, 3, 3, 14));

        Assert.Equal((false, Ny(2025, 3, 3, 18), false), (before.IsDueOverridden, before.DueAt, before.IsBreached));
        Assert.Equal(Ny(2025, 3, 3, 18), before.NextTimerAt);
        Assert.Equal((false, true, Ny(2025, 3, 3, 12)), (after.IsDueOverridden, after.IsBreached, after.BreachedAt));
    }
}
