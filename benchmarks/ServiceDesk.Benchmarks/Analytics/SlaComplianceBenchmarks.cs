using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Analytics;
using ServiceDesk.Events;
using ServiceDesk.Sla;

namespace ServiceDesk.Benchmarks.Analytics;

/// <summary>
/// SLA compliance over 25,000 synthetic histories (assignments, agent replies, holds, priority changes, resolutions,
/// reopens, closures): the library's accumulator, which replays each history through an <see cref="SlaTracker"/> and
/// counts outcomes into per-dimension counters, against a naive baseline that builds a <see cref="TicketTimeline"/> per
/// ticket, evaluates it with <see cref="SlaPolicySet.Evaluate"/>, materializes one row per clock and groups the rows with
/// LINQ once per breakdown.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class SlaComplianceBenchmarks
{
    private static readonly TenantId Tenant = new("bench");
    private static readonly Instant AsOf = Instant.FromUtc(2027, 1, 15, 0, 0);
    private static readonly BusinessCalendar Calendar = new BusinessCalendarBuilder("Europe/Berlin")
        .AddWeekdayHours(new LocalTime(8, 0), new LocalTime(18, 0)).Build();

    private IReadOnlyList<TicketEvent>[] _histories = [];
    private SlaPolicySet _policies = null!;

    /// <summary>Gets or sets the number of tickets.</summary>
    [Params(25_000)]
    public int Tickets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var p1 = new SlaPolicyOptions { Name = "p1" };
        p1.Priorities.Add(Priority.P1Critical);
        p1.Metrics.Add(SlaMetricOptions.FirstResponse(Calendar, Duration.FromMinutes(30)));
        p1.Metrics.Add(SlaMetricOptions.Resolution(Calendar, Duration.FromHours(4)));
        var standard = new SlaPolicyOptions { Name = "default" };
        standard.Metrics.Add(SlaMetricOptions.FirstResponse(Calendar, Duration.FromHours(4)));
        var resolution = SlaMetricOptions.Resolution(Calendar, Duration.FromHours(24));
        resolution.Thresholds.Add(SlaThreshold.Percent(75));
        standard.Metrics.Add(resolution);
        _policies = new SlaPolicySet([p1.Build(), standard.Build()]);

        var random = new Random(17);
        var start = Instant.FromUtc(2026, 1, 1, 0, 0);
        var agent = Actor.OfAgent(new AgentId("agent"));
        _histories = new IReadOnlyList<TicketEvent>[Tickets];
        for (var i = 0; i < Tickets; i++)
        {
            var id = new TicketId(new Guid(i + 1, 0, 0, new byte[8]));
            var at = start + Duration.FromMinutes(random.Next(365 * 24 * 60));
            var priority = random.Next(10) == 0 ? Priority.P1Critical : Priority.P3Moderate;
            var events = new List<TicketEvent>
            {
                new TicketOpened(Tenant, id, 1, at, Actor.System, new TicketNumber(TicketKind.Incident, i + 1), TicketKind.Incident, "Bench", priority, Channel.Email),
            };
            var status = TicketStatus.New;
            void Add(Func<long, Instant, TicketEvent> make)
            {
                at += Duration.FromMinutes(random.Next(1, 600));
                events.Add(make(events.Count + 1, at));
            }

            void Move(TicketStatus to, string? reason = null)
            {
                var from = status;
                Add((v, t) => new StatusChanged(Tenant, id, v, t, Actor.System, from, to, reason));
                status = to;
            }

            Add((v, t) => new Assigned(Tenant, id, v, t, Actor.System, new GroupId("g" + random.Next(8)), null));
            Add((v, t) => new CommentAdded(Tenant, id, v, t, agent, CommentVisibility.Public, "On it"));
            Move(TicketStatus.InProgress);
            if (random.Next(5) == 0)
            {
                Move(TicketStatus.OnHold, "AwaitingCustomer");
                Move(TicketStatus.InProgress);
            }

            if (random.Next(10) == 0)
            {
                Add((v, t) => new PriorityChanged(Tenant, id, v, t, Actor.System, priority, Priority.P2High, new Impact(2), new Urgency(2)));
            }

            if (random.Next(20) != 0)
            {
                Move(TicketStatus.Resolved);
                if (random.Next(10) == 0)
                {
                    Move(TicketStatus.InProgress);
                    Move(TicketStatus.Resolved);
                }

                Move(TicketStatus.Closed);
            }

            _histories[i] = events;
        }
    }

    /// <summary>Naive: a timeline per ticket, <see cref="SlaPolicySet.Evaluate"/>, one row per clock, a LINQ GroupBy per breakdown.</summary>
    [Benchmark(Baseline = true)]
    public int NaiveLinq() => NaiveSlaCompliance.Count(_histories, _policies, AsOf, Calendar.Zone, byPolicy: true);

    /// <summary>The library: <see cref="SlaCompliance.Compute"/>, one pass with a tracker per ticket.</summary>
    [Benchmark]
    public int OnePass()
    {
        var r = SlaCompliance.Compute(_histories, new SlaComplianceOptions { Policies = _policies, AsOf = AsOf, Zone = Calendar.Zone });
        return r.Metrics.Sum(m => m.Total.Met + m.Total.Breached + m.ByPriority.Count + m.ByGroup.Count + m.ByMonth.Count);
    }
}
