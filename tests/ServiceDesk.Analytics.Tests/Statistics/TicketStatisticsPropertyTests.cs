using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using ServiceDesk.Events;
using static ServiceDesk.Analytics.Tests.TestData;

namespace ServiceDesk.Analytics.Tests.Statistics;

/// <summary>Random ticket histories: each opened within a month, then up to 12 steps (assign to one of three groups,
/// resolve, close, cancel, reopen, comment) a few hours apart.</summary>
public sealed record HistorySet(IReadOnlyList<IReadOnlyList<TicketEvent>> Histories)
{
    public override string ToString() => string.Join("\n", Histories.Select(h => string.Join(" ", h.Select(e => e switch
    {
        StatusChanged s => $"{s.At:dd HH:mm}->{s.To}",
        Assigned a => $"{a.At:dd HH:mm}@{a.Group}",
        _ => $"{e.At:dd HH:mm}:{e.GetType().Name}",
    }))));
}

public static class HistoryArbitraries
{
    private static readonly Instant Base = Utc(2026, 3, 1, 0);

    private static Gen<IReadOnlyList<TicketEvent>> One(int index)
        => Gen.Choose(0, 30 * 24 * 60).Zip(Gen.Choose(0, 5).Zip(Gen.Choose(0, 10 * 60)).ListOf(12)).Zip(Gen.Choose(0, 12))
            .Select(t =>
            {
                var at = Base + Duration.FromMinutes(t.Item1.Item1);
                var h = new History("t" + index, at);
                foreach (var (action, gap) in t.Item1.Item2.Take(t.Item2))
                {
                    at += Duration.FromMinutes(gap);
                    _ = action switch
                    {
                        0 => h.Assign(at, "g" + (gap % 3)),
                        1 => h.Resolve(at),
                        2 => h.Close(at),
                        3 => h.Status(at, TicketStatus.Canceled),
                        4 => h.Reopen(at),
                        _ => h.Comment(at),
                    };
                }

                return h.Events;
            });

    public static Arbitrary<HistorySet> Histories()
        => Gen.Choose(0, 25).SelectMany(n => Gen.CollectToSequence(Enumerable.Range(0, n).Select(One)))
            .Select(l => new HistorySet([.. l])).ToArbitrary();
}

[Properties(Arbitrary = [typeof(HistoryArbitraries)], MaxTest = 200)]
public sealed class TicketStatisticsPropertyTests
{
    private static readonly HashSet<TicketStatus> Done = [TicketStatus.Resolved, TicketStatus.Closed, TicketStatus.Canceled];

    private static TicketStatus StatusAt(IReadOnlyList<TicketEvent> h, Instant end)
        => h.OfType<StatusChanged>().LastOrDefault(s => s.At < end)?.To ?? TicketStatus.New;

    [Property]
    public bool Backlog_EveryDay_EqualsTicketsOpenAtItsEnd_RecomputedNaively(HistorySet set)
    {
        var report = TicketStatistics.Compute(set.Histories);
        return report.Backlog.All(day =>
        {
            var end = day.Date.PlusDays(1).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
            var open = set.Histories.Count(h => h[0].At < end && !Done.Contains(StatusAt(h, end)));
            return day.Open == open;
        });
    }

    [Property]
    public bool Counts_MatchNaiveLinq(HistorySet set)
    {
        var r = TicketStatistics.Compute(set.Histories, new TicketStatisticsOptions { Calendar = OfficeUtc });
        var final = set.Histories.Select(h => h.OfType<StatusChanged>().LastOrDefault()?.To ?? TicketStatus.New).ToList();
        var resolved = final.Count(s => s == TicketStatus.Resolved || s == TicketStatus.Closed);
        var reopens = set.Histories.Sum(h => h.OfType<StatusChanged>().Count(s => (s.From == TicketStatus.Resolved || s.From == TicketStatus.Closed) && !Done.Contains(s.To)));
        return r.Tickets == set.Histories.Count
            && r.Resolved == resolved
            && (r.ResolutionTime?.Count ?? 0) == resolved
            && (r.ResolutionBusinessTime?.Count ?? 0) == resolved
            && r.Reopens == reopens
            && r.ArrivalsByHourOfWeek.Sum() == set.Histories.Count
            && r.FirstContactResolutions <= r.Resolved
            && r.PingPongs <= r.Reassignments
            && r.ReopenedTickets <= r.ResolvedAtLeastOnce;
    }

    [Property]
    public bool OrderOfHistories_DoesNotMatter(HistorySet set)
    {
        var forward = TicketStatistics.Compute(set.Histories);
        var backward = TicketStatistics.Compute(set.Histories.Reverse());
        return forward with { ArrivalsByHourOfWeek = [], Backlog = [] } == backward with { ArrivalsByHourOfWeek = [], Backlog = [] }
            && forward.ArrivalsByHourOfWeek.SequenceEqual(backward.ArrivalsByHourOfWeek)
            && forward.Backlog.SequenceEqual(backward.Backlog);
    }

    [Property]
    public bool BusinessResolutionTime_NeverExceedsWall(HistorySet set)
    {
        var r = TicketStatistics.Compute(set.Histories, new TicketStatisticsOptions { Calendar = AlwaysOpen });
        return r.ResolutionTime is null ? r.ResolutionBusinessTime is null : r.ResolutionBusinessTime == r.ResolutionTime;
    }
}
