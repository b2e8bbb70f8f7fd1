using NodaTime;
using Spectre.Console;
using static ServiceDesk.Samples.Replay.ReportFormat;

namespace ServiceDesk.Samples.Replay;

/// <summary>Writes a <see cref="ReplayReport"/> to the terminal as Spectre.Console tables and bar charts.</summary>
public static class ConsoleReport
{
    /// <summary>Writes the report.</summary>
    /// <param name="console">The console.</param>
    /// <param name="report">The report.</param>
    public static void Write(IAnsiConsole console, ReplayReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        console.Write(new Rule("[bold]ServiceNow replay[/]").LeftJustified());
        var summary = new Grid().AddColumn().AddColumn();
        void Line(string k, string v) => summary.AddRow(new Markup($"[grey]{Markup.Escape(k)}[/]"), new Markup(Markup.Escape(v)));
        Line("log", report.Source);
        Line("store", report.Store);
        Line("simulated time", $"{At(report.Simulated.Start)} to {At(report.Simulated.End)} UTC");
        Line("incidents / events", $"{N(report.Incidents)} incidents, {N(report.Events)} of {N(report.Rows)} rows applied, {N(report.IssueCount)} skipped");
        Line("engine commands", $"{N(report.Commands)} ({N(report.TransitionsApplied)} transitions applied, {N(report.TransitionsRejected)} refused by the lifecycle, {N(report.ResolvedBeforeClose)} closures replayed as resolve + close)");
        Line("wall time", $"{Wall(report.Elapsed)} in all, {Wall(report.ReplayElapsed)} replaying (of which {Wall(report.SweepElapsed)} sweeping); {Rate(report.EventsPerSecond)} events/s");
        console.Write(summary);
        if (report.Incidents == 0)
        {
            console.WriteLine();
            console.MarkupLine($"[yellow]{ReplayApp.NoIncidents}[/]");
            return;
        }

        if (report.RefusedTransitions.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine("Transitions the lifecycle refused (the log moved on, the ticket stayed):");
            foreach (var (kind, count) in report.RefusedTransitions.Take(8))
            {
                console.MarkupLine($"  {N(count),6}  {Markup.Escape(kind)}");
            }
        }

        if (report.Issues.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine($"[yellow]{N(report.IssueCount)} row(s) skipped[/] (first {Math.Min(10, report.Issues.Count)}):");
            foreach (var issue in report.Issues.Take(10))
            {
                console.MarkupLine($"  [yellow]{Markup.Escape(issue.ToString())}[/]");
            }
        }

        console.WriteLine();
        var sla = new Table().Title("SLA (resolution clock) per priority").Border(TableBorder.Rounded)
            .AddColumns("priority", "met", "breached", "open", "total", "met %");
        foreach (var c in new[] { 1, 2, 3, 4, 5 })
        {
            sla.Columns[c].RightAligned();
        }

        foreach (var row in report.Sla)
        {
            sla.AddRow(Priority(row.Priority), N(row.Met), N(row.Breached), N(row.Open), N(row.Total), Percent(row.Met, row.Met + row.Breached));
        }

        var (met, breached, open) = (report.Sla.Sum(s => s.Met), report.Sla.Sum(s => s.Breached), report.Sla.Sum(s => s.Open));
        sla.AddRow("[bold]all[/]", $"[bold]{N(met)}[/]", $"[bold]{N(breached)}[/]", $"[bold]{N(open)}[/]", $"[bold]{N(met + breached + open)}[/]", $"[bold]{Percent(met, met + breached)}[/]");
        console.Write(sla);
        WriteBars(console, new BarChart().Label("SLA breached per priority").Width(70).UseValueFormatter(v => N((long)Math.Round(v)))
            .AddItems(report.Sla, s => new BarChartItem(Priority(s.Priority), s.Breached, Color.Red)));

        console.WriteLine();
        var times = new Table().Title("Resolution time of closed clocks (business: on the calendar, holds excluded)").Border(TableBorder.Rounded)
            .AddColumns("", "count", "mean", "p50", "p90", "p99");
        foreach (var (name, s) in new[] { ("wall clock", report.WallResolution), ("business", report.BusinessResolution) })
        {
            times.AddRow(name, N(s.Count), D(s.Mean), D(s.P50), D(s.P90), D(s.P99));
        }

        console.Write(times);

        console.WriteLine();
        if (!report.EscalationsRan)
        {
            console.MarkupLine($"[yellow]{Markup.Escape(report.EscalationNotice ?? "Escalations did not run.")}[/]");
        }
        else
        {
            var escalations = new Table().Title($"Escalations ({N(report.Sweeps)} sweeps, {N(report.SweepTotals.Claimed)} timers claimed, {N(report.SweepTotals.Thresholds)} SLA thresholds recorded)")
                .Border(TableBorder.Rounded).AddColumns("level", "rule", "tickets escalated");
            foreach (var (level, rule, count) in report.EscalationsByLevel)
            {
                escalations.AddRow(level.ToString(System.Globalization.CultureInfo.InvariantCulture), rule, N(count));
            }

            escalations.AddRow("", "functional moves to 2nd-line (events)", N(report.FunctionalEscalations));
            console.Write(escalations);
            if (report.EscalationsByLevel.Count > 0)
            {
                WriteBars(console, new BarChart().Label("Tickets escalated per level").Width(70).UseValueFormatter(v => N((long)Math.Round(v)))
                    .AddItems(report.EscalationsByLevel, e => new BarChartItem($"L{e.Level} {e.Rule}", e.Count, Color.Orange1)));
            }
        }

        console.WriteLine();
        console.MarkupLine($"Reassignments: [bold]{N(report.Reassignments)}[/] group changes replayed from the log on {N(report.ReassignedTickets)} tickets (the log's own reassignment_count, which also counts analyst changes, sums to {N(report.LogReassignmentCount)}).");
        var groups = new Table().Title("Busiest groups").Border(TableBorder.Rounded).AddColumns("group", "tickets", "assignments");
        groups.Columns[1].RightAligned();
        groups.Columns[2].RightAligned();
        foreach (var g in report.BusiestGroups)
        {
            groups.AddRow(g.Group, N(g.Tickets), N(g.Assignments));
        }

        console.Write(groups);
        WriteBars(console, new BarChart().Label("Tickets per group (top 10)").Width(70).UseValueFormatter(v => N((long)Math.Round(v)))
            .AddItems(report.BusiestGroups, g => new BarChartItem(g.Group, g.Tickets, Color.SteelBlue)));

        console.WriteLine();
        var plans = new Table().Title("Sample contracts (caller hash -> contract)").Border(TableBorder.Rounded).AddColumns("contract", "client", "plans");
        foreach (var c in report.Contracts)
        {
            plans.AddRow(c.Contract, c.Client, c.Plan);
        }

        console.Write(plans);
        var invoices = new Table().Title("Invoices per contract (EUR to the cent; time logged as hours:minutes; the all row adds the rows as shown; entries and invoices in the HTML report)").Border(TableBorder.Rounded)
            .AddColumns("contract", "tickets", "time", "net", "tax", "total");
        foreach (var c in new[] { 1, 2, 3, 4, 5 })
        {
            invoices.Columns[c].RightAligned();
        }

        var rows = InvoiceRows(report.Contracts);
        foreach (var row in rows.Take(rows.Count - 1))
        {
            invoices.AddRow([.. row.Select(Markup.Escape)]);
        }

        invoices.AddRow([.. rows[^1].Select(cell => $"[bold]{Markup.Escape(cell)}[/]")]);
        console.Write(invoices);
        WriteBars(console, new BarChart().Label("Invoiced total per contract (EUR)").Width(70).UseValueFormatter(v => N((long)Math.Round(v)))
            .AddItems(report.Contracts, c => new BarChartItem(c.Contract, (double)c.Total, Color.Green)));
        ConsoleAnalytics.Write(console, report.Analytics);
    }

    /// <summary>
    /// The cells of the console's invoice table, one row per contract and a last <c>all</c> row. Every cell is rounded
    /// once, half away from zero (money to the cent, time to the minute), and each cell of the <c>all</c> row is the sum of
    /// the rounded cells above it, so the table adds up as printed (the invoices' own amounts are in cents already, so it
    /// is also the exact total).
    /// </summary>
    /// <param name="contracts">The contracts of the report.</param>
    /// <returns>The rows: contract, tickets, time logged (<c>h:mm</c>), net, tax, total.</returns>
    public static IReadOnlyList<string[]> InvoiceRows(IReadOnlyList<ContractRow> contracts)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        static decimal Cents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);
        static long Minutes(Duration time) => (long)Math.Round(time.TotalMinutes, MidpointRounding.AwayFromZero);
        var rows = new List<string[]>();
        var (tickets, minutes, net, tax, total) = (0L, 0L, 0m, 0m, 0m);
        foreach (var c in contracts)
        {
            var (rowMinutes, rowNet, rowTax, rowTotal) = (Minutes(c.LoggedTime), Cents(c.Net), Cents(c.Tax), Cents(c.Total));
            rows.Add([c.Contract, N(c.Tickets), HoursMinutes(rowMinutes), Money(rowNet), Money(rowTax), Money(rowTotal)]);
            (tickets, minutes) = (tickets + c.Tickets, minutes + rowMinutes);
            (net, tax, total) = (net + rowNet, tax + rowTax, total + rowTotal);
        }

        rows.Add(["all", N(tickets), HoursMinutes(minutes), Money(net), Money(tax), Money(total)]);
        return rows;
    }

    private static string Money(decimal amount) => amount.ToString("N2", System.Globalization.CultureInfo.InvariantCulture);

    private static string HoursMinutes(long minutes) => $"{N(minutes / 60)}:{minutes % 60:00}";

    /// <summary>Writes a bar chart unless it has no bars (Spectre's chart needs at least one).</summary>
    private static void WriteBars(IAnsiConsole console, BarChart chart)
    {
        if (chart.Data.Count > 0)
        {
            console.Write(chart);
        }
    }
}
