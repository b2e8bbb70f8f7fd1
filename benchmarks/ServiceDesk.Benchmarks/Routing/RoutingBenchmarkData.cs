using NodaTime;
using ServiceDesk.Routing;
using ServiceDesk.Testing;

namespace ServiceDesk.Benchmarks.Routing;

/// <summary>Deterministic rule sets, agents and tickets shaped like a mid-size service desk.</summary>
internal static class RoutingBenchmarkData
{
    public static readonly Instant Now = Instant.FromUtc(2025, 3, 4, 10, 30);
    public static readonly GroupId Group = new("group-7");
    private static readonly string[] Vocabulary = BuildVocabulary();

    /// <summary>1,000 rules in first-match mode: 60 % category/subcategory, 20 % keywords (words and phrases, several
    /// scripts), 10 % priority+channel+tier, 10 % service-and-not-keyword; a catch-all last. Keywords are drawn from the
    /// rarer part of the vocabulary, so most tickets are checked against most rules.</summary>
    public static RoutingRuleSet Rules(int count = 1000)
    {
        var random = new Random(7);
        var builder = new RoutingRuleSetBuilder(RuleEvaluationMode.FirstMatch);
        for (var i = 0; i < count - 1; i++)
        {
            var group = new GroupId($"group-{random.Next(78)}");
            var condition = (i % 10) switch
            {
                < 6 => RoutingCondition.CategoryIs($"Category {random.Next(58)}", $"Subcategory {random.Next(254)}"),
                < 8 => RoutingCondition.HasKeyword(Rare(random), Rare(random), $"{Rare(random)} {Rare(random)}"),
                8 => RoutingCondition.All(
                    RoutingCondition.PriorityIn(Priority.P1Critical, Priority.P2High),
                    RoutingCondition.ChannelIn(Channel.Email),
                    RoutingCondition.CustomerTierIn("VIP")),
                _ => RoutingCondition.All(
                    RoutingCondition.ServiceIn(new ServiceId($"svc-{random.Next(400)}")),
                    RoutingCondition.Not(RoutingCondition.HasKeyword(Rare(random)))),
            };
            builder.Rule($"rule-{i:D4}", r => r.When(condition).AssignTo(group, SupportTier.SecondLine).AddTags($"t{i % 17}"));
        }

        builder.Rule("catch-all", r => r.When(RoutingCondition.Always).AssignTo(new GroupId("service-desk"), SupportTier.FirstLine));
        return builder.Build();
    }

    /// <summary>Tickets with a 6-word subject and a 40-word description from a 2,000-word vocabulary.</summary>
    public static Ticket[] Tickets(int count)
    {
        var random = new Random(11);
        var factory = new TicketFactory(new TenantId("bench"));
        return [.. Enumerable.Range(0, count).Select(_ => factory.CreateTicket(factory.NextNumber(), t => t with
        {
            Subject = Text(random, 6),
            Description = Text(random, 40),
            Priority = (Priority)random.Next(1, 6),
            Channel = (Channel)random.Next(1, 8),
            Category = new TicketCategory($"Category {random.Next(80)}", $"Subcategory {random.Next(300)}"),
            Service = new ServiceId($"svc-{random.Next(1000)}"),
        }))];
    }

    /// <summary>Agents of 20 groups with skills, capacity, load and locations; a quarter of them absent today.</summary>
    public static AgentProfile[] Agents(int count)
    {
        var random = new Random(13);
        return [.. Enumerable.Range(0, count).Select(i => new AgentProfile(new AgentId($"agent-{i:D5}"))
        {
            Groups = [new GroupId($"group-{random.Next(20)}"), new GroupId($"group-{random.Next(20)}")],
            Skills = new Dictionary<string, int> { ["network"] = random.Next(0, 6), ["linux"] = random.Next(0, 6) },
            Workload = new Workload(random.Next(2), random.Next(3), random.Next(6), random.Next(4), random.Next(2)),
            Capacity = random.Next(8, 30),
            LastAssignedAt = Now - Duration.FromMinutes(random.Next(0, 600)),
            Location = new GeoPoint(43 + (random.NextDouble() * 8), -1 + (random.NextDouble() * 9)),
            Absences = random.Next(4) == 0 ? [new Interval(Now - Duration.FromHours(2), Now + Duration.FromHours(6))] : [],
        })];
    }

    public static AssignmentRequest Request(Ticket ticket) => new(ticket, Group, Now)
    {
        RequiredSkills = [new SkillRequirement("network", 2)],
        Site = new GeoPoint(48.8566, 2.3522),
    };

    /// <summary>How a straightforward implementation would choose: LINQ filters, then sort by load, wait and id.</summary>
    public static AgentId? NaiveLeastLoaded(AgentProfile[] agents, in AssignmentRequest request, WorkloadWeights weights)
    {
        var group = request.Group;
        var now = request.Now;
        var skills = request.RequiredSkills;
        var weight = weights[request.Ticket.Priority];
        return agents
            .Where(a => a.Groups.Contains(group))
            .Where(a => skills.All(s => a.SkillLevel(s.Skill) >= s.MinimumLevel))
            .Where(a => !a.Absences.Any(x => x.Contains(now)))
            .Where(a => weights.LoadOf(a.Workload) + weight <= a.Capacity)
            .OrderBy(a => weights.LoadOf(a.Workload))
            .ThenBy(a => a.LastAssignedAt ?? Instant.MinValue)
            .ThenBy(a => a.Id.Value, StringComparer.Ordinal)
            .Select(a => (AgentId?)a.Id)
            .FirstOrDefault();
    }

    private static string Rare(Random random) => Vocabulary[random.Next(300)];

    private static string Text(Random random, int words)
        => string.Join(' ', Enumerable.Range(0, words).Select(_ => Vocabulary[300 + random.Next(Vocabulary.Length - 300)]));

    private static string[] BuildVocabulary()
    {
        var random = new Random(3);
        string[] alphabets = ["abcdefghijklmnopqrstuvwxyz", "абвгдежзиклмнопрстуфхцчшщыэюя", "αβγδεζηθικλμνξοπρστυφχψω"];
        return [.. Enumerable.Range(0, 2000).Select(i =>
        {
            var alphabet = alphabets[i % 7 == 0 ? 1 : i % 11 == 0 ? 2 : 0];
            return new string([.. Enumerable.Range(0, random.Next(3, 10)).Select(_ => alphabet[random.Next(alphabet.Length)])]) + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        })];
    }
}
