using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text;
using System.Xml.Linq;

namespace ServiceDesk.Packaging.Tests;

[Collection(PackageCollection.Name)]
public sealed class PackageMetadataTests
{
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private readonly PackageFixture _fixture;

    public PackageMetadataTests(PackageFixture fixture) => _fixture = fixture;

    public static TheoryData<string> Projects()
    {
        var data = new TheoryData<string>();
        using var fixture = new ProjectList();
        foreach (var p in fixture.Names)
        {
            data.Add(p);
        }

        return data;
    }

    [Fact]
    public void EverySourceProject_HasExactlyOnePackageAndSymbolPackage()
    {
        Assert.NotEmpty(_fixture.SourceProjects);
        foreach (var project in _fixture.SourceProjects)
        {
            Assert.Single(Find(project, "nupkg"));
            Assert.Single(Find(project, "snupkg"));
        }

        var extra = Directory.GetFiles(_fixture.Folder, "*.nupkg")
            .Select(f => Path.GetFileName(f))
            .Where(f => !_fixture.SourceProjects.Any(p => f.StartsWith(p + ".", StringComparison.Ordinal) && char.IsAsciiDigit(f[p.Length + 1])));
        Assert.Empty(extra);
    }

    [Fact]
    public void CorePackage_CarriesNeitherTheGeneratorNorADependencyOnIt()
    {
        using var zip = ZipFile.OpenRead(Single("ServiceDesk.Core", "nupkg"));
        Assert.DoesNotContain(zip.Entries, e => e.FullName.Contains("Generators", StringComparison.OrdinalIgnoreCase) || e.FullName.StartsWith("analyzers/", StringComparison.Ordinal));
        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName == "ServiceDesk.Core.nuspec").Open());
        Assert.DoesNotContain(nuspec.Descendants().Where(e => e.Name.LocalName == "dependency"), d => d.Attribute("id")!.Value.Contains("Generators", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Package_HasMetadataReadmeDocsAndLicence(string project)
    {
        using var zip = ZipFile.OpenRead(Single(project, "nupkg"));
        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName == project + ".nuspec").Open());
        var ns = nuspec.Root!.GetDefaultNamespace();
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        string Value(string name) => metadata.Element(ns + name)?.Value ?? string.Empty;

        Assert.Equal(project, Value("id"));
        Assert.True(Value("description").Length > 40, $"{project}: description too short: '{Value("description")}'");
        Assert.Equal("Apache-2.0", Value("license"));
        Assert.Equal("expression", metadata.Element(ns + "license")!.Attribute("type")!.Value);
        Assert.Contains("itsm", Value("tags"), StringComparison.Ordinal);
        Assert.Equal("README.md", Value("readme"));
        Assert.Equal("icon.png", Value("icon"));
        var icon = zip.GetEntry("icon.png");
        Assert.NotNull(icon);
        using (var png = icon.Open())
        {
            var signature = new byte[8];
            png.ReadExactly(signature);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, signature);
        }

        Assert.Contains("CHANGELOG.md", Value("releaseNotes"), StringComparison.Ordinal);
        Assert.NotEmpty(Value("projectUrl"));
        var repository = metadata.Element(ns + "repository");
        Assert.NotNull(repository);
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.StartsWith("https://", repository.Attribute("url")?.Value, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? string.Empty);

        var readme = zip.GetEntry("README.md");
        Assert.NotNull(readme);
        using (var reader = new StreamReader(readme.Open()))
        {
            Assert.Contains(project, reader.ReadToEnd(), StringComparison.Ordinal);
        }

        Assert.NotNull(zip.GetEntry($"lib/net10.0/{project}.dll"));
        var docs = zip.GetEntry($"lib/net10.0/{project}.xml");
        Assert.NotNull(docs);
        var xml = XDocument.Load(docs.Open());
        Assert.NotEmpty(xml.Descendants("member"));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void SymbolPackage_HasPortablePdbWithSourceLink(string project)
    {
        using var zip = ZipFile.OpenRead(Single(project, "snupkg"));
        var pdbEntry = zip.GetEntry($"lib/net10.0/{project}.pdb");
        Assert.NotNull(pdbEntry);
        using var buffer = new MemoryStream();
        using (var s = pdbEntry.Open())
        {
            s.CopyTo(buffer);
        }

        buffer.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(buffer);
        var reader = provider.GetMetadataReader();
        var sourceLink = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(c => reader.GetGuid(c.Kind) == SourceLinkKind)
            .Select(c => Encoding.UTF8.GetString(reader.GetBlobBytes(c.Value)))
            .SingleOrDefault();
        Assert.NotNull(sourceLink);
        Assert.Contains("\"documents\"", sourceLink, StringComparison.Ordinal);
        Assert.Contains("https://", sourceLink, StringComparison.Ordinal);
    }

    private string Single(string project, string extension) => Assert.Single(Find(project, extension));

    private IEnumerable<string> Find(string project, string extension)
    {
        var pattern = new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Escape(project) + @"\.[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?\." + extension + "$");
        return Directory.GetFiles(_fixture.Folder, "*." + extension).Where(f => pattern.IsMatch(Path.GetFileName(f)));
    }

    /// <summary>Lists the src/ projects without packing, for theory data.</summary>
    private sealed class ProjectList : IDisposable
    {
        public ProjectList()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ServiceDesk.Core.sln")))
            {
                dir = dir.Parent;
            }

            Names = dir is null
                ? []
                : Directory.GetDirectories(Path.Combine(dir.FullName, "src"))
                    .Where(PackageFixture.IsPackageProject)
                    .Select(d => Path.GetFileName(d)!)
                    .Order(StringComparer.Ordinal)
                    .ToArray();
        }

        public IReadOnlyList<string> Names { get; }

        public void Dispose()
        {
        }
    }
}
