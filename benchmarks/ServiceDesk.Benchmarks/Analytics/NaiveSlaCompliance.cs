using NodaTime;
using ServiceDesk.Analytics;
using ServiceDesk.Events;
using ServiceDesk.Sla;

namespace ServiceDesk.Benchmarks.Analytics;

/// <summary>The naive baseline of the compliance benchmarks: a timeline per ticket, <see cref="SlaPolicySet.Evaluate"/>,
/// one row per clock, and a LINQ GroupBy per breakdown (metric; metric and priority, group, month; and, when asked, policy).</summary>
internal static class NaiveSlaCompliance
{
    /// <summary>Counts met and breached clocks in every breakdown.</summary>
    public static int Count(IReadOnlyList<TicketEvent>[] histories, SlaPolicySet policies, Instant asOf, DateTimeZone zone, bool byPolicy)
    {
        var rows = new List<(string Metric, SlaOutcome Outcome, Priority Priority, GroupId? Group, YearMonth Month, string Policy)>();
        foreach (var h in histories)
        {
            var opened = (TicketOpened)h[0];
            var builder = TicketTimeline.Create(opened.At, h.OfType<StatusChanged>().FirstOrDefault()?.From.Name ?? "New", opened.Priority);
            foreach (var e in h.Skip(1))
            {
                _ = e switch
                {
                    StatusChanged s => builder.ChangeStatus(s.At, s.To.Name, s.To == TicketStatus.OnHold ? s.Reason ?? s.To.Name : null),
                    PriorityChanged p => builder.ChangePriority(p.At, p.To),
                    CommentAdded c => builder.Comment(c.At, c.Actor.Kind == ActorKind.Agent ? SlaActor.Agent : c.Actor.Kind == ActorKind.Requester ? SlaActor.Customer : SlaActor.System, c.Visibility == CommentVisibility.Public),
                    _ => builder,
                };
            }

            var context = new SlaTicketContext(opened.Kind, opened.Priority);
            var policy = policies.Select(context)!;
            var priority = h.OfType<PriorityChanged>().LastOrDefault()?.To ?? opened.Priority;
            var group = h.OfType<Assigned>().LastOrDefault()?.Group;
            var month = opened.At.InZone(zone).Date.ToYearMonth();
            foreach (var state in policies.Evaluate(context, builder.Build(), asOf))
            {
                var outcome = state.Stage switch
                {
                    SlaStage.Met => SlaOutcome.Met,
                    SlaStage.Breached => SlaOutcome.Breached,
                    SlaStage.Running or SlaStage.Paused => state.IsBreached ? SlaOutcome.Breached : SlaOutcome.InProgress,
                    SlaStage.Cancelled => SlaOutcome.Cancelled,
                    _ => SlaOutcome.NotStarted,
                };
                rows.Add((state.Metric, outcome, priority, group, month, policy.Name));
            }
        }

        static int CountMetOrBreached(IEnumerable<IGrouping<object, (string Metric, SlaOutcome Outcome, Priority, GroupId?, YearMonth, string)>> groups)
            => groups.Sum(g => g.Count(r => r.Outcome == SlaOutcome.Met) + g.Count(r => r.Outcome == SlaOutcome.Breached));

        return CountMetOrBreached(rows.GroupBy(r => (object)r.Metric))
            + CountMetOrBreached(rows.GroupBy(r => (object)(r.Metric, r.Priority)))
            + CountMetOrBreached(rows.GroupBy(r => (object)(r.Metric, r.Group)))
            + CountMetOrBreached(rows.GroupBy(r => (object)(r.Metric, r.Month)))
            + (byPolicy ? CountMetOrBreached(rows.GroupBy(r => (object)(r.Metric, r.Policy))) : 0);
    }
}
