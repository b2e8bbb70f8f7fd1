using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using static ServiceDesk.Routing.Tests.TestData;

namespace ServiceDesk.Routing.Tests.Escalation;

public class EscalationPolicyTests
{
    private static readonly DateTimeZone Paris = DateTimeZoneProviders.Tzdb["Europe/Paris"];
    private static readonly BusinessCalendar Office = new BusinessCalendarBuilder(Paris).AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0)).Build();
    private static readonly GroupId L1 = new("l1");
    private static readonly GroupId L2 = new("l2");
    private static readonly GroupId Major = new("major");
    private static readonly AgentId Bob = new("bob");
    private static readonly AgentId Lead = new("lead");
    private static readonly SupportGroupDirectory Groups = new(
    [
        new SupportGroup(L1, SupportTier.FirstLine) { NextTier = L2, Lead = Lead, Managers = [new AgentId("m1"), new AgentId("m2")] },
        new SupportGroup(L2, SupportTier.SecondLine),
    ]);

    private static Instant Local(int day, int hour, int minute = 0) => new LocalDateTime(2025, 1, day, hour, minute).InZoneStrictly(Paris).ToInstant();

    // Monday 6 January 2025 09:00 Paris, 16 business hours: due Tuesday 17:00.
    private static SlaClockSnapshot Resolution(SlaClockStage stage = SlaClockStage.Running, int cycle = 1)
        => new("resolution", cycle, stage, Local(6, 9), Duration.FromHours(16), Local(7, 17), Office);

    private static EscalationPolicy Policy() => new EscalationPolicyBuilder()
        .WithBusinessHours(Office)
        .WithGroups(Groups)
        .Rule("half", 1, EscalationTrigger.SlaPercent("resolution", 50), NotificationDelivery.Immediately, EscalationAction.Notify(NotifyTarget.Assignee))
        .Rule("warn", 2, EscalationTrigger.SlaOffset("resolution", Duration.FromHours(-1)), NotificationDelivery.BusinessHours,
            EscalationAction.Notify(NotifyTarget.GroupLead))
        .Rule("breach", 3, EscalationTrigger.SlaPercent("resolution", 100), NotificationDelivery.BusinessHours,
            EscalationAction.Notify(NotifyTarget.ManagerChain), EscalationAction.ToNextTier(), EscalationAction.RaisePriority())
        .Rule("late", 4, EscalationTrigger.SlaOffset("resolution", Duration.FromHours(2)), NotificationDelivery.Immediately,
            EscalationAction.DeclareMajorIncident(), EscalationAction.ToGroup(Major), EscalationAction.RaisePriority(Priority.P1Critical),
            EscalationAction.Notify(NotifyTarget.AccountManager))
        .Rule("stale", 1, EscalationTrigger.IdleFor(Duration.FromHours(4)), NotificationDelivery.Immediately, EscalationAction.Notify(NotifyTarget.Assignee))
        .Build();

    private static Ticket Open(Func<Ticket, Ticket>? change = null)
        => Ticket(t => (change ?? (x => x))(t with { Subject = "x", AssignmentGroup = L1, Assignee = Bob, OpenedAt = Local(6, 9), UpdatedAt = Local(6, 9) }));

    [Fact]
    public void Thresholds_AreComputedBackwardsInBusinessTime()
    {
        var clock = Resolution();

        Assert.Equal(Local(6, 17), EscalationTrigger.SlaPercent("resolution", 50).ThresholdOf(clock)); // end of Monday, not Tuesday 09:00
        Assert.Equal(Local(7, 13), EscalationTrigger.SlaPercent("resolution", 75).ThresholdOf(clock));
        Assert.Equal(Local(7, 16), EscalationTrigger.SlaOffset("resolution", Duration.FromHours(-1)).ThresholdOf(clock));
        Assert.Equal(Local(7, 17), EscalationTrigger.SlaPercent("resolution", 100).ThresholdOf(clock));
        Assert.Equal(Local(8, 11), EscalationTrigger.SlaOffset("resolution", Duration.FromHours(2)).ThresholdOf(clock));
        Assert.Equal(Local(8, 17), EscalationTrigger.SlaPercent("resolution", 150).ThresholdOf(clock));
        Assert.Equal(Local(6, 9), EscalationTrigger.SlaOffset("resolution", Duration.FromHours(-40)).ThresholdOf(clock)); // clamped to start
        var noCalendar = new SlaClockSnapshot("resolution", 1, SlaClockStage.Running, T0, Duration.FromHours(4), T0 + Duration.FromHours(4));
        Assert.Equal(T0 + Duration.FromHours(3), EscalationTrigger.SlaPercent("resolution", 75).ThresholdOf(noCalendar));
    }

    [Fact]
    public void NextDue_WalksTheLevelsInOrderAsTheyFire()
    {
        var policy = Policy();
        var ticket = Open();
        var lastPublic = Local(7, 16, 30); // keeps the idle rule out of the way until Wednesday
        var fired = new List<EscalationMark>();
        var seen = new List<(string, Instant)>();

        while (policy.NextDue(ticket, [Resolution()], lastPublic, fired) is { } next)
        {
            seen.Add((next.Rule.Name, next.At));
            fired.Add(next.Mark);
        }

        Assert.Equal(
            [("half", Local(6, 17)), ("warn", Local(7, 16)), ("breach", Local(7, 17)), ("late", Local(8, 11)), ("stale", Local(8, 12, 30))],
            seen);
    }

    [Fact]
    public void Evaluate_LateSweep_FiresEveryDueLevelOnceInThresholdOrder()
    {
        var policy = Policy();
        var ticket = Open();
        var clocks = new[] { Resolution() };
        var now = Local(8, 10); // Wednesday 10:00: stale (Monday 13:00), half, warn and breach are due; late is not

        var first = policy.Evaluate(ticket, clocks, Local(6, 9), [], now);

        Assert.Equal(["stale", "half", "warn", "breach"], first.Firings.Select(f => f.Rule.Name));
        Assert.Equal(Local(8, 11), first.Next!.Value.At);
        Assert.Equal("late", first.Next.Value.Rule.Name);

        var again = policy.Evaluate(ticket, clocks, Local(6, 9), [.. first.Firings.Select(f => f.Mark)], now);
        Assert.Empty(again.Firings);
        Assert.Equal(first.Next, again.Next);
    }

    [Fact]
    public void Evaluate_PausedStoppedOrResolved_DoesNotEscalate()
    {
        var policy = Policy();
        var now = Local(10, 12);

        Assert.DoesNotContain(policy.Evaluate(Open(), [Resolution(SlaClockStage.Paused)], now, [], now).Firings, f => f.Mark.Metric is not null);
        Assert.DoesNotContain(policy.Evaluate(Open(), [Resolution(SlaClockStage.Stopped)], now, [], now).Firings, f => f.Mark.Metric is not null);
        Assert.DoesNotContain(policy.Evaluate(Open(), [Resolution(SlaClockStage.Cancelled)], now, [], now).Firings, f => f.Mark.Metric is not null);
        Assert.Contains(policy.Evaluate(Open(), [Resolution(SlaClockStage.Breached)], now, [], now).Firings, f => f.Rule.Name == "late");

        var resolved = Open(t => t with { Status = TicketStatus.Resolved });
        Assert.Empty(policy.Evaluate(resolved, [Resolution()], Local(6, 9), [], now).Firings);
        Assert.Null(policy.NextDue(resolved, [Resolution()], Local(6, 9), []));

        var onHold = Open(t => t with { Status = TicketStatus.OnHold, HoldReason = "AwaitingCaller" });
        Assert.Null(policy.NextDue(onHold, [Resolution(SlaClockStage.Paused)], Local(6, 9), []));
    }

    [Fact]
    public void Evaluate_NewCycle_FiresAgain()
    {
        var policy = Policy();
        var now = Local(7, 18);
        var cycle1 = policy.Evaluate(Open(), [Resolution()], now, [], now);
        var marks = cycle1.Firings.Select(f => f.Mark).ToList();

        var cycle2 = policy.Evaluate(Open(), [Resolution(cycle: 2)], now, marks, now);

        Assert.Equal(["half", "warn", "breach"], cycle1.Firings.Select(f => f.Rule.Name));
        Assert.Equal(["half", "warn", "breach"], cycle2.Firings.Select(f => f.Rule.Name));
        Assert.All(cycle2.Firings, f => Assert.Equal(2, f.Mark.Cycle));
    }

    [Fact]
    public void Idle_CountsBusinessTimeSinceLastPublicUpdateAndRestartsWithANewUpdate()
    {
        var policy = new EscalationPolicyBuilder()
            .WithBusinessHours(Office)
            .Rule("stale", 1, EscalationTrigger.IdleFor(Duration.FromHours(4)), NotificationDelivery.Immediately, EscalationAction.Notify(NotifyTarget.Assignee))
            .Build();
        var ticket = Open();

        var next = policy.NextDue(ticket, [], Local(10, 15), [])!.Value; // Friday 15:00 + 4 business hours = Monday 11:00
        Assert.Equal(Local(13, 11), next.At);

        Assert.Null(policy.NextDue(ticket, [], Local(10, 15), [next.Mark]));
        Assert.Equal(Local(13, 15), policy.NextDue(ticket, [], Local(13, 11), [next.Mark])!.Value.At);
    }

    [Fact]
    public void Outputs_ResolveTargetsAndDeferNotificationsToBusinessHours()
    {
        var policy = Policy();
        var ticket = Open(t => t with { Priority = Priority.P3Moderate });
        var now = Local(7, 20); // Tuesday 20:00, office closed

        var breach = policy.Evaluate(ticket, [Resolution()], now, [], now).Firings.Single(f => f.Rule.Name == "breach");

        Assert.Equal(
            [
                (EscalationKind.Notify, "m1", Local(8, 9)),
                (EscalationKind.Notify, "m2", Local(8, 9)),
                (EscalationKind.Functional, "l2", now),
                (EscalationKind.Hierarchical, "P2High", now),
            ],
            breach.Outputs.Select(o => (o.Kind, o.Target, o.DeliverAt)));
        Assert.Equal(L2, breach.Outputs[2].Group);
        Assert.Equal(Priority.P2High, breach.Outputs[3].Priority);

        var events = breach.ToEvents(ticket, Actor.System, now);
        Assert.Equal([ticket.Version + 1, ticket.Version + 2, ticket.Version + 3, ticket.Version + 4], events.Select(e => e.Version));
        Assert.All(events, e => Assert.Equal(3, e.Level));

        var late = policy.Evaluate(ticket, [Resolution()], Local(8, 12), [], Local(8, 12)).Firings.Single(f => f.Rule.Name == "late");
        Assert.Equal(["major-incident", "major", "P1Critical", "account-manager"], late.Outputs.Select(o => o.Target));
    }

    [Fact]
    public void Outputs_NothingToDo_ProduceNoOutput()
    {
        var policy = Policy();
        var ticket = Open(t => t with { Priority = Priority.P1Critical, IsMajorIncident = true, AssignmentGroup = L2, Assignee = null });
        var now = Local(9, 12);

        var firings = policy.Evaluate(ticket, [Resolution()], now, [], now).Firings;

        Assert.Empty(firings.Single(f => f.Rule.Name == "half").Outputs); // no assignee
        Assert.Empty(firings.Single(f => f.Rule.Name == "warn").Outputs); // L2 has no lead
        Assert.Empty(firings.Single(f => f.Rule.Name == "breach").Outputs); // no managers, no next tier, already P1
        Assert.Equal(["major", "account-manager"], firings.Single(f => f.Rule.Name == "late").Outputs.Select(o => o.Target));
    }

    [Fact]
    public void Build_EveryFault_IsListed()
    {
        var notify = EscalationAction.Notify(NotifyTarget.Assignee);
        var builder = new EscalationPolicyBuilder()
            .Rule(" ", 1, EscalationTrigger.SlaPercent("r", 50), NotificationDelivery.Immediately, notify)
            .Rule("a", 0, EscalationTrigger.SlaPercent("r", 60), NotificationDelivery.Immediately, notify)
            .Rule("a", 2, EscalationTrigger.SlaPercent("r", 70), (NotificationDelivery)5, notify)
            .Rule("b", 2, EscalationTrigger.SlaPercent("r", 80), NotificationDelivery.BusinessHours, notify)
            .Rule("c", 3, EscalationTrigger.SlaPercent("r", 90), NotificationDelivery.Immediately)
            .Rule("d", 4, EscalationTrigger.SlaPercent("r", 95), NotificationDelivery.Immediately,
                EscalationAction.RaisePriority(), EscalationAction.RaisePriority(Priority.P1Critical), notify, EscalationAction.Notify(NotifyTarget.Assignee))
            .Rule("e", 2, EscalationTrigger.IdleFor(Duration.FromHours(1)), NotificationDelivery.Immediately, notify);

        var ex = Assert.Throws<InvalidDefinitionException>(builder.Build);

        Assert.Equal(
            [
                "rules[0].name: a rule name must be 1 to 100 characters and not blank; got ' '.",
                "rules[1].level: 0 is out of range; a level is 1 to 99.",
                "rules[2].name: 'a' is already the name of rules[1].",
                "rules[2].delivery: 5 is not defined; use Immediately or BusinessHours.",
                "rules[3].level: level 2 is already used for metric 'r' by rules[2]; each level fires once per cycle, so it must be unique.",
                "rules[3].delivery: business-hours delivery needs the policy's business calendar; call WithBusinessHours.",
                "rules[4].actions: the rule has no action.",
                "rules[5].actions: more than one priority action; keep one.",
                "rules[5].actions[3]: 'notify Assignee' is listed twice.",
            ],
            ex.Errors);
    }

    [Fact]
    public void Factories_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EscalationTrigger.SlaPercent("r", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => EscalationTrigger.SlaPercent("r", 1001));
        Assert.Throws<ArgumentException>(() => EscalationTrigger.SlaPercent(" ", 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => EscalationTrigger.SlaOffset("r", Duration.FromDays(366)));
        Assert.Throws<ArgumentOutOfRangeException>(() => EscalationTrigger.IdleFor(Duration.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => EscalationAction.Notify((NotifyTarget)9));
        Assert.Throws<ArgumentException>(() => EscalationAction.ToGroup(default));
        Assert.Throws<ArgumentOutOfRangeException>(() => EscalationAction.RaisePriority((Priority)0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlaClockSnapshot("r", 0, SlaClockStage.Running, T0, Duration.FromHours(1), T0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlaClockSnapshot("r", 1, SlaClockStage.Running, T0, Duration.Zero, T0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlaClockSnapshot("r", 1, SlaClockStage.Running, T0, Duration.FromHours(1), T0 - Duration.FromHours(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlaClockSnapshot("r", 1, (SlaClockStage)0, T0, Duration.FromHours(1), T0));
    }
}
