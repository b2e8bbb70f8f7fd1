using System.Globalization;
using System.Text;
using NodaTime;
using ServiceDesk.Analytics.Tests.Availability;
using ServiceDesk.Analytics.Tests.Compliance;
using ServiceDesk.Analytics.Tests.Problems;
using ServiceDesk.Analytics.Tests.Statistics;
using static ServiceDesk.Analytics.Tests.TestData;

namespace ServiceDesk.Analytics.Tests;

/// <summary>Keeps docs/analytics.md current: each worked example's table is recomputed here and must appear verbatim
/// after its marker comment.</summary>
public sealed class DocumentationTests
{
    private static readonly Lazy<string> Doc = new(() => File.ReadAllText(FindRepoFile("docs/analytics.md")).ReplaceLineEndings("\n"));

    [Fact]
    public void AnalyticsDoc_AvailabilityExample_IsWhatTheCodeComputes()
    {
        var start = Utc(2026, 3, 1, 0);
        var end = Utc(2026, 4, 1, 0);
        var up = AvailabilityCalculator.Compute(Email, OfficeUtc, start, end, AvailabilityCalculatorTests.DocOutages).Total;
        var down = AvailabilityCalculator.Compute(Email, OfficeUtc, start, end, AvailabilityCalculatorTests.DocOutages, DegradedCounting.AsDown).Total;
        var table = new StringBuilder()
            .Append("| figure | degraded as available | degraded as down |\n|---|---|---|\n")
            .Append(Row("agreed service time", Hours(up.Agreed), Hours(down.Agreed)))
            .Append(Row("downtime", Hours(up.Downtime), Hours(down.Downtime)))
            .Append(Row("degraded", Hours(up.Degraded), Hours(down.Degraded)))
            .Append(Row("failures", Num(up.Failures), Num(down.Failures)))
            .Append(Row("availability", Percent(up.Availability!.Value), Percent(down.Availability!.Value)))
            .Append(Row("MTBF", Hours(up.Mtbf!.Value), Hours(down.Mtbf!.Value)))
            .Append(Row("MTRS", Hours(up.Mtrs!.Value), Hours(down.Mtrs!.Value)))
            .Append(Row("MTBSI", Hours(up.Mtbsi!.Value), Hours(down.Mtbsi!.Value)));

        AssertSection("availability-example", table.ToString());
    }

    [Fact]
    public void AnalyticsDoc_StaffingExamples_AreWhatTheCodeComputes()
    {
        var aht = Duration.FromMinutes(3);
        var within = Duration.FromSeconds(20);
        var table = new StringBuilder("| agents | P(wait) | answered within 20 s | occupancy | ASA |\n|---|---|---|---|---|\n");
        for (var n = 11; n <= 15; n++)
        {
            table.Append(Row(
                Num(n), Percent(ErlangC.ProbabilityOfWaiting(n, 10), 1), Percent(ErlangC.ServiceLevel(n, 10, aht, within), 1),
                Percent(10.0 / n, 1), ErlangC.AverageSpeedOfAnswer(n, 10, aht)!.Value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"));
        }

        AssertSection("staffing-example", table.ToString());

        string Required(string label, StaffingTarget target)
        {
            var r = StaffingCalculator.Required(target, 100, Duration.FromMinutes(30), aht);
            return Row(label, Num(r.Agents), Num(r.ScheduledAgents));
        }

        var eighty = new StaffingTarget(0.80, within);
        var minute = new StaffingTarget(0.80, Duration.FromSeconds(60));
        AssertSection("staffing-required", new StringBuilder("| target | agents | scheduled |\n|---|---|---|\n")
            .Append(Required("80 % in 20 s", eighty))
            .Append(Required("80 % in 20 s, 30 % shrinkage", eighty with { Shrinkage = 0.30 }))
            .Append(Required("80 % in 60 s", minute))
            .Append(Required("80 % in 60 s, occupancy at most 70 %", minute with { MaxOccupancy = 0.70 }))
            .ToString());
    }

    [Fact]
    public void AnalyticsDoc_StatisticsExample_IsWhatTheCodeComputes()
    {
        var r = TicketStatistics.Compute(TicketStatisticsTests.DocHistories(), new TicketStatisticsOptions { Calendar = OfficeUtc });
        static string Summary(DurationSummary s) => $"{Hours(s.Mean)}, {Hours(s.Median)}, {Hours(s.P90)}, {Hours(s.P99)}";
        var table = new StringBuilder("| figure | value |\n|---|---|\n")
            .Append(Row("tickets", Num(r.Tickets)))
            .Append(Row("resolved", Num(r.Resolved)))
            .Append(Row("resolution time (wall): mean, median, p90, p99", Summary(r.ResolutionTime!)))
            .Append(Row("resolution time (business): mean, median, p90, p99", Summary(r.ResolutionBusinessTime!)))
            .Append(Row("reopen rate", $"{r.ReopenedTickets} of {r.ResolvedAtLeastOnce} ({Percent(r.ReopenRate!.Value, 1)})"))
            .Append(Row("first-contact resolution", $"{r.FirstContactResolutions} of {r.Resolved} ({Percent(r.FirstContactResolutionRate!.Value, 1)})"))
            .Append(Row("reassignments, ping-pongs", $"{r.Reassignments}, {r.PingPongs}"))
            .Append(Row("backlog at the end of Mon to Fri", string.Join(", ", r.Backlog.Select(d => d.Open))));

        AssertSection("statistics-example", table.ToString());
    }

    [Fact]
    public void AnalyticsDoc_FirstResponseExample_IsWhatTheCodeComputes()
    {
        var r = TicketStatistics.Compute(SlaComplianceTests.DocTickets().Select(t => t.History), new TicketStatisticsOptions { Calendar = OfficeUtc });
        var (wall, business) = (r.FirstResponseTime!, r.FirstResponseBusinessTime!);
        var table = new StringBuilder("| figure | wall | business |\n|---|---|---|\n")
            .Append(Row("responded", Num(wall.Count), Num(business.Count)))
            .Append(Row("mean", Minutes(wall.Mean), Minutes(business.Mean)))
            .Append(Row("median", Minutes(wall.Median), Minutes(business.Median)))
            .Append(Row("p90, p99", $"{Minutes(wall.P90)}, {Minutes(wall.P99)}", $"{Minutes(business.P90)}, {Minutes(business.P99)}"));

        AssertSection("first-response-example", table.ToString());
    }

    [Fact]
    public void AnalyticsDoc_ComplianceExamples_AreWhatTheCodeComputes()
    {
        var r = SlaComplianceTests.DocReport();
        var table = new StringBuilder("| metric | met | breached | in progress | cancelled | compliance | thresholds reached |\n|---|---|---|---|---|---|---|\n");
        foreach (var m in r.Metrics)
        {
            var c = m.Total;
            table.Append(Row(m.Metric, Num(c.Met), Num(c.Breached), Num(c.InProgress), Num(c.Cancelled), Percent(c.Compliance!.Value, 1), Num(c.ThresholdsReached)));
        }

        AssertSection("compliance-example", table.ToString());

        var res = r.Metric("resolution")!;
        var breakdown = new StringBuilder("| breakdown | value | met | breached | in progress | cancelled | compliance |\n|---|---|---|---|---|---|---|\n");
        void Add<TKey>(string name, IEnumerable<SlaComplianceEntry<TKey>> entries, Func<TKey, string> text)
        {
            foreach (var e in entries)
            {
                var c = e.Counts;
                breakdown.Append(Row(name, text(e.Key), Num(c.Met), Num(c.Breached), Num(c.InProgress), Num(c.Cancelled), Percent(c.Compliance!.Value, 1)));
            }
        }

        Add("priority", res.ByPriority, p => p.ToString());
        Add("group", res.ByGroup, g => g?.Value ?? "(none)");
        Add("contract", res.ByContract, c => c?.Value ?? "(none)");
        Add("service", res.ByService, s => s?.Value ?? "(none)");
        Add("month", res.ByMonth, m => m.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        Add("policy", res.ByPolicy, p => p);
        AssertSection("compliance-breakdown", breakdown.ToString());
    }

    [Fact]
    public void AnalyticsDoc_WhatIfExample_IsWhatTheCodeComputes()
    {
        var w = SlaWhatIfTests.DocWhatIf();
        var res = w.Metrics.Single(m => m.Metric == "resolution");
        static string[] Cells(SlaOutcomeCounts c)
            => [Num(c.Met), Num(c.Breached), Num(c.InProgress), Percent(c.Compliance!.Value, 1), Num(c.ThresholdsReached)];

        var table = new StringBuilder("| resolution target of default | met | breached | in progress | compliance | thresholds reached | met → breached | breached → met |\n|---|---|---|---|---|---|---|---|\n")
            .Append(Row(["8 h (in force)", .. Cells(res.InForce!), "", ""]).Replace("|  |  |", "| | |", StringComparison.Ordinal));
        string[] labels = ["12 h", "90 min"];
        for (var i = 0; i < labels.Length; i++)
        {
            var a = res.Alternatives[i];
            table.Append(Row([labels[i], .. Cells(a.Counts!), Num(a.MetToBreached), Num(a.BreachedToMet)]));
        }

        AssertSection("whatif-example", table.ToString());
    }

    [Fact]
    public void AnalyticsDoc_ProblemExample_IsWhatTheCodeComputes()
    {
        var (candidates, _) = ProblemCandidateFinderTests.DocCandidates();
        var table = new StringBuilder("| rank | key | incidents | distinct weeks | business time lost | unresolved |\n|---|---|---|---|---|---|\n");
        for (var i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i];
            table.Append(Row(Num(i + 1), c.Key.ToString(), string.Join(", ", c.Incidents.Select(ProblemCandidateFinderTests.Name)),
                Num(c.DistinctWeeks), Hours(c.BusinessTimeLost), Num(c.Unresolved)));
        }

        AssertSection("problem-example", table.ToString());
    }

    [Fact]
    public void AnalyticsDoc_AgentLoadExample_IsWhatTheCodeComputes()
    {
        var accumulator = new AgentActivityAccumulator(new AgentActivityOptions { Calendar = OfficeUtc });
        foreach (var history in Agents.AgentActivityTests.DocHistories())
        {
            accumulator.Add(history.Events);
        }

        var report = accumulator.ToReport();
        var load = new StringBuilder("| agent | month | assigned | resolved | open at month end | logged | billable | utilisation |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var r in report.Load)
        {
            load.Append(Row(
                r.Agent.Value, r.Month.ToString("yyyy-MM", CultureInfo.InvariantCulture), Num(r.TicketsAssigned), Num(r.TicketsResolved),
                Num(r.OpenAtMonthEnd), Hours(r.TimeLogged), Hours(r.BillableTimeLogged), Percent(r.Utilisation!.Value)));
        }

        AssertSection("agent-load-example", load.ToString());
        var csat = new StringBuilder("| month | ratings | mean | satisfied (4-5) |\n|---|---|---|---|\n");
        foreach (var m in report.CsatByMonth)
        {
            csat.Append(Row(
                m.Month.ToString("yyyy-MM", CultureInfo.InvariantCulture), Num(m.Figures.Ratings),
                m.Figures.MeanScore.ToString("0.00", CultureInfo.InvariantCulture), Percent(m.Figures.SatisfiedShare, 0)));
        }

        AssertSection("csat-example", csat.ToString());
    }

    private static void AssertSection(string marker, string table)
        => Assert.Contains($"<!-- {marker} -->\n{table}\n", Doc.Value, StringComparison.Ordinal);

    private static string Row(params string[] cells) => "| " + string.Join(" | ", cells) + " |\n";

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double fraction, int decimals = 2)
        => (fraction * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " %";

    private static string Minutes(Duration d)
    {
        var minutes = (long)d.TotalMinutes;
        return $"{minutes / 60} h {minutes % 60} min";
    }

    private static string Hours(Duration d)
    {
        var minutes = (long)d.TotalMinutes;
        var (h, m) = (minutes / 60, minutes % 60);
        return m == 0 ? $"{h} h" : $"{h} h {m} min";
    }

    internal static string FindRepoFile(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"'{relative}' was not found in any parent directory of {AppContext.BaseDirectory}.");
    }
}
