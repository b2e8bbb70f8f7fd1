using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Analytics;
using ServiceDesk.Benchmarks.Workflow;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Workflow.Replay;

namespace ServiceDesk.Benchmarks.Analytics;

/// <summary>
/// Statistics and SLA compliance over the histories of the whole real UCI incident log (24,918 incidents), built once in
/// the setup straight from the CSV: an opening per incident (at <c>opened_at</c>, never after its first row), an
/// assignment when the row's group or analyst changes, a priority change when its priority changes and a status change
/// when its mapped state changes (the Workflow tests' <c>UciIncidentMapping</c>), times clamped so they never go back.
/// No lifecycle is enforced (a closed incident the log reopens is reopened here). The policy is the replay sample's:
/// resolution P1 4 h, P2 10 h, P3 30 h, P4 50 h of business time on Monday-Friday 08:00-18:00 UTC (without the sample's
/// holidays), paused on hold, a 75 % threshold.
/// <c>OnePass</c> feeds each history once to a <see cref="TicketStatisticsAccumulator"/> and a
/// <see cref="SlaComplianceAccumulator"/>; <c>NaiveLinq</c> answers the same questions one LINQ query at a time.
/// <c>OnePassStreamedFromSqlite</c> is <c>OnePass</c> over the same histories stored in a SQLite file (written once in the
/// setup, in a temporary folder deleted afterwards) and read with <see cref="ITicketHistoryStream.StreamHistoriesAsync"/>;
/// <c>OnePassReadPerTicketFromSqlite</c> reads them the way a product without the stream would: a page of tickets at a
/// time (<see cref="ITicketStore.QueryAsync"/>) and each history with <see cref="ITicketStore.ReadHistoryAsync"/>.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class UciLogAnalyticsBenchmarks
{
    private static readonly TenantId Tenant = new("uci");
    private static readonly HashSet<TicketStatus> Done = [TicketStatus.Resolved, TicketStatus.Closed, TicketStatus.Canceled];
    private static readonly Instant AsOf = Instant.FromUtc(2017, 2, 18, 15, 0);
    private static readonly BusinessCalendar Calendar = new BusinessCalendarBuilder("Etc/UTC")
        .AddWeekdayHours(new LocalTime(8, 0), new LocalTime(18, 0)).Build();

    private IReadOnlyList<TicketEvent>[] _histories = [];
    private SlaPolicySet _policies = null!;
    private DirectoryInfo? _folder;
    private SqliteTicketStore? _store;

    /// <summary>Gets the number of events in the histories (for the record).</summary>
    public int Events => _histories.Sum(h => h.Count);

    [GlobalSetup]
    public void Setup()
    {
        var resolution = SlaMetricOptions.Resolution(Calendar, Duration.FromHours(30));
        resolution.TargetsByPriority[Priority.P1Critical] = Duration.FromHours(4);
        resolution.TargetsByPriority[Priority.P2High] = Duration.FromHours(10);
        resolution.TargetsByPriority[Priority.P3Moderate] = Duration.FromHours(30);
        resolution.TargetsByPriority[Priority.P4Low] = Duration.FromHours(50);
        resolution.Thresholds.Add(SlaThreshold.Percent(75));
        var policy = new SlaPolicyOptions { Name = "uci-incidents" };
        policy.Kinds.Add(TicketKind.Incident);
        policy.Metrics.Add(resolution);
        _policies = new SlaPolicySet([policy.Build()]);
        _histories = Build(UciIncidentLog.DataPath());
        Console.WriteLine($"// UCI histories: {_histories.Length:N0} tickets, {Events:N0} events");
        _folder = Directory.CreateTempSubdirectory("servicedesk-bench-uci-");
        _store = SqliteTicketStore.OpenAsync(Path.Combine(_folder.FullName, "uci.db")).GetAwaiter().GetResult();
        StoreAsync(_store, _histories).GetAwaiter().GetResult();
    }

    /// <summary>Deletes the SQLite file.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.Dispose();
        _folder?.Delete(recursive: true);
    }

    /// <summary>Naive: one LINQ query per figure, a sort per percentile, a scan of all tickets per backlog day, and for
    /// compliance a timeline per ticket, <see cref="SlaPolicySet.Evaluate"/> and a LINQ GroupBy per breakdown.</summary>
    [Benchmark(Baseline = true)]
    public int NaiveLinq()
    {
        var zone = DateTimeZone.Utc;
        var resolved = _histories
            .Where(h => h.OfType<StatusChanged>().LastOrDefault()?.To is { } s && (s == TicketStatus.Resolved || s == TicketStatus.Closed))
            .Select(h => (Opened: h[0].At, Resolved: h.OfType<StatusChanged>().Last(s => !Done.Contains(s.From) && (s.To == TicketStatus.Resolved || s.To == TicketStatus.Closed)).At))
            .ToList();
        var wall = resolved.Select(r => r.Resolved - r.Opened).ToList();
        var business = resolved.Select(r => Calendar.BusinessTimeBetween(r.Opened, r.Resolved)).ToList();
        Duration P(List<Duration> d, int p) => d.OrderBy(x => x).ElementAt((int)Math.Ceiling(p / 100.0 * d.Count) - 1);
        var figures = new[] { P(wall, 50), P(wall, 90), P(wall, 99), P(business, 50), P(business, 90), P(business, 99) };
        var reopens = _histories.Sum(h => h.OfType<StatusChanged>().Count(s => Done.Contains(s.From) && !Done.Contains(s.To)));
        var fcr = _histories.Count(h => h.OfType<StatusChanged>().LastOrDefault()?.To is { } last && (last == TicketStatus.Resolved || last == TicketStatus.Closed)
            && h.OfType<Assigned>().Where(a => a.Group is not null).Select(a => a.Group).Distinct().Count() <= 1
            && !h.OfType<StatusChanged>().Any(s => Done.Contains(s.From) && !Done.Contains(s.To)));
        var arrivals = _histories.GroupBy(h => { var l = h[0].At.InZone(zone).LocalDateTime; return (((int)l.DayOfWeek - 1) * 24) + l.Hour; }).Count();
        var first = _histories.Min(h => h[0].At).InZone(zone).Date;
        var lastDay = _histories.Max(h => h[^1].At).InZone(zone).Date;
        var backlog = 0;
        for (var day = first; day <= lastDay; day = day.PlusDays(1))
        {
            var end = day.PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
            backlog += _histories.Count(h => h[0].At < end && !Done.Contains(h.OfType<StatusChanged>().LastOrDefault(s => s.At < end)?.To ?? TicketStatus.New));
        }

        return figures.Length + reopens + fcr + arrivals + backlog + NaiveSlaCompliance.Count(_histories, _policies, AsOf, DateTimeZone.Utc, byPolicy: false);
    }

    /// <summary>The library: each history once through the statistics and the compliance accumulators.</summary>
    [Benchmark]
    public int OnePass()
    {
        var (statistics, compliance) = Accumulators();
        foreach (var history in _histories)
        {
            statistics.Add(history);
            compliance.Add(history);
        }

        return Checksum(statistics, compliance);
    }

    /// <summary>The library over the SQLite store: every history in one streamed query, each once through the accumulators.</summary>
    /// <returns>A checksum of the figures.</returns>
    [Benchmark]
    public async Task<int> OnePassStreamedFromSqlite() => await OnePassAsync(_store!.StreamHistoriesAsync(Tenant));

    /// <summary>The same over the SQLite store read a page of tickets and one history at a time.</summary>
    /// <returns>A checksum of the figures.</returns>
    [Benchmark]
    public async Task<int> OnePassReadPerTicketFromSqlite() => await OnePassAsync(ReadPerTicketAsync(_store!));

    private async Task<int> OnePassAsync(IAsyncEnumerable<IReadOnlyList<TicketEvent>> histories)
    {
        var (statistics, compliance) = Accumulators();
        await foreach (var history in histories)
        {
            statistics.Add(history);
            compliance.Add(history);
        }

        return Checksum(statistics, compliance);
    }

    private (TicketStatisticsAccumulator Statistics, SlaComplianceAccumulator Compliance) Accumulators() => (
        new TicketStatisticsAccumulator(new TicketStatisticsOptions { Calendar = Calendar, Zone = DateTimeZone.Utc }),
        new SlaComplianceAccumulator(new SlaComplianceOptions { Policies = _policies, AsOf = AsOf, Zone = DateTimeZone.Utc }));

    /// <summary>A checksum of both reports, so nothing of the work can be optimized away.</summary>
    private static int Checksum(TicketStatisticsAccumulator statistics, SlaComplianceAccumulator compliance)
    {
        var s = statistics.ToReport();
        var c = compliance.ToReport();
        return s.Resolved + s.Reopens + s.FirstContactResolutions + s.Backlog.Count
            + c.Metrics.Sum(m => m.Total.Met + m.Total.Breached + m.ByPriority.Count + m.ByGroup.Count + m.ByMonth.Count);
    }

    private static async IAsyncEnumerable<IReadOnlyList<TicketEvent>> ReadPerTicketAsync(ITicketStore store)
    {
        string? token = null;
        do
        {
            var page = await store.QueryAsync(new TicketQuery(Tenant) { PageSize = 500, ContinuationToken = token });
            foreach (var ticket in page.Items)
            {
                yield return await store.ReadHistoryAsync(Tenant, ticket.Id);
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>Stores the histories, 5,000 tickets a transaction, each with a snapshot of where its events leave it.</summary>
    private static async Task StoreAsync(SqliteTicketStore store, IReadOnlyList<TicketEvent>[] histories)
    {
        var requester = new Requester(new CustomerId("uci"), "UCI caller");
        for (var start = 0; start < histories.Length; start += 5_000)
        {
            var appends = new List<TicketAppend>();
            foreach (var history in histories.Skip(start).Take(5_000))
            {
                var opened = (TicketOpened)history[0];
                var ticket = new Ticket
                {
                    Tenant = Tenant,
                    Id = opened.Ticket,
                    Number = opened.Number,
                    Kind = opened.Kind,
                    Subject = opened.Subject,
                    Status = history.OfType<StatusChanged>().LastOrDefault()?.To ?? TicketStatus.New,
                    Impact = Impact.Medium,
                    Urgency = Urgency.Medium,
                    Priority = history.OfType<PriorityChanged>().LastOrDefault()?.To ?? opened.Priority,
                    Channel = opened.Channel,
                    Requester = requester,
                    AssignmentGroup = history.OfType<Assigned>().LastOrDefault()?.Group,
                    OpenedAt = opened.At,
                    UpdatedAt = history[^1].At,
                    Version = history.Count,
                };
                appends.Add(new TicketAppend(ticket, history, 0));
            }

            var last = await store.GetLastNumberAsync(Tenant, TicketKind.Incident);
            await store.AppendBatchAsync(new TicketBatch(appends, [new NumberAdvance(TicketKind.Incident, last, last + appends.Count)]));
        }
    }

    /// <summary>Builds one history per incident from the CSV (the UCI log never quotes a field, so a split suffices).</summary>
    private static IReadOnlyList<TicketEvent>[] Build(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.ASCII);
        var header = reader.ReadLine()!.Split(',');
        int C(string name) => Array.IndexOf(header, name);
        var (number, state, openedAt, updatedBy, updatedAt, priorityColumn, impact, urgency, group, agent) =
            (C("number"), C("incident_state"), C("opened_at"), C("sys_updated_by"), C("sys_updated_at"), C("priority"), C("impact"), C("urgency"), C("assignment_group"), C("assigned_to"));
        var histories = new List<IReadOnlyList<TicketEvent>>();
        List<TicketEvent>? events = null;
        string? current = null;
        var (status, at, lastGroup, lastAgent, lastPriority) = (TicketStatus.New, default(Instant), (string?)null, (string?)null, Priority.P4Low);
        TicketId id = default;
        while (reader.ReadLine() is { } line)
        {
            var row = line.Split(',');
            var actor = UciIncidentMapping.ActorOf(row[updatedBy]);
            var time = UciIncidentMapping.ParseTime(row[updatedAt]);
            var priority = PriorityOf(row[priorityColumn]);
            if (row[number] != current)
            {
                current = row[number];
                id = new TicketId(new Guid(histories.Count + 1, 0, 0, new byte[8]));
                var opened = row[openedAt] == "?" ? time : UciIncidentMapping.ParseTime(row[openedAt]);
                at = opened < time ? opened : time;
                events = [new TicketOpened(Tenant, id, 1, at, actor, new TicketNumber(TicketKind.Incident, histories.Count + 1), TicketKind.Incident, current, priority, Channel.Phone)];
                histories.Add(events);
                (status, lastGroup, lastAgent, lastPriority) = (TicketStatus.New, null, null, priority);
            }

            at = time > at ? time : at;
            var (g, a) = (row[group] == "?" ? null : row[group], row[agent] == "?" ? null : row[agent]);
            if ((g ?? lastGroup) is { } newGroup && (newGroup != lastGroup || (a is not null && a != lastAgent)))
            {
                // An analyst needs a group: rows with an analyst but no group yet wait for the group.
                (lastGroup, lastAgent) = (newGroup, a ?? lastAgent);
                events!.Add(new Assigned(Tenant, id, events.Count + 1, at, actor,
                    new GroupId(Slug(lastGroup)), lastAgent is null ? null : new AgentId(Slug(lastAgent))));
            }

            if (priority != lastPriority)
            {
                events!.Add(new PriorityChanged(Tenant, id, events.Count + 1, at, actor, lastPriority, priority, new Impact(Level(row[impact])), new Urgency(Level(row[urgency]))));
                lastPriority = priority;
            }

            if (UciIncidentMapping.Map(row[state]) is { } mapped && mapped.Status != status)
            {
                events!.Add(new StatusChanged(Tenant, id, events.Count + 1, at, actor, status, mapped.Status, mapped.Reason));
                status = mapped.Status;
            }
        }

        return [.. histories];
    }

    private static string Slug(string value) => value.ToLowerInvariant().Replace(' ', '-');

    private static int Level(string value) => value[0] - '0';

    private static Priority PriorityOf(string value) => value[0] switch
    {
        '1' => Priority.P1Critical,
        '2' => Priority.P2High,
        '3' => Priority.P3Moderate,
        _ => Priority.P4Low,
    };
}
