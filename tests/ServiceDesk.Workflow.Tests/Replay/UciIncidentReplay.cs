using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using NodaTime;
using ServiceDesk.Workflow.Replay;

namespace ServiceDesk.Workflow.Tests.Replay;

/// <summary>
/// Replays the real ServiceNow incident log (UCI dataset 498) through the shipped incident lifecycle, with the mapping
/// documented in docs/workflows.md ("Real data").
/// </summary>
internal sealed class UciIncidentReplay
{
    private readonly WorkflowDefinition _workflow = IncidentLifecycle.Create(UciIncidentMapping.Options);
    private readonly Dictionary<string, KindStats> _kinds = new(StringComparer.Ordinal);

    public int Events { get; private set; }

    public int Incidents { get; private set; }

    public int Updates { get; private set; }

    public int Unmapped { get; private set; }

    public int Accepted { get; private set; }

    public int Rejected { get; private set; }

    public int NewLinkedTicketRequired { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public IReadOnlyDictionary<string, KindStats> Kinds => _kinds;

    public static string DataPath()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("SERVICEDESK_UCI_INCIDENT_LOG");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        var docs = WorkflowDocsTests.DocsPath();
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(docs)!, "..", "samples", "data", "uci-incident-management-event-log", "incident_event_log.csv.gz"));
    }

    public void Run(string path)
    {
        var stopwatch = Stopwatch.StartNew();
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.ASCII);
        var header = reader.ReadLine()!.Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        var (number, state, updatedBy, updatedAt, openedAt) = (Column("number"), Column("incident_state"), Column("sys_updated_by"), Column("sys_updated_at"), Column("opened_at"));

        string? current = null;
        Ticket? ticket = null;
        var since = Instant.MinValue;
        var sequence = 0L;
        while (reader.ReadLine() is { } line)
        {
            Events++;
            var f = line.Split(',');
            var at = UciIncidentMapping.ParseTime(f[updatedAt]);
            var mapped = UciIncidentMapping.Map(f[state]);
            if (f[number] != current)
            {
                current = f[number];
                Incidents++;
                ticket = null;
            }

            if (mapped is not { } target)
            {
                Unmapped++;
                continue;
            }

            if (ticket is null)
            {
                var opened = f[openedAt] == "?" ? at : UciIncidentMapping.ParseTime(f[openedAt]);
                ticket = UciIncidentMapping.NewTicket(++sequence, target.Status, target.Reason, opened < at ? opened : at, at);
                since = at;
                continue;
            }

            if (ticket.Status == target.Status && ticket.HoldReason == target.Reason)
            {
                Updates++;
                continue;
            }

            var (trigger, context) = UciIncidentMapping.Decide(ticket, target.Status, target.Reason, UciIncidentMapping.ActorOf(f[updatedBy]), at, since);
            var result = _workflow.TryFire(ticket, trigger, context);
            var kind = $"{ticket.Status}{(ticket.HoldReason is { } r ? "(" + r + ")" : string.Empty)} -> {target.Status}{(target.Reason is { } t ? "(" + t + ")" : string.Empty)} by {trigger}";
            if (!_kinds.TryGetValue(kind, out var stats))
            {
                _kinds[kind] = stats = new KindStats();
            }

            stats.Observed++;
            if (result.Succeeded)
            {
                Accepted++;
                stats.Accepted++;
                ticket = result.Ticket;
                if (ticket.Status != target.Status || ticket.HoldReason != target.Reason)
                {
                    throw new InvalidOperationException($"{current}: the lifecycle moved to {ticket.Status} but the log says {target.Status}.");
                }
            }
            else
            {
                if (result.Outcome == TransitionOutcome.NewLinkedTicketRequired)
                {
                    NewLinkedTicketRequired++;
                    stats.NewLinkedTicket++;
                }
                else
                {
                    Rejected++;
                }

                stats.Rejected++;
                foreach (var unmet in result.UnmetGuards)
                {
                    stats.RejectedBy[unmet.Name] = stats.RejectedBy.GetValueOrDefault(unmet.Name) + 1;
                }

                // The log is the truth: follow it.
                ticket = ticket with { Status = target.Status, HoldReason = target.Reason, UpdatedAt = at > ticket.UpdatedAt ? at : ticket.UpdatedAt };
            }

            since = at;
        }

        Elapsed = stopwatch.Elapsed;
    }

    internal sealed class KindStats
    {
        public int Observed { get; set; }

        public int Accepted { get; set; }

        public int Rejected { get; set; }

        public int NewLinkedTicket { get; set; }

        public SortedDictionary<string, int> RejectedBy { get; } = new(StringComparer.Ordinal);
    }
}
