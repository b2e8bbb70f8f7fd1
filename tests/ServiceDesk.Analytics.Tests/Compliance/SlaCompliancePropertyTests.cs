using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using ServiceDesk.Analytics.Tests.Statistics;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using static ServiceDesk.Analytics.Tests.TestData;

namespace ServiceDesk.Analytics.Tests.Compliance;

/// <summary>Random histories with SLA-relevant steps: agent replies, holds and resumes, priority changes, resolutions,
/// reopens, cancels and reassignments, a few hours apart, over March 2026.</summary>
public sealed record SlaHistorySet(IReadOnlyList<IReadOnlyList<TicketEvent>> Histories)
{
    public override string ToString() => new HistorySet(Histories).ToString();
}

public static class SlaHistoryArbitraries
{
    private static readonly Instant Base = Utc(2026, 3, 1, 0);
    private static readonly Priority[] Priorities = [Priority.P1Critical, Priority.P2High, Priority.P3Moderate, Priority.P4Low];

    private static Gen<IReadOnlyList<TicketEvent>> One(int index)
        => Gen.Choose(0, 30 * 24 * 60).Zip(Gen.Choose(0, 8).Zip(Gen.Choose(0, 8 * 60)).ListOf(10)).Zip(Gen.Choose(0, 10))
            .Select(t =>
            {
                var at = Base + Duration.FromMinutes(t.Item1.Item1);
                var h = new History("s" + index, at, Priorities[t.Item1.Item1 % 4]);
                foreach (var (action, gap) in t.Item1.Item2.Take(t.Item2))
                {
                    at += Duration.FromMinutes(gap);
                    _ = action switch
                    {
                        0 => h.Assign(at, "g" + (gap % 3)),
                        1 => h.Resolve(at),
                        2 => h.Reply(at),
                        3 => h.Status(at, TicketStatus.Canceled),
                        4 => h.Reopen(at),
                        5 => h.Hold(at),
                        6 => h.Priority(at, Priorities[gap % 4]),
                        7 => gap % 2 == 0 ? h.Note(at) : h.AssignAgent(at, "g" + (gap % 3), "a" + (gap % 5)),
                        _ => h.Status(at, TicketStatus.InProgress),
                    };
                }

                return h.Events;
            });

    public static Arbitrary<SlaHistorySet> Histories()
        => Gen.Choose(0, 20).SelectMany(n => Gen.CollectToSequence(Enumerable.Range(0, n).Select(One)))
            .Select(l => new SlaHistorySet([.. l])).ToArbitrary();
}

[Properties(Arbitrary = [typeof(SlaHistoryArbitraries)], MaxTest = 150)]
public sealed class SlaCompliancePropertyTests
{
    private static readonly Instant AsOf = Utc(2026, 3, 20, 12);

    private static SlaPolicySet Set(int resolutionMinutes, int responseMinutes)
        => new([SlaComplianceTests.Policy("p", Duration.FromMinutes(responseMinutes), Duration.FromMinutes(resolutionMinutes), threshold: true)]);

    private static SlaComplianceReport Compute(SlaHistorySet set, SlaPolicySet policies, bool everyCycle = false)
        => SlaCompliance.Compute(set.Histories, new SlaComplianceOptions { Policies = policies, AsOf = AsOf, Zone = DateTimeZoneProviders.Tzdb["Europe/Berlin"], EveryCycle = everyCycle });

    private static SlaOutcomeCounts Sum<TKey>(IEnumerable<SlaComplianceEntry<TKey>> entries)
        => entries.Aggregate(new SlaOutcomeCounts(0, 0, 0, 0, 0, 0), (a, e) => new SlaOutcomeCounts(
            a.Met + e.Counts.Met, a.Breached + e.Counts.Breached, a.InProgress + e.Counts.InProgress,
            a.NotStarted + e.Counts.NotStarted, a.Cancelled + e.Counts.Cancelled, a.ThresholdsReached + e.Counts.ThresholdsReached));

    [Property]
    public bool EveryBreakdown_AddsUpToTheTotal_AndTheTotalIsOneClockPerEvaluatedTicket(SlaHistorySet set)
    {
        var r = Compute(set, Set(8 * 60, 60));
        var opened = set.Histories.Count(h => h[0].At <= AsOf);
        return r.Tickets == set.Histories.Count
            && r.Evaluated == opened
            && r.OpenedAfterAsOf == set.Histories.Count - opened
            && r.Metrics.All(m => m.Total.Total == r.Evaluated
                && Sum(m.ByPriority) == m.Total && Sum(m.ByGroup) == m.Total && Sum(m.ByContract) == m.Total
                && Sum(m.ByService) == m.Total && Sum(m.ByMonth) == m.Total && Sum(m.ByPolicy) == m.Total);
    }

    /// <summary>Judging every cycle adds the ended cycles (of reopened tickets here) to the current ones: each metric has
    /// at least one clock per evaluated ticket, the breakdowns still add up, and the current cycles are exactly what the
    /// current-cycle report counts.</summary>
    [Property]
    public bool EveryCycle_AddsEndedCyclesToTheCurrentOnes_BreakdownsStillAddUp(SlaHistorySet set)
    {
        var policies = Set(8 * 60, 60);
        var all = Compute(set, policies, everyCycle: true);
        var current = Compute(set, policies);
        return all.Evaluated == current.Evaluated
            && all.Metrics.Count == current.Metrics.Count
            && all.Metrics.Zip(current.Metrics).All(p => p.First.Metric == p.Second.Metric
                && p.First.Total.Total >= p.Second.Total.Total
                && p.First.Total.Met >= p.Second.Total.Met && p.First.Total.Breached >= p.Second.Total.Breached
                && p.First.Total.InProgress == p.Second.Total.InProgress
                && Sum(p.First.ByPriority) == p.First.Total && Sum(p.First.ByMonth) == p.First.Total && Sum(p.First.ByGroup) == p.First.Total);
    }

    [Property]
    public bool Compliance_IsMetOverMetPlusBreached_InZeroToOne(SlaHistorySet set)
    {
        var r = Compute(set, Set(4 * 60, 30));
        return r.Metrics.All(m => m.Total.Met + m.Total.Breached == 0
            ? m.Total.Compliance is null
            : m.Total.Compliance == (double)m.Total.Met / (m.Total.Met + m.Total.Breached) && m.Total.Compliance is >= 0 and <= 1);
    }

    [Property]
    public bool StricterTarget_NeverMoreMet_NeverFewerBreached(SlaHistorySet set, PositiveInt a, PositiveInt b)
    {
        var strict = Math.Min(a.Get % 2000, b.Get % 2000) + 1;
        var loose = Math.Max(a.Get % 2000, b.Get % 2000) + 1;
        var w = SlaCompliance.WhatIf(set.Histories, new SlaComplianceOptions { Policies = Set(loose, loose), AsOf = AsOf }, [Set(strict, strict)]);
        return w.Metrics.All(m => m.InForce is null
            || (m.Alternatives[0].Counts!.Met <= m.InForce.Met
                && m.Alternatives[0].Counts!.Breached >= m.InForce.Breached
                && m.Alternatives[0].BreachedToMet == 0
                && m.Alternatives[0].Counts!.Total == m.InForce.Total));
    }

    [Property]
    public bool WhatIf_WithTheSamePolicy_ChangesNothing(SlaHistorySet set)
    {
        var policies = Set(6 * 60, 45);
        var w = SlaCompliance.WhatIf(set.Histories, new SlaComplianceOptions { Policies = policies, AsOf = AsOf }, [policies]);
        return w.Metrics.All(m => m.Alternatives[0] == new SlaWhatIfAlternative(m.InForce, 0, 0));
    }

    [Property]
    public bool Accumulator_AgreesWithSlaPolicySetEvaluateOverATimelineBuiltNaively(SlaHistorySet set)
    {
        var policies = new SlaPolicySet(
        [
            P1(Duration.FromMinutes(20), Duration.FromHours(2)),
            SlaComplianceTests.Policy("default", Duration.FromHours(1), Duration.FromHours(8), threshold: true),
        ]);
        var r = Compute(set, policies);

        var naive = new Dictionary<(string, SlaOutcome), int>();
        var reached = new Dictionary<string, int>();
        foreach (var h in set.Histories.Where(h => h[0].At <= AsOf))
        {
            var opened = (TicketOpened)h[0];
            var builder = TicketTimeline.Create(opened.At, h.OfType<StatusChanged>().FirstOrDefault()?.From.Name ?? "New", opened.Priority);
            foreach (var e in h.Skip(1).Where(e => e.At <= AsOf))
            {
                _ = e switch
                {
                    StatusChanged s => builder.ChangeStatus(s.At, s.To.Name, s.To == TicketStatus.OnHold ? s.Reason ?? s.To.Name : null),
                    PriorityChanged p => builder.ChangePriority(p.At, p.To),
                    CommentAdded c => builder.Comment(c.At, c.Actor.Kind == ActorKind.Agent ? SlaActor.Agent : c.Actor.Kind == ActorKind.Requester ? SlaActor.Customer : SlaActor.System, c.Visibility == CommentVisibility.Public),
                    _ => builder,
                };
            }

            foreach (var state in policies.Evaluate(new SlaTicketContext(opened.Kind, opened.Priority), builder.Build(), AsOf))
            {
                var outcome = state.Stage switch
                {
                    SlaStage.Met => SlaOutcome.Met,
                    SlaStage.Breached => SlaOutcome.Breached,
                    SlaStage.Running or SlaStage.Paused => state.IsBreached ? SlaOutcome.Breached : SlaOutcome.InProgress,
                    SlaStage.Cancelled => SlaOutcome.Cancelled,
                    _ => SlaOutcome.NotStarted,
                };
                naive[(state.Metric, outcome)] = naive.GetValueOrDefault((state.Metric, outcome)) + 1;
                reached[state.Metric] = reached.GetValueOrDefault(state.Metric) + state.Thresholds.Count(t => t.IsReached);
            }
        }

        int N(string metric, SlaOutcome o) => naive.GetValueOrDefault((metric, o));
        return r.Metrics.Count == reached.Count
            && r.Metrics.All(m => m.Total == new SlaOutcomeCounts(
                N(m.Metric, SlaOutcome.Met), N(m.Metric, SlaOutcome.Breached), N(m.Metric, SlaOutcome.InProgress),
                N(m.Metric, SlaOutcome.NotStarted), N(m.Metric, SlaOutcome.Cancelled), reached[m.Metric]));
    }

    private static SlaPolicy P1(Duration firstResponse, Duration resolution)
    {
        var options = new SlaPolicyOptions { Name = "p1" };
        options.Priorities.Add(Priority.P1Critical);
        options.Metrics.Add(SlaMetricOptions.FirstResponse(OfficeUtc, firstResponse));
        options.Metrics.Add(SlaMetricOptions.Resolution(OfficeUtc, resolution));
        return options.Build();
    }
}
