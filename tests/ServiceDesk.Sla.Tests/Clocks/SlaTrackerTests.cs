using FsCheck.Xunit;
using NodaTime;
using Xunit;

namespace ServiceDesk.Sla.Tests.Clocks;

/// <summary>The incremental tracker against the whole-timeline evaluation it must equal.</summary>
public sealed class SlaTrackerTests
{
    private static readonly BusinessCalendar Calendar = Vectors.Calendars["ny_lunch"];

    private static readonly SlaPolicy Policy = BuildPolicy();

    private static SlaPolicy BuildPolicy()
    {
        var options = new SlaPolicyOptions { Name = "tracked" };
        options.Metrics.Add(SlaMetricOptions.Resolution(Calendar, Duration.FromHours(16)));
        var first = SlaMetricOptions.FirstResponse(Calendar, Duration.FromHours(2));
        first.Thresholds.Add(SlaThreshold.Percent(50));
        options.Metrics.Add(first);
        options.Metrics.Add(SlaMetricOptions.NextResponse(Calendar, Duration.FromHours(3)));
        var retro = SlaMetricOptions.Resolution(Calendar, Duration.FromHours(16));
        retro.Name = "resolution-retro";
        retro.Reopen = SlaReopenBehavior.NewCycle;
        retro.TargetsByPriority[Priority.P1Critical] = Duration.FromHours(4);
        retro.PriorityChange = SlaPriorityChange.Retroactive;
        retro.Thresholds.Add(SlaThreshold.Percent(75));
        retro.Thresholds.Add(SlaThreshold.BeforeDue(Duration.FromHours(1)));
        retro.Thresholds.Add(SlaThreshold.AfterDue(Duration.FromHours(2)));
        options.Metrics.Add(retro);
        var restart = SlaMetricOptions.Resolution(Calendar, Duration.FromHours(8));
        restart.Name = "resolution-restart";
        restart.RetroactiveStart = true;
        restart.Start = SlaCondition.StatusIn("InProgress");
        restart.Reopen = SlaReopenBehavior.Continue;
        restart.TargetsByPriority[Priority.P2High] = Duration.FromHours(6);
        restart.PriorityChange = SlaPriorityChange.Restart;
        options.Metrics.Add(restart);
        return options.Build();
    }

    /// <summary>Random changes fed both to a timeline builder and to a tracker that is saved and restored at random points;
    /// at random instants and at the end, the tracker's clocks equal the whole timeline's.</summary>
    [Property(MaxTest = 400)]
    public bool Evaluate_AfterRandomChangesAndRestores_EqualsWholeTimelineEvaluation(int seed)
    {
        var random = new Random(seed);
        var at = Instant.FromUtc(2024, 1, 1, 0, 0) + Duration.FromMinutes(random.Next(0, 365 * 24 * 60)) + Duration.FromNanoseconds(random.Next(0, 1000));
        var priority = (Priority)random.Next(1, 6);
        var builder = TicketTimeline.Create(at, "New", priority);
        var tracker = SlaTracker.Start(Policy, at, "New", priority);
        var count = random.Next(0, 40);
        for (var i = 0; i < count; i++)
        {
            at += Duration.FromMinutes(random.Next(0, 2000));
            switch (random.Next(11))
            {
                case 0: builder.ChangeStatus(at, "InProgress"); tracker.ChangeStatus(at, "InProgress"); break;
                case 1:
                    var reason = random.Next(2) == 0 ? "AwaitingCustomer" : "AwaitingVendor";
                    builder.ChangeStatus(at, "OnHold", reason);
                    tracker.ChangeStatus(at, "OnHold", reason);
                    break;
                case 2: builder.ChangeStatus(at, "Resolved"); tracker.ChangeStatus(at, "Resolved"); break;
                case 3:
                    var isPublic = random.Next(4) > 0;
                    builder.Comment(at, SlaActor.Customer, isPublic);
                    tracker.Comment(at, SlaActor.Customer, isPublic);
                    break;
                case 4: builder.Comment(at, SlaActor.Agent); tracker.Comment(at, SlaActor.Agent); break;
                case 5:
                    var p = (Priority)random.Next(1, 6);
                    builder.ChangePriority(at, p);
                    tracker.ChangePriority(at, p);
                    break;
                case 6: builder.ChangeStatus(at, "Closed"); tracker.ChangeStatus(at, "Closed"); break;
                case 7:
                    Instant? due = random.Next(3) == 0 ? null : at + Duration.FromMinutes(random.Next(-600, 3000));
                    var metric = Policy.Metrics[random.Next(Policy.Metrics.Count)].Name;
                    builder.OverrideDue(at, metric, due);
                    tracker.OverrideDue(at, metric, due);
                    break;
                case 8: builder.Event(at, "vendor-called"); tracker.Event(at, "vendor-called"); break;
                case 9: tracker = SlaTracker.FromState(Policy, tracker.ToState()); break;
                default:
                    var probe = at + Duration.FromMinutes(random.Next(0, 3000));
                    if (!Same(Policy.Evaluate(builder.Build(), probe), tracker.Clone().Evaluate(probe)))
                    {
                        return false;
                    }

                    break;
            }
        }

        var end = at + Duration.FromMinutes(random.Next(0, 5000));
        return Same(Policy.Evaluate(builder.Build(), end), SlaTracker.FromState(Policy, tracker.ToState()).Evaluate(end))
            && Same(Policy.Evaluate(builder.Build(), end), tracker.Evaluate(end));
    }

    [Fact]
    public void State_ManyComments_DoesNotGrow()
    {
        var at = Instant.FromUtc(2024, 3, 4, 14, 0);
        var tracker = SlaTracker.Start(Policy, at, "New", Priority.P3Moderate).ChangeStatus(at, "InProgress");
        tracker.Comment(at + Duration.FromMinutes(1), SlaActor.Agent, isPublic: false);
        var size = Size(tracker.ToState());
        Assert.True(size > 0);
        for (var i = 0; i < 1_000; i++)
        {
            at += Duration.FromMinutes(7);
            tracker.Comment(at, SlaActor.Agent, isPublic: false);
        }

        Assert.Equal(size, Size(tracker.ToState()));
        static int Size(SlaTrackerState s) => s.Metrics.Sum(m => m.Runs.Count);
    }

    [Fact]
    public void Evaluate_ManualDueBeforeCycleStart_IsBreachedWithFullPercentage()
    {
        var at = Instant.FromUtc(2024, 3, 4, 14, 0);
        var tracker = SlaTracker.Start(Policy, at, "New", Priority.P3Moderate)
            .OverrideDue(at + Duration.FromMinutes(1), Policy.Metrics[0].Name, at - Duration.FromHours(3));
        var clock = tracker.Evaluate(at + Duration.FromHours(1))[0];
        Assert.True(clock.IsBreached);
        Assert.Equal(100m, clock.PercentElapsed);
    }

    [Fact]
    public void Change_BeforeLastChange_Throws()
    {
        var at = Instant.FromUtc(2024, 3, 4, 14, 0);
        var tracker = SlaTracker.Start(Policy, at, "New", Priority.P3Moderate).ChangeStatus(at + Duration.FromHours(1), "InProgress");
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Comment(at, SlaActor.Agent));
        Assert.Contains("time order", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Evaluate(at));
    }

    [Fact]
    public void FromState_OtherPolicy_ThrowsNamingTheMetric()
    {
        var at = Instant.FromUtc(2024, 3, 4, 14, 0);
        var state = SlaTracker.Start(Policy, at, "New", Priority.P3Moderate).ToState();
        var other = new SlaPolicyOptions { Name = "other" };
        other.Metrics.Add(SlaMetricOptions.FirstResponse(Calendar, Duration.FromHours(1)));
        Assert.Throws<ArgumentException>(() => SlaTracker.FromState(other.Build(), state));
        var renamed = state with { Metrics = [state.Metrics[0] with { Metric = "renamed" }, .. state.Metrics.Skip(1)] };
        var ex = Assert.Throws<ArgumentException>(() => SlaTracker.FromState(Policy, renamed));
        Assert.Contains("renamed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_SameDefinition_SameValue_ChangedTarget_Differs()
    {
        Assert.Equal(BuildPolicy().Fingerprint, Policy.Fingerprint);
        var changed = new SlaPolicyOptions { Name = "tracked" };
        changed.Metrics.Add(SlaMetricOptions.Resolution(Calendar, Duration.FromHours(17)));
        Assert.NotEqual(Policy.Fingerprint, changed.Build().Fingerprint);
        Assert.Matches("^[0-9a-f]{16}$", Policy.Fingerprint);
    }

    private static bool Same(IReadOnlyList<SlaClockState> a, IReadOnlyList<SlaClockState> b)
        => a.Count == b.Count && a.Zip(b).All(p => Describe(p.First) == Describe(p.Second));

    private static string Describe(SlaClockState s)
        => $"{s.Metric} {s.Stage} {s.Cycle} {s.IsBreached} {s.StartedAt} {s.StoppedAt} {s.Target} {s.Elapsed} {s.WallElapsed} {s.Paused} {s.Remaining} "
            + $"{s.PercentElapsed} {s.DueAt} {s.IsDueOverridden} {s.BreachedAt} {s.NextTimerAt} "
            + string.Join(";", s.Thresholds.Select(t => $"{t.Threshold} {t.ElapsedAt} {t.IsReached} {t.At}"));
}
