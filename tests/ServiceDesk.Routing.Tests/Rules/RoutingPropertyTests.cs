using static ServiceDesk.Routing.Tests.TestData;

namespace ServiceDesk.Routing.Tests.Rules;

public class RoutingPropertyTests
{
    private static readonly string[] Words =
    [
        "vpn", "VPN", "Vpn.", "vpnclient", "disk", "full", "disk-full", "printer", "ПРИНТЕР", "принтер", "打印机", "outage", "down",
        "mail", "e-mail", "email", "SAP_HANA", "sap", "café", "CAFE", "ΕΚΤΥΠΩΤΗΣ", "εκτυπωτης", "!!", "42", "x",
    ];

    private static readonly string[] Keywords = ["vpn", "disk full", "принтер", "打印机", "outage", "e-mail", "sap", "cafe", "εκτυπωτης", "42", "mail down"];
    private static readonly string[] Categories = ["Network", "Email", "Hardware"];

    /// <summary>The compiled rule set and the naive interpreter agree on every decision and its explanation.</summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool Decide_AnyRulesAndTicket_CompiledEqualsInterpreted(int seed, bool allMatch)
    {
        var random = new Random(seed);
        var rules = RandomRules(random, allMatch ? RuleEvaluationMode.AllMatch : RuleEvaluationMode.FirstMatch);
        for (var i = 0; i < 5; i++)
        {
            var (ticket, tier) = RandomTicket(random);
            var compiled = rules.Decide(ticket, tier);
            var interpreted = rules.DecideInterpreted(ticket, tier);
            if (compiled.Explain() != interpreted.Explain() || compiled.Group != interpreted.Group || compiled.Priority != interpreted.Priority
                || !compiled.Tags.SequenceEqual(interpreted.Tags) || compiled.SlaPolicy != interpreted.SlaPolicy || compiled.Tier != interpreted.Tier)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The explanation names every rule that matched, and each decided value is attributed to a named rule.</summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool Explain_AnyDecision_NamesTheRuleUsed(int seed, bool allMatch)
    {
        var random = new Random(seed);
        var rules = RandomRules(random, allMatch ? RuleEvaluationMode.AllMatch : RuleEvaluationMode.FirstMatch);
        var (ticket, tier) = RandomTicket(random);
        var decision = rules.Decide(ticket, tier);
        var text = decision.Explain();
        if (!decision.IsMatch)
        {
            return decision.Group is null && decision.Tags.Count == 0 && text.StartsWith("no rule matched", StringComparison.Ordinal);
        }

        var everyMatchNamed = decision.Matches.All(m => text.Contains($"rule '{m.Rule.Name}'", StringComparison.Ordinal));
        var groupAttributed = decision.Group is not { } group
            || decision.Matches.Any(m => m.Rule.Group == group && m.Applied.Contains($"group {group}") && text.Contains(m.Rule.Name, StringComparison.Ordinal));
        var firstMatchIsFirst = allMatch || (decision.Matches.Count == 1
            && rules.Rules.TakeWhile(r => r != decision.Matches[0].Rule).All(r => !r.Condition.IsSatisfiedBy(ticket, tier)));
        return everyMatchNamed && groupAttributed && firstMatchIsFirst;
    }

    /// <summary>Writing a rule set to JSON and reading it back gives the same JSON, the same rules and the same decisions.</summary>
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool ToJson_AnyRuleSet_RoundTrips(int seed, bool allMatch)
    {
        var random = new Random(seed);
        var rules = RandomRules(random, allMatch ? RuleEvaluationMode.AllMatch : RuleEvaluationMode.FirstMatch);
        var json = rules.ToJson();
        var back = RoutingRuleSet.FromJson(json);
        if (back.ToJson() != json || back.Mode != rules.Mode
            || !back.Rules.Select(r => (r.ToString(), r.Position)).SequenceEqual(rules.Rules.Select(r => (r.ToString(), r.Position))))
        {
            return false;
        }

        for (var i = 0; i < 5; i++)
        {
            var (ticket, tier) = RandomTicket(random);
            if (back.Decide(ticket, tier).Explain() != rules.Decide(ticket, tier).Explain())
            {
                return false;
            }
        }

        return true;
    }

    internal static RoutingRuleSet RandomRules(Random random, RuleEvaluationMode mode)
    {
        var builder = new RoutingRuleSetBuilder(mode);
        var count = random.Next(1, 12);
        for (var i = 0; i < count; i++)
        {
            var condition = RandomCondition(random, 0);
            var order = random.Next(-2, 3);
            builder.Rule($"rule-{i}", r =>
            {
                r.When(condition).WithOrder(order);
                switch (random.Next(5))
                {
                    case 0:
                        r.AssignTo(new GroupId($"g{random.Next(4)}"), (SupportTier)random.Next(1, 5));
                        break;
                    case 1:
                        r.RaisePriorityTo((Priority)random.Next(1, 6)).AddTags($"t{random.Next(3)}");
                        break;
                    case 2:
                        r.SetPriority((Priority)random.Next(1, 6)).UseSlaPolicy($"sla{random.Next(2)}");
                        break;
                    case 3:
                        r.AddTags($"t{random.Next(3)}").StopProcessing();
                        break;
                    default:
                        r.AssignTo(new GroupId($"g{random.Next(4)}")).AddTags("x");
                        break;
                }
            });
        }

        return builder.Build();
    }

    private static RoutingCondition RandomCondition(Random random, int depth)
    {
        var pick = random.Next(depth >= 3 ? 9 : 12);
        return pick switch
        {
            0 => RoutingCondition.HasKeyword(Pick(random, Keywords), Pick(random, Keywords)),
            1 => RoutingCondition.HasKeyword(Pick(random, Keywords)),
            2 => RoutingCondition.PriorityIn((Priority)random.Next(1, 6), (Priority)random.Next(1, 6)),
            3 => RoutingCondition.PriorityAtLeast((Priority)random.Next(1, 6)),
            4 => RoutingCondition.ChannelIn((Channel)random.Next(1, 8)),
            5 => random.Next(2) == 0 ? RoutingCondition.CategoryIs(Pick(random, Categories)) : RoutingCondition.CategoryIs(Pick(random, Categories), $"s{random.Next(2)}"),
            6 => RoutingCondition.CustomerTierIn(random.Next(2) == 0 ? "VIP" : "gold", "Silver"),
            7 => RoutingCondition.ServiceIn(new ServiceId($"svc{random.Next(3)}"), new ServiceId($"svc{random.Next(3)}")),
            8 => RoutingCondition.AttributeIs("seats", (AttributeOperator)random.Next(1, 7), AttributeValue.FromInteger(random.Next(0, 20))),
            9 => RoutingCondition.Not(RandomCondition(random, depth + 1)),
            10 => RoutingCondition.All(RandomCondition(random, depth + 1), RandomCondition(random, depth + 1)),
            _ => RoutingCondition.Any(RandomCondition(random, depth + 1), RandomCondition(random, depth + 1), RandomCondition(random, depth + 1)),
        };
    }

    internal static (Ticket Ticket, string? Tier) RandomTicket(Random random)
    {
        string Text(int max) => string.Join(Pick(random, [" ", " ", "-", ", ", "  ", "/"]), Enumerable.Range(0, random.Next(max)).Select(_ => Pick(random, Words)));
        var subject = Text(6);
        var ticket = Ticket(t => t with
        {
            Subject = subject.Trim().Length == 0 ? "x" : subject,
            Description = Text(12),
            Priority = (Priority)random.Next(1, 6),
            Channel = (Channel)random.Next(1, 8),
            Category = random.Next(3) == 0 ? null : new TicketCategory(Pick(random, Categories), random.Next(2) == 0 ? null : $"s{random.Next(2)}"),
            Service = random.Next(2) == 0 ? null : new ServiceId($"svc{random.Next(3)}"),
            Attributes = random.Next(2) == 0 ? CustomAttributes.Empty : CustomAttributes.Empty.With("seats", AttributeValue.FromInteger(random.Next(0, 20))),
        });
        return (ticket, Pick(random, [null, "vip", "VIP", "gold", "silver", "bronze"]));
    }

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];
}
