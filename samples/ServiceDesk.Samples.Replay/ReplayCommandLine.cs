using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace ServiceDesk.Samples.Replay;

/// <summary>The parsed command line.</summary>
/// <param name="Settings">The replay settings.</param>
/// <param name="HtmlPath">Where the HTML report goes.</param>
/// <param name="Help">Whether only the help was asked for.</param>
public sealed record ReplayCommandLine(ReplaySettings Settings, string HtmlPath, bool Help)
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        Replays a ServiceNow incident log through ServiceDesk.Core in simulated time and reports SLA, escalations,
        reassignments and invoices.

        Usage: dotnet run --project samples/ServiceDesk.Samples.Replay -- [options]

        Options:
          --events <path>        ServiceNow export (CSV or .csv.gz, UCI 498 columns); default: the shipped UCI log
          --store sqlite|postgres|memory  store to replay into; default sqlite (memory: for comparison)
          --db <path>            SQLite file, deleted and recreated; default ./out/replay.db
          --connection <conn>    PostgreSQL connection string (with --store postgres)
          --from <yyyy-MM-dd>    only incidents opened on or after this date (UTC)
          --to <yyyy-MM-dd>      only incidents opened on or before this date (UTC)
          --limit <N>            only the first N incidents (e.g. for a smoke test)
          --sweep-minutes <N>    simulated minutes between escalation sweeps; default 15
          --batch <N>            commands stored per transaction (1: each on its own); default 1000
          --html <path>          HTML report; default ./out/replay-report.html
          --help                 this text
        """;

    /// <summary>Parses the arguments.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="error">Why they are invalid, when they are.</param>
    /// <returns>The command line, or <see langword="null"/> with <paramref name="error"/> set.</returns>
    public static ReplayCommandLine? Parse(IReadOnlyList<string> args, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        error = null;
        string? events = null, db = null, connection = null, html = null;
        var store = ReplayStore.Sqlite;
        LocalDate? from = null, to = null;
        int? limit = null;
        var sweepMinutes = 15;
        var batchSize = 1_000;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h" or "-?")
            {
                return new ReplayCommandLine(new ReplaySettings { EventsPath = string.Empty }, string.Empty, Help: true);
            }

            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"Unexpected argument '{name}'. Run with --help for the options.";
                return null;
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                error = $"Option {name} needs a value. Run with --help for the options.";
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--events":
                    events = value;
                    break;
                case "--db":
                    db = value;
                    break;
                case "--connection":
                    connection = value;
                    break;
                case "--html":
                    html = value;
                    break;
                case "--store":
                    switch (value.ToLowerInvariant())
                    {
                        case "sqlite":
                            store = ReplayStore.Sqlite;
                            break;
                        case "postgres" or "postgresql":
                            store = ReplayStore.Postgres;
                            break;
                        case "memory":
                            store = ReplayStore.InMemory;
                            break;
                        default:
                            error = $"--store must be sqlite, postgres or memory, not '{value}'.";
                            return null;
                    }

                    break;
                case "--from" or "--to":
                    var parsed = LocalDatePattern.Iso.Parse(value);
                    if (!parsed.Success)
                    {
                        error = $"{name} must be a date as yyyy-MM-dd, not '{value}'.";
                        return null;
                    }

                    if (name == "--from")
                    {
                        from = parsed.Value;
                    }
                    else
                    {
                        to = parsed.Value;
                    }

                    break;
                case "--limit" or "--sweep-minutes" or "--batch":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                    {
                        error = $"{name} must be a whole number of 1 or more, not '{value}'.";
                        return null;
                    }

                    if (name == "--limit")
                    {
                        limit = n;
                    }
                    else if (name == "--batch")
                    {
                        if (n > ServiceDesk.Storage.TicketBatch.MaxAppends)
                        {
                            error = $"--batch must be between 1 and {ServiceDesk.Storage.TicketBatch.MaxAppends}, not '{value}'.";
                            return null;
                        }

                        batchSize = n;
                    }
                    else
                    {
                        sweepMinutes = n;
                    }

                    break;
                default:
                    error = $"Unknown option '{name}'. Run with --help for the options.";
                    return null;
            }
        }

        if (from is { } f && to is { } t && f > t)
        {
            error = $"--from {f:yyyy-MM-dd} is after --to {t:yyyy-MM-dd}.";
            return null;
        }

        if (store == ReplayStore.Postgres && string.IsNullOrWhiteSpace(connection))
        {
            error = "--store postgres needs --connection <connection string>.";
            return null;
        }

        if (store != ReplayStore.Postgres && connection is not null)
        {
            error = "--connection is for --store postgres; use --db <path> for SQLite.";
            return null;
        }

        events ??= ServiceNowLog.FindShippedLog();
        if (events is null)
        {
            error = "The shipped log samples/data/uci-incident-management-event-log/incident_event_log.csv.gz was not found from here; pass --events <path>.";
            return null;
        }

        if (!File.Exists(events))
        {
            error = $"The event log '{events}' does not exist.";
            return null;
        }

        var settings = new ReplaySettings
        {
            EventsPath = events,
            Store = store,
            SqlitePath = db ?? Path.Combine("out", "replay.db"),
            Connection = connection,
            From = from,
            To = to,
            Limit = limit,
            SweepInterval = Duration.FromMinutes(sweepMinutes),
            BatchSize = batchSize,
        };
        return new ReplayCommandLine(settings, html ?? Path.Combine("out", "replay-report.html"), Help: false);
    }
}
