using System.Globalization;
using System.Diagnostics;
using ServiceDesk.Storage;
using Spectre.Console;

namespace ServiceDesk.Samples.Replay;

/// <summary>The command-line host: parses the options, runs the replay with a progress display, prints the report and
/// writes the HTML file.</summary>
public static class ReplayApp
{
    /// <summary>Exit code: the replay ran (rows may have been skipped; they are reported).</summary>
    public const int Ok = 0;

    /// <summary>Exit code: invalid options or a missing or unreadable log.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code: the store failed.</summary>
    public const int StoreFailed = 3;

    /// <summary>Runs the host.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="console">Where to write.</param>
    /// <param name="interactive">Whether to draw a live progress bar (a terminal); otherwise plain progress lines.</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, IAnsiConsole console, bool interactive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(console);
        var line = ReplayCommandLine.Parse(args, out var error);
        if (line is null)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(error!)}");
            return BadInput;
        }

        if (line.Help)
        {
            console.WriteLine(ReplayCommandLine.Usage);
            return Ok;
        }

        var runner = new ReplayRunner(line.Settings);
        ReplayReport report;
        try
        {
            report = interactive
                ? await RunWithProgressBarAsync(console, runner, cancellationToken).ConfigureAwait(false)
                : await runner.RunAsync(new PlainProgress(console), cancellationToken).ConfigureAwait(false);
        }
        catch (LogFormatException ex)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(ex.Message)}");
            return BadInput;
        }
        catch (StorageException ex)
        {
            console.MarkupLine($"[red]error:[/] the store failed: {Markup.Escape(ex.Message)}");
            return StoreFailed;
        }

        ConsoleReport.Write(console, report);
        var html = HtmlReport.Write(report, line.HtmlPath);
        console.WriteLine();
        console.MarkupLine($"HTML report: [link]{Markup.Escape(html)}[/]");
        return Ok;
    }

    private static async Task<ReplayReport> RunWithProgressBarAsync(IAnsiConsole console, ReplayRunner runner, CancellationToken cancellationToken)
    {
        ReplayReport? report = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var progress = new SynchronousProgress(p =>
                {
                    if (!tasks.TryGetValue(p.Phase, out var task))
                    {
                        foreach (var other in tasks.Values)
                        {
                            other.Value = other.MaxValue;
                        }

                        tasks[p.Phase] = task = ctx.AddTask(p.Phase, maxValue: Math.Max(1, p.Total));
                    }

                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = p.Simulated is { } at ? $"{p.Phase} [grey]({ReportFormat.At(at)})[/]" : p.Phase;
                });
                report = await runner.RunAsync(progress, cancellationToken).ConfigureAwait(false);
                foreach (var task in tasks.Values)
                {
                    task.Value = task.MaxValue;
                }
            }).ConfigureAwait(false);
        return report!;
    }

    /// <summary>Reports on the calling thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<ReplayProgress> report) : IProgress<ReplayProgress>
    {
        public void Report(ReplayProgress value) => report(value);
    }

    /// <summary>Plain progress lines for redirected output: one per phase and one per 10% of the replay.</summary>
    private sealed class PlainProgress(IAnsiConsole console) : IProgress<ReplayProgress>
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private string? _phase;
        private long _nextTenth;

        public void Report(ReplayProgress value)
        {
            if (value.Phase != _phase)
            {
                _phase = value.Phase;
                _nextTenth = 0;
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_watch.Elapsed.TotalSeconds,6:0.0}s] {value.Phase}..."));
            }

            if (value.Total > 1 && value.Done * 10 >= _nextTenth * value.Total && _nextTenth <= 10)
            {
                var at = value.Simulated is { } s ? $", simulated {ReportFormat.At(s)}" : string.Empty;
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_watch.Elapsed.TotalSeconds,6:0.0}s] {value.Phase}: {value.Done:N0}/{value.Total:N0} ({100 * value.Done / value.Total}%){at}"));
                _nextTenth = (value.Done * 10 / value.Total) + 1;
            }
        }
    }
}
