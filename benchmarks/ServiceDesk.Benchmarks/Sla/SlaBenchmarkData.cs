using System.Text.Json;
using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Benchmarks.Sla;

/// <summary>The shared vector calendars (inlined from the test project's copy) and deterministic workloads.</summary>
public static class SlaBenchmarkData
{
    public const int BatchSize = 1024;

    /// <summary>Loads the vector calendars by name: msk_lunch, msk_night, ny_lunch, ny_mixed, ny_night, ny_std, utc_std.</summary>
    public static IReadOnlyDictionary<string, BusinessCalendar> LoadCalendars()
    {
        using var document = JsonDocument.Parse(VectorCalendarsJson.Text);
        return document.RootElement.EnumerateObject()
            .ToDictionary(p => p.Name, p => BusinessCalendar.FromJson(p.Value.GetRawText()), StringComparer.Ordinal);
    }

    /// <summary>Start instants spread over 2023-2026 at odd minutes, so they fall inside, before and after hours.</summary>
    public static Instant[] Starts(int count, int seed)
    {
        var random = new Random(seed);
        var origin = Instant.FromUtc(2023, 1, 2, 0, 0);
        return [.. Enumerable.Range(0, count).Select(_ => origin + Duration.FromMinutes(random.Next(0, 4 * 365 * 24 * 60)))];
    }
}
