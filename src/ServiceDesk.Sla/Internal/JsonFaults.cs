using System.Text.Json;

namespace ServiceDesk.Sla.Internal;

/// <summary>What the JSON readers of calendars and policies share: describing a found value, and reading an
/// object's fields while reporting duplicates as faults with their path.</summary>
internal static class JsonFaults
{
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{element.GetString()}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {element.GetRawText()}",
        _ => "null",
    };

    public static IEnumerable<JsonProperty> Properties(JsonElement element, string path, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                errors.Add($"{path}.{property.Name}: duplicate field; give each field once.");
                continue;
            }

            yield return property;
        }
    }
}
