namespace ServiceDesk.Packaging.Tests;

/// <summary>
/// docs/getting-started.md and the README's embedding snippet, pasted into a console app that uses the packed packages
/// from a local feed, build warning-free and run to the end.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class DocsCompileTests
{
    private readonly PackageFixture _fixture;

    public DocsCompileTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public void GettingStarted_EveryCSharpBlock_BuildsAndRunsAgainstPackedPackages()
    {
        var blocks = DocsProgram.Blocks(File.ReadAllText(DocsProgram.RepoFile(_fixture, "docs", "getting-started.md")));
        var program = DocsProgram.Assemble(blocks.Where(b => b.Language == "csharp").Select(b => b.Code));

        var output = DocsProgram.BuildAndRun(
            Path.Combine(Path.GetTempPath(), "sd-docs-" + Guid.NewGuid().ToString("N")),
            _fixture.Folder,
            program,
            DocsProgram.Files(blocks),
            "ServiceDesk.Extensions.DependencyInjection",
            "ServiceDesk.Storage.Sqlite");

        // What the guide says the program prints.
        Assert.Contains("INC0000001", output, StringComparison.Ordinal);
        Assert.Contains("Resolved", output, StringComparison.Ordinal);
        Assert.Contains("resolution: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_EmbeddingSnippet_BuildsAndRunsAgainstPackedPackages()
    {
        var readme = DocsProgram.Blocks(File.ReadAllText(DocsProgram.RepoFile(_fixture, "README.md")));
        var snippet = Assert.Single(readme, b => b.Language == "csharp" && b.Code.Contains("AddServiceDesk", StringComparison.Ordinal));
        var guide = DocsProgram.Blocks(File.ReadAllText(DocsProgram.RepoFile(_fixture, "docs", "getting-started.md")));

        var output = DocsProgram.BuildAndRun(
            Path.Combine(Path.GetTempPath(), "sd-readme-" + Guid.NewGuid().ToString("N")),
            _fixture.Folder,
            DocsProgram.Assemble([snippet.Code]),
            DocsProgram.Files(guide),
            "ServiceDesk.Extensions.DependencyInjection",
            "ServiceDesk.Storage.Sqlite");

        Assert.Contains("INC0000001", output, StringComparison.Ordinal);
    }
}
