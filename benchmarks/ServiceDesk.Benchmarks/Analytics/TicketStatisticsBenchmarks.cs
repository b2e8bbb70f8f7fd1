using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Analytics;
using ServiceDesk.Events;
using ServiceDesk.Sla;

namespace ServiceDesk.Benchmarks.Analytics;

/// <summary>
/// Ticket statistics over 25,000 synthetic histories (about 150,000 events, the size of the UCI incident log): the
/// one-pass accumulator against naive LINQ that computes the same figures (resolution-time percentiles, reopens,
/// first-contact resolution, arrivals by hour of week, daily backlog) query by query.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class TicketStatisticsBenchmarks
{
    private static readonly TenantId Tenant = new("bench");
    private static readonly HashSet<TicketStatus> Done = [TicketStatus.Resolved, TicketStatus.Closed, TicketStatus.Canceled];
    private static readonly BusinessCalendar Calendar = new BusinessCalendarBuilder("Europe/Berlin")
        .AddWeekdayHours(new LocalTime(8, 0), new LocalTime(18, 0)).Build();

    private IReadOnlyList<TicketEvent>[] _histories = [];

    /// <summary>Gets or sets the number of tickets.</summary>
    [Params(25_000)]
    public int Tickets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(17);
        var start = Instant.FromUtc(2026, 1, 1, 0, 0);
        _histories = new IReadOnlyList<TicketEvent>[Tickets];
        for (var i = 0; i < Tickets; i++)
        {
            var id = new TicketId(new Guid(i + 1, 0, 0, new byte[8]));
            var at = start + Duration.FromMinutes(random.Next(365 * 24 * 60));
            var events = new List<TicketEvent>
            {
                new TicketOpened(Tenant, id, 1, at, Actor.System, new TicketNumber(TicketKind.Incident, i + 1), TicketKind.Incident, "Bench", Priority.P3Moderate, Channel.Email),
            };
            var status = TicketStatus.New;
            void Add(Func<long, Instant, TicketEvent> make)
            {
                at += Duration.FromMinutes(random.Next(1, 3000));
                events.Add(make(events.Count + 1, at));
            }

            void Move(TicketStatus to)
            {
                var from = status;
                Add((v, t) => new StatusChanged(Tenant, id, v, t, Actor.System, from, to));
                status = to;
            }

            Add((v, t) => new Assigned(Tenant, id, v, t, Actor.System, new GroupId("g" + random.Next(8)), null));
            if (random.Next(4) == 0)
            {
                Add((v, t) => new Assigned(Tenant, id, v, t, Actor.System, new GroupId("g" + random.Next(8)), null));
            }

            Move(TicketStatus.InProgress);
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

    /// <summary>Naive: one LINQ query per figure, sorting for each percentile, and a scan of all tickets per backlog day.</summary>
    [Benchmark(Baseline = true)]
    public int NaiveLinq()
    {
        var zone = Calendar.Zone;
        var resolved = _histories
            .Where(h => h.OfType<StatusChanged>().LastOrDefault()?.To is { } s && (s == TicketStatus.Resolved || s == TicketStatus.Closed))
            .Select(h => (Opened: h[0].At, Resolved: h.OfType<StatusChanged>().Last(s => s.To == TicketStatus.Resolved || (s.To == TicketStatus.Closed && s.From != TicketStatus.Resolved)).At))
            .ToList();
        var wall = resolved.Select(r => r.Resolved - r.Opened).ToList();
        var business = resolved.Select(r => Calendar.BusinessTimeBetween(r.Opened, r.Resolved)).ToList();
        Duration P(List<Duration> d, int p) => d.OrderBy(x => x).ElementAt((int)Math.Ceiling(p / 100.0 * d.Count) - 1);
        var figures = new[] { P(wall, 50), P(wall, 90), P(wall, 99), P(business, 50), P(business, 90), P(business, 99) };
        var reopens = _histories.Sum(h => h.OfType<StatusChanged>().Count(s => s.From == TicketStatus.Resolved && !Done.Contains(s.To)));
        var fcr = _histories.Count(h => h.OfType<StatusChanged>().LastOrDefault()?.To == TicketStatus.Closed
            && h.OfType<Assigned>().Select(a => a.Group).Distinct().Count() <= 1
            && !h.OfType<StatusChanged>().Any(s => s.From == TicketStatus.Resolved && !Done.Contains(s.To)));
        var arrivals = _histories.GroupBy(h => { var l = h[0].At.InZone(zone).LocalDateTime; return (((int)l.DayOfWeek - 1) * 24) + l.Hour; }).Count();
        var first = _histories.Min(h => h[0].At).InZone(zone).Date;
        var last = _histories.Max(h => h[^1].At).InZone(zone).Date;
        var backlog = 0;
        for (var day = first; day <= last; day = day.PlusDays(1))
        {
            var end = day.PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
            backlog += _histories.Count(h => h[0].At < end && !Done.Contains(h.OfType<StatusChanged>().LastOrDefault(s => s.At < end)?.To ?? TicketStatus.New));
        }

        return figures.Length + reopens + fcr + arrivals + backlog;
    }

    /// <summary>The library: one pass with <see cref="TicketStatistics.Compute"/>.</summary>
    [Benchmark]
    public int OnePass()
    {
        var r = TicketStatistics.Compute(_histories, new TicketStatisticsOptions { Calendar = Calendar, Zone = Calendar.Zone });
        return r.Resolved + r.Reopens + r.FirstContactResolutions + r.Backlog.Count;
    }
}
