using System.Diagnostics;

namespace ServiceDesk.Packaging.Tests;

/// <summary>
/// Provides the folder of packages to check: <c>SERVICEDESK_PACKAGES</c> when set (CI packs once with
/// <c>dotnet pack -c Release -o artifacts/packages</c> before testing), otherwise a fresh <c>dotnet pack</c> of the
/// solution into a temporary folder.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    private readonly string? _temporary;

    public PackageFixture()
    {
        RepoRoot = FindRepoRoot();
        SourceProjects = Directory.GetDirectories(Path.Combine(RepoRoot, "src"))
            .Where(IsPackageProject)
            .Select(Path.GetFileName)
            .Cast<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();

        var fromCi = Environment.GetEnvironmentVariable("SERVICEDESK_PACKAGES");
        if (!string.IsNullOrEmpty(fromCi))
        {
            Folder = Path.GetFullPath(fromCi);
            return;
        }

        _temporary = Path.Combine(Path.GetTempPath(), "servicedesk-pack-" + Guid.NewGuid().ToString("N"));
        Folder = _temporary;
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "pack", "ServiceDesk.Core.sln", "-c", "Release", "-o", _temporary, "-nologo", "-p:ContinuousIntegrationBuild=true" })
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        }
    }

    public string RepoRoot { get; }

    public string Folder { get; }

    public IReadOnlyList<string> SourceProjects { get; }

    /// <summary>Whether a src/ folder holds a package project: a csproj of its name that is not marked
    /// <c>&lt;IsPackable&gt;false&lt;/IsPackable&gt;</c> (src/ServiceDesk.Generators is a build-time tool of Core).</summary>
    public static bool IsPackageProject(string folder)
    {
        var csproj = Path.Combine(folder, Path.GetFileName(folder) + ".csproj");
        return File.Exists(csproj) && !File.ReadAllText(csproj).Contains("<IsPackable>false</IsPackable>", StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (_temporary is not null && Directory.Exists(_temporary))
        {
            Directory.Delete(_temporary, recursive: true);
        }
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ServiceDesk.Core.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ServiceDesk.Core.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// One <see cref="PackageFixture"/> for every test class that reads the packages: as class fixtures, each class packed
/// the solution on its own and the three packs ran in parallel on the same obj folders (MSB3026, "being used by
/// another process").
/// </summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "packed packages";
}
