using System.Text.RegularExpressions;

namespace ServiceDesk.Sla.Tests;

/// <summary>Keeps docs/sla.md current: its diagram and its JSON examples are checked against the code.</summary>
public sealed partial class DocumentationTests
{
    private static readonly Lazy<string> Doc = new(() => File.ReadAllText(FindRepoFile("docs/sla.md")));

    [Fact]
    public void SlaDoc_ClockStageDiagram_IsTheOneTheCodeProduces()
    {
        var diagram = SlaClock.ToMermaid();

        Assert.Contains("```mermaid\n" + diagram + "\n```", Doc.Value, StringComparison.Ordinal);
        Assert.All(Enum.GetNames<SlaStage>(), stage => Assert.Contains(stage, diagram, StringComparison.Ordinal));
    }

    [Fact]
    public void SlaDoc_JsonExamples_AllLoad()
    {
        var blocks = JsonBlock().Matches(Doc.Value).Select(m => m.Groups[1].Value).ToList();

        Assert.True(blocks.Count >= 2, "docs/sla.md should show the calendar and policy JSON formats");
        foreach (var json in blocks)
        {
            if (json.Contains("\"policies\"", StringComparison.Ordinal))
            {
                Assert.NotEmpty(SlaPolicySet.FromJson(json).Policies);
            }
            else
            {
                Assert.NotNull(BusinessCalendar.FromJson(json).Zone);
            }
        }
    }

    internal static string FindRepoFile(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"'{relative}' was not found in any parent directory of {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex("```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
