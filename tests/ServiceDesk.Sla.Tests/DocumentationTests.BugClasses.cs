using System.Reflection;
using System.Text.RegularExpressions;

namespace ServiceDesk.Sla.Tests;

/// <content>The bug-class table of docs/sla.md: 25 rows, each naming tests that exist.</content>
public sealed partial class DocumentationTests
{
    private static readonly string[] TestAttributes = ["Fact", "Theory", "Property", "ConformanceFact"];

    [Fact]
    public void SlaDoc_BugClassTable_NamesExistingTests()
    {
        var rows = BugClassRows();

        Assert.Equal(Enumerable.Range(1, 25), rows.Select(r => r.Number));
        var sources = TestSources();
        var failures = new List<string>();
        foreach (var (number, tests, pending) in rows)
        {
            if (tests.Count == 0)
            {
                // Only the classes whose tests belong to another issue may point at it instead of a test.
                if (number != 16 || !pending.Contains("issue #14", StringComparison.Ordinal))
                {
                    failures.Add($"class {number}: names no test");
                }

                continue;
            }

            foreach (var test in tests)
            {
                if (Problem(test, sources) is { } problem)
                {
                    failures.Add($"class {number}: {test}: {problem}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void SlaDoc_BugClassTable_TestsOfThisAssemblyAreTestMethodsByReflection()
    {
        var own = BugClassRows().SelectMany(r => r.Tests).Where(t => t.StartsWith("ServiceDesk.Sla.Tests.", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(own);
        foreach (var test in own)
        {
            var split = test.LastIndexOf('.');
            var type = typeof(DocumentationTests).Assembly.GetType(test[..split]);
            Assert.True(type is not null, $"{test}: no type {test[..split]}");
            var method = type.GetMethod(test[(split + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static);
            Assert.True(method is not null, $"{test}: no public method");
            Assert.True(
                method.GetCustomAttributes().Any(a => a is FactAttribute || a.GetType().Name == "PropertyAttribute"),
                $"{test}: not a [Fact], [Theory] or [Property]");
        }
    }

    /// <summary>The rows of the table under "Known bug classes": number, the fully qualified tests named, the last cell.</summary>
    private static List<(int Number, List<string> Tests, string Pinned)> BugClassRows()
    {
        var section = Doc.Value.Split("## Known bug classes of SLA engines", 2);
        Assert.True(section.Length == 2, "docs/sla.md has no 'Known bug classes of SLA engines' section");
        var rows = new List<(int, List<string>, string)>();
        foreach (var line in section[1].Split('\n'))
        {
            var match = BugClassRow().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var pinned = line[(line.TrimEnd().TrimEnd('|').LastIndexOf('|') + 1)..];
            var tests = TestName().Matches(pinned).Select(m => m.Groups[1].Value).ToList();
            rows.Add((int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), tests, pinned));
        }

        return rows;
    }

    /// <summary>Why a fully qualified test name does not name a test method in the sources under tests/, or null.</summary>
    private static string? Problem(string test, IReadOnlyList<(string Path, string Text)> sources)
    {
        var parts = test.Split('.');
        var method = parts[^1];
        var type = parts[^2];
        var ns = string.Join('.', parts[..^2]);
        var files = sources.Where(s => s.Text.Contains($"namespace {ns};", StringComparison.Ordinal)
            && Regex.IsMatch(s.Text, $@"\bclass {Regex.Escape(type)}\b")).ToList();
        if (files.Count == 0)
        {
            return $"no class {type} in namespace {ns} under tests/";
        }

        foreach (var (_, text) in files)
        {
            var declaration = Regex.Match(text, $@"^[ \t]*public (?:async Task|void|bool|Property) {Regex.Escape(method)}\(", RegexOptions.Multiline);
            if (!declaration.Success)
            {
                continue;
            }

            // The attributes right above the declaration (other attributes and blank lines may sit between).
            var before = text[..declaration.Index].TrimEnd().Split('\n').Reverse().Select(l => l.Trim()).TakeWhile(l => l.StartsWith('[')).ToList();
            return before.Any(l => TestAttributes.Any(a => l.StartsWith("[" + a, StringComparison.Ordinal) && !char.IsLetter(l[a.Length + 1])))
                ? null
                : $"{method} is not a [{string.Join("], [", TestAttributes)}]";
        }

        return $"no public test method {method} in class {type}";
    }

    private static List<(string Path, string Text)> TestSources()
    {
        var tests = Path.GetDirectoryName(Path.GetDirectoryName(FindRepoFile("tests/ServiceDesk.Sla.Tests/ServiceDesk.Sla.Tests.csproj")))!;
        return Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => (p, File.ReadAllText(p).Replace("\r\n", "\n", StringComparison.Ordinal)))
            .ToList();
    }

    [GeneratedRegex(@"^\| (\d+) \|")]
    private static partial Regex BugClassRow();

    [GeneratedRegex(@"`(ServiceDesk\.[A-Za-z0-9_.]+)`")]
    private static partial Regex TestName();
}
