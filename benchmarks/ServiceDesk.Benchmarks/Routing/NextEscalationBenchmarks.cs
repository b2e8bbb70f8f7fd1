using System.Globalization;
using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Routing;
using ServiceDesk.Sla;
using ServiceDesk.Testing;

namespace ServiceDesk.Benchmarks.Routing;

/// <summary>
/// The next escalation instant of one ticket (two SLA clocks on a business calendar with a lunch break, six SLA rules and
/// one idle rule, one level already fired). The baseline does what a straightforward implementation does: materialise
/// every (rule, clock) threshold by counting business time forward from the start, check fired levels by string keys,
/// sort, take the first.
/// </summary>
[MemoryDiagnoser]
public class NextEscalationBenchmarks
{
    private const int Batch = 256;
    private EscalationPolicy _policy = null!;
    private BusinessCalendar _calendar = null!;
    private Ticket[] _tickets = null!;
    private SlaClockSnapshot[][] _clocks = null!;
    private EscalationMark[][] _fired = null!;
    private Instant[] _lastPublic = null!;

    [GlobalSetup]
    public void Setup()
    {
        _calendar = new BusinessCalendarBuilder("Europe/Berlin")
            .AddWeekdayHours(new LocalTime(8, 0), new LocalTime(12, 0))
            .AddWeekdayHours(new LocalTime(13, 0), new LocalTime(17, 0))
            .Build();
        _policy = new EscalationPolicyBuilder()
            .WithBusinessHours(_calendar)
            .Rule("response-75", 1, EscalationTrigger.SlaPercent("response", 75), NotificationDelivery.BusinessHours, EscalationAction.Notify(NotifyTarget.Assignee))
            .Rule("response-breach", 2, EscalationTrigger.SlaPercent("response", 100), NotificationDelivery.Immediately, EscalationAction.ToNextTier())
            .Rule("resolution-50", 1, EscalationTrigger.SlaPercent("resolution", 50), NotificationDelivery.BusinessHours, EscalationAction.Notify(NotifyTarget.Assignee))
            .Rule("resolution-1h", 2, EscalationTrigger.SlaOffset("resolution", Duration.FromHours(-1)), NotificationDelivery.BusinessHours, EscalationAction.Notify(NotifyTarget.GroupLead))
            .Rule("resolution-breach", 3, EscalationTrigger.SlaPercent("resolution", 100), NotificationDelivery.Immediately, EscalationAction.RaisePriority())
            .Rule("resolution-late", 4, EscalationTrigger.SlaOffset("resolution", Duration.FromHours(4)), NotificationDelivery.Immediately, EscalationAction.DeclareMajorIncident())
            .Rule("idle", 1, EscalationTrigger.IdleFor(Duration.FromHours(6)), NotificationDelivery.BusinessHours, EscalationAction.Notify(NotifyTarget.Assignee))
            .Build();

        var random = new Random(5);
        var factory = new TicketFactory(new TenantId("bench"));
        var start = Instant.FromUtc(2025, 3, 3, 7, 0);
        _tickets = new Ticket[Batch];
        _clocks = new SlaClockSnapshot[Batch][];
        _fired = new EscalationMark[Batch][];
        _lastPublic = new Instant[Batch];
        for (var i = 0; i < Batch; i++)
        {
            var opened = start + Duration.FromMinutes(random.Next(0, 5 * 24 * 60));
            _tickets[i] = factory.CreateTicket(factory.NextNumber(), t => t with { OpenedAt = opened, UpdatedAt = opened });
            var response = Duration.FromHours(random.Next(1, 5));
            var resolution = Duration.FromHours(random.Next(8, 40));
            _clocks[i] =
            [
                new SlaClockSnapshot("response", 1, SlaClockStage.Running, opened, response, _calendar.AddBusinessTime(opened, response), _calendar),
                new SlaClockSnapshot("resolution", 1, SlaClockStage.Running, opened, resolution, _calendar.AddBusinessTime(opened, resolution), _calendar),
            ];
            _fired[i] = [new EscalationMark(1, "response", 1, null)];
            _lastPublic[i] = opened + Duration.FromMinutes(random.Next(0, 600));
            if (_policy.NextDue(_tickets[i], _clocks[i], _lastPublic[i], _fired[i])?.At != Naive(i))
            {
                throw new InvalidOperationException($"Scheduler and naive baseline disagree on ticket {i}.");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public long NaiveMaterialiseAndSort()
    {
        long sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            sum += Naive(i)?.ToUnixTimeTicks() ?? 0;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Scheduler()
    {
        long sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            sum += _policy.NextDue(_tickets[i], _clocks[i], _lastPublic[i], _fired[i])?.At.ToUnixTimeTicks() ?? 0;
        }

        return sum;
    }

    private Instant? Naive(int i)
    {
        var fired = _fired[i].Select(m => m.Metric is null ? $"{m.Level}:idle:{m.IdleSince}" : $"{m.Level}:{m.Metric}:{m.Cycle}").ToList();
        var lastPublic = _lastPublic[i];
        var candidates = _policy.Rules
            .SelectMany(rule => rule.Trigger.IsIdle
                ? [(Key: $"{rule.Level}:idle:{lastPublic}", At: _calendar.AddBusinessTime(lastPublic, rule.Trigger.Idle!.Value))]
                : _clocks[i].Where(c => c.IsCounting && c.Metric == rule.Trigger.Metric).Select(c =>
                {
                    // Forward from the start: the elapsed business time at which the threshold is reached.
                    var total = _calendar.BusinessTimeBetween(c.Start, c.Due);
                    var before = rule.Trigger.Percent is { } p
                        ? Duration.FromTicks(c.Target.BclCompatibleTicks * (100 - p) / 100)
                        : -rule.Trigger.OffsetFromDue!.Value;
                    var at = before <= Duration.Zero ? _calendar.AddBusinessTime(c.Due, -before)
                        : before >= total ? c.Start : _calendar.AddBusinessTime(c.Start, total - before);
                    return (Key: string.Create(CultureInfo.InvariantCulture, $"{rule.Level}:{c.Metric}:{c.Cycle}"), At: at);
                }))
            .Where(x => !fired.Contains(x.Key))
            .OrderBy(x => x.At)
            .ToList();
        return candidates.Count == 0 ? null : candidates[0].At;
    }
}
