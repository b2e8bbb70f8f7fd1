using System.Globalization;
using System.Text;
using NodaTime;
using ServiceDesk.Analytics;
using Spectre.Console;
using static ServiceDesk.Samples.Replay.ReportFormat;

namespace ServiceDesk.Samples.Replay;

/// <summary>Writes the analytics part of a <see cref="ReplayReport"/> as compact tables (within 80 columns).</summary>
public static class ConsoleAnalytics
{
    /// <summary>The day names of the hour-of-week grids, Monday first.</summary>
    public static readonly IReadOnlyList<string> Days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    /// <summary>Writes the analytics.</summary>
    /// <param name="console">The console.</param>
    /// <param name="a">The figures.</param>
    public static void Write(IAnsiConsole console, ReplayAnalytics a)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(a);
        var s = a.Statistics;
        console.WriteLine();
        console.Write(new Rule("[bold]Analytics[/] (ServiceDesk.Analytics, one pass over the histories)").LeftJustified());
        var metric = a.Compliance.Metric(ReplaySetup.Metric);
        if (metric is not null)
        {
            var byPriority = Table("SLA compliance per priority (resolution)", "priority", "met", "breached", "running", "met %");
            foreach (var e in metric.ByPriority)
            {
                byPriority.AddRow(Priority(e.Key), N(e.Counts.Met), N(e.Counts.Breached), N(e.Counts.InProgress), Pct(e.Counts.Compliance));
            }

            byPriority.AddRow("[bold]all[/]", N(metric.Total.Met), N(metric.Total.Breached), N(metric.Total.InProgress), Pct(metric.Total.Compliance));
            console.Write(byPriority);
            var byMonth = Table("SLA compliance per month opened", "month", "met", "breached", "running", "met %");
            foreach (var e in metric.ByMonth)
            {
                byMonth.AddRow(e.Key.ToString("yyyy-MM", CultureInfo.InvariantCulture), N(e.Counts.Met), N(e.Counts.Breached), N(e.Counts.InProgress), Pct(e.Counts.Compliance));
            }

            console.Write(byMonth);
        }

        var times = Table("Durations (business: the replay's calendar)", "figure", "count", "mean", "p50", "p90", "p99");
        foreach (var (name, d) in new[]
        {
            ("resolved, wall", s.ResolutionTime), ("resolved, bus.", s.ResolutionBusinessTime),
            ("1st resp., wall", s.FirstResponseTime), ("1st resp., bus.", s.FirstResponseBusinessTime),
        })
        {
            times.AddRow(name, N(d?.Count ?? 0), Dur(d?.Mean), Dur(d?.Median), Dur(d?.P90), Dur(d?.P99));
        }

        console.Write(times);
        console.MarkupLine($"First-contact resolution: [bold]{Percent(s.FirstContactResolutions, s.Resolved)}[/] ({N(s.FirstContactResolutions)} of {N(s.Resolved)} resolved; never reopened or reassigned to another group)");
        console.MarkupLine($"Reopen rate: [bold]{Percent(s.ReopenedTickets, s.ResolvedAtLeastOnce)}[/] ({N(s.ReopenedTickets)} of {N(s.ResolvedAtLeastOnce)} resolved at least once; {N(s.Reopens)} reopens)");
        console.MarkupLine($"Reassignments: {N(s.Reassignments)} on {N(s.TicketsReassigned)} tickets; {N(s.PingPongs)} ping-pongs on {N(s.TicketsWithPingPong)}");

        var months = MonthEndBacklog(s.Backlog);
        if (months.Count > 0)
        {
            console.Write(new BarChart().Label("Backlog: open tickets at month end (daily in HTML)").Width(70)
                .UseValueFormatter(v => N((long)Math.Round(v)))
                .AddItems(months, m => new BarChartItem(m.Month.ToString("yyyy-MM", CultureInfo.InvariantCulture), m.Open, Color.SteelBlue)));
        }

        console.WriteLine();
        console.MarkupLine($"Arrivals by hour of week (UTC; darker = more, busiest hour {N(s.ArrivalsByHourOfWeek.DefaultIfEmpty().Max())} incidents):");
        var max = Math.Max(1, s.ArrivalsByHourOfWeek.DefaultIfEmpty().Max());
        WriteGrid(console, h => " ░▒▓█"[(int)Math.Ceiling(4.0 * s.ArrivalsByHourOfWeek[h] / max)].ToString(), 1);

        if (a.Availability.Count > 0)
        {
            console.WriteLine();
            var availability = Table("Availability of the busiest categories (approximation)", "category", "incidents", "outages", "downtime", "MTRS", "avail.");
            foreach (var c in a.Availability)
            {
                var f = c.Figures;
                availability.AddRow(Markup.Escape(c.Category), N(c.Incidents), N(f.Failures), Hours(f.Downtime), Dur(f.Mtrs), Pct(f.Availability, "0.00"));
            }

            console.Write(availability);
            console.MarkupLine($"[grey]Outage: {Markup.Escape(ReplayAnalytics.OutageDefinition)}[/]");
        }

        console.WriteLine();
        console.MarkupLine($"Agents needed per hour of week for {a.StaffingTarget.ServiceLevel:P0} answered within {D(a.StaffingTarget.AnswerWithin)} (Erlang C; arrivals averaged over the {a.Weeks} busy weeks, handle time {D(a.HandleTime)} = work logged per ticket):");
        WriteGrid(console, h => a.Staffing[h].Agents.ToString(CultureInfo.InvariantCulture).PadLeft(3), 3);
        console.MarkupLine($"Agent-hours per week: {N(a.Staffing.Sum(r => (long)r.Agents))} (peak {N(a.Staffing.Max(r => r.Agents))} agents)");

        if (a.Problems.Count > 0)
        {
            console.WriteLine();
            var problems = Table($"Top problem candidates ({N(a.ProblemCount)} in all; 3+ in 28 days)", "category / subcategory", "count", "weeks", "first", "time lost");
            foreach (var p in a.Problems)
            {
                problems.AddRow(Markup.Escape(Key(p.Key)), N(p.Count), N(p.DistinctWeeks), At(p.First)[..10], Hours(p.BusinessTimeLost));
            }

            console.Write(problems);
        }

        var stricter = a.Stricter.Metric(ReplaySetup.Metric);
        if (metric is not null && stricter is not null)
        {
            console.WriteLine();
            var whatIf = Table("What-if: resolution targets 20 % shorter", "policy", "met", "breached", "running", "met %");
            whatIf.AddRow("in force", N(metric.Total.Met), N(metric.Total.Breached), N(metric.Total.InProgress), Pct(metric.Total.Compliance));
            whatIf.AddRow("targets x 0.8", N(stricter.Total.Met), N(stricter.Total.Breached), N(stricter.Total.InProgress), Pct(stricter.Total.Compliance));
            console.Write(whatIf);
            console.MarkupLine($"{N(a.MetToBreached)} tickets met today would breach.");
        }
    }

    /// <summary>The backlog at the end of each month (the last day of the month in the backlog).</summary>
    /// <param name="backlog">The daily backlog.</param>
    /// <returns>One entry per month, ascending.</returns>
    public static IReadOnlyList<(YearMonth Month, int Open)> MonthEndBacklog(IReadOnlyList<BacklogDay> backlog)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        return [.. backlog.GroupBy(d => d.Date.ToYearMonth()).Select(g => (g.Key, g.Last().Open))];
    }

    /// <summary>The text of a problem candidate's key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>For example <c>Category 26 / Subcategory 174</c>.</returns>
    public static string Key(ProblemKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return string.Join(" / ", new[] { key.Service?.Value, key.ConfigurationItem?.Value, key.Category, key.Subcategory, key.Symptom }.Where(p => p is not null));
    }

    /// <summary>Formats a rate.</summary>
    /// <param name="rate">A rate from 0 to 1, or <see langword="null"/>.</param>
    /// <param name="format">The number format of the percentage.</param>
    /// <returns>For example <c>76.4%</c>; a dash for none.</returns>
    public static string Pct(double? rate, string format = "0.0") =>
        rate is { } r ? (100 * r).ToString(format, CultureInfo.InvariantCulture) + "%" : "-";

    private static string Dur(Duration? d) => d is { } v ? D(v) : "-";

    private static Table Table(string title, params string[] columns)
    {
        var table = new Table().Title(title).Border(TableBorder.Rounded).AddColumns(columns);
        for (var c = 1; c < columns.Length; c++)
        {
            table.Columns[c].RightAligned();
        }

        return table;
    }

    /// <summary>Seven rows of 24 cells of <paramref name="width"/> characters, one per hour of the week (at most 77
    /// columns).</summary>
    private static void WriteGrid(IAnsiConsole console, Func<int, string> cell, int width)
    {
        var header = new StringBuilder("     ");
        for (var hour = 0; hour < 24; hour += width == 1 ? 6 : 1)
        {
            header.Append(hour.ToString(CultureInfo.InvariantCulture).PadLeft(width == 1 ? 1 : width).PadRight(width == 1 ? 6 : width));
        }

        console.WriteLine(header.ToString().TrimEnd());
        for (var day = 0; day < 7; day++)
        {
            var line = new StringBuilder(Days[day]).Append("  ");
            for (var hour = 0; hour < 24; hour++)
            {
                line.Append(cell((day * 24) + hour));
            }

            console.WriteLine(line.ToString());
        }
    }
}
