using System.Globalization;
using System.IO.Compression;
using System.Text;
using NodaTime;
using ServiceDesk.Workflow;
using ServiceDesk.Workflow.Replay;

namespace ServiceDesk.Benchmarks.Workflow;

/// <summary>One audit event of the UCI incident log, parsed and mapped (see docs/workflows.md, "Real data").</summary>
/// <param name="StartsIncident">Whether this is the first event of an incident.</param>
/// <param name="Status">The mapped status, or <see langword="null"/> for the unknown state <c>-100</c>.</param>
/// <param name="Reason">The mapped hold reason.</param>
/// <param name="At">When the event happened (<c>sys_updated_at</c>, read as UTC).</param>
/// <param name="OpenedAt">When the incident was opened, or <see cref="At"/> when unknown.</param>
/// <param name="Actor">Who acted: the system for the auto-close account, an agent otherwise.</param>
public readonly record struct UciEvent(bool StartsIncident, TicketStatus? Status, string? Reason, Instant At, Instant OpenedAt, Actor Actor);

/// <summary>What a replay counted.</summary>
/// <param name="Updates">Events that did not change the mapped status.</param>
/// <param name="Unmapped">Events in the unknown state, skipped.</param>
/// <param name="Accepted">Transitions the lifecycle accepted.</param>
/// <param name="Rejected">Transitions it rejected.</param>
/// <param name="NewLinkedTicketRequired">Reopens answered with a new linked ticket.</param>
public readonly record struct ReplayCounts(int Updates, int Unmapped, int Accepted, int Rejected, int NewLinkedTicketRequired);

/// <summary>
/// The real ServiceNow incident log of UCI dataset 498 (141,712 events of 24,918 incidents), parsed once, and the replay
/// logic of the Workflow tests' <c>UciIncidentReplay</c> without its per-kind report; the mapping and trigger choice are
/// the tests' own <c>UciIncidentMapping</c>, linked into this project.
/// </summary>
public static class UciIncidentLog
{
    /// <summary>Gets the counts the replay test documents for the shipped incident lifecycle.</summary>
    public static ReplayCounts Documented { get; } = new(52_767, 5, 64_003, 15, 4);

    /// <summary>Finds the log: <c>SERVICEDESK_UCI_INCIDENT_LOG</c>, or the copy shipped in <c>samples/data/</c>.</summary>
    public static string DataPath()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("SERVICEDESK_UCI_INCIDENT_LOG");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ServiceDesk.Core.sln")))
        {
            dir = dir.Parent;
        }

        return dir is null
            ? throw new FileNotFoundException("The repository root (ServiceDesk.Core.sln) was not found; set SERVICEDESK_UCI_INCIDENT_LOG to the log's path.")
            : Path.GetFullPath(Path.Combine(dir.FullName, "samples", "data", "uci-incident-management-event-log", "incident_event_log.csv.gz"));
    }

    /// <summary>Reads and maps every event of the log.</summary>
    public static UciEvent[] Load(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.ASCII);
        var header = reader.ReadLine()!.Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        var (number, state, updatedBy, updatedAt, openedAt) = (Column("number"), Column("incident_state"), Column("sys_updated_by"), Column("sys_updated_at"), Column("opened_at"));

        var events = new List<UciEvent>(150_000);
        var actors = new Dictionary<string, Actor>(StringComparer.Ordinal);
        string? current = null;
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            var at = UciIncidentMapping.ParseTime(f[updatedAt]);
            var starts = f[number] != current;
            current = f[number];
            var mapped = UciIncidentMapping.Map(f[state]);
            if (!actors.TryGetValue(f[updatedBy], out var actor))
            {
                actors[f[updatedBy]] = actor = UciIncidentMapping.ActorOf(f[updatedBy]);
            }

            events.Add(new UciEvent(starts, mapped?.Status, mapped?.Reason, at, f[openedAt] == "?" ? at : UciIncidentMapping.ParseTime(f[openedAt]), actor));
        }

        return [.. events];
    }

    /// <summary>Replays the events; <paramref name="decide"/> answers each transition with its outcome and the ticket after it.</summary>
    public static ReplayCounts Replay(UciEvent[] events, Func<Ticket, WorkflowTrigger, TransitionContext, (TransitionOutcome Outcome, Ticket Ticket)> decide)
    {
        int updates = 0, unmapped = 0, accepted = 0, rejected = 0, newLinked = 0;
        Ticket? ticket = null;
        var since = Instant.MinValue;
        var sequence = 0L;
        foreach (var e in events)
        {
            if (e.StartsIncident)
            {
                ticket = null;
            }

            if (e.Status is not { } status)
            {
                unmapped++;
                continue;
            }

            if (ticket is null)
            {
                ticket = UciIncidentMapping.NewTicket(++sequence, status, e.Reason, e.OpenedAt < e.At ? e.OpenedAt : e.At, e.At);
                since = e.At;
                continue;
            }

            if (ticket.Status == status && ticket.HoldReason == e.Reason)
            {
                updates++;
                continue;
            }

            var (trigger, context) = UciIncidentMapping.Decide(ticket, status, e.Reason, e.Actor, e.At, since);
            var (outcome, next) = decide(ticket, trigger, context);
            if (outcome == TransitionOutcome.Transitioned)
            {
                accepted++;
                ticket = next;
            }
            else
            {
                if (outcome == TransitionOutcome.NewLinkedTicketRequired)
                {
                    newLinked++;
                }
                else
                {
                    rejected++;
                }

                // The log is the truth: follow it.
                ticket = ticket with { Status = status, HoldReason = e.Reason, UpdatedAt = e.At > ticket.UpdatedAt ? e.At : ticket.UpdatedAt };
            }

            since = e.At;
        }

        return new ReplayCounts(updates, unmapped, accepted, rejected, newLinked);
    }
}
