using System.Text.Json;
using ServiceDesk.Serialization;

namespace ServiceDesk.Routing.Internal;

/// <summary>Fault messages the Routing package's JSON readers (routing rules, escalation policies, the agent directory)
/// share, so the same mistake reads the same in every definition.</summary>
internal static class DefinitionFaults
{
    /// <summary>Adds a fault for every field of <paramref name="element"/> that is not one of <paramref name="known"/>.</summary>
    public static void UnknownFields(JsonElement element, string path, string[] known, List<string> errors)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
            {
                errors.Add($"{DefinitionJson.Field(path, property.Name)}: unknown field; expected one of {string.Join(", ", known)}.");
            }
        }
    }
}
