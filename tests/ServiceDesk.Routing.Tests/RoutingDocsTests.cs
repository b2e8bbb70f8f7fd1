using System.Text.RegularExpressions;
using Snapshooter.Xunit;
using static ServiceDesk.Routing.Tests.TestData;

namespace ServiceDesk.Routing.Tests;

/// <summary>Keeps docs/routing.md honest: its JSON parses, and its explanation example is what the code prints.</summary>
public partial class RoutingDocsTests
{
    private static string Docs()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "docs", "routing.md")))
        {
            directory = directory.Parent;
        }

        return File.ReadAllText(Path.Combine(directory?.FullName ?? throw new FileNotFoundException("docs/routing.md not found"), "docs", "routing.md"));
    }

    [Fact]
    public void JsonExamples_InDocs_Parse()
    {
        var blocks = JsonBlock().Matches(Docs()).Select(m => m.Groups[1].Value).ToArray();

        Assert.NotEmpty(blocks);
        Assert.All(blocks, json => Assert.NotEmpty(RoutingRuleSet.FromJson(json).Rules));
    }

    [Fact]
    public void ExplainExample_InDocs_MatchesTheCode()
    {
        var rules = RoutingRuleSet.FromJson(JsonBlock().Match(Docs()).Groups[1].Value);
        var ticket = Ticket("VPN down since 9:00", "Nothing works; не работает ничего");

        var explanation = rules.Decide(ticket, "VIP").Explain();

        Assert.Contains(
            "rule 'vip-outage' (order -10, position 0) matched: all(customer tier in [\"VIP\"], keyword in [\"outage\", \"down\", \"не работает\"]); found \"down\", \"не работает\"; applied group major-incidents, tier SecondLine, raise priority to P1Critical, SLA policy 'vip', tag vip",
            explanation,
            StringComparison.Ordinal);
        Snapshot.Match(explanation);
    }

    [Fact]
    public void EscalationJsonExample_InDocs_ParsesToTheBuilderExample()
    {
        var json = EscalationJsonBlock().Match(Docs()).Groups[1].Value;
        var office = new ServiceDesk.Sla.BusinessCalendarBuilder(NodaTime.DateTimeZoneProviders.Tzdb["Europe/Paris"])
            .AddWeekdayHours(new NodaTime.LocalTime(9, 0), new NodaTime.LocalTime(17, 0))
            .Build();

        var policy = EscalationPolicy.FromJson(json, new Dictionary<string, ServiceDesk.Sla.BusinessCalendar> { ["office"] = office });

        Assert.Equal(["warn", "1h", "breach", "late", "stale"], policy.Rules.Select(r => r.Name));
        Assert.Same(office, policy.BusinessHours);
    }

    [Fact]
    public void AgentDirectoryExample_InDocs_Loads()
    {
        var json = AgentDirectoryBlock().Match(Docs()).Groups[1].Value;
        var office = new ServiceDesk.Sla.BusinessCalendarBuilder("Etc/UTC")
            .AddWeekdayHours(new NodaTime.LocalTime(9, 0), new NodaTime.LocalTime(17, 0))
            .Build();

        var directory = AgentDirectory.FromJson(json, new Dictionary<string, ServiceDesk.Sla.BusinessCalendar> { ["office"] = office });

        Assert.Equal(["ann", "fred", "gina"], directory.Agents.Select(a => a.Id.Value));
        Assert.Equal(AssignmentStrategy.Nearest, directory.AssignmentOf(new GroupId("field")).Strategy);
        Assert.False(directory.AssignmentOf(new GroupId("vip-desk")).Automatic);
    }

    [GeneratedRegex("```json agent-directory\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex AgentDirectoryBlock();

    [GeneratedRegex("```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    [GeneratedRegex("```jsonc\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex EscalationJsonBlock();
}
