using System.Globalization;
using System.IO.Compression;
using System.Text;
using NodaTime;
using NodaTime.Calendars;

namespace ServiceDesk.Samples.Replay.Tests;

/// <summary>
/// Replays the first 2,000 incidents of the real log in memory once; the analytics figures the report computes from the
/// replayed histories are then checked against the same figures computed straight from the CSV's columns by the plain
/// code below (split on commas, which the UCI log never quotes).
/// </summary>
public sealed class ReplayAnalyticsFixture : IAsyncLifetime
{
    public const int Incidents = 2_000;

    public string Folder { get; } = ReplayTestData.TempFolder();

    public ReplayReport Report { get; private set; } = null!;

    /// <summary>Gets the log's rows of the same incidents, by number, in file order.</summary>
    public IReadOnlyList<(string Number, List<string[]> Rows)> Log { get; private set; } = [];

    public IReadOnlyDictionary<string, int> Columns { get; private set; } = new Dictionary<string, int>();

    public async Task InitializeAsync()
    {
        Report = await new ReplayRunner(new ReplaySettings
        {
            EventsPath = ReplayTestData.ShippedLog,
            Store = ReplayStore.InMemory,
            Limit = Incidents,
            SweepInterval = Duration.FromHours(1),
        }).RunAsync();
        (Columns, Log) = ReadCsv(Incidents);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }

    private static (Dictionary<string, int>, List<(string, List<string[]>)>) ReadCsv(int incidents)
    {
        using var file = File.OpenRead(ReplayTestData.ShippedLog);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.ASCII);
        var header = reader.ReadLine()!.Split(',');
        var columns = header.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i, StringComparer.Ordinal);
        var log = new List<(string, List<string[]>)>();
        while (reader.ReadLine() is { } line)
        {
            var row = line.Split(',');
            var number = row[columns["number"]];
            if (log.Count == 0 || log[^1].Item1 != number)
            {
                if (log.Count == incidents)
                {
                    break;
                }

                log.Add((number, []));
            }

            log[^1].Item2.Add(row);
        }

        return (columns, log);
    }
}

public sealed class ReplayAnalyticsTests(ReplayAnalyticsFixture fixture) : IClassFixture<ReplayAnalyticsFixture>
{
    private static readonly string[] Done = ["Resolved", "Closed"];

    private ReplayAnalytics Analytics => fixture.Report.Analytics;

    private int Col(string name) => fixture.Columns[name];

    /// <summary>The instants of an incident's rows as the sample reads them (README, "Simulated time"): the opening is
    /// <c>opened_at</c> but never after the first event; each event's <c>sys_updated_at</c> is clamped so that the
    /// incident's times never go backwards.</summary>
    private (Instant Opened, Instant[] Events) Times(List<string[]> rows)
    {
        var first = Time(rows[0][Col("sys_updated_at")]);
        var opened = Time(rows[0][Col("opened_at")]);
        opened = opened < first ? opened : first;
        var events = new Instant[rows.Count];
        var last = opened;
        for (var i = 0; i < rows.Count; i++)
        {
            var at = Time(rows[i][Col("sys_updated_at")]);
            last = events[i] = at > last ? at : last;
        }

        return (opened, events);
    }

    /// <summary>The rows up to the first Closed one: the lifecycle never reopens a closed ticket (it requires a new linked
    /// ticket, and the replay counts the refusal), so whatever the log does after closing does not reach the history.</summary>
    private int UntilClosed(List<string[]> rows)
    {
        var i = rows.FindIndex(r => r[Col("incident_state")] == "Closed");
        return i < 0 ? rows.Count : i + 1;
    }

    private static Instant Time(string text) =>
        LocalDateTime.FromDateTime(DateTime.ParseExact(text, "d/M/yyyy HH:mm", CultureInfo.InvariantCulture)).InUtc().ToInstant();

    [Fact]
    public void Statistics_First2000Incidents_ArrivalsByHourOfWeekEqualTheLogsOpenedAt()
    {
        var expected = new int[168];
        foreach (var (_, rows) in fixture.Log)
        {
            var opened = Times(rows).Opened.InUtc();
            expected[((int)opened.DayOfWeek - 1) * 24 + opened.Hour]++;
        }

        Assert.Equal(ReplayAnalyticsFixture.Incidents, fixture.Log.Count);
        Assert.Equal(ReplayAnalyticsFixture.Incidents, Analytics.Statistics.Tickets);
        Assert.Equal(expected, Analytics.Statistics.ArrivalsByHourOfWeek);
    }

    [Fact]
    public void Statistics_First2000Incidents_ResolutionWallTimeEqualsTheLogsStateColumn()
    {
        // Wall time from opened_at to the last move of incident_state into Resolved or Closed (the library's definition:
        // opening to the final resolution; closing an unresolved incident resolves it).
        var durations = new List<Duration>();
        foreach (var (_, rows) in fixture.Log)
        {
            var (opened, times) = Times(rows);
            Instant? resolved = null;
            var done = false;
            for (var i = 0; i < UntilClosed(rows); i++)
            {
                var isDone = Done.Contains(rows[i][Col("incident_state")]);
                if (isDone && !done)
                {
                    resolved = times[i];
                }

                done = isDone;
            }

            if (done && resolved is { } r)
            {
                durations.Add(r - opened);
            }
        }

        durations.Sort();
        var library = Analytics.Statistics.ResolutionTime!;
        Assert.Equal(durations.Count, library.Count);
        Assert.Equal(Rank(durations, 50), library.Median);
        Assert.Equal(Rank(durations, 90), library.P90);
        Assert.Equal(Rank(durations, 99), library.P99);
        Assert.Equal(durations[^1], library.Max);
    }

    [Fact]
    public void Statistics_First2000Incidents_ReopensEqualTheLogsStateMovesAndReopenCount()
    {
        var (moves, tickets, byColumn, resolvedOnce) = (0, 0, 0, 0);
        foreach (var (_, rows) in fixture.Log)
        {
            var (reopens, wasDone, everDone) = (0, false, false);
            foreach (var row in rows.Take(UntilClosed(rows)))
            {
                var isDone = Done.Contains(row[Col("incident_state")]);
                reopens += wasDone && !isDone ? 1 : 0;
                everDone |= isDone;
                wasDone = isDone;
            }

            (moves, tickets) = (moves + reopens, tickets + (reopens > 0 ? 1 : 0));
            // reopen_count as of the closure (INC0001894 is reopened a month after closing; the lifecycle refuses that).
            byColumn += int.Parse(rows[UntilClosed(rows) - 1][Col("reopen_count")], CultureInfo.InvariantCulture) > 0 ? 1 : 0;
            resolvedOnce += everDone ? 1 : 0;
        }

        var s = Analytics.Statistics;
        var refused = string.Join("; ", fixture.Report.RefusedTransitions.Select(r => $"{r.Kind}: {r.Count}"));
        Assert.True(moves == s.Reopens, $"log {moves}, library {s.Reopens}, refused: {refused}");
        Assert.Equal(tickets, s.ReopenedTickets);
        Assert.Equal(byColumn, s.ReopenedTickets);
        Assert.Equal(resolvedOnce, s.ResolvedAtLeastOnce);
        Assert.Equal((double)tickets / resolvedOnce, s.ReopenRate);
    }

    [Fact]
    public void Compliance_First2000Incidents_AgreesWithTheEnginesClocksPerPriority()
    {
        // The library re-evaluates the replay's policy from the histories; the engine ran the same policy live.
        var metric = Analytics.Compliance.Metric(ReplaySetup.Metric)!;
        foreach (var row in fixture.Report.Sla)
        {
            var counts = metric.ByPriority.Single(e => e.Key == row.Priority).Counts;
            Assert.Equal((row.Met, row.Breached), (counts.Met, counts.Breached));
        }

        Assert.Equal(ReplayAnalyticsFixture.Incidents, metric.ByMonth.Sum(e => e.Counts.Total));
        var stricter = Analytics.Stricter.Metric(ReplaySetup.Metric)!;
        Assert.True(stricter.Total.Met <= metric.Total.Met);
        Assert.Equal(metric.Total.Met - stricter.Total.Met, Analytics.MetToBreached);
    }

    [Fact]
    public void Report_First2000Incidents_AvailabilityStaffingAndProblemsAreConsistent()
    {
        var expectedOutages = fixture.Log
            .Where(i => i.Rows[0][Col("impact")].StartsWith('1') && i.Rows[0][Col("category")] is { } c && Analytics.Availability.Any(a => a.Category == c))
            .Count();
        // Overlapping or touching outages of a category merge into one failure, and outages wholly in closed hours cost
        // nothing, so there are at most as many failures as high-impact incidents.
        Assert.True(expectedOutages > 0);
        Assert.InRange(Analytics.Availability.Sum(a => a.Figures.Failures), 1, expectedOutages);
        Assert.All(Analytics.Availability, a => Assert.InRange(a.Figures.Downtime, Duration.Zero, a.Figures.Agreed));
        Assert.All(Analytics.Availability, a => Assert.InRange(a.Figures.Availability!.Value, 0, 1));
        Assert.Equal(168, Analytics.Staffing.Count);
        Assert.All(Analytics.Staffing, r => Assert.True(r.ServiceLevel >= 0.8 || r.LimitedByOccupancy, $"{r}"));
        Assert.NotEmpty(Analytics.Problems);
        Assert.All(Analytics.Problems, p => Assert.True(p.Count >= 3));
    }

    private static string? Field(string value) => value == "?" ? null : value;

    /// <summary>Availability of each reported category, recomputed from the CSV by counting minutes: the replay's
    /// calendar asked minute by minute whether it is open (no business-time arithmetic), outages from the high-impact
    /// incidents' rows (opening to the first Resolved or Closed row), episodes merged when they overlap or touch.</summary>
    [Fact]
    public void Availability_First2000Incidents_EqualsAMinuteByMinuteCountOverTheCsv()
    {
        var calendar = ReplaySetup.Calendar();
        var (start, end) = (fixture.Report.Simulated.Start, fixture.Report.Simulated.End);
        var minute = Duration.FromMinutes(1);
        long agreed = 0;
        for (var m = start; m < end; m += minute)
        {
            agreed += calendar.IsOpen(m) ? 1 : 0;
        }

        Assert.NotEmpty(Analytics.Availability);
        foreach (var row in Analytics.Availability)
        {
            var incidents = 0;
            var outages = new List<(Instant Start, Instant End)>();
            foreach (var (_, rows) in fixture.Log)
            {
                if (Field(rows[0][Col("category")]) != row.Category)
                {
                    continue;
                }

                incidents++;
                if (!rows[0][Col("impact")].StartsWith('1'))
                {
                    continue;
                }

                var (opened, times) = Times(rows);
                var resolved = rows.FindIndex(r => Done.Contains(r[Col("incident_state")]));
                var stop = resolved < 0 || times[resolved] > end ? end : times[resolved];
                if (stop > opened)
                {
                    outages.Add((opened < start ? start : opened, stop));
                }
            }

            // Episodes: sorted, merged when overlapping or touching.
            var episodes = new List<(Instant Start, Instant End)>();
            foreach (var o in outages.OrderBy(o => o.Start))
            {
                if (episodes.Count > 0 && o.Start <= episodes[^1].End)
                {
                    episodes[^1] = (episodes[^1].Start, o.End > episodes[^1].End ? o.End : episodes[^1].End);
                }
                else
                {
                    episodes.Add(o);
                }
            }

            long down = 0;
            var failures = 0;
            foreach (var (s, e) in episodes)
            {
                long open = 0;
                for (var m = s; m < e; m += minute)
                {
                    open += calendar.IsOpen(m) ? 1 : 0;
                }

                down += open;
                failures += open > 0 ? 1 : 0;
            }

            Assert.True(down > 0, $"{row.Category}: no downtime to compare");
            Assert.Equal(incidents, row.Incidents);
            Assert.Equal(Duration.FromMinutes(agreed), row.Figures.Agreed);
            Assert.Equal(Duration.FromMinutes(down), row.Figures.Downtime);
            Assert.Equal(failures, row.Figures.Failures);
            Assert.Equal((double)(agreed - down) / agreed, row.Figures.Availability!.Value, 12);
        }
    }

    /// <summary>Problem candidates recomputed from the CSV: incidents keyed by the first row's category and subcategory,
    /// for each key the 28-day window (from an incident's opening, half-open) holding the most, the latest on a tie, kept
    /// from 3 incidents; its count, first and last opening and distinct ISO weeks match the report's, and no candidate the
    /// report left out outranks one it kept.</summary>
    [Fact]
    public void ProblemCandidates_First2000Incidents_EqualTheFullestWindowsOfTheCsv()
    {
        var window = Duration.FromDays(28);
        var byKey = new Dictionary<(string?, string?), List<Instant>>();
        foreach (var (_, rows) in fixture.Log)
        {
            var key = (Field(rows[0][Col("category")]), Field(rows[0][Col("subcategory")]));
            if (key is (null, null))
            {
                continue;
            }

            (byKey.TryGetValue(key, out var list) ? list : byKey[key] = []).Add(Times(rows).Opened);
        }

        var expected = new Dictionary<(string?, string?), (int Count, Instant First, Instant Last, int Weeks)>();
        foreach (var (key, openings) in byKey)
        {
            openings.Sort();
            var best = (Count: 0, From: 0);
            for (var i = 0; i < openings.Count; i++)
            {
                var count = openings.Skip(i).TakeWhile(o => o < openings[i] + window).Count();
                if (count >= best.Count)
                {
                    best = (count, i);
                }
            }

            if (best.Count >= 3)
            {
                var inWindow = openings.Skip(best.From).Take(best.Count).ToList();
                var weeks = inWindow.Select(o => o.InUtc().Date).Select(d => (WeekYearRules.Iso.GetWeekYear(d), WeekYearRules.Iso.GetWeekOfWeekYear(d))).Distinct().Count();
                expected[key] = (best.Count, inWindow[0], inWindow[^1], weeks);
            }
        }

        Assert.Equal(expected.Count, Analytics.ProblemCount);
        Assert.NotEmpty(Analytics.Problems);
        foreach (var p in Analytics.Problems)
        {
            Assert.Equal(expected[(p.Key.Category, p.Key.Subcategory)], (p.Count, p.First, p.Last, p.DistinctWeeks));
        }

        var kept = Analytics.Problems.Select(p => (p.Key.Category, p.Key.Subcategory)).ToHashSet();
        var weakestKept = Analytics.Problems.Min(p => (p.Count, p.DistinctWeeks));
        Assert.All(expected.Where(e => !kept.Contains(e.Key)), e => Assert.True((e.Value.Count, e.Value.Weeks).CompareTo(weakestKept) <= 0, $"{e.Key} outranks a kept candidate"));
    }

    /// <summary>Staffing recomputed from the CSV and the Erlang C formula written out here: arrivals per hour of week
    /// from <c>opened_at</c> over the busy ISO weeks (those with at least a tenth of the busiest week's openings), the
    /// report's handle time, and for each hour the smallest N above the traffic whose service level
    /// <c>1 - C(N, A) e^(-(N - A) t / AHT)</c> reaches 80 % within an hour (C from the Erlang B recursion).</summary>
    [Fact]
    public void Staffing_First2000Incidents_EqualsErlangCOverTheCsvArrivals()
    {
        var perWeek = new Dictionary<(int, int), int>();
        var arrivals = new double[168];
        foreach (var (_, rows) in fixture.Log)
        {
            var opened = Times(rows).Opened.InUtc();
            arrivals[((int)opened.DayOfWeek - 1) * 24 + opened.Hour]++;
            var week = (WeekYearRules.Iso.GetWeekYear(opened.Date), WeekYearRules.Iso.GetWeekOfWeekYear(opened.Date));
            perWeek[week] = perWeek.GetValueOrDefault(week) + 1;
        }

        var busiest = perWeek.Values.Max();
        var weeks = perWeek.Values.Count(n => n * 10 >= busiest);
        Assert.Equal(weeks, Analytics.Weeks);
        var aht = Analytics.HandleTime.TotalHours;
        Assert.True(aht > 0);
        var staffed = 0;
        for (var h = 0; h < 168; h++)
        {
            var traffic = arrivals[h] / weeks * aht; // Erlangs: arrivals per hour × handle time in hours
            var agents = 0;
            if (traffic > 0)
            {
                agents = (int)Math.Floor(traffic) + 1;
                while (ServiceLevel(agents, traffic, 1.0 / aht) < 0.8)
                {
                    agents++;
                }
            }

            staffed += agents > 0 ? 1 : 0;
            Assert.Equal(traffic, Analytics.Staffing[h].Erlangs, 9);
            Assert.Equal(agents, Analytics.Staffing[h].Agents);
        }

        Assert.True(staffed > 40, $"only {staffed} hours need agents");

        // 1 - C(N, A) * exp(-(N - A) * t / AHT), with t = 1 hour and AHT in hours (so t / AHT = answerWithinOverAht).
        static double ServiceLevel(int n, double a, double answerWithinOverAht)
        {
            var b = 1.0;
            for (var k = 1; k <= n; k++)
            {
                b = a * b / (k + (a * b));
            }

            var c = n * b / (n - (a * (1 - b)));
            return 1 - (c * Math.Exp(-(n - a) * answerWithinOverAht));
        }
    }

    private static Duration Rank(List<Duration> sorted, double percent) =>
        sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    [Fact]
    public void Render_First2000Incidents_ConsoleWithin80ColumnsAndHtmlSelfContained()
    {
        var (console, output) = ReplayTestData.Console();
        console.Profile.Width = 80;
        ConsoleAnalytics.Write(console, Analytics);
        var text = output.ToString();
        Assert.All(text.Split('\n'), line => Assert.True(line.TrimEnd('\r').Length <= 80, line));
        Assert.Contains("What-if: resolution targets 20 % shorter", text, StringComparison.Ordinal);
        Assert.Contains("Agents needed per hour of week", text, StringComparison.Ordinal);

        var html = HtmlReport.Render(fixture.Report);
        Assert.Contains("<h2>Analytics (ServiceDesk.Analytics)</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<polyline", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }
}
