using System.IO.Compression;
using System.Xml.Linq;

namespace ServiceDesk.Packaging.Tests;

/// <summary>The DI package brings no database driver; each provider package brings its own driver and the DI package.</summary>
[Collection(PackageCollection.Name)]
public sealed class ProviderPackageTests
{
    private static readonly string[] Drivers = ["Npgsql", "Microsoft.Data.Sqlite", "Microsoft.Data.Sqlite.Core", "SQLitePCLRaw.bundle_e_sqlite3"];

    private readonly PackageFixture _fixture;

    public ProviderPackageTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public void DependencyInjectionPackage_DependsOnNoDatabaseDriverNorDriverPackage()
    {
        var dependencies = Dependencies("ServiceDesk.Extensions.DependencyInjection");

        Assert.NotEmpty(dependencies);
        Assert.Contains("ServiceDesk.Engine", dependencies);
        foreach (var forbidden in Drivers.Append("ServiceDesk.Storage.Sqlite").Append("ServiceDesk.Storage.PostgreSql"))
        {
            Assert.DoesNotContain(forbidden, dependencies, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("ServiceDesk.Storage.Sqlite", "Microsoft.Data.Sqlite")]
    [InlineData("ServiceDesk.Storage.PostgreSql", "Npgsql")]
    public void ProviderPackage_DependsOnItsDriverAndTheDependencyInjectionPackage(string package, string driver)
    {
        var dependencies = Dependencies(package);

        Assert.Contains(driver, dependencies);
        Assert.Contains("ServiceDesk.Extensions.DependencyInjection", dependencies);
        Assert.Contains("Microsoft.Extensions.Diagnostics.HealthChecks.Abstractions", dependencies);
    }

    /// <summary>The ids of every dependency of every group of the package's .nuspec.</summary>
    private List<string> Dependencies(string package)
    {
        var file = Directory.GetFiles(_fixture.Folder, package + ".*.nupkg")
            .Single(f => char.IsAsciiDigit(Path.GetFileName(f)[package.Length + 1]));
        using var zip = ZipFile.OpenRead(file);
        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName == package + ".nuspec").Open());
        var ns = nuspec.Root!.GetDefaultNamespace();
        var groups = nuspec.Descendants(ns + "dependencies").Elements(ns + "group").ToList();
        Assert.NotEmpty(groups);
        return groups.Elements(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToList();
    }
}
