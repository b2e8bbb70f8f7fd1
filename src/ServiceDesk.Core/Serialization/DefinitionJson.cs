using System.Globalization;
using System.Text.Json;

namespace ServiceDesk.Serialization;

/// <summary>
/// The one JSON dialect of every definition file the SDK reads (business calendars, SLA policies, routing rules,
/// workflows, escalation policies) and the helpers its readers share: parsing, JSON paths and value descriptions for
/// fault messages.
/// </summary>
/// <remarks>
/// <para><b>The dialect.</b> Standard JSON (RFC 8259) plus what configuration files need: <c>//</c> and <c>/* */</c>
/// comments are allowed and ignored, and so are trailing commas in objects and arrays. A field given twice in one object
/// is a fault (<c>$.rules[0].name: duplicate field; give each field once.</c>): no reader silently keeps the first or
/// the last. Nesting is limited to 64 levels.</para>
/// <para><b>Faults.</b> Every fault names its place as a JSON path: <c>$</c> is the document, <c>.name</c> a field
/// (<c>['odd name']</c> when the name is not a plain identifier), <c>[3]</c> an array item. A quoted user value is cut
/// with <see cref="TextPolicy.Echo(string?)"/>, so a hostile file cannot put a megabyte into an exception message.</para>
/// <para>Thread-safe: every member is a pure function.</para>
/// </remarks>
public static class DefinitionJson
{
    /// <summary>The deepest nesting a definition may have: 64.</summary>
    public const int MaxDepth = 64;

    /// <summary>Gets the parser options of the dialect: comments skipped, trailing commas allowed, duplicate fields
    /// kept for <see cref="Parse"/> to report, depth at most <see cref="MaxDepth"/>.</summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = MaxDepth,
        AllowDuplicateProperties = true,
    };

    /// <summary>Parses a definition in the dialect and rejects duplicate fields.</summary>
    /// <param name="json">The text.</param>
    /// <param name="definitionName">What is read, for the exception, e.g. <c>"routing rule set"</c>.</param>
    /// <returns>The document; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDefinitionException">The text is not JSON (<c>$: not valid JSON (line 3, byte 7): …</c>), holds
    /// a lone surrogate, raw (<c>$: not valid JSON text: … At index 12.</c>) or escaped in a string or name (listed with
    /// its path), or
    /// fields are given twice: every duplicate is listed with its path. Nothing else is read from a document with a
    /// duplicate field, since which of the two values was meant is unknown.</exception>
    public static JsonDocument Parse(string json, string definitionName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(definitionName);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (ArgumentException e) // text that is not valid UTF-16 (a lone surrogate) cannot be transcoded for the parser
        {
            throw new InvalidDefinitionException(definitionName, [$"$: not valid JSON text: {e.Message} At index {TextPolicy.IndexOfUnstorable(json)}."]);
        }
        catch (JsonException e)
        {
            throw new InvalidDefinitionException(
                definitionName,
                [$"$: not valid JSON (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}): {e.Message}"]);
        }

        var duplicates = new List<string>();
        FindDuplicates(document.RootElement, "$", duplicates);
        if (duplicates.Count > 0)
        {
            document.Dispose();
            throw new InvalidDefinitionException(definitionName, duplicates);
        }

        return document;
    }

    /// <summary>The path of a field: <c>$.rules</c>, or <c>$['odd name']</c> when the name is not a plain identifier.</summary>
    /// <param name="path">The path of the object.</param>
    /// <param name="name">The field's name.</param>
    /// <returns>The field's path.</returns>
    public static string Field(string path, string name)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(name);
        return IsPlain(name) ? path + "." + name : path + "[" + TextPolicy.Echo(name) + "]";
    }

    /// <summary>The path of an array item: <c>$.rules[3]</c>.</summary>
    /// <param name="path">The path of the array.</param>
    /// <param name="index">The item's index.</param>
    /// <returns>The item's path.</returns>
    public static string Item(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    /// <summary>Describes a found value for a fault message: <c>an object</c>, <c>an array</c>, <c>the string 'abc'</c>
    /// (cut with <see cref="TextPolicy.Echo(string?)"/>), <c>the number 12</c>, <c>the boolean true</c> or <c>null</c>.</summary>
    /// <param name="element">The value.</param>
    /// <returns>The description.</returns>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "the string " + TextPolicy.Echo(element.GetString()),
        JsonValueKind.Number => "the number " + Cut(element.GetRawText()),
        JsonValueKind.True or JsonValueKind.False => "the boolean " + element.GetRawText(),
        _ => "null",
    };

    private static string Cut(string raw) => raw.Length <= TextPolicy.MaxEchoLength ? raw : TextPolicy.Echo(raw);

    private static bool IsPlain(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')
            {
                return false;
            }
        }

        return name.Length <= TextPolicy.MaxEchoLength;
    }

    private static void FindDuplicates(JsonElement element, string path, List<string> faults)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                HashSet<string>? seen = null;
                foreach (var property in element.EnumerateObject())
                {
                    seen ??= new HashSet<string>(StringComparer.Ordinal);
                    if (!Readable(() => property.Name))
                    {
                        faults.Add($"{path}: a field name holds an escaped lone surrogate (such as \\uDE00); JSON text must be valid Unicode.");
                        continue;
                    }

                    var at = Field(path, property.Name);
                    if (!seen.Add(property.Name))
                    {
                        faults.Add($"{at}: duplicate field; give each field once.");
                        continue;
                    }

                    FindDuplicates(property.Value, at, faults);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    FindDuplicates(item, Item(path, i++), faults);
                }

                break;
            case JsonValueKind.String when !Readable(element.GetString):
                faults.Add($"{path}: the string holds an escaped lone surrogate (such as \\uDE00); JSON text must be valid Unicode.");
                break;
        }
    }

    /// <summary>Whether a string of the document can be read: an escaped lone surrogate (<c>"\uDE00"</c>) parses as JSON but
    /// cannot become a .NET string without losing it (found by the definition fuzz suite).</summary>
    private static bool Readable(Func<string?> read)
    {
        try
        {
            _ = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
