using System.Text;
using System.Text.RegularExpressions;
using Snapshooter;
using Snapshooter.Xunit;

namespace ServiceDesk.Workflow.Tests;

/// <summary>Keeps docs/workflows.md and the diagram snapshots in step with the live, shipped definitions.</summary>
/// <remarks>To refresh the docs after changing a lifecycle, run the tests once with <c>SERVICEDESK_UPDATE_DOCS=1</c>.</remarks>
public partial class WorkflowDocsTests
{
    public static TheoryData<string> LifecycleNames => ["incident", "service-request", "problem", "change"];

    internal static WorkflowDefinition Shipped(string name) => name switch
    {
        "incident" => IncidentLifecycle.Create(new IncidentLifecycleOptions { AddBusinessDays = TestData.AddWeekdays }),
        "service-request" => ServiceRequestLifecycle.Create(),
        "problem" => ProblemLifecycle.Create(),
        "change" => ChangeLifecycle.Create(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a shipped lifecycle"),
    };

    internal static string Render(WorkflowDefinition workflow)
    {
        static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
        var sb = new StringBuilder();
        sb.Append("```mermaid\n").Append(workflow.ToMermaid()).Append("```\n\n");
        sb.Append("| state | SLA | reasons |\n|---|---|---|\n");
        foreach (var s in workflow.States)
        {
            var reasons = string.Join(", ", s.Reasons.Select(r => r.Sla is { } m && m != s.Sla ? $"`{r.Name}` ({m})" : $"`{r.Name}`"));
            sb.Append($"| `{s.Name}`{(s.Name == workflow.Initial ? " (initial)" : string.Empty)}{(s.IsTerminal ? " (terminal)" : string.Empty)}{(s.IsHold ? " (hold)" : string.Empty)} | {s.Sla} | {reasons} |\n");
        }

        sb.Append("\n| from | trigger | to | guards | inputs and effects |\n|---|---|---|---|---|\n");
        foreach (var t in workflow.Transitions)
        {
            var extras = new List<string>();
            if (t.Reasons.Count > 0)
            {
                extras.Add("reason: " + string.Join(" or ", t.Reasons.Select(r => $"`{r}`")));
            }
            else if (workflow.GetState(t.To).Reasons.Count > 0)
            {
                extras.Add($"reason of `{t.To}` required");
            }

            if (t.RequiresNotes)
            {
                extras.Add("notes required");
            }

            if (t.Otherwise == RejectionOutcome.NewLinkedTicket)
            {
                extras.Add($"new linked ticket when only `{t.OtherwiseGuard}` is unmet");
            }

            if (t.Cascade is { } c)
            {
                extras.Add($"cascades `{c.Trigger}` to {c.Direction.ToString().ToLowerInvariant()} `{c.LinkType}` links");
            }

            sb.Append($"| `{t.From}` | `{t.Trigger}` | `{t.To}` | {Cell(string.Join(", ", t.Guards.Select(g => $"`{g.Name}`")))} | {string.Join("; ", extras)} |\n");
        }

        var guards = workflow.Transitions.SelectMany(t => t.Guards).DistinctBy(g => g.Name).OrderBy(g => g.Name, StringComparer.Ordinal);
        sb.Append("\n| guard | met when |\n|---|---|\n");
        foreach (var g in guards)
        {
            sb.Append($"| {Cell($"`{g.Name}`")} | {Cell(g.Description)} |\n");
        }

        return sb.ToString();
    }

    internal static string DocsPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ServiceDesk.Core.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, "docs", "workflows.md");
    }

    [GeneratedRegex(@"(?<begin><!-- generated:(?<name>[a-z-]+):begin -->\n)(?<body>.*?)(?<end><!-- generated:\k<name>:end -->)", RegexOptions.Singleline)]
    private static partial Regex GeneratedBlock();

    [Fact]
    public void WorkflowsMd_GeneratedSections_MatchLiveDefinitions()
    {
        var path = DocsPath();
        var text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        var found = new List<string>();
        var updated = GeneratedBlock().Replace(text, m =>
        {
            found.Add(m.Groups["name"].Value);
            return m.Groups["begin"].Value + Render(Shipped(m.Groups["name"].Value)) + m.Groups["end"].Value;
        });

        Assert.Equal(["incident", "service-request", "problem", "change"], found);
        if (Environment.GetEnvironmentVariable("SERVICEDESK_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, updated);
            return;
        }

        Assert.True(
            updated == text,
            "docs/workflows.md is out of date with the shipped lifecycles; run `SERVICEDESK_UPDATE_DOCS=1 dotnet test tests/ServiceDesk.Workflow.Tests` and review the diff.");
    }

    [Theory]
    [MemberData(nameof(LifecycleNames))]
    public void ToMermaid_ShippedLifecycle_MatchesSnapshot(string name)
        => Snapshot.Match(Shipped(name).ToMermaid(), SnapshotNameExtension.Create(name));

    [Theory]
    [MemberData(nameof(LifecycleNames))]
    public void ToMermaid_ShippedLifecycle_HasEveryTransitionAndTerminal(string name)
    {
        var workflow = Shipped(name);
        var lines = workflow.ToMermaid().Split('\n').Select(l => l.Trim()).ToArray();

        Assert.Equal("stateDiagram-v2", lines[0]);
        Assert.Contains($"[*] --> {workflow.Initial}", lines);
        foreach (var t in workflow.Transitions)
        {
            var expected = $"{t.From} --> {t.To} : {t.Trigger}" + string.Concat(t.Guards.Select(g => $" [{g.Name}]"));
            Assert.Contains(expected, lines);
        }

        Assert.Equal(workflow.Transitions.Count + 1 + workflow.States.Count(s => s.IsTerminal), lines.Count(l => l.Contains("-->", StringComparison.Ordinal)));
        foreach (var s in workflow.States.Where(s => s.IsTerminal))
        {
            Assert.Contains($"{s.Name} --> [*]", lines);
        }
    }

    [Theory]
    [MemberData(nameof(LifecycleNames))]
    public void ToDot_ShippedLifecycle_HasEveryTransition(string name)
    {
        var workflow = Shipped(name);
        var dot = workflow.ToDot();

        Assert.StartsWith("digraph {", dot, StringComparison.Ordinal);
        foreach (var t in workflow.Transitions)
        {
            Assert.Contains($"\"{t.From}\" -> \"{t.To}\" [style=\"solid\", label=\"{t.Trigger}", dot, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(LifecycleNames))]
    public void ToJson_ShippedLifecycle_RoundTrips(string name)
    {
        var workflow = Shipped(name);
        var reloaded = WorkflowDefinition.FromJson(workflow.ToJson(), workflow.Guards);

        Assert.Equal(workflow.ToJson(), reloaded.ToJson());
        Assert.Equal(workflow.ToMermaid(), reloaded.ToMermaid());
    }
}
