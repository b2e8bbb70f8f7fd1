using System.Globalization;

namespace ServiceDesk;

/// <summary>
/// The one text policy every store keeps: what text can be stored and read back verbatim, and how a message quotes a value
/// it was given.
/// </summary>
/// <remarks>
/// <para><b>Storable text.</b> Text is storable when it holds no NUL character (U+0000: PostgreSQL's <c>text</c> refuses
/// it) and no lone UTF-16 surrogate (UTF-8, which SQLite and PostgreSQL store, cannot encode one: they would silently
/// replace it with U+FFFD, so two values differing only there would collide). Every other character, control characters
/// and characters outside the Basic Multilingual Plane included, is kept verbatim by every store. Every text a ticket, an
/// event, an append or an identifier carries is checked against this policy when it is created, before any I/O, so a
/// store never sees text it cannot keep and an opening that is refused for its text allocates no ticket number.</para>
/// <para><b>Echoes.</b> A message that quotes a value it was given quotes at most <see cref="MaxEchoLength"/> characters of
/// it, followed by the value's full length, so a hostile 10 MB field never ends up whole in an exception message or a
/// log.</para>
/// <para>This type is thread-safe.</para>
/// </remarks>
public static class TextPolicy
{
    private static readonly System.Buffers.SearchValues<char> NulAndSurrogates = System.Buffers.SearchValues.Create(
        "\0" + string.Create(0x800, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)(0xD800 + i);
            }
        }));

    /// <summary>The most characters of a value a message quotes: 128, the longest identifier, so identifiers are always
    /// quoted whole.</summary>
    public const int MaxEchoLength = 128;

    /// <summary>Finds the first character that makes <paramref name="text"/> unstorable: a NUL or a lone surrogate.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The index of the first offending character, or -1 when the text is storable.</returns>
    /// <remarks>Allocation-free; vectorized up to the first NUL or surrogate, so text with neither (the common case) is scanned
    /// many characters at a time.</remarks>
    public static int IndexOfUnstorable(ReadOnlySpan<char> text)
    {
        // Vectorized up to the first NUL or surrogate (most text has neither), then one character at a time: restarting the
        // vectorized search after every surrogate pair is slower on text dense with emoji.
        var first = text.IndexOfAny(NulAndSurrogates);
        if (first < 0)
        {
            return -1;
        }

        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return i;
            }

            if (char.IsSurrogate(c))
            {
                if (!char.IsHighSurrogate(c) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return i;
                }

                i++;
            }
        }

        return -1;
    }

    /// <summary>Whether <paramref name="text"/> is storable: no NUL and no lone surrogate.</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> when every store keeps the text verbatim.</returns>
    public static bool IsStorable(ReadOnlySpan<char> text) => IndexOfUnstorable(text) < 0;

    /// <summary>Throws unless <paramref name="text"/> is storable.</summary>
    /// <param name="text">The text; <see langword="null"/> passes (a required value is checked elsewhere).</param>
    /// <param name="paramName">The name of the parameter or field, for the message.</param>
    /// <returns><paramref name="text"/>.</returns>
    /// <exception cref="ArgumentException">The text holds a NUL or a lone surrogate; the message names the field, the
    /// index and the character.</exception>
    public static string? ThrowIfUnstorable(string? text, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(text))] string? paramName = null)
    {
        if (text is null)
        {
            return null;
        }

        var at = IndexOfUnstorable(text);
        if (at >= 0)
        {
            throw new ArgumentException(Describe(text, at, paramName), paramName);
        }

        return text;
    }

    /// <summary>Quotes a value for a message: in single quotes, cut to <see cref="MaxEchoLength"/> characters (never inside
    /// a surrogate pair) with its full length appended when cut; NUL and other control characters are shown as
    /// <c>\uXXXX</c>.</summary>
    /// <param name="value">The value; <see langword="null"/> reads <c>(null)</c>.</param>
    /// <returns>The quoted value, at most about 170 characters long.</returns>
    public static string Echo(string? value)
    {
        if (value is null)
        {
            return "(null)";
        }

        var cut = value.Length > MaxEchoLength;
        var length = cut ? MaxEchoLength : value.Length;
        if (cut && char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }

        var span = value.AsSpan(0, length);
        var builder = new System.Text.StringBuilder(length + 40);
        builder.Append('\'');
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                builder.Append(c).Append(span[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        builder.Append('\'');
        if (cut)
        {
            builder.Append("… (").Append(value.Length.ToString("N0", CultureInfo.InvariantCulture)).Append(" characters)");
        }

        return builder.ToString();
    }

    /// <summary>Quotes a value for a message like <see cref="Echo(string?)"/>, for a value of any type.</summary>
    /// <param name="value">The value; formatted with the invariant culture.</param>
    /// <returns>The quoted value.</returns>
    public static string Echo(object? value) => Echo(value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString());

    internal static string Describe(string text, int at, string? paramName)
    {
        var c = text[at];
        return c == '\0'
            ? $"{paramName} holds a NUL character (U+0000) at index {at}; stored text may not contain NUL (PostgreSQL cannot keep it). Value: {Echo(text)}."
            : $"{paramName} holds a lone surrogate (U+{(int)c:X4}) at index {at}; stored text must be valid Unicode (UTF-8 cannot encode a lone surrogate, so it would not round-trip). Value: {Echo(text)}.";
    }
}
