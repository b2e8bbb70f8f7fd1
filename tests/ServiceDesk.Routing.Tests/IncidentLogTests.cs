using NodaTime;
using ServiceDesk.Testing;
using Xunit.Abstractions;

namespace ServiceDesk.Routing.Tests;

/// <summary>Routing and escalation over the real ServiceNow incident log (UCI 498): 24,918 incidents, 78 groups.</summary>
public class IncidentLogTests(ITestOutputHelper output)
{
    private static readonly TicketFactory Factory = new(TestData.Tenant);

    [Fact]
    public void Log_HasThePublishedShape()
    {
        var incidents = IncidentLog.Incidents;

        Assert.Equal(24_918, incidents.Count);
        Assert.Equal(141_712, incidents.Sum(i => i.Count));
        Assert.Equal(78, incidents.SelectMany(i => i).Select(e => e.Group).Where(g => g != "?").Distinct().Count());
        Assert.Equal(27, incidents.SelectMany(i => i).Max(e => e.ReassignmentCount));
    }

    /// <summary>Rules learned from the first 70 % of incidents (category and subcategory to the group that first took
    /// them) route the other 30 % far better than sending everything to the busiest group, the compiled rule set agrees
    /// with the interpreter on every incident, and every decision names the rule it used.</summary>
    [Fact]
    public void Decide_RulesLearnedFromHistory_RouteUnseenIncidents()
    {
        var incidents = IncidentLog.Incidents
            .Select(events => (First: events[0], Group: events.FirstOrDefault(e => e.Group != "?")?.Group))
            .Where(i => i.Group is not null)
            .ToArray();
        var split = incidents.Length * 7 / 10;
        var training = incidents[..split];
        var test = incidents[split..];

        static string Majority(IEnumerable<string> groups)
            => groups.GroupBy(g => g).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;

        var busiest = Majority(training.Select(i => i.Group!));
        var builder = new RoutingRuleSetBuilder(RuleEvaluationMode.FirstMatch);
        foreach (var bySub in training.Where(i => i.First.Category != "?" && i.First.Subcategory != "?")
                     .GroupBy(i => (i.First.Category, i.First.Subcategory)).OrderBy(g => g.Key.Category, StringComparer.Ordinal).ThenBy(g => g.Key.Subcategory, StringComparer.Ordinal))
        {
            var group = Majority(bySub.Select(i => i.Group!));
            builder.Rule($"{bySub.Key.Category} / {bySub.Key.Subcategory}", r => r
                .When(RoutingCondition.CategoryIs(bySub.Key.Category, bySub.Key.Subcategory))
                .AssignTo(new GroupId(group.Replace(' ', '-')), SupportTier.FirstLine));
        }

        foreach (var byCategory in training.Where(i => i.First.Category != "?").GroupBy(i => i.First.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var group = Majority(byCategory.Select(i => i.Group!));
            builder.Rule(byCategory.Key, r => r.When(RoutingCondition.CategoryIs(byCategory.Key)).AssignTo(new GroupId(group.Replace(' ', '-'))).WithOrder(1));
        }

        builder.Rule("busiest", r => r.When(RoutingCondition.Always).AssignTo(new GroupId(busiest.Replace(' ', '-'))).WithOrder(2));
        builder.Rule("critical", r => r.When(RoutingCondition.PriorityIn(Priority.P1Critical)).RaisePriorityTo(Priority.P1Critical).AddTags("p1").WithOrder(-1));
        var rules = builder.Build();

        var correct = 0;
        var baseline = 0;
        var routedTo = new HashSet<GroupId>();
        for (var i = 0; i < test.Length; i++)
        {
            var (first, actual) = test[i];
            var ticket = ToTicket(first);
            var decision = rules.Decide(ticket);
            Assert.True(decision.IsMatch);
            var used = decision.Matches[0].Rule;
            Assert.Contains($"rule '{used.Name}'", decision.Explain(), StringComparison.Ordinal);
            if (i % 10 == 0)
            {
                Assert.Equal(decision.Explain(), rules.DecideInterpreted(ticket).Explain());
            }

            if (used.Name == "critical")
            {
                Assert.Equal(Priority.P1Critical, ticket.Priority);
                continue;
            }

            routedTo.Add(decision.Group!.Value);
            correct += decision.Group!.Value.Value == actual!.Replace(' ', '-') ? 1 : 0;
            baseline += actual == busiest ? 1 : 0;
        }

        var accuracy = (double)correct / test.Length;
        var busiestShare = (double)baseline / test.Length;
        output.WriteLine($"{rules.Rules.Count} rules; {test.Length} unseen incidents; learned rules {accuracy:P1}, busiest group {busiestShare:P1}; {routedTo.Count} groups used");
        Assert.True(accuracy > busiestShare + 0.2, $"learned rules {accuracy:P1} vs busiest group {busiestShare:P1}");
        Assert.True(routedTo.Count >= 20, $"only {routedTo.Count} groups used");
    }

    /// <summary>Replays every incident through an engine-like loop (sweep at each timer the scheduler asks for, apply each
    /// audit event): each escalation level fires at most once per SLA cycle, even for incidents reassigned 27 times, never
    /// after resolution, and exactly when an independent model says the threshold was reached while the incident was
    /// open.</summary>
    [Fact]
    public void Escalation_ReplayOfEveryIncident_EachLevelFiresOncePerCycle()
    {
        var policy = new EscalationPolicyBuilder()
            .Rule("warn", 1, EscalationTrigger.SlaPercent("resolution", 75), NotificationDelivery.Immediately, EscalationAction.Notify(NotifyTarget.Assignee))
            .Rule("breach", 2, EscalationTrigger.SlaPercent("resolution", 100), NotificationDelivery.Immediately, EscalationAction.RaisePriority())
            .Rule("double", 3, EscalationTrigger.SlaPercent("resolution", 200), NotificationDelivery.Immediately, EscalationAction.DeclareMajorIncident())
            .Build();
        var percents = new[] { 75, 100, 200 };
        var fired = new int[4];
        var expected = new int[4];
        var maxSweeps = 0;

        foreach (var events in IncidentLog.Incidents)
        {
            var ticket = ToTicket(events[0]);
            var target = Target(events[0].Priority);
            var marks = new List<EscalationMark>();
            var cycle = 1 + events[0].ReopenCount;
            var cycleStart = events[0].OpenedAt;
            var active = !IsInactive(events[0].State);
            var activeEnd = new Dictionary<int, Instant>(); // cycle -> last instant it was open
            var now = events[0].UpdatedAt;
            var sweeps = 0;
            for (var i = 1; i <= events.Count; i++)
            {
                var eventAt = i < events.Count ? Max(events[i].UpdatedAt, now) : Instant.MaxValue;
                var clock = new SlaClockSnapshot("resolution", cycle, active ? SlaClockStage.Running : SlaClockStage.Stopped, cycleStart, target, cycleStart + target);
                while (policy.NextDue(ticket, [clock], null, marks) is { } next && next.At <= eventAt)
                {
                    Assert.True(active);
                    var at = Max(next.At, now);
                    var evaluation = policy.Evaluate(ticket, [clock], null, marks, at);
                    Assert.NotEmpty(evaluation.Firings);
                    foreach (var firing in evaluation.Firings)
                    {
                        Assert.DoesNotContain(firing.Mark, marks);
                        Assert.Equal(cycle, firing.Mark.Cycle);
                        marks.Add(firing.Mark);
                        fired[firing.Rule.Level]++;
                    }

                    sweeps++;
                }

                if (i == events.Count)
                {
                    break;
                }

                if (active)
                {
                    activeEnd[cycle] = eventAt;
                }

                now = eventAt;
                var e = events[i];
                if (1 + e.ReopenCount != cycle)
                {
                    cycle = 1 + e.ReopenCount;
                    cycleStart = eventAt;
                }

                active = !IsInactive(e.State);
                ticket = ticket with { Status = active ? TicketStatus.InProgress : TicketStatus.Closed, UpdatedAt = Max(ticket.UpdatedAt, eventAt) };
            }

            Assert.False(active);
            maxSweeps = Math.Max(maxSweeps, sweeps);

            // Independent model: a level of a cycle fires iff its threshold is at or before the last instant the cycle was open.
            var starts = new Dictionary<int, Instant> { [1 + events[0].ReopenCount] = events[0].OpenedAt };
            var previous = events[0].UpdatedAt;
            foreach (var e in events.Skip(1))
            {
                previous = Max(e.UpdatedAt, previous);
                starts.TryAdd(1 + e.ReopenCount, previous);
            }

            foreach (var (c, end) in activeEnd)
            {
                for (var level = 1; level <= 3; level++)
                {
                    var threshold = starts[c] + Duration.FromTicks(target.BclCompatibleTicks * percents[level - 1] / 100);
                    expected[level] += threshold <= end ? 1 : 0;
                    Assert.Equal(threshold <= end, marks.Contains(new EscalationMark(level, "resolution", c, null)));
                }
            }
        }

        output.WriteLine($"fired: warn {fired[1]}, breach {fired[2]}, double {fired[3]}; most sweeps for one incident {maxSweeps}");
        Assert.Equal(expected, fired);
        Assert.True(fired[1] > 1000 && fired[2] > 1000, $"warn {fired[1]}, breach {fired[2]}");
        Assert.True(fired[3] < fired[2] && fired[2] < fired[1]);
    }

    private static Duration Target(string priority) => priority switch
    {
        "1 - Critical" => Duration.FromHours(4),
        "2 - High" => Duration.FromHours(24),
        "3 - Moderate" => Duration.FromDays(5),
        _ => Duration.FromDays(10),
    };

    private static bool IsInactive(string state) => state is "Resolved" or "Closed";

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;

    private static Ticket ToTicket(IncidentEvent e) => Factory.CreateTicket(Factory.NextNumber(), t => t with
    {
        Subject = e.Number,
        Priority = e.Priority switch { "1 - Critical" => Priority.P1Critical, "2 - High" => Priority.P2High, "3 - Moderate" => Priority.P3Moderate, _ => Priority.P4Low },
        Channel = e.ContactType switch { "Email" => Channel.Email, "Self service" => Channel.Portal, "IVR" => Channel.Phone, "Direct opening" => Channel.Api, _ => Channel.Phone },
        Category = e.Category == "?" ? null : new TicketCategory(e.Category, e.Subcategory == "?" ? null : e.Subcategory),
        Location = e.Location == "?" ? null : new LocationId(e.Location.Replace(' ', '-')),
        Status = IsInactive(e.State) ? TicketStatus.Closed : TicketStatus.InProgress,
        OpenedAt = e.OpenedAt,
        UpdatedAt = Max(e.OpenedAt, e.UpdatedAt),
    });
}
