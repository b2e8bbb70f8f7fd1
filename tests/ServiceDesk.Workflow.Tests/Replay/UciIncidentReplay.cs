using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using NodaTime;

namespace ServiceDesk.Workflow.Tests.Replay;

/// <summary>
/// Replays the real ServiceNow incident log (UCI dataset 498) through the shipped incident lifecycle, with the mapping
/// documented in docs/workflows.md ("Real data").
/// </summary>
internal sealed class UciIncidentReplay
{
    /// <summary>The account that performs 99% of the closures, five days after resolution: the instance's auto-close job.</summary>
    public const string SystemAccount = "Updated by 908";

    public static readonly IncidentLifecycleOptions Options = new()
    {
        // The source instance closes resolved incidents five calendar days after resolution: a 24x7 calendar.
        AutoCloseAfterBusinessDays = 5,
        AddBusinessDays = (start, days) => start + Duration.FromDays(days),
        ReopenFromClosedDays = 10,
    };

    private readonly WorkflowDefinition _workflow = IncidentLifecycle.Create(Options);
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

    /// <summary>Maps a ServiceNow state to a status and hold reason; <see langword="null"/> for the unknown state <c>-100</c>.</summary>
    public static (TicketStatus Status, string? Reason)? Map(string state) => state switch
    {
        "New" => (TicketStatus.New, null),
        "Active" => (TicketStatus.InProgress, null),
        "Awaiting User Info" => (TicketStatus.OnHold, IncidentLifecycle.AwaitingCaller),
        "Awaiting Evidence" => (TicketStatus.OnHold, IncidentLifecycle.AwaitingCaller),
        "Awaiting Vendor" => (TicketStatus.OnHold, IncidentLifecycle.AwaitingVendor),
        "Awaiting Problem" => (TicketStatus.OnHold, IncidentLifecycle.AwaitingProblem),
        "Resolved" => (TicketStatus.Resolved, null),
        "Closed" => (TicketStatus.Closed, null),
        _ => null,
    };

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
            var at = ParseTime(f[updatedAt]);
            var mapped = Map(f[state]);
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
                var opened = f[openedAt] == "?" ? at : ParseTime(f[openedAt]);
                ticket = NewTicket(++sequence, target.Status, target.Reason, opened < at ? opened : at, at);
                since = at;
                continue;
            }

            if (ticket.Status == target.Status && ticket.HoldReason == target.Reason)
            {
                Updates++;
                continue;
            }

            var (trigger, context) = Decide(ticket, target, f[updatedBy], at, since);
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

    private static (WorkflowTrigger Trigger, TransitionContext Context) Decide(Ticket ticket, (TicketStatus Status, string? Reason) target, string updatedBy, Instant at, Instant since)
    {
        var actor = updatedBy == SystemAccount
            ? Actor.System
            : Actor.OfAgent(new AgentId(updatedBy == "?" ? "unknown" : updatedBy.Replace("Updated by ", "agent-", StringComparison.Ordinal)));
        var context = new TransitionContext(actor, at) { StatusSince = since };
        var to = target.Status;
        if (to == TicketStatus.OnHold)
        {
            return (IncidentLifecycle.Hold, context with { Reason = target.Reason });
        }

        if (to == TicketStatus.Resolved)
        {
            return (IncidentLifecycle.Resolve, context with { Reason = "SolvedPermanently", Notes = "Resolved (replayed from the ServiceNow log)." });
        }

        if (to == TicketStatus.Closed)
        {
            return (actor.Kind == ActorKind.System ? IncidentLifecycle.AutoClose : IncidentLifecycle.Close, context);
        }

        if (to == TicketStatus.InProgress)
        {
            return (ticket.Status == TicketStatus.New ? IncidentLifecycle.Start
                : ticket.Status == TicketStatus.OnHold ? IncidentLifecycle.Resume
                : IncidentLifecycle.Reopen, context);
        }

        // Back to New: the lifecycle has no trigger for it (the log has no such move); the attempt would be reported as rejected.
        return (new WorkflowTrigger("Renew"), context);
    }

    private static Ticket NewTicket(long sequence, TicketStatus status, string? reason, Instant opened, Instant at) => new()
    {
        Tenant = new TenantId("uci"),
        Id = TicketId.New(),
        Number = new TicketNumber(TicketKind.Incident, sequence),
        Kind = TicketKind.Incident,
        Subject = "Replayed incident",
        Status = status,
        HoldReason = reason,
        Impact = Impact.Medium,
        Urgency = Urgency.Medium,
        Priority = Priority.P3Moderate,
        Channel = Channel.Phone,
        Requester = new Requester(new CustomerId("uci-caller"), "Caller"),
        OpenedAt = opened,
        UpdatedAt = at,
        Version = 1,
    };

    /// <summary>Parses <c>d/M/yyyy HH:mm</c> as UTC.</summary>
    private static Instant ParseTime(string text)
    {
        var parts = text.Split(' ', '/', ':');
        return Instant.FromUtc(int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture));
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
