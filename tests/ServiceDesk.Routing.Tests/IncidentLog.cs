using System.Globalization;
using System.IO.Compression;
using NodaTime;

namespace ServiceDesk.Routing.Tests;

/// <summary>One audit event of the real ServiceNow incident log ("Incident management process enriched event log", UCI
/// Machine Learning Repository dataset 498, DOI 10.24432/C57S4H, CC BY 4.0; attribution in samples/data/README.md).</summary>
internal sealed record IncidentEvent(
    string Number, string State, int ReassignmentCount, int ReopenCount, Instant UpdatedAt, Instant OpenedAt, string ContactType,
    string Location, string Category, string Subcategory, string Priority, string Group);

internal static class IncidentLog
{
    private static readonly Lazy<IReadOnlyList<IReadOnlyList<IncidentEvent>>> Cached = new(Load);

    /// <summary>Gets the incidents, in file order, each with its events in file order.</summary>
    public static IReadOnlyList<IReadOnlyList<IncidentEvent>> Incidents => Cached.Value;

    private static IReadOnlyList<IReadOnlyList<IncidentEvent>> Load()
    {
        // The csproj links samples/data/uci-incident-management-event-log/incident_event_log.csv.gz into the output.
        var path = Environment.GetEnvironmentVariable("SERVICEDESK_UCI_INCIDENT_LOG") is { Length: > 0 } overridden
            ? overridden
            : Path.Combine(AppContext.BaseDirectory, "Data", "incident_event_log.csv.gz");
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var header = reader.ReadLine()!.Split(',');
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"no column {name}");
        var (number, state, reassign, reopen, updated, opened, contact, location, category, subcategory, priority, group) = (
            Column("number"), Column("incident_state"), Column("reassignment_count"), Column("reopen_count"), Column("sys_updated_at"),
            Column("opened_at"), Column("contact_type"), Column("location"), Column("category"), Column("subcategory"), Column("priority"),
            Column("assignment_group"));

        var incidents = new List<IReadOnlyList<IncidentEvent>>();
        var current = new List<IncidentEvent>();
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            var e = new IncidentEvent(
                f[number], f[state], int.Parse(f[reassign], CultureInfo.InvariantCulture), int.Parse(f[reopen], CultureInfo.InvariantCulture),
                Time(f[updated]), Time(f[opened]), f[contact], f[location], f[category], f[subcategory], f[priority], f[group]);
            if (current.Count > 0 && current[0].Number != e.Number)
            {
                incidents.Add(current);
                current = [];
            }

            current.Add(e);
        }

        incidents.Add(current);
        return incidents;
    }

    private static Instant Time(string text)
        => LocalDateTime.FromDateTime(DateTime.ParseExact(text, "d/M/yyyy HH:mm", CultureInfo.InvariantCulture)).InUtc().ToInstant();
}
