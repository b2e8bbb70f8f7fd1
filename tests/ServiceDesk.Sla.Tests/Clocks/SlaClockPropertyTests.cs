using FsCheck.Xunit;
using NodaTime;

namespace ServiceDesk.Sla.Tests.Clocks;

/// <summary>Invariants of SLA clocks over random timelines (the seed drives a random history).</summary>
public sealed class SlaClockPropertyTests
{
    private static readonly BusinessCalendar Calendar = Vectors.Calendars["ny_lunch"];

    private static readonly SlaMetric[] Metrics =
    [
        SlaMetricOptions.Resolution(Calendar, Duration.FromHours(16)).Build(),
        SlaMetricOptions.FirstResponse(Calendar, Duration.FromHours(2)).Build(),
        SlaMetricOptions.NextResponse(Calendar, Duration.FromHours(3)).Build(),
        Build(SlaMetricOptions.Resolution(Calendar, Duration.FromHours(16)), o =>
        {
            o.Reopen = SlaReopenBehavior.NewCycle;
            o.TargetsByPriority[Priority.P1Critical] = Duration.FromHours(4);
            o.PriorityChange = SlaPriorityChange.Retroactive;
            o.Thresholds.Add(SlaThreshold.Percent(75));
            o.Thresholds.Add(SlaThreshold.AfterDue(Duration.FromHours(2)));
        }),
    ];

    private static SlaMetric Build(SlaMetricOptions options, Action<SlaMetricOptions> configure)
    {
        configure(options);
        return options.Build();
    }

    internal static TicketTimeline RandomTimeline(int seed, out Instant end)
    {
        var random = new Random(seed);
        var at = Instant.FromUtc(2024, 1, 1, 0, 0) + Duration.FromMinutes(random.Next(0, 365 * 24 * 60));
        var builder = TicketTimeline.Create(at, "New", (Priority)random.Next(1, 6));
        var count = random.Next(0, 16);
        for (var i = 0; i < count; i++)
        {
            at += Duration.FromMinutes(random.Next(0, 3000));
            switch (random.Next(8))
            {
                case 0: builder.ChangeStatus(at, "InProgress"); break;
                case 1: builder.ChangeStatus(at, "OnHold", random.Next(2) == 0 ? "AwaitingCustomer" : "AwaitingVendor"); break;
                case 2: builder.ChangeStatus(at, "Resolved"); break;
                case 3: builder.Comment(at, SlaActor.Customer, random.Next(4) > 0); break;
                case 4: builder.Comment(at, SlaActor.Agent, random.Next(4) > 0); break;
                case 5: builder.ChangePriority(at, (Priority)random.Next(1, 6)); break;
                case 6: builder.ChangeStatus(at, "Closed"); break;
                default: builder.ChangeStatus(at, "Canceled"); break;
            }
        }

        end = at + Duration.FromMinutes(random.Next(0, 5000));
        return builder.Build();
    }

    [Property(MaxTest = 300)]
    public bool Evaluate_AnyTimeline_ElapsedPlusPausedNeverExceedsWall(int seed)
    {
        var timeline = RandomTimeline(seed, out var now);
        return Metrics.All(m =>
        {
            var s = SlaClock.Evaluate(m, timeline, now);
            return s.Elapsed >= Duration.Zero && s.Paused >= Duration.Zero && s.Elapsed + s.Paused <= s.WallElapsed;
        });
    }

    [Property(MaxTest = 300)]
    public bool Evaluate_LaterNow_NeverReducesElapsedWithinACycle(int seed, ushort laterMinutes)
    {
        var timeline = RandomTimeline(seed, out var now);
        var later = now + Duration.FromMinutes(laterMinutes);
        return Metrics.All(m =>
        {
            var a = SlaClock.Evaluate(m, timeline, now);
            var b = SlaClock.Evaluate(m, timeline, later);
            return a.Cycle != b.Cycle || (a.Elapsed <= b.Elapsed && a.Paused <= b.Paused && (!a.IsBreached || b.IsBreached));
        });
    }

    [Property(MaxTest = 300)]
    public bool Evaluate_AnyTimeline_DerivedFiguresAreExactAndConsistent(int seed)
    {
        var timeline = RandomTimeline(seed, out var now);
        return Metrics.All(m =>
        {
            var s = SlaClock.Evaluate(m, timeline, now);
            var exact = s.PercentElapsed == s.Elapsed.BclCompatibleTicks * 100m / s.Target.BclCompatibleTicks && s.Remaining == s.Target - s.Elapsed;
            var stage = s.Stage switch
            {
                SlaStage.Met => !s.IsBreached && s.Elapsed <= s.Target,
                SlaStage.Breached => s.IsBreached && s.BreachedAt <= s.StoppedAt,
                SlaStage.Running => s.IsBreached || s.Elapsed < s.Target,
                SlaStage.NotStarted => s.Cycle == 0 && s.Elapsed == Duration.Zero,
                _ => true,
            };
            var timer = s.NextTimerAt is null || (s.NextTimerAt > now && s.Stage == SlaStage.Running);
            return exact && stage && timer && Calendar.BusinessTimeBetween(s.StartedAt ?? now, s.StoppedAt ?? now) >= s.Elapsed;
        });
    }

    [Property(MaxTest = 200)]
    public bool Evaluate_ExtraHoldInserted_NeverMakesDueEarlier(int seed, ushort holdStartMinutes, ushort holdMinutes)
    {
        var random = new Random(seed);
        var created = Instant.FromUtc(2024, 1, 1, 0, 0) + Duration.FromMinutes(random.Next(0, 365 * 24 * 60));
        var holdStart = created + Duration.FromMinutes(holdStartMinutes % 3000);
        var holdEnd = holdStart + Duration.FromMinutes(1 + (holdMinutes % 3000));
        var now = holdEnd + Duration.FromMinutes(random.Next(0, 600));
        var metric = Metrics[0];
        var plain = SlaClock.Evaluate(metric, TicketTimeline.Create(created, "New", Priority.P3Moderate).ChangeStatus(holdStart, "InProgress").Build(), now);
        var held = SlaClock.Evaluate(metric, TicketTimeline.Create(created, "New", Priority.P3Moderate).ChangeStatus(holdStart, "OnHold", "AwaitingCustomer").ChangeStatus(holdEnd, "InProgress").Build(), now);
        return held.Elapsed <= plain.Elapsed && held.Elapsed + held.Paused == plain.Elapsed && (plain.DueAt is null || held.DueAt >= plain.DueAt);
    }
}
