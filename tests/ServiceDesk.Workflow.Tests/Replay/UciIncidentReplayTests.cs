using System.Text;

namespace ServiceDesk.Workflow.Tests.Replay;

public class UciIncidentReplayTests
{
    internal static string Report(UciIncidentReplay replay)
    {
        static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
        var sb = new StringBuilder();
        sb.Append("| measure | count |\n|---|---|\n");
        sb.Append($"| events | {replay.Events:N0} |\n| incidents | {replay.Incidents:N0} |\n");
        sb.Append($"| updates without a status change | {replay.Updates:N0} |\n| events in the unknown state `-100` (skipped) | {replay.Unmapped:N0} |\n");
        sb.Append($"| transitions accepted | {replay.Accepted:N0} |\n| transitions rejected | {replay.Rejected:N0} |\n| reopens answered with `NewLinkedTicketRequired` | {replay.NewLinkedTicketRequired:N0} |\n");
        sb.Append("\n| observed transition (mapped) | observed | accepted | rejected | rejected by |\n|---|---|---|---|---|\n");
        foreach (var (kind, s) in replay.Kinds.OrderByDescending(k => k.Value.Observed).ThenBy(k => k.Key, StringComparer.Ordinal))
        {
            var by = string.Join(", ", s.RejectedBy.Select(r => $"`{r.Key}` ({r.Value:N0})"));
            sb.Append($"| {Cell(kind)} | {s.Observed:N0} | {s.Accepted:N0} | {s.Rejected:N0} | {Cell(by)} |\n");
        }

        return sb.ToString();
    }

    [Fact]
    public void Replay_RealServiceNowLog_MatchesDocumentedExpectation()
    {
        var path = UciIncidentReplay.DataPath();
        Assert.True(File.Exists(path), $"The UCI incident log is missing at {path}; set SERVICEDESK_UCI_INCIDENT_LOG to its path.");
        var replay = new UciIncidentReplay();

        replay.Run(path);

        // Integrity of the source (published figures).
        Assert.Equal(141_712, replay.Events);
        Assert.Equal(24_918, replay.Incidents);
        Assert.Equal(5, replay.Unmapped);

        // Every event is accounted for: the first of each incident, an update, a skipped one, or a decision.
        Assert.Equal(replay.Events, replay.Incidents + replay.Updates + replay.Unmapped + replay.Accepted + replay.Rejected + replay.NewLinkedTicketRequired);

        // The documented expectation (docs/workflows.md, "Real data"): the ServiceNow moves the lifecycle models are accepted...
        Assert.All(
            replay.Kinds.Where(k => k.Key.StartsWith("Resolved -> InProgress", StringComparison.Ordinal)
                || (!k.Key.StartsWith("Resolved", StringComparison.Ordinal) && !k.Key.StartsWith("Closed", StringComparison.Ordinal)
                    && (k.Key.EndsWith(" by Start", StringComparison.Ordinal) || k.Key.EndsWith(" by Resolve", StringComparison.Ordinal)
                        || k.Key.EndsWith(" by Hold", StringComparison.Ordinal) || k.Key.EndsWith(" by Resume", StringComparison.Ordinal)))),
            k => Assert.Equal(k.Value.Observed, k.Value.Accepted));

        // ...and what it forbids is rejected, each by the documented guard.
        Assert.Equal(13, replay.Kinds.Where(k => k.Key.Contains("-> Closed by Close", StringComparison.Ordinal) && !k.Key.StartsWith("Resolved", StringComparison.Ordinal)).Sum(k => k.Value.RejectedBy["trigger"]));
        Assert.Equal(2, replay.Kinds["Resolved -> OnHold(AwaitingCaller) by Hold"].RejectedBy["trigger"]);
        var autoClose = replay.Kinds["Resolved -> Closed by AutoClose"];
        Assert.Equal(autoClose.Observed, autoClose.Accepted);
        Assert.Equal(15, replay.Rejected);
        var reopenClosed = replay.Kinds["Closed -> InProgress by Reopen"];
        Assert.Equal(reopenClosed.Rejected, reopenClosed.NewLinkedTicket);
        Assert.Equal(reopenClosed.Rejected, reopenClosed.RejectedBy[IncidentLifecycle.WithinReopenWindowGuard]);
        Assert.True(reopenClosed.Accepted > 0 && reopenClosed.NewLinkedTicket > 0);

        // The whole table is the documented expectation, byte for byte.
        var docs = File.ReadAllText(WorkflowDocsTests.DocsPath()).Replace("\r\n", "\n", StringComparison.Ordinal);
        const string begin = "<!-- replay:begin -->\n";
        var start = docs.IndexOf(begin, StringComparison.Ordinal) + begin.Length;
        var end = docs.IndexOf("<!-- replay:end -->", StringComparison.Ordinal);
        Assert.True(start >= begin.Length && end >= start, "docs/workflows.md has no replay block");
        var report = Report(replay);
        if (Environment.GetEnvironmentVariable("SERVICEDESK_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(WorkflowDocsTests.DocsPath(), docs[..start] + report + docs[end..]);
            return;
        }

        Assert.Equal(docs[start..end], report);
    }
}
