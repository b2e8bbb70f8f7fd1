using System.Globalization;
using System.Net;
using System.Text;
using static ServiceDesk.Samples.Replay.ReportFormat;

namespace ServiceDesk.Samples.Replay;

/// <summary>Writes a <see cref="ReplayReport"/> as one self-contained HTML file: inline CSS and inline SVG bar charts, no
/// script and nothing loaded from elsewhere.</summary>
public static class HtmlReport
{
    /// <summary>Renders the report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The HTML document.</returns>
    public static string Render(ReplayReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var h = new StringBuilder();
        h.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>ServiceNow replay report</title>
            <style>
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
            h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
            table{border-collapse:collapse;margin:.6rem 0}th,td{padding:.3rem .7rem;border-bottom:1px solid #eee;text-align:left}
            th{background:#f5f5f7}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:600;border-top:2px solid #ccc}
            .muted{color:#777}.warn{color:#a15c00}svg text{font:12px system-ui,sans-serif}dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{color:#666}
            </style></head><body>
            <h1>ServiceNow replay report</h1>
            <p class="muted">UCI "Incident management process enriched event log" (dataset 498, DOI 10.24432/C57S4H, CC BY 4.0) replayed through ServiceDesk.Core.</p>
            """);
        h.Append("<dl>");
        Dt(h, "log", report.Source);
        Dt(h, "store", report.Store);
        Dt(h, "simulated time", $"{At(report.Simulated.Start)} to {At(report.Simulated.End)} UTC");
        Dt(h, "incidents / events", $"{N(report.Incidents)} incidents, {N(report.Events)} of {N(report.Rows)} rows applied, {N(report.IssueCount)} skipped");
        Dt(h, "engine commands", $"{N(report.Commands)}: {N(report.TransitionsApplied)} transitions applied, {N(report.TransitionsRejected)} refused by the lifecycle, {N(report.ResolvedBeforeClose)} closures replayed as resolve + close");
        Dt(h, "wall time", $"{Wall(report.Elapsed)} in all ({Wall(report.ReplayElapsed)} replaying, of which {Wall(report.SweepElapsed)} sweeping), {Rate(report.EventsPerSecond)} events/s");
        h.Append("</dl>");
        if (report.Incidents == 0)
        {
            h.Append("<p class=\"warn\">").Append(E(ReplayApp.NoIncidents)).Append(".</p></body></html>\n");
            return h.ToString();
        }

        if (report.RefusedTransitions.Count > 0)
        {
            h.Append("<h2>Transitions the lifecycle refused</h2><p class=\"muted\">The log moved on; the ticket stayed where the lifecycle allows.</p>");
            Table(h, ["transition (from -> to by trigger: unmet guards)", "count"], [false, true], report.RefusedTransitions.Select(r => new[] { r.Kind, N(r.Count) }), null);
        }

        if (report.Issues.Count > 0)
        {
            h.Append(CultureInfo.InvariantCulture, $"<h2>Skipped rows ({N(report.IssueCount)})</h2><ul class=\"warn\">");
            foreach (var issue in report.Issues.Take(50))
            {
                h.Append("<li>").Append(E(issue.ToString())).Append("</li>");
            }

            h.Append("</ul>");
        }

        h.Append("<h2>SLA per priority (resolution clock)</h2>");
        Table(h, ["priority", "met", "breached", "open", "total", "met %"], [false, true, true, true, true, true],
            report.Sla.Select(s => new[] { Priority(s.Priority), N(s.Met), N(s.Breached), N(s.Open), N(s.Total), Percent(s.Met, s.Met + s.Breached) }),
            ["all", N(report.Sla.Sum(s => s.Met)), N(report.Sla.Sum(s => s.Breached)), N(report.Sla.Sum(s => s.Open)), N(report.Sla.Sum(s => s.Total)),
                Percent(report.Sla.Sum(s => s.Met), report.Sla.Sum(s => s.Met + s.Breached))]);
        Bars(h, "Met and breached per priority", report.Sla.SelectMany(s => new[]
        {
            ($"{Priority(s.Priority)} met", (double)s.Met, "#3b8a4a"),
            ($"{Priority(s.Priority)} breached", (double)s.Breached, "#c0392b"),
        }).ToList(), v => N((long)v));

        h.Append("<h2>Resolution time</h2>");
        Table(h, ["", "count", "mean", "p50", "p90", "p99"], [false, true, true, true, true, true],
            new[] { ("wall clock", report.WallResolution), ("business time (calendar, holds excluded)", report.BusinessResolution) }
                .Select(r => new[] { r.Item1, N(r.Item2.Count), D(r.Item2.Mean), D(r.Item2.P50), D(r.Item2.P90), D(r.Item2.P99) }), null);

        h.Append("<h2>Escalations</h2>");
        if (!report.EscalationsRan)
        {
            h.Append("<p class=\"warn\">").Append(E(report.EscalationNotice ?? "Escalations did not run.")).Append("</p>");
        }
        else
        {
            h.Append(CultureInfo.InvariantCulture, $"<p>{N(report.Sweeps)} sweeps; {N(report.SweepTotals.Claimed)} timers claimed; {N(report.SweepTotals.Thresholds)} SLA thresholds recorded; {N(report.FunctionalEscalations)} functional moves to 2nd-line.</p>");
            Table(h, ["level", "rule", "tickets escalated"], [false, false, true],
                report.EscalationsByLevel.Select(e => new[] { e.Level.ToString(CultureInfo.InvariantCulture), e.Rule, N(e.Count) }), null);
            Bars(h, "Tickets escalated per level", report.EscalationsByLevel.Select(e => ($"L{e.Level} {e.Rule}", (double)e.Count, "#d9822b")).ToList(), v => N((long)v));
        }

        h.Append("<h2>Reassignments and busiest groups</h2>");
        h.Append(CultureInfo.InvariantCulture, $"<p>{N(report.Reassignments)} group changes replayed from the log on {N(report.ReassignedTickets)} tickets (the log's own <code>reassignment_count</code>, which also counts analyst changes, sums to {N(report.LogReassignmentCount)}).</p>");
        Table(h, ["group", "tickets", "assignments"], [false, true, true],
            report.BusiestGroups.Select(g => new[] { g.Group, N(g.Tickets), N(g.Assignments) }), null);
        Bars(h, "Tickets per group (top 10)", report.BusiestGroups.Select(g => (g.Group, (double)g.Tickets, "#2f6fb0")).ToList(), v => N((long)v));

        h.Append("<h2>Invoices per contract</h2>");
        Table(h, ["contract", "client", "plan", "tickets", "entries", "time logged", "invoices", "net", "tax", "total"],
            [false, false, false, true, true, true, true, true, true, true],
            report.Contracts.Select(c => new[] { c.Contract, c.Client, c.Plan, N(c.Tickets), N(c.Entries), Hours(c.LoggedTime), N(c.Invoices), Eur(c.Net), Eur(c.Tax), Eur(c.Total) }),
            ["all", "", "", N(report.Contracts.Sum(c => c.Tickets)), N(report.Contracts.Sum(c => c.Entries)), "", N(report.Contracts.Sum(c => c.Invoices)),
                Eur(report.Contracts.Sum(c => c.Net)), Eur(report.Contracts.Sum(c => c.Tax)), Eur(report.Contracts.Sum(c => c.Total))]);
        Bars(h, "Invoiced total per contract (EUR)", report.Contracts.Select(c => (c.Contract, (double)c.Total, "#3b8a4a")).ToList(), v => Eur((decimal)v));
        h.Append("<h3>Net per month</h3>");
        var months = report.Contracts.SelectMany(c => c.Months.Select(m => m.Month)).Distinct().Order().ToList();
        Table(h, ["month", .. report.Contracts.Select(c => c.Contract)], [false, .. report.Contracts.Select(_ => true)],
            months.Select(m => new[] { m.ToString("yyyy-MM", CultureInfo.InvariantCulture) }
                .Concat(report.Contracts.Select(c => c.Months.Where(x => x.Month == m).Select(x => Eur(x.Net)).FirstOrDefault() ?? "-")).ToArray()), null);
        HtmlAnalytics.Append(h, report.Analytics);
        h.Append("</body></html>\n");
        return h.ToString();
    }

    /// <summary>Writes the report to a file, creating its folder.</summary>
    /// <param name="report">The report.</param>
    /// <param name="path">The file.</param>
    /// <returns>The full path written.</returns>
    public static string Write(ReplayReport report, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, Render(report), new UTF8Encoding(false));
        return full;
    }

    internal static string E(string s) => WebUtility.HtmlEncode(s);

    private static void Dt(StringBuilder h, string k, string v) => h.Append("<dt>").Append(E(k)).Append("</dt><dd>").Append(E(v)).Append("</dd>");

    internal static void Table(StringBuilder h, string[] head, bool[] numeric, IEnumerable<string[]> rows, string[]? total)
    {
        h.Append("<table><thead><tr>");
        for (var i = 0; i < head.Length; i++)
        {
            h.Append(numeric[i] ? "<th class=\"n\">" : "<th>").Append(E(head[i])).Append("</th>");
        }

        h.Append("</tr></thead><tbody>");
        void Row(string[] cells, string? cls)
        {
            h.Append(cls is null ? "<tr>" : $"<tr class=\"{cls}\">");
            for (var i = 0; i < cells.Length; i++)
            {
                h.Append(numeric[i] ? "<td class=\"n\">" : "<td>").Append(E(cells[i])).Append("</td>");
            }

            h.Append("</tr>");
        }

        foreach (var row in rows)
        {
            Row(row, null);
        }

        if (total is not null)
        {
            Row(total, "total");
        }

        h.Append("</tbody></table>");
    }

    /// <summary>A horizontal bar chart as inline SVG.</summary>
    internal static void Bars(StringBuilder h, string title, IReadOnlyList<(string Label, double Value, string Color)> bars, Func<double, string> format)
    {
        const int labelWidth = 210, barWidth = 560, rowHeight = 24, valueWidth = 150;
        if (bars.Count == 0)
        {
            return;
        }

        var max = Math.Max(1, bars.Max(b => b.Value));
        var height = (bars.Count * rowHeight) + 30;
        h.Append(CultureInfo.InvariantCulture, $"<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{labelWidth + barWidth + valueWidth}\" height=\"{height}\" viewBox=\"0 0 {labelWidth + barWidth + valueWidth} {height}\">");
        h.Append(CultureInfo.InvariantCulture, $"<title>{E(title)}</title><text x=\"0\" y=\"16\" font-weight=\"600\">{E(title)}</text>");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value, color) = bars[i];
            var y = 28 + (i * rowHeight);
            var w = Math.Max(value > 0 ? 1 : 0, value / max * barWidth);
            h.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 8}\" y=\"{y + 15}\" text-anchor=\"end\">{E(label)}</text>");
            h.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{w:0.#}\" height=\"{rowHeight - 7}\" fill=\"{color}\"><title>{E(label)}: {E(format(value))}</title></rect>");
            h.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + w + 6:0.#}\" y=\"{y + 15}\">{E(format(value))}</text>");
        }

        h.Append("</svg></figure>");
    }
}
