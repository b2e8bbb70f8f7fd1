using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using NodaTime;

namespace ServiceDesk.Samples.WebApi;

/// <summary>Reads a request body again (it is buffered) to say which value at a JSON path was refused and what the
/// field takes, described in JSON terms.</summary>
internal static class BodyJson
{
    private const int MaxEcho = 100;

    public static async Task<JsonDocument?> TryReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.Body.CanSeek)
        {
            return null;
        }

        request.Body.Position = 0;
        try
        {
            return await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException)
        {
            return null; // not JSON: the caller reports the reader's own reason and position
        }
    }

    /// <summary>Finds the element at a path of the form <c>$.a.b[2]</c> (the form System.Text.Json reports).</summary>
    public static JsonElement? Find(JsonElement root, string path)
    {
        var current = root;
        foreach (var segment in Segments(path))
        {
            if (segment is int index)
            {
                if (current.ValueKind != JsonValueKind.Array || index >= current.GetArrayLength())
                {
                    return null;
                }

                current = current[index];
            }
            else if (current.ValueKind != JsonValueKind.Object || !TryGetProperty(current, (string)segment, out current))
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>What the field at <paramref name="path"/> of the endpoint's body takes, or null when unknown.</summary>
    public static string? Expectation(Endpoint? endpoint, string path)
    {
        var type = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        foreach (var segment in Segments(path))
        {
            if (type is null)
            {
                return null;
            }

            type = segment is int
                ? (type.IsArray ? type.GetElementType() : type.GetInterface("IEnumerable`1")?.GetGenericArguments()[0])
                : type.GetProperty((string)segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType;
        }

        if (type is null)
        {
            return null;
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type.IsEnum => $"use one of {string.Join(", ", Enum.GetNames(type))}",
            _ when type == typeof(string) => "expected a string",
            _ when type == typeof(bool) => "expected true or false",
            _ when type == typeof(int) || type == typeof(long) => "expected a whole number",
            _ when type == typeof(decimal) || type == typeof(double) => "expected a number",
            _ when type == typeof(Duration) => "expected an ISO-8601 duration such as \"PT1H\" or \"PT1H30M\"",
            _ when type == typeof(Instant) => "expected an ISO instant such as \"2026-03-02T09:30:00Z\"",
            _ => null,
        };
    }

    /// <summary>Describes a value as found: <c>'text'</c> (cut at 100 characters), <c>the number 7</c>, <c>true</c>,
    /// <c>an object</c>, <c>an array</c>, <c>null</c>.</summary>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"'{Cut(element.GetString()!)}'",
        JsonValueKind.Number => $"the number {Cut(element.GetRawText())}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "null",
    };

    private static string Cut(string text) => text.Length <= MaxEcho ? text : string.Concat(text.AsSpan(0, MaxEcho), "…");

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Splits <c>$.a.b[2]</c> or <c>$['a b'][2]</c> into names and indexes.</summary>
    private static IEnumerable<object> Segments(string path)
    {
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                yield return path[(i + 1)..end];
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['", StringComparison.Ordinal))
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    yield break;
                }

                yield return path[(i + 2)..end];
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i + 1);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), System.Globalization.CultureInfo.InvariantCulture, out var index))
                {
                    yield break;
                }

                yield return index;
                i = end + 1;
            }
            else
            {
                yield break;
            }
        }
    }
}
