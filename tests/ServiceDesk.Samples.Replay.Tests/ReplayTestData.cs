using System.IO.Compression;
using System.Text;
using Spectre.Console;

namespace ServiceDesk.Samples.Replay.Tests;

/// <summary>Paths and helpers shared by the replay tests.</summary>
internal static class ReplayTestData
{
    public static string ShippedLog => ServiceNowLog.FindShippedLog()
        ?? throw new InvalidOperationException("The shipped UCI log was not found; set SERVICEDESK_UCI_INCIDENT_LOG.");

    public static string TempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "servicedesk-replay-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>The header and the first <paramref name="rows"/> data rows of the shipped log.</summary>
    public static List<string> FirstLines(int rows)
    {
        using var file = File.OpenRead(ShippedLog);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.ASCII);
        var lines = new List<string>();
        while (lines.Count <= rows && reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    public static (IAnsiConsole Console, StringWriter Output) Console()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 160;
        return (console, output);
    }
}
