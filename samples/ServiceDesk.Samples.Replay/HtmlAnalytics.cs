using System.Globalization;
using System.Text;
using NodaTime;
using ServiceDesk.Analytics;
using static ServiceDesk.Samples.Replay.ConsoleAnalytics;
using static ServiceDesk.Samples.Replay.HtmlReport;
using static ServiceDesk.Samples.Replay.ReportFormat;

namespace ServiceDesk.Samples.Replay;

/// <summary>Writes the analytics part of a <see cref="ReplayReport"/> as HTML tables and inline SVG charts (no script,
/// nothing fetched).</summary>
public static class HtmlAnalytics
{
    /// <summary>Appends the analytics section.</summary>
    /// <param name="h">The document being written.</param>
    /// <param name="a">The figures.</param>
    public static void Append(StringBuilder h, ReplayAnalytics a)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(a);
        var s = a.Statistics;
        h.Append("<h2>Analytics (ServiceDesk.Analytics)</h2><p class=\"muted\">Computed by the analytics package in one pass over the replayed tickets' histories, read once per ticket for this report.</p>");
        var metric = a.Compliance.Metric(ReplaySetup.Metric);
        bool[] counts = [false, true, true, true, true];
        if (metric is not null)
        {
            h.Append("<h3>SLA compliance per priority (resolution, the replay's policy)</h3>");
            Table(h, ["priority", "met", "breached", "running", "met %"], counts,
                metric.ByPriority.Select(e => Row(Priority(e.Key), e.Counts)), Row("all", metric.Total));
            h.Append("<h3>SLA compliance per month opened</h3>");
            Table(h, ["month", "met", "breached", "running", "met %"], counts,
                metric.ByMonth.Select(e => Row(e.Key.ToString("yyyy-MM", CultureInfo.InvariantCulture), e.Counts)), null);
            Bars(h, "Met % per month opened", [.. metric.ByMonth.Select(e => (e.Key.ToString("yyyy-MM", CultureInfo.InvariantCulture), 100 * (e.Counts.Compliance ?? 0), "#3b8a4a"))],
                v => v.ToString("0.0", CultureInfo.InvariantCulture) + "%");
        }

        h.Append("<h3>Resolution and first response</h3>");
        Table(h, ["figure", "count", "mean", "p50", "p90", "p99", "max"], [false, true, true, true, true, true, true],
            new[]
            {
                ("resolution, wall clock", s.ResolutionTime), ("resolution, business time", s.ResolutionBusinessTime),
                ("first response, wall clock", s.FirstResponseTime), ("first response, business time", s.FirstResponseBusinessTime),
            }.Select(r => r.Item2 is { } d
                ? new[] { r.Item1, N(d.Count), D(d.Mean), D(d.Median), D(d.P90), D(d.P99), D(d.Max) }
                : [r.Item1, "0", "-", "-", "-", "-", "-"]), null);
        h.Append(CultureInfo.InvariantCulture, $"<p>First-contact resolution <b>{Percent(s.FirstContactResolutions, s.Resolved)}</b> ({N(s.FirstContactResolutions)} of {N(s.Resolved)} resolved tickets never reopened nor reassigned to another group). ");
        h.Append(CultureInfo.InvariantCulture, $"Reopen rate <b>{Percent(s.ReopenedTickets, s.ResolvedAtLeastOnce)}</b> ({N(s.ReopenedTickets)} of {N(s.ResolvedAtLeastOnce)} resolved at least once; {N(s.Reopens)} reopens). ");
        h.Append(CultureInfo.InvariantCulture, $"Reassignments {N(s.Reassignments)} on {N(s.TicketsReassigned)} tickets, {N(s.PingPongs)} ping-pongs on {N(s.TicketsWithPingPong)}.</p>");

        h.Append("<h3>Backlog: open tickets at the end of each day (UTC)</h3>");
        Line(h, s.Backlog);
        h.Append("<h3>Arrivals by hour of week (UTC)</h3>");
        var max = Math.Max(1, s.ArrivalsByHourOfWeek.DefaultIfEmpty().Max());
        Grid(h, "Incidents opened per hour of week", i => s.ArrivalsByHourOfWeek[i] / (double)max, i => N(s.ArrivalsByHourOfWeek[i]), "47,111,176");

        if (a.Availability.Count > 0)
        {
            h.Append("<h3>Availability of the busiest categories (an approximation)</h3>");
            h.Append("<p class=\"muted\">Outage: ").Append(E(ReplayAnalytics.OutageDefinition)).Append("</p>");
            Table(h, ["category", "incidents", "outages", "agreed", "downtime", "availability", "MTRS", "MTBF", "MTBSI"], [false, true, true, true, true, true, true, true, true],
                a.Availability.Select(c => new[]
                {
                    c.Category, N(c.Incidents), N(c.Figures.Failures), Hours(c.Figures.Agreed), Hours(c.Figures.Downtime), Pct(c.Figures.Availability, "0.00"),
                    Opt(c.Figures.Mtrs), Opt(c.Figures.Mtbf), Opt(c.Figures.Mtbsi),
                }), null);
        }

        h.Append(CultureInfo.InvariantCulture, $"<h3>Staffing: agents needed per hour of week for {a.StaffingTarget.ServiceLevel:P0} answered within {D(a.StaffingTarget.AnswerWithin)}</h3>");
        h.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Erlang C per hour of week; arrivals averaged over the {a.Weeks} busy weeks of the log (weeks with at least a tenth of the busiest week's arrivals); handle time {D(a.HandleTime)}, the work logged per ticket; no shrinkage, occupancy at most {a.StaffingTarget.MaxOccupancy:P0}. {N(a.Staffing.Sum(r => (long)r.Agents))} agent-hours per week, peak {N(a.Staffing.Max(r => r.Agents))} agents.</p>");
        var peak = Math.Max(1, a.Staffing.Max(r => r.Agents));
        Grid(h, "Agents needed per hour of week", i => a.Staffing[i].Agents / (double)peak, i => N(a.Staffing[i].Agents), "59,138,74", showValues: true);

        if (a.Problems.Count > 0)
        {
            h.Append(CultureInfo.InvariantCulture, $"<h3>Top problem candidates ({N(a.ProblemCount)} in all)</h3><p class=\"muted\">At least 3 incidents of one category and subcategory within 28 days, ranked by count, recurrence and business time lost.</p>");
            Table(h, ["category / subcategory", "incidents", "distinct weeks", "first", "last", "business time lost", "unresolved"], [false, true, true, false, false, true, true],
                a.Problems.Select(p => new[] { Key(p.Key), N(p.Count), N(p.DistinctWeeks), At(p.First), At(p.Last), Hours(p.BusinessTimeLost), N(p.Unresolved) }), null);
        }

        var stricter = a.Stricter.Metric(ReplaySetup.Metric);
        if (metric is not null && stricter is not null)
        {
            h.Append("<h3>What-if: resolution targets 20 % shorter</h3>");
            Table(h, ["policy", "met", "breached", "running", "met %"], counts,
                [Row("in force (P1 4 h, P2 10 h, P3 30 h, P4 50 h)", metric.Total), Row("targets x 0.8", stricter.Total)], null);
            h.Append(CultureInfo.InvariantCulture, $"<p>{N(a.MetToBreached)} tickets met under the policy in force would breach.</p>");
        }
    }

    private static string[] Row(string name, SlaOutcomeCounts c) => [name, N(c.Met), N(c.Breached), N(c.InProgress), Pct(c.Compliance)];

    private static string Opt(Duration? d) => d is { } v ? D(v) : "-";

    /// <summary>A line chart of the daily backlog as inline SVG.</summary>
    private static void Line(StringBuilder h, IReadOnlyList<BacklogDay> backlog)
    {
        const int width = 900, height = 220, left = 50, bottom = 24;
        if (backlog.Count == 0)
        {
            h.Append("<p class=\"muted\">No days.</p>");
            return;
        }

        var max = Math.Max(1, backlog.Max(d => d.Open));
        double X(int i) => left + (backlog.Count == 1 ? 0 : i * (width - left - 10) / (double)(backlog.Count - 1));
        double Y(int open) => 10 + ((height - bottom - 10) * (1 - (open / (double)max)));
        h.Append(CultureInfo.InvariantCulture, $"<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\"><title>Open tickets per day</title>");
        h.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - 10}\" y2=\"{height - bottom}\" stroke=\"#999\"/><text x=\"{left - 6}\" y=\"14\" text-anchor=\"end\">{N(max)}</text><text x=\"{left - 6}\" y=\"{height - bottom}\" text-anchor=\"end\">0</text>");
        h.Append("<polyline fill=\"none\" stroke=\"#2f6fb0\" stroke-width=\"1.5\" points=\"");
        for (var i = 0; i < backlog.Count; i++)
        {
            h.Append(CultureInfo.InvariantCulture, $"{X(i):0.#},{Y(backlog[i].Open):0.#} ");
        }

        h.Append("\"/>");
        for (var i = 0; i < backlog.Count; i++)
        {
            if (backlog[i].Date.Day == 1 || i == 0)
            {
                h.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(i):0.#}\" y=\"{height - 6}\" text-anchor=\"middle\">{backlog[i].Date.ToString("yyyy-MM", CultureInfo.InvariantCulture)}</text>");
            }
        }

        var top = backlog.Select((d, i) => (d, i)).MaxBy(x => x.d.Open);
        h.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(top.i) + 6:0.#}\" y=\"{Y(top.d.Open) + 4:0.#}\">peak {N(top.d.Open)} on {top.d.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}</text>");
        h.Append("</svg></figure>");
    }

    /// <summary>A 7 x 24 heat map as inline SVG: one cell per hour of week, shaded by <paramref name="share"/> (0 to 1).</summary>
    private static void Grid(StringBuilder h, string title, Func<int, double> share, Func<int, string> value, string rgb, bool showValues = false)
    {
        const int cell = 34, left = 40, top = 20;
        var (width, height) = (left + (24 * cell), top + (7 * cell));
        h.Append(CultureInfo.InvariantCulture, $"<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\"><title>{E(title)}</title>");
        for (var hour = 0; hour < 24; hour++)
        {
            h.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + (hour * cell) + (cell / 2)}\" y=\"14\" text-anchor=\"middle\">{hour}</text>");
        }

        for (var day = 0; day < 7; day++)
        {
            h.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{top + (day * cell) + 21}\">{Days[day]}</text>");
            for (var hour = 0; hour < 24; hour++)
            {
                var i = (day * 24) + hour;
                var (x, y) = (left + (hour * cell), top + (day * cell));
                var label = $"{Days[day]} {hour:00}:00: {value(i)}";
                h.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{cell - 2}\" height=\"{cell - 2}\" fill=\"rgb({rgb})\" fill-opacity=\"{0.05 + (0.95 * share(i)):0.###}\"><title>{E(label)}</title></rect>");
                if (showValues)
                {
                    h.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (cell / 2) - 1}\" y=\"{y + 21}\" text-anchor=\"middle\">{E(value(i))}</text>");
                }
            }
        }

        h.Append("</svg></figure>");
    }
}
