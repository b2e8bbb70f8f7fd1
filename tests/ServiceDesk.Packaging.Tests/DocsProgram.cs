using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace ServiceDesk.Packaging.Tests;

/// <summary>
/// Turns the code blocks of a Markdown guide into a console program and runs it against the packed packages, as a new
/// user would after following the guide's local-feed route.
/// </summary>
/// <remarks>
/// <para>How blocks become a program (the guide says the same to its readers): every <c>csharp</c> block is code of one
/// <c>Program.cs</c>; <c>using</c> directives go to the top; blocks that only configure the host builder (they use
/// <c>builder.</c> and neither the host nor the engine) run, in document order, before the block that calls <c>builder.Build()</c>;
/// every other block runs after it in document order. A <c>json</c> block whose first line is <c>// path</c> is written
/// to that file in the project folder (comments are allowed in every file the SDK and the host read).</para>
/// <para>The program is a console project with the defaults of <c>dotnet new console</c> (implicit usings, nullable) plus
/// warnings as errors, referencing the packed ServiceDesk packages through a local feed and its own package folder (so
/// a package cached by an earlier run of the same version is never used).</para>
/// </remarks>
internal static partial class DocsProgram
{
    public static string RepoFile(PackageFixture fixture, params string[] parts) => Path.Combine([fixture.RepoRoot, .. parts]);

    public static IReadOnlyList<(string Language, string Code)> Blocks(string markdown)
        => FencedBlock().Matches(markdown.Replace("\r\n", "\n", StringComparison.Ordinal))
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value))
            .ToList();

    /// <summary>Assembles <c>Program.cs</c> from the csharp blocks.</summary>
    public static string Assemble(IEnumerable<string> csharpBlocks)
    {
        var usings = new List<string>();
        var configure = new List<string>();
        var build = new List<string>();
        var run = new List<string>();
        foreach (var block in csharpBlocks)
        {
            var body = new StringBuilder();
            foreach (var line in block.Split('\n'))
            {
                if (UsingDirective().IsMatch(line))
                {
                    if (!usings.Contains(line.Trim()))
                    {
                        usings.Add(line.Trim());
                    }
                }
                else
                {
                    body.AppendLine(line);
                }
            }

            var code = body.ToString();
            if (code.Contains("builder.Build()", StringComparison.Ordinal))
            {
                build.Add(code);
            }
            else if (code.Contains("builder.", StringComparison.Ordinal) && !code.Contains("host.", StringComparison.Ordinal) && !code.Contains("engine.", StringComparison.Ordinal))
            {
                configure.Add(code);
            }
            else
            {
                run.Add(code);
            }
        }

        return string.Join('\n', usings) + "\n\n" + string.Join('\n', configure.Concat(build).Concat(run));
    }

    /// <summary>Writes the project, restores against the packed packages, builds and runs it; returns its output.</summary>
    public static string BuildAndRun(string folder, string packages, string program, IEnumerable<(string Path, string Content)> files, params string[] packageIds)
    {
        try
        {
            return BuildAndRunIn(folder, packages, program, files, packageIds);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static string BuildAndRunIn(string folder, string packages, string program, IEnumerable<(string Path, string Content)> files, string[] packageIds)
    {
        Directory.CreateDirectory(folder);
        var version = Path.GetFileNameWithoutExtension(Directory.GetFiles(packages, "ServiceDesk.Core.*.nupkg")
                .Single(f => char.IsAsciiDigit(Path.GetFileName(f)["ServiceDesk.Core.".Length])))["ServiceDesk.Core.".Length..];
        var references = string.Concat(packageIds.Select(id => $"    <PackageReference Include=\"{id}\" Version=\"{version}\" />\n"));
        File.WriteAllText(Path.Combine(folder, "DocsApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{Path.Combine(folder, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
            {references}    <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.0" />
              </ItemGroup>
            </Project>
            """);

        // The guide's local feed: `dotnet nuget add source <folder>` in the app's own nuget.config.
        File.WriteAllText(Path.Combine(folder, "nuget.config"), "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n  </packageSources>\n</configuration>\n");
        Run(folder, TimeSpan.FromMinutes(2), "nuget", "add", "source", packages, "--name", "servicedesk-local", "--configfile", Path.Combine(folder, "nuget.config"));

        File.WriteAllText(Path.Combine(folder, "Program.cs"), program);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        Run(folder, TimeSpan.FromMinutes(8), "build", "-c", "Release", "-nologo", "-maxcpucount:1");
        return Run(folder, TimeSpan.FromMinutes(2), "run", "-c", "Release", "--no-build");
    }

    /// <summary>The json blocks that name their file on the first line (<c>// config/sla-policies.json</c>).</summary>
    public static IEnumerable<(string Path, string Content)> Files(IEnumerable<(string Language, string Code)> blocks)
        => blocks.Where(b => b.Language == "json" && FileComment().IsMatch(b.Code))
            .Select(b => (FileComment().Match(b.Code).Groups[1].Value, b.Code));

    private static string Run(string folder, TimeSpan timeout, params string[] arguments)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish within {timeout}:\n{stdout.Result}\n{stderr.Result}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed ({process.ExitCode}) in {folder}:\n{stdout.Result}\n{stderr.Result}");
        }

        return stdout.Result;
    }

    [GeneratedRegex("^```([a-z]+)\\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex("^using (?!var )[A-Za-z0-9_.]+;\\s*$")]
    private static partial Regex UsingDirective();

    [GeneratedRegex("^// ([A-Za-z0-9_./-]+\\.json)\\s*\\n")]
    private static partial Regex FileComment();
}
