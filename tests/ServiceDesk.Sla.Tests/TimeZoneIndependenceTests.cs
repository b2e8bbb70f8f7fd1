using System.Diagnostics;

namespace ServiceDesk.Sla.Tests;

/// <summary>Results never depend on the process's time zone: the same calculations run in child processes under other TZs.</summary>
public sealed class TimeZoneIndependenceTests
{
    [Theory]
    [InlineData("Pacific/Kiritimati")]
    [InlineData("America/St_Johns")]
    [InlineData("Asia/Kathmandu")]
    public void Calculations_ChildProcessUnderOtherTz_ProduceIdenticalResults(string tz)
    {
        var expected = TimeZoneProbe.Compute();

        var actual = RunProbe(tz, out var childZone);

        Assert.Equal(tz, childZone);
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected, actual);
    }

    private static string RunProbe(string tz, out string childZone)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(TimeZoneProbe).Assembly.Location);
        start.ArgumentList.Add("probe");
        start.Environment["TZ"] = tz;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the probe did not finish in 60 s");
        Assert.True(process.ExitCode == 0, error);
        var text = output.Result;
        var firstLine = text.IndexOf('\n', StringComparison.Ordinal);
        childZone = text[..firstLine];
        return text[(firstLine + 1)..];
    }
}
