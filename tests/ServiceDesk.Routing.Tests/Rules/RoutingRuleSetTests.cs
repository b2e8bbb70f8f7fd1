using static ServiceDesk.Routing.Tests.TestData;

namespace ServiceDesk.Routing.Tests.Rules;

public class RoutingRuleSetTests
{
    private static readonly GroupId Network = new("network");
    private static readonly GroupId ServiceDesk = new("service-desk");
    private static readonly GroupId Major = new("major-incidents");

    private static RoutingRuleSetBuilder Sample(RuleEvaluationMode mode) => new RoutingRuleSetBuilder(mode)
        .Rule("catch-all", r => r.When(RoutingCondition.Always).AssignTo(ServiceDesk, SupportTier.FirstLine).AddTags("triage").WithOrder(100))
        .Rule("vpn", r => r.When(RoutingCondition.HasKeyword("vpn", "tunnel")).AssignTo(Network, SupportTier.SecondLine).AddTags("network"))
        .Rule("vip-outage", r => r
            .When(RoutingCondition.All(RoutingCondition.CustomerTierIn("VIP"), RoutingCondition.HasKeyword("outage", "down")))
            .AssignTo(Major, SupportTier.SecondLine)
            .RaisePriorityTo(Priority.P1Critical)
            .UseSlaPolicy("vip")
            .AddTags("vip")
            .WithOrder(-10));

    [Fact]
    public void Rules_AreOrderedByOrderThenPosition_NotByName()
    {
        var rules = Sample(RuleEvaluationMode.FirstMatch).Build();

        Assert.Equal(["vip-outage", "vpn", "catch-all"], rules.Rules.Select(r => r.Name));
        Assert.Equal([2, 1, 0], rules.Rules.Select(r => r.Position));
    }

    [Fact]
    public void Decide_FirstMatch_FirstMatchingRuleDecidesAlone()
    {
        var rules = Sample(RuleEvaluationMode.FirstMatch).Build();

        var decision = rules.Decide(Ticket("VPN down for everyone"), "VIP");

        Assert.Equal(Major, decision.Group);
        Assert.Equal(SupportTier.SecondLine, decision.Tier);
        Assert.Equal(Priority.P1Critical, decision.Priority);
        Assert.True(decision.PriorityChanged);
        Assert.Equal("vip", decision.SlaPolicy);
        Assert.Equal(["vip"], decision.Tags);
        Assert.Single(decision.Matches);
        Assert.Equal(["down"], decision.Matches[0].FoundKeywords);
        Assert.Equal(
            "rule 'vip-outage' (order -10, position 2) matched: all(customer tier in [\"VIP\"], keyword in [\"outage\", \"down\"]); found \"down\"; "
            + "applied group major-incidents, tier SecondLine, raise priority to P1Critical, SLA policy 'vip', tag vip",
            decision.Explain());
    }

    [Fact]
    public void Decide_AllMatch_FirstSetterWinsAndTagsAccumulate()
    {
        var rules = Sample(RuleEvaluationMode.AllMatch).Build();

        var decision = rules.Decide(Ticket("VPN down for everyone"), "VIP");

        Assert.Equal(Major, decision.Group);
        Assert.Equal(["vip", "network", "triage"], decision.Tags);
        Assert.Equal(["vip-outage", "vpn", "catch-all"], decision.Matches.Select(m => m.Rule.Name));
        Assert.Contains("group network (kept the value of 'vip-outage')", decision.Matches[1].Overridden);
        Assert.Contains("rule 'catch-all'", decision.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_AllMatchWithStop_StopsAfterTheStoppingRule()
    {
        var rules = new RoutingRuleSetBuilder(RuleEvaluationMode.AllMatch)
            .Rule("a", r => r.When(RoutingCondition.Always).AddTags("a").StopProcessing())
            .Rule("b", r => r.When(RoutingCondition.Always).AddTags("b"))
            .Build();

        var decision = rules.Decide(Ticket());

        Assert.Equal(["a"], decision.Tags);
        Assert.Single(decision.Matches);
    }

    [Fact]
    public void Decide_SetThenRaise_RaiseNeverLowers()
    {
        var rules = new RoutingRuleSetBuilder(RuleEvaluationMode.AllMatch)
            .Rule("lower", r => r.When(RoutingCondition.Always).SetPriority(Priority.P4Low))
            .Rule("raise-p3", r => r.When(RoutingCondition.Always).RaisePriorityTo(Priority.P3Moderate))
            .Rule("raise-p5", r => r.When(RoutingCondition.Always).RaisePriorityTo(Priority.P5Planning))
            .Build();

        Assert.Equal(Priority.P3Moderate, rules.Decide(Ticket(t => t with { Priority = Priority.P2High })).Priority);
    }

    [Fact]
    public void Decide_NoRuleMatches_ExplainsThatNothingMatched()
    {
        var rules = new RoutingRuleSetBuilder().Rule("vpn", r => r.When(RoutingCondition.HasKeyword("vpn")).AssignTo(Network)).Build();

        var decision = rules.Decide(Ticket("printer"));

        Assert.False(decision.IsMatch);
        Assert.Null(decision.Group);
        Assert.Equal(Priority.P3Moderate, decision.Priority);
        Assert.False(decision.PriorityChanged);
        Assert.Equal("no rule matched (1 evaluated); nothing decided", decision.Explain());
    }

    [Fact]
    public void Decide_ManyKeywordsBeyondStackBuffer_FindsEveryKeyword()
    {
        var builder = new RoutingRuleSetBuilder(RuleEvaluationMode.AllMatch);
        for (var i = 0; i < 3000; i++)
        {
            var n = i;
            builder.Rule($"r{n}", r => r.When(RoutingCondition.HasKeyword($"word{n}")).AddTags($"t{n}"));
        }

        var decision = builder.Build().Decide(Ticket("word5 and word2999", "also WORD2048"));

        Assert.Equal(["t5", "t2048", "t2999"], decision.Tags);
    }

    [Fact]
    public void Decide_MoreRulesThanTheStackIndex_AgreesWithTheInterpreter()
    {
        var builder = new RoutingRuleSetBuilder(RuleEvaluationMode.AllMatch);
        for (var i = 0; i < 5000; i++)
        {
            var n = i;
            var condition = (n % 4) switch
            {
                0 => RoutingCondition.CategoryIs($"c{n % 50}", n % 3 == 0 ? null : $"s{n % 7}"),
                1 => RoutingCondition.All(RoutingCondition.ServiceIn(new ServiceId($"svc{n % 30}")), RoutingCondition.PriorityAtLeast(Priority.P3Moderate)),
                2 => RoutingCondition.HasKeyword($"w{n % 200}"),
                _ => RoutingCondition.Any(RoutingCondition.ChannelIn(Channel.Email), RoutingCondition.CustomerTierIn($"t{n % 5}")),
            };
            builder.Rule($"r{n}", r => r.When(condition).AddTags($"t{n}").WithOrder(-(n % 3)));
        }

        var rules = builder.Build();
        var random = new Random(1);
        for (var k = 0; k < 40; k++)
        {
            var ticket = Ticket(t => t with
            {
                Subject = $"w{random.Next(300)} and w{random.Next(300)}",
                Category = new TicketCategory($"c{random.Next(60)}", $"s{random.Next(8)}"),
                Service = new ServiceId($"svc{random.Next(40)}"),
                Channel = random.Next(2) == 0 ? Channel.Email : Channel.Phone,
            });
            var tier = $"t{random.Next(7)}";

            Assert.Equal(rules.DecideInterpreted(ticket, tier).Tags, rules.Decide(ticket, tier).Tags);
        }
    }

    [Fact]
    public void Decide_NegatedKeyword_IsNotListedAsFound()
    {
        var rules = new RoutingRuleSetBuilder()
            .Rule("not-test", r => r.When(RoutingCondition.All(RoutingCondition.Not(RoutingCondition.HasKeyword("test")), RoutingCondition.HasKeyword("mail"))).AddTags("x"))
            .Build();

        var decision = rules.Decide(Ticket("mail down"));

        Assert.Equal(["mail"], decision.Matches[0].FoundKeywords);
        Assert.False(rules.Decide(Ticket("test mail")).IsMatch);
    }

    [Fact]
    public void Decide_ConcurrentCallers_GetIdenticalDecisions()
    {
        var rules = Sample(RuleEvaluationMode.AllMatch).Build();
        var tickets = Enumerable.Range(0, 64).Select(i => Ticket(i % 2 == 0 ? "vpn down" : "printer")).ToArray();
        var expected = tickets.Select(t => rules.Decide(t, "VIP").Explain()).ToArray();

        var actual = new string[tickets.Length];
        Parallel.For(0, tickets.Length * 20, i => actual[i % tickets.Length] = rules.Decide(tickets[i % tickets.Length], "VIP").Explain());

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Build_EveryFault_IsReportedWithItsPath()
    {
        var builder = new RoutingRuleSetBuilder((RuleEvaluationMode)7)
            .Rule(" ", r => r.When(RoutingCondition.Always).AddTags("x"))
            .Rule("dup", r => r.When(RoutingCondition.Always).AddTags("x"))
            .Rule("dup", r => r.When(RoutingCondition.Always).AddTags("x"))
            .Rule("no-condition", r => r.AddTags("x"))
            .Rule("no-action", r => r.When(RoutingCondition.Always))
            .Rule("bad-actions", r => r
                .When(RoutingCondition.Always)
                .AssignTo(default, (SupportTier)9)
                .SetPriority((Priority)0)
                .RaisePriorityTo((Priority)6)
                .UseSlaPolicy(" ")
                .AddTags("ok", "has space", "", "ok", new string('t', 65)));

        var ex = Assert.Throws<InvalidDefinitionException>(builder.Build);

        Assert.Equal(
            [
                "$.mode: 7 is not a defined mode; use FirstMatch or AllMatch.",
                "$.rules[0].name: a rule name must be 1 to 100 characters, not blank and without control characters; got ' '.",
                "$.rules[2].name: 'dup' is already the name of $.rules[1]; rule names must be unique.",
                "$.rules[3].when: the rule has no condition; use RoutingCondition.Always for a catch-all.",
                "$.rules[4].then: the rule has no action; set a group, tier, priority, SLA policy or tags, or stop processing.",
                "$.rules[5].then.group: default(GroupId) identifies nothing.",
                "$.rules[5].then.tier: 9 is not a defined tier; valid values are FirstLine, SecondLine, ThirdLine, Vendor.",
                "$.rules[5].then.priority: 0 is not a defined priority; valid values are P1Critical to P5Planning.",
                "$.rules[5].then.raisePriority: 6 is not a defined priority; valid values are P1Critical to P5Planning.",
                "$.rules[5].then: the rule both sets and raises the priority; use one of priority or raisePriority.",
                "$.rules[5].then.slaPolicy: an SLA policy name must be 1 to 100 characters and not blank; got ' '.",
                "$.rules[5].then.tags[1]: a tag must be 1 to 64 characters without whitespace; got 'has space'.",
                "$.rules[5].then.tags[2]: a tag must be 1 to 64 characters without whitespace; got ''.",
                "$.rules[5].then.tags[3]: 'ok' is listed twice.",
                $"$.rules[5].then.tags[4]: a tag must be 1 to 64 characters without whitespace; got '{new string('t', 65)}'.",
            ],
            ex.Errors);
        Assert.Equal("routing rule set", ex.DefinitionName);
    }

    [Fact]
    public void Build_EmptySet_DecidesNothing()
    {
        var rules = new RoutingRuleSetBuilder().Build();
        Assert.False(rules.Decide(Ticket()).IsMatch);
    }
}
