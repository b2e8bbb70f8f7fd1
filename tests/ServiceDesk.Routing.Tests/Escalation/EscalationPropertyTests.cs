using NodaTime;
using ServiceDesk.Sla;
using static ServiceDesk.Routing.Tests.TestData;

namespace ServiceDesk.Routing.Tests.Escalation;

public class EscalationPropertyTests
{
    private static readonly BusinessCalendar Office = new BusinessCalendarBuilder("Europe/Berlin")
        .AddWeekdayHours(new LocalTime(8, 0), new LocalTime(12, 0))
        .AddWeekdayHours(new LocalTime(13, 0), new LocalTime(17, 30))
        .Build();

    /// <summary>However the sweeps are scheduled (late, early, repeated), every level fires exactly once per cycle for
    /// every threshold reached, never before its threshold, and the scheduler then points after the horizon.</summary>
    [FsCheck.Xunit.Property(MaxTest = 150)]
    public bool Evaluate_AnySweepSchedule_EachReachedLevelFiresExactlyOncePerCycle(int seed, bool businessHours)
    {
        var random = new Random(seed);
        var calendar = businessHours ? Office : null;
        var builder = new EscalationPolicyBuilder();
        var ruleCount = random.Next(1, 6);
        for (var level = 1; level <= ruleCount; level++)
        {
            var trigger = random.Next(2) == 0
                ? EscalationTrigger.SlaPercent("resolution", random.Next(1, 300))
                : EscalationTrigger.SlaOffset("resolution", Duration.FromMinutes(random.Next(-3000, 3000)));
            builder.Rule($"r{level}", level, trigger, NotificationDelivery.Immediately, EscalationAction.Notify(NotifyTarget.AccountManager));
        }

        var policy = builder.Build();
        var start = T0 + Duration.FromMinutes(random.Next(0, 7 * 24 * 60));
        var target = Duration.FromMinutes(random.Next(30, 40 * 60));
        var due = calendar?.AddBusinessTime(start, target) ?? start + target;
        var clock = new SlaClockSnapshot("resolution", random.Next(1, 4), SlaClockStage.Running, start, target, due, calendar);
        var ticket = Ticket(t => t with { Subject = "x", OpenedAt = start, UpdatedAt = start });
        var horizon = start + Duration.FromDays(12);

        var marks = new List<EscalationMark>();
        var now = start - Duration.FromHours(1);
        while (now < horizon)
        {
            now += Duration.FromMinutes(random.Next(1, 2 * 24 * 60));
            var sweep = now < horizon ? now : horizon;
            var evaluation = policy.Evaluate(ticket, [clock], null, marks, sweep);
            foreach (var firing in evaluation.Firings)
            {
                if (firing.ReachedAt > sweep || marks.Contains(firing.Mark) || firing.Mark.Cycle != clock.Cycle)
                {
                    return false;
                }

                marks.Add(firing.Mark);
            }

            if (evaluation.Next is { } next && (next.At <= sweep || marks.Contains(next.Mark)))
            {
                return false;
            }

            if (random.Next(4) == 0 && policy.Evaluate(ticket, [clock], null, marks, sweep).Firings.Count != 0)
            {
                return false; // processing the same timer twice fires nothing
            }
        }

        var reached = policy.Rules.Where(r => r.Trigger.ThresholdOf(clock) <= horizon).Select(r => r.Level).OrderBy(l => l);
        var after = policy.NextDue(ticket, [clock], null, marks);
        return reached.SequenceEqual(marks.Select(m => m.Level).OrderBy(l => l)) && (after is null || after.Value.At > horizon);
    }
}
