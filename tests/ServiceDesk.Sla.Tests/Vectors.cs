using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace ServiceDesk.Sla.Tests;

/// <summary>The shared SLA conformance vectors (see Vectors/README.md), loaded from the test output directory.</summary>
internal static class Vectors
{
    private static readonly Lazy<IReadOnlyDictionary<string, BusinessCalendar>> LazyCalendars = new(LoadCalendars);

    internal static IReadOnlyDictionary<string, BusinessCalendar> Calendars => LazyCalendars.Value;

    internal static string Directory => Path.Combine(AppContext.BaseDirectory, "Vectors");

    internal static IReadOnlyDictionary<string, string> CalendarJson()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "calendars.json")));
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
    }

    internal static IEnumerable<DueVector> Due() => Lines("due.jsonl").Select(e => new DueVector(
        e.GetProperty("id").GetString()!,
        e.GetProperty("calendar").GetString()!,
        ParseInstant(e.GetProperty("start").GetString()!),
        e.GetProperty("minutes").GetInt32(),
        ParseInstant(e.GetProperty("due").GetString()!),
        e.GetProperty("kind").GetString()!));

    internal static IEnumerable<ElapsedVector> Elapsed() => Lines("elapsed.jsonl").Select(e => new ElapsedVector(
        e.GetProperty("id").GetString()!,
        e.GetProperty("calendar").GetString()!,
        ParseInstant(e.GetProperty("from").GetString()!),
        ParseInstant(e.GetProperty("to").GetString()!),
        e.GetProperty("seconds").GetInt64(),
        e.GetProperty("kind").GetString()!));

    internal static Instant ParseInstant(string text) => InstantPattern.ExtendedIso.Parse(text).Value;

    private static IReadOnlyDictionary<string, BusinessCalendar> LoadCalendars()
        => CalendarJson().ToDictionary(p => p.Key, p => BusinessCalendar.FromJson(p.Value));

    private static IEnumerable<JsonElement> Lines(string file)
    {
        foreach (var line in File.ReadLines(Path.Combine(Directory, file)))
        {
            if (line.Length > 0)
            {
                yield return JsonDocument.Parse(line).RootElement.Clone();
            }
        }
    }
}

internal sealed record DueVector(string Id, string Calendar, Instant Start, int Minutes, Instant Due, string Kind);

internal sealed record ElapsedVector(string Id, string Calendar, Instant From, Instant To, long Seconds, string Kind);
