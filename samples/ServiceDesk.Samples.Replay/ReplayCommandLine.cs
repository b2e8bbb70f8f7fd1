using System.ComponentModel;
using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ServiceDesk.Samples.Replay;

/// <summary>The parsed and checked command line.</summary>
/// <param name="Settings">The replay settings.</param>
/// <param name="OutFolder">The folder of the default SQLite file and of the timestamped HTML reports.</param>
/// <param name="HtmlPath">The HTML report chosen with <c>--html</c> (overwritten when it exists), or
/// <see langword="null"/> for a new timestamped file in <paramref name="OutFolder"/> per run.</param>
public sealed record ReplayCommandLine(ReplaySettings Settings, string OutFolder, string? HtmlPath);

/// <summary>The options of the replay, bound by Spectre.Console.Cli and checked by <see cref="Validate"/>; values are
/// taken as text so that every message names the option and the value given.</summary>
public sealed class ReplayOptions : CommandSettings
{
    /// <summary>Gets or sets <c>--events</c>.</summary>
    [CommandOption("--events <path>")]
    [Description("ServiceNow export (CSV or .csv.gz, UCI 498 columns, quoted fields allowed); default: the shipped UCI log")]
    public string? Events { get; set; }

    /// <summary>Gets or sets <c>--store</c>.</summary>
    [CommandOption("--store <store>")]
    [Description("store to replay into: sqlite, postgres or memory (for comparison); default sqlite")]
    public string? Store { get; set; }

    /// <summary>Gets or sets <c>--db</c>.</summary>
    [CommandOption("--db <path>")]
    [Description("SQLite file, deleted and recreated; default <out>/replay.db")]
    public string? Db { get; set; }

    /// <summary>Gets or sets <c>--connection</c>.</summary>
    [CommandOption("--connection <conn>")]
    [Description("PostgreSQL connection string (with --store postgres)")]
    public string? Connection { get; set; }

    /// <summary>Gets or sets <c>--from</c>.</summary>
    [CommandOption("--from <yyyy-MM-dd>")]
    [Description("only incidents opened on or after this date (UTC)")]
    public string? From { get; set; }

    /// <summary>Gets or sets <c>--to</c>.</summary>
    [CommandOption("--to <yyyy-MM-dd>")]
    [Description("only incidents opened on or before this date (UTC)")]
    public string? To { get; set; }

    /// <summary>Gets or sets <c>--limit</c>.</summary>
    [CommandOption("--limit <N>")]
    [Description("only the first N incidents (e.g. for a smoke test)")]
    public string? Limit { get; set; }

    /// <summary>Gets or sets <c>--sweep-minutes</c>.</summary>
    [CommandOption("--sweep-minutes <N>")]
    [Description("simulated minutes between escalation sweeps; default 15")]
    public string? SweepMinutes { get; set; }

    /// <summary>Gets or sets <c>--batch</c>.</summary>
    [CommandOption("--batch <N>")]
    [Description("commands stored per transaction, 1 to 10000 (1: each on its own); default 1000")]
    public string? Batch { get; set; }

    /// <summary>Gets or sets <c>--out</c>.</summary>
    [CommandOption("--out <folder>")]
    [Description("folder of the SQLite file and the HTML reports, one new report per run named by the run's start (replay-report-20261207T221500Z.html); default ./out")]
    public string? Out { get; set; }

    /// <summary>Gets or sets <c>--html</c>.</summary>
    [CommandOption("--html <path>")]
    [Description("write the HTML report to this file instead (overwritten when it exists, and said so)")]
    public string? Html { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var error = TryBuild(out _);
        return error is null ? ValidationResult.Success() : ValidationResult.Error(error);
    }

    /// <summary>Checks the options and builds the command line.</summary>
    /// <param name="line">The command line, when the options are valid.</param>
    /// <returns><see langword="null"/>, or what is wrong, naming the option and the value.</returns>
    public string? TryBuild(out ReplayCommandLine? line)
    {
        line = null;
        foreach (var (name, value) in new[]
        {
            ("--events", Events), ("--store", Store), ("--db", Db), ("--connection", Connection), ("--from", From), ("--to", To),
            ("--limit", Limit), ("--sweep-minutes", SweepMinutes), ("--batch", Batch), ("--out", Out), ("--html", Html),
        })
        {
            if (value is { Length: 0 })
            {
                return $"Option {name} needs a value.";
            }
        }

        var store = ReplayStore.Sqlite;
        switch (Store?.ToLowerInvariant())
        {
            case null or "sqlite":
                break;
            case "postgres" or "postgresql":
                store = ReplayStore.Postgres;
                break;
            case "memory":
                store = ReplayStore.InMemory;
                break;
            default:
                return $"--store must be sqlite, postgres or memory, not '{Store}'.";
        }

        if (!TryDate("--from", From, out var from, out var error) || !TryDate("--to", To, out var to, out error))
        {
            return error;
        }

        if (from is { } f && to is { } t && f > t)
        {
            return $"--from {f:yyyy-MM-dd} is after --to {t:yyyy-MM-dd}.";
        }

        if (!TryNumber("--limit", Limit, int.MaxValue, out var limit, out error)
            || !TryNumber("--sweep-minutes", SweepMinutes, 7 * 24 * 60, out var sweepMinutes, out error)
            || !TryNumber("--batch", Batch, ServiceDesk.Storage.TicketBatch.MaxAppends, out var batch, out error))
        {
            return error;
        }

        if (store == ReplayStore.Postgres && string.IsNullOrWhiteSpace(Connection))
        {
            return "--store postgres needs --connection <connection string>.";
        }

        if (store != ReplayStore.Postgres && Connection is not null)
        {
            return "--connection is for --store postgres; use --db <path> for SQLite.";
        }

        var events = Events ?? ServiceNowLog.FindShippedLog();
        if (events is null)
        {
            return "The shipped log samples/data/uci-incident-management-event-log/incident_event_log.csv.gz was not found from here; pass --events <path>.";
        }

        if (!File.Exists(events))
        {
            return $"The event log '{events}' does not exist.";
        }

        var outFolder = Out ?? "out";
        var settings = new ReplaySettings
        {
            EventsPath = events,
            Store = store,
            SqlitePath = Db ?? Path.Combine(outFolder, "replay.db"),
            Connection = Connection,
            From = from,
            To = to,
            Limit = limit,
            SweepInterval = Duration.FromMinutes(sweepMinutes ?? 15),
            BatchSize = batch ?? 1_000,
        };
        line = new ReplayCommandLine(settings, outFolder, Html);
        return null;
    }

    private static bool TryDate(string name, string? text, out LocalDate? date, out string? error)
    {
        (date, error) = (null, null);
        if (text is null)
        {
            return true;
        }

        var parsed = LocalDatePattern.Iso.Parse(text);
        if (!parsed.Success)
        {
            error = $"{name} must be a date as yyyy-MM-dd, not '{text}'.";
            return false;
        }

        date = parsed.Value;
        return true;
    }

    private static bool TryNumber(string name, string? text, int max, out int? value, out string? error)
    {
        (value, error) = (null, null);
        if (text is null)
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > max)
        {
            error = max == int.MaxValue
                ? $"{name} must be a whole number of 1 or more, not '{text}'."
                : string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number between 1 and {max}, not '{text}'.");
            return false;
        }

        value = n;
        return true;
    }
}
