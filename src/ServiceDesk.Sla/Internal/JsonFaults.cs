using System.Text.Json;
using ServiceDesk.Serialization;

namespace ServiceDesk.Sla.Internal;

/// <summary>What the JSON readers of calendars and policies share, on top of <see cref="DefinitionJson"/> (which has
/// already rejected duplicate fields when the document was parsed).</summary>
internal static class JsonFaults
{
    public static string Describe(JsonElement element) => DefinitionJson.Describe(element);

    public static IEnumerable<JsonProperty> Properties(JsonElement element, string path, List<string> errors)
        => element.EnumerateObject();
}
