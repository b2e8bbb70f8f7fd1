using System.Diagnostics;
using System.Globalization;
using NodaTime;
using NodaTime.Text;
using ServiceDesk.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ServiceDesk.Samples.Replay;

/// <summary>The command-line host (Spectre.Console.Cli): parses the options, runs the replay with a progress display,
/// prints the report and writes the HTML file.</summary>
public static class ReplayApp
{
    /// <summary>Exit code: the replay ran (rows may have been skipped and the range may hold no incident; both are reported).</summary>
    public const int Ok = 0;

    /// <summary>Exit code: invalid options or a missing or unreadable log.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code: the store failed.</summary>
    public const int StoreFailed = 3;

    /// <summary>Exit code: cancelled with Ctrl+C.</summary>
    public const int Cancelled = 130;

    /// <summary>The line printed, and written in the report, when the selection holds no incident.</summary>
    public const string NoIncidents = "no incidents in range";

    private static readonly InstantPattern FileStamp = InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'");

    /// <summary>Runs the host with the machine's clock naming the report.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="console">Where to write.</param>
    /// <param name="interactive">Whether to draw a live progress bar (a terminal); otherwise plain progress lines.</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(IReadOnlyList<string> args, IAnsiConsole console, bool interactive, CancellationToken cancellationToken = default)
        => RunAsync(args, console, interactive, SystemClock.Instance, cancellationToken);

    /// <summary>Runs the host.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="console">Where to write.</param>
    /// <param name="interactive">Whether to draw a live progress bar (a terminal); otherwise plain progress lines.</param>
    /// <param name="clock">Gives the run's start instant, which names the HTML report.</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>The exit code: <see cref="Ok"/>, <see cref="BadInput"/>, <see cref="StoreFailed"/> or <see cref="Cancelled"/>.</returns>
    public static Task<int> RunAsync(IReadOnlyList<string> args, IAnsiConsole console, bool interactive, IClock clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(clock);
        // Spectre.Console.Cli gives a trailing option without its value the token of the default command as value
        // ("__default_command"), so a last "--limit" is caught here, by the options' own names.
        if (args.Count > 0 && args[^1].StartsWith("--", StringComparison.Ordinal)
            && typeof(ReplayOptions).GetProperties().SelectMany(p => p.GetCustomAttributes(typeof(CommandOptionAttribute), false).Cast<CommandOptionAttribute>())
                .Any(o => o.LongNames.Contains(args[^1][2..], StringComparer.Ordinal)))
        {
            console.MarkupLine($"[red]error:[/] Option {Markup.Escape(args[^1])} needs a value. Run with --help for the options.");
            return Task.FromResult(BadInput);
        }

        var app = new CommandApp<ReplayCommand>()
            .WithDescription("Replays a ServiceNow incident log through ServiceDesk.Core in simulated time and reports SLA, escalations, reassignments and invoices.")
            .WithData(new ReplayHost(console, interactive, clock));
        app.Configure(config =>
        {
            config.SetApplicationName("dotnet run --project samples/ServiceDesk.Samples.Replay --");
            config.UseStrictParsing(); // an unknown option is an error, wherever it stands
            config.Settings.Console = console;
            config.Settings.CancellationExitCode = Cancelled;
            config.SetExceptionHandler((exception, _) =>
            {
                // Parse and validation errors: unknown options, a missing value, a bad value (ReplayOptions.Validate).
                console.MarkupLine($"[red]error:[/] {Markup.Escape(exception.Message)} Run with --help for the options.");
                return BadInput;
            });
        });
        return app.RunAsync(args, cancellationToken);
    }

    /// <summary>Finds the report's file: <paramref name="htmlPath"/> when given, otherwise a new file in
    /// <paramref name="outFolder"/> named by <paramref name="started"/> (<c>replay-report-20261207T221500Z.html</c>,
    /// then <c>-2</c>, <c>-3</c>… when a run of the same second already wrote one), so every run keeps its report.</summary>
    /// <param name="outFolder">The output folder.</param>
    /// <param name="htmlPath">The path asked for with <c>--html</c>, or <see langword="null"/>.</param>
    /// <param name="started">The run's start.</param>
    /// <returns>The full path and whether a report there is overwritten.</returns>
    public static (string Path, bool Overwrites) ReportPath(string outFolder, string? htmlPath, Instant started)
    {
        if (htmlPath is not null)
        {
            var full = Path.GetFullPath(htmlPath);
            return (full, File.Exists(full));
        }

        var stem = Path.Combine(Path.GetFullPath(outFolder), "replay-report-" + FileStamp.Format(started));
        var path = stem + ".html";
        for (var n = 2; File.Exists(path); n++)
        {
            path = string.Create(CultureInfo.InvariantCulture, $"{stem}-{n}.html");
        }

        return (path, false);
    }

    /// <summary>What the command needs from its host.</summary>
    private sealed record ReplayHost(IAnsiConsole Console, bool Interactive, IClock Clock);

    /// <summary>The replay as a Spectre.Console.Cli command.</summary>
    private sealed class ReplayCommand : AsyncCommand<ReplayOptions>
    {
        public override async Task<int> ExecuteAsync(CommandContext context, ReplayOptions settings, CancellationToken cancellationToken)
        {
            var (console, interactive, clock) = (ReplayHost)context.Data!;
            var started = clock.GetCurrentInstant();
            if (settings.TryBuild(out var line) is { } error)
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(error)} Run with --help for the options.");
                return BadInput;
            }

            var runner = new ReplayRunner(line!.Settings);
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
            var (path, overwrites) = ReportPath(line.OutFolder, line.HtmlPath, started);
            HtmlReport.Write(report, path);
            console.WriteLine();
            console.MarkupLine($"HTML report: [link]{Markup.Escape(path)}[/]{(overwrites ? " (overwrote the previous report)" : string.Empty)}");
            return Ok;
        }
    }

    private static async Task<ReplayReport> RunWithProgressBarAsync(IAnsiConsole console, ReplayRunner runner, CancellationToken cancellationToken)
    {
        ReplayReport? report = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var bar = new ReplayProgressBar(ctx);
                report = await runner.RunAsync(bar, cancellationToken).ConfigureAwait(false);
                bar.Complete();
            }).ConfigureAwait(false);
        return report!;
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

/// <summary>
/// Shows <see cref="ReplayProgress"/> as one Spectre.Console progress task per phase: a phase's task follows its
/// <c>Done</c>/<c>Total</c>, and is completed (100 %) and stopped (its elapsed time frozen) when the next phase starts
/// or <see cref="Complete"/> is called. Reports arrive on the replay's thread (not posted to the pool as
/// <see cref="Progress{T}"/> does), so none arrives after the phase ended.
/// </summary>
/// <param name="context">The progress display.</param>
public sealed class ReplayProgressBar(ProgressContext context) : IProgress<ReplayProgress>
{
    private readonly List<(string Phase, ProgressTask Task)> _tasks = [];

    /// <summary>Gets the tasks, one per phase, in order.</summary>
    public IReadOnlyList<ProgressTask> Tasks => [.. _tasks.Select(t => t.Task)];

    /// <inheritdoc />
    public void Report(ReplayProgress value)
    {
        ProgressTask task;
        if (_tasks.Count > 0 && _tasks[^1].Phase == value.Phase)
        {
            task = _tasks[^1].Task;
        }
        else
        {
            Finish();
            task = context.AddTask(value.Phase, maxValue: Math.Max(1, value.Total));
            _tasks.Add((value.Phase, task));
        }

        task.MaxValue = Math.Max(1, value.Total);
        task.Value = Math.Min(value.Done, task.MaxValue);
        task.Description = value.Simulated is { } at ? $"{value.Phase} [grey]({ReportFormat.At(at)})[/]" : value.Phase;
    }

    /// <summary>Completes and stops the last phase's task.</summary>
    public void Complete() => Finish();

    private void Finish()
    {
        if (_tasks.Count > 0)
        {
            var last = _tasks[^1].Task;
            last.Value = last.MaxValue;
            last.StopTask();
        }
    }
}
