using System.Globalization;
using System.IO.Compression;
using NodaTime;
using NodaTime.Text;
using Snapshooter.Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Sla.Tests.Clocks;

/// <summary>
/// Replays the real ServiceNow incident log (UCI dataset 498, CC BY 4.0, DOI 10.24432/C57S4H; see DATASET.md next to
/// the file) through a documented resolution policy and checks invariants on every one of its 24,918 incidents.
/// </summary>
/// <remarks>
/// The policy (also in docs/sla.md): calendar Mon-Fri 08:00-18:00 in Etc/UTC (the log has no zone, so its wall times are
/// taken as UTC); resolution targets P1 4 h, P2 10 h (one business day), P3 30 h, P4 50 h of business time; the clock
/// starts at <c>opened_at</c>, pauses while the state is one of the "Awaiting ..." states, stops at Resolved or Closed,
/// continues its cycle on reopen and keeps elapsed time on priority changes. Events are replayed in time order (stable),
/// clamped to <c>opened_at</c> (the log has 5 incidents with events before it and one with a time going backwards); the
/// undocumented state <c>-100</c> leaves the status unchanged.
/// </remarks>
public sealed class ServiceNowReplayTests(ITestOutputHelper output)
{
    private const string DataPath = "samples/data/uci-incident-management-event-log/incident_event_log.csv.gz";
    private static readonly LocalDateTimePattern TimePattern = LocalDateTimePattern.CreateWithInvariantCulture("d/M/yyyy HH:mm");

    internal static SlaMetric ResolutionPolicy()
    {
        var calendar = new BusinessCalendarBuilder("Etc/UTC").AddWeekdayHours(new LocalTime(8, 0), new LocalTime(18, 0)).Build();
        var options = SlaMetricOptions.Resolution(calendar, Duration.FromHours(30));
        options.TargetsByPriority[Priority.P1Critical] = Duration.FromHours(4);
        options.TargetsByPriority[Priority.P2High] = Duration.FromHours(10);
        options.TargetsByPriority[Priority.P4Low] = Duration.FromHours(50);
        options.Thresholds.Add(SlaThreshold.Percent(75));
        return options.Build();
    }

    [Fact]
    public void Replay_EveryIncidentOfServiceNowLog_SatisfiesClockInvariants()
    {
        var metric = ResolutionPolicy();
        var incidents = ReadIncidents();
        Assert.Equal(24_918, incidents.Count);
        Assert.Equal(141_712, incidents.Sum(i => i.Rows.Count));

        var outcomes = new SortedDictionary<Priority, (int Met, int Breached)>();
        var faults = new List<string>();
        var paused = 0;
        foreach (var incident in incidents)
        {
            var (timeline, reopened, finalPriority) = ToTimeline(incident);
            var closedAt = incident.ClosedAt;
            var final = SlaClock.Evaluate(metric, timeline, closedAt);
            var middle = SlaClock.Evaluate(metric, timeline, incident.OpenedAt + ((closedAt - incident.OpenedAt) / 2));
            Check(incident.Number, final, middle, timeline, reopened, metric.Calendar, closedAt, faults);
            paused += final.Paused > Duration.Zero ? 1 : 0;
            var (met, breached) = outcomes.GetValueOrDefault(finalPriority);
            outcomes[finalPriority] = final.Stage == SlaStage.Met ? (met + 1, breached) : (met, breached + 1);
        }

        output.WriteLine("priority   met  breached");
        foreach (var (priority, (met, breached)) in outcomes)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{priority,-11}{met,6}{breached,10}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"incidents with paused time: {paused}"));
        Assert.True(faults.Count == 0, string.Join(Environment.NewLine, faults.Take(20)));
        Assert.Equal(incidents.Count, outcomes.Values.Sum(o => o.Met + o.Breached));
        Assert.True(paused > 1000, "the Awaiting states must pause the clock");
        Assert.All(outcomes.Values, o => Assert.True(o.Met > 0 && o.Breached > 0));

        // The report itself is pinned: any change to the clock semantics that moves an outcome shows up in review.
        Snapshot.Match(outcomes.Select(o => new { Priority = o.Key.ToString(), o.Value.Met, o.Value.Breached, Total = o.Value.Met + o.Value.Breached }).ToList());
    }

    private static void Check(string number, SlaClockState final, SlaClockState middle, TicketTimeline timeline, bool reopened, BusinessCalendar calendar, Instant closedAt, List<string> faults)
    {
        void Fault(string what) => faults.Add($"{number}: {what}: {final}");

        foreach (var state in new[] { final, middle })
        {
            if (state.Elapsed > state.WallElapsed || state.Elapsed + state.Paused > state.WallElapsed)
            {
                Fault("elapsed or elapsed + paused exceeds wall time");
            }

            if (state.Remaining != state.Target - state.Elapsed || state.PercentElapsed != state.Elapsed.BclCompatibleTicks * 100m / state.Target.BclCompatibleTicks)
            {
                Fault("remaining or percentage inexact");
            }
        }

        if (final.Stage is not (SlaStage.Met or SlaStage.Breached) || final.StoppedAt is not { } stopped || final.StartedAt != timeline.CreatedAt)
        {
            Fault("a closed incident must have a met or breached clock started at opened_at");
            return;
        }

        if (stopped > closedAt || stopped < timeline.CreatedAt || final.WallElapsed != stopped - timeline.CreatedAt || final.NextTimerAt is not null)
        {
            Fault("stop instant inconsistent with the incident's timestamps");
        }

        if (final.Stage == SlaStage.Met && (final.IsBreached || final.Elapsed > final.Target || final.DueAt < stopped))
        {
            Fault("met but over target or after the due");
        }

        if (final.Stage == SlaStage.Breached && (final.BreachedAt is not { } breachedAt || breachedAt < timeline.CreatedAt || breachedAt >= stopped))
        {
            Fault("breached without a breach instant inside the cycle");
        }

        var business = calendar.BusinessTimeBetween(timeline.CreatedAt, stopped);
        if (reopened ? final.Elapsed + final.Paused > business : final.Elapsed + final.Paused != business)
        {
            Fault($"elapsed + paused does not add up to the business time between start and stop ({business})");
        }

        if (middle.Stage is SlaStage.Running && middle.NextTimerAt is { } next && next <= middle.StartedAt!.Value + middle.WallElapsed)
        {
            Fault("the next timer of a running clock is not in the future");
        }

        if (middle.Stage is SlaStage.NotStarted or SlaStage.Cancelled)
        {
            Fault("the clock must run from opened_at and is never cancelled by this policy");
        }
    }

    private static (TicketTimeline Timeline, bool Reopened, Priority FinalPriority) ToTimeline(Incident incident)
    {
        var rows = incident.Rows.OrderBy(r => r.UpdatedAt).ToList(); // stable
        var builder = TicketTimeline.Create(incident.OpenedAt, "New", rows[0].Priority);
        var reopened = false;
        foreach (var row in rows)
        {
            var at = row.UpdatedAt < incident.OpenedAt ? incident.OpenedAt : row.UpdatedAt;
            if (row.Priority != builder.Current.Priority)
            {
                builder.ChangePriority(at, row.Priority);
            }

            var (status, hold) = row.State switch
            {
                "New" => ("New", null),
                "Active" => ("InProgress", null),
                "Resolved" => ("Resolved", null),
                "Closed" => ("Closed", null),
                var s when s.StartsWith("Awaiting", StringComparison.Ordinal) => ("OnHold", s),
                _ => (builder.Current.Status, builder.Current.HoldReason),
            };
            if (status != builder.Current.Status || hold != builder.Current.HoldReason)
            {
                reopened |= builder.Current.Status is "Resolved" or "Closed" && status is not ("Resolved" or "Closed");
                builder.ChangeStatus(at, status, hold);
            }
        }

        return (builder.Build(), reopened, rows[^1].Priority);
    }

    private static List<Incident> ReadIncidents()
    {
        using var stream = new GZipStream(File.OpenRead(FindData()), CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        var header = reader.ReadLine()!.Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        int number = Column("number"), state = Column("incident_state"), opened = Column("opened_at"),
            updated = Column("sys_updated_at"), priority = Column("priority"), closed = Column("closed_at");
        var incidents = new List<Incident>();
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split(',');
            if (incidents.Count == 0 || incidents[^1].Number != fields[number])
            {
                incidents.Add(new Incident(fields[number], ParseTime(fields[opened]), ParseTime(fields[closed]), []));
            }

            incidents[^1].Rows.Add(new Row(fields[state], ParseTime(fields[updated]), (Priority)(fields[priority][0] - '0')));
        }

        return incidents;
    }

    private static Instant ParseTime(string text) => TimePattern.Parse(text).Value.InUtc().ToInstant();

    private static string FindData()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, DataPath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"The ServiceNow incident log was not found: looked for '{DataPath}' in every parent directory of {AppContext.BaseDirectory}.");
    }

    private sealed record Incident(string Number, Instant OpenedAt, Instant ClosedAt, List<Row> Rows);

    private sealed record Row(string State, Instant UpdatedAt, Priority Priority);
}
