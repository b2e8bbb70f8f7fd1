using System.Globalization;
using System.IO.Compression;
using System.Text;
using NodaTime;
using Sylvan.Data.Csv;
using ServiceDesk.Workflow.Replay;

namespace ServiceDesk.Samples.Replay;

/// <summary>One audit event of a ServiceNow incident export: the fields the replay uses, with its line in the file.</summary>
/// <param name="Line">The 1-based line number in the file (the header is line 1).</param>
/// <param name="State">The <c>incident_state</c>, already checked to be mapped.</param>
/// <param name="At">The <c>sys_updated_at</c>, read as UTC.</param>
/// <param name="UpdatedBy">The <c>sys_updated_by</c>.</param>
/// <param name="Group">The <c>assignment_group</c>, or <see langword="null"/> for <c>?</c>.</param>
/// <param name="Agent">The <c>assigned_to</c>, or <see langword="null"/> for <c>?</c>.</param>
/// <param name="Impact">The impact, 1 (high) to 3 (low).</param>
/// <param name="Urgency">The urgency, 1 (high) to 3 (low).</param>
/// <param name="ReassignmentCount">The log's own <c>reassignment_count</c> at this event.</param>
public sealed record LogEvent(long Line, string State, Instant At, string UpdatedBy, string? Group, string? Agent, int Impact, int Urgency, int ReassignmentCount);

/// <summary>One incident of the export: its number, the fields of its first event, and its events in file order.</summary>
/// <param name="Number">The incident number, e.g. <c>INC0000045</c>.</param>
/// <param name="OpenedAt">The <c>opened_at</c> (never after the first event; the first event's time when missing).</param>
/// <param name="Caller">The <c>caller_id</c>.</param>
/// <param name="Channel">The <c>contact_type</c>.</param>
/// <param name="Category">The <c>category</c>, or <see langword="null"/>.</param>
/// <param name="Subcategory">The <c>subcategory</c>, or <see langword="null"/>.</param>
/// <param name="Location">The <c>location</c>, or <see langword="null"/>.</param>
public sealed record LogIncident(string Number, Instant OpenedAt, string Caller, string Channel, string? Category, string? Subcategory, string? Location)
{
    /// <summary>Gets the incident's events in file order.</summary>
    public List<LogEvent> Events { get; } = [];
}

/// <summary>A row the reader skipped, with its line number and why.</summary>
/// <param name="Line">The 1-based line number.</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record LogIssue(long Line, string Message)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"line {Line:N0}: {Message}");
}

/// <summary>What <see cref="ServiceNowLog.Read"/> found.</summary>
/// <param name="Incidents">The incidents, in order of first appearance.</param>
/// <param name="Rows">Data rows read (the header excluded).</param>
/// <param name="Issues">The rows skipped, with their line numbers.</param>
public sealed record LogReadResult(IReadOnlyList<LogIncident> Incidents, long Rows, IReadOnlyList<LogIssue> Issues);

/// <summary>Thrown when a ServiceNow export cannot be read at all (missing file, missing columns, broken quoting).</summary>
public sealed class LogFormatException(string message) : IOException(message);

/// <summary>
/// Reads a ServiceNow incident audit export with the columns of the UCI "Incident management process enriched event log"
/// (dataset 498): plain CSV or gzip-compressed (<c>.gz</c>), comma-separated, RFC 4180 quoting as ServiceNow exports
/// write it (<c>"Doe, Jane"</c>, <c>"a ""quoted"" word"</c>, line breaks inside quotes), <c>?</c> or an empty field for a
/// missing value, times as <c>d/M/yyyy HH:mm</c> (read as UTC). CSV parsing is Sylvan.Data.Csv's.
/// </summary>
/// <remarks>A malformed row (wrong number of fields, an unreadable time or level, an unknown state such as the log's
/// undocumented <c>-100</c>) is skipped and reported as a <see cref="LogIssue"/> with its row number (the header is row 1;
/// it is the line number unless a quoted field holds a line break); the rest is read. A missing file, a header without
/// the required columns or an unterminated quote throws <see cref="LogFormatException"/>.</remarks>
public static class ServiceNowLog
{
    private static readonly string[] Required =
    [
        "number", "incident_state", "caller_id", "opened_at", "sys_updated_by", "sys_updated_at", "contact_type", "location",
        "category", "subcategory", "impact", "urgency", "assignment_group", "assigned_to", "reassignment_count",
    ];

    /// <summary>The path of the log shipped with the repository, found from the working directory or the executable's
    /// folder upwards; <c>SERVICEDESK_UCI_INCIDENT_LOG</c> overrides it.</summary>
    /// <returns>The path, or <see langword="null"/> when it is not found.</returns>
    public static string? FindShippedLog()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("SERVICEDESK_UCI_INCIDENT_LOG");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        const string relative = "samples/data/uci-incident-management-event-log/incident_event_log.csv.gz";
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Reads an export.</summary>
    /// <param name="path">The file: <c>.gz</c> is decompressed.</param>
    /// <param name="from">Keep only incidents opened on or after this date (UTC), if given.</param>
    /// <param name="to">Keep only incidents opened on or before this date (UTC), if given.</param>
    /// <param name="limit">Keep only the first N incidents (after the date filter), if given; reading stops at the first
    /// row of the next incident, so later rows are neither read nor checked.</param>
    /// <param name="percentRead">Receives the share of the file read so far, 0 to 100, now and then; 100 at the end.</param>
    /// <returns>The incidents and the skipped rows.</returns>
    /// <exception cref="LogFormatException">The file is missing, its header lacks a required column or its quoting is broken.</exception>
    public static LogReadResult Read(string path, LocalDate? from = null, LocalDate? to = null, int? limit = null, Action<int>? percentRead = null)
    {
        if (!File.Exists(path))
        {
            throw new LogFormatException($"The event log '{path}' does not exist.");
        }

        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var length = Math.Max(1, file.Length);
        var result = Read(reader, path, from, to, limit, percentRead is null ? null : () => percentRead((int)(100 * file.Position / length)));
        percentRead?.Invoke(100);
        return result;
    }

    /// <summary>Reads an export from a reader (see <see cref="Read(string, LocalDate?, LocalDate?, int?, Action{int}?)"/>).</summary>
    /// <param name="reader">The text.</param>
    /// <param name="name">The name used in messages.</param>
    /// <param name="from">Keep only incidents opened on or after this date.</param>
    /// <param name="to">Keep only incidents opened on or before this date.</param>
    /// <param name="limit">Keep only the first N incidents.</param>
    /// <returns>The incidents and the skipped rows.</returns>
    /// <exception cref="LogFormatException">The header lacks a required column or the quoting is broken.</exception>
    public static LogReadResult Read(TextReader reader, string name, LocalDate? from = null, LocalDate? to = null, int? limit = null)
        => Read(reader, name, from, to, limit, null);

    private static LogReadResult Read(TextReader reader, string name, LocalDate? from, LocalDate? to, int? limit, Action? everyFewRows)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            using var csv = CsvDataReader.Create(reader, new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',', BufferSize = 1 << 16 });
            return Read(csv, name, from, to, limit, everyFewRows);
        }
        catch (CsvFormatException ex)
        {
            throw new LogFormatException($"The event log '{name}', row {ex.RowNumber + 1:N0}: the CSV is malformed ({ex.Message}); a quoted field must end with a quote.");
        }
    }

    private static LogReadResult Read(CsvDataReader csv, string name, LocalDate? from, LocalDate? to, int? limit, Action? everyFewRows)
    {
        var columns = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
        if (columns.Length == 0 || (columns.Length == 1 && columns[0].Length == 0))
        {
            throw new LogFormatException($"The event log '{name}' is empty (line 1: no header).");
        }

        var missing = Required.Where(c => Array.IndexOf(columns, c) < 0).ToList();
        if (missing.Count > 0)
        {
            throw new LogFormatException($"The event log '{name}', line 1: the header lacks the column(s) {string.Join(", ", missing)}; expected a ServiceNow incident export with the UCI 498 columns.");
        }

        int C(string column) => Array.IndexOf(columns, column);
        var (number, state, caller, openedAt, updatedBy, updatedAt) = (C("number"), C("incident_state"), C("caller_id"), C("opened_at"), C("sys_updated_by"), C("sys_updated_at"));
        var (channel, location, category, subcategory) = (C("contact_type"), C("location"), C("category"), C("subcategory"));
        var (impact, urgency, group, agent, reassignments) = (C("impact"), C("urgency"), C("assignment_group"), C("assigned_to"), C("reassignment_count"));

        var incidents = new List<LogIncident>();
        var byNumber = new Dictionary<string, LogIncident?>(StringComparer.Ordinal);
        var issues = new List<LogIssue>();

        // Values repeat (141,712 rows, a few thousand distinct callers, groups and states): one string per distinct value,
        // looked up by span, so a row allocates only what is new.
        var intern = new Dictionary<string, string>(StringComparer.Ordinal);
        var lookup = intern.GetAlternateLookup<ReadOnlySpan<char>>();
        string Intern(ReadOnlySpan<char> s)
        {
            if (!lookup.TryGetValue(s, out var v))
            {
                v = s.ToString();
                intern[v] = v;
            }

            return v;
        }

        string? Value(int ordinal)
        {
            var field = csv.GetFieldSpan(ordinal);
            return field.Length == 0 || field is "?" ? null : Intern(field);
        }

        long rows = 0;
        while (csv.Read())
        {
            var line = (long)csv.RowNumber + 1; // Sylvan counts data rows from 1; the header is line 1
            if (csv.RowFieldCount <= 1 && csv.GetFieldSpan(0).Length == 0)
            {
                continue; // an empty line
            }

            rows++;
            if (everyFewRows is not null && (rows & 0xFFF) == 0)
            {
                everyFewRows();
            }

            if (csv.RowFieldCount != columns.Length)
            {
                issues.Add(new LogIssue(line, $"expected {columns.Length} fields, found {csv.RowFieldCount}; row skipped"));
                continue;
            }

            var idSpan = csv.GetFieldSpan(number);
            if (idSpan.IsWhiteSpace() || idSpan is "?")
            {
                issues.Add(new LogIssue(line, "no incident number; row skipped"));
                continue;
            }

            var id = Intern(idSpan);
            var stateText = Intern(csv.GetFieldSpan(state));
            if (UciIncidentMapping.Map(stateText) is null)
            {
                issues.Add(new LogIssue(line, $"{id}: unknown incident_state '{stateText}'; row skipped"));
                continue;
            }

            if (!TryParseTime(csv.GetFieldSpan(updatedAt), out var at))
            {
                issues.Add(new LogIssue(line, $"{id}: sys_updated_at '{csv.GetFieldSpan(updatedAt)}' is not a d/M/yyyy HH:mm time; row skipped"));
                continue;
            }

            if (!TryParseLevel(csv.GetFieldSpan(impact), out var impactLevel) || !TryParseLevel(csv.GetFieldSpan(urgency), out var urgencyLevel))
            {
                issues.Add(new LogIssue(line, $"{id}: impact '{csv.GetFieldSpan(impact)}' or urgency '{csv.GetFieldSpan(urgency)}' is not '1 - High', '2 - Medium' or '3 - Low'; row skipped"));
                continue;
            }

            _ = int.TryParse(csv.GetFieldSpan(reassignments), NumberStyles.Integer, CultureInfo.InvariantCulture, out var reassigned);
            if (!byNumber.TryGetValue(id, out var incident))
            {
                var opened = at;
                var openedText = csv.GetFieldSpan(openedAt);
                if (openedText is not "?" && !TryParseTime(openedText, out opened))
                {
                    issues.Add(new LogIssue(line, $"{id}: opened_at '{openedText}' is not a d/M/yyyy HH:mm time; row skipped"));
                    continue;
                }

                opened = opened < at ? opened : at;
                if (limit is { } max && incidents.Count >= max)
                {
                    rows--;
                    break; // the first N incidents are read; the rest of the file is not
                }

                var date = opened.InUtc().Date;
                var keep = (from is null || date >= from) && (to is null || date <= to);
                incident = keep
                    ? new LogIncident(id, opened, Intern(csv.GetFieldSpan(caller)), Intern(csv.GetFieldSpan(channel)), Value(category), Value(subcategory), Value(location))
                    : null;
                byNumber[id] = incident;
                if (incident is not null)
                {
                    incidents.Add(incident);
                }
            }

            incident?.Events.Add(new LogEvent(line, stateText, at, Intern(csv.GetFieldSpan(updatedBy)), Value(group), Value(agent), impactLevel, urgencyLevel, reassigned));
        }

        return new LogReadResult(incidents, rows, issues);
    }

    /// <summary>Parses <c>d/M/yyyy HH:mm</c> as UTC.</summary>
    /// <param name="text">The text.</param>
    /// <param name="at">The instant.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParseTime(string text, out Instant at) => TryParseTime(text.AsSpan(), out at);

    /// <summary>Parses <c>d/M/yyyy HH:mm</c> as UTC.</summary>
    /// <param name="text">The text.</param>
    /// <param name="at">The instant.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParseTime(ReadOnlySpan<char> text, out Instant at)
    {
        at = default;
        Span<int> v = stackalloc int[5];
        ReadOnlySpan<char> separators = "// :";
        for (var i = 0; i < 5; i++)
        {
            var end = i < 4 ? text.IndexOf(separators[i]) : text.Length;
            if (end <= 0 || !int.TryParse(text[..end], NumberStyles.None, CultureInfo.InvariantCulture, out v[i]))
            {
                return false;
            }

            text = i < 4 ? text[(end + 1)..] : text;
        }

        if (v[2] is < 1900 or > 2999 || v[1] is < 1 or > 12 || v[0] < 1 || v[0] > CalendarSystem.Iso.GetDaysInMonth(v[2], v[1]) || v[3] > 23 || v[4] > 59)
        {
            return false;
        }

        at = Instant.FromUtc(v[2], v[1], v[0], v[3], v[4]);
        return true;
    }

    private static bool TryParseLevel(ReadOnlySpan<char> text, out int level)
    {
        level = text.Length > 0 ? text[0] - '0' : 0;
        return level is >= 1 and <= 3;
    }
}
