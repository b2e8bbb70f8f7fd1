using System.Globalization;

namespace ServiceDesk.Routing.Internal;

/// <summary>
/// The one definition of a "word" shared by the compiled matcher and the interpreter, so both agree exactly.
/// </summary>
/// <remarks>
/// A word is a maximal run of letters, digits, combining marks, connector punctuation (<c>_</c>) and surrogate
/// pairs, in any script. Words compare with <see cref="StringComparison.OrdinalIgnoreCase"/> (invariant simple case
/// mapping, so <c>VPN</c>, <c>vpn</c>, <c>ВПН</c> and <c>впн</c> fold as expected). Scripts written without spaces
/// (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) have no word boundaries, so a keyword containing such a
/// character matches wherever its text occurs.
/// </remarks>
internal static class WordText
{
    public static bool IsWordChar(char c)
    {
        if (c < 128)
        {
            return char.IsAsciiLetterOrDigit(c) || c == '_';
        }

        if (char.IsSurrogate(c))
        {
            return true;
        }

        var category = char.GetUnicodeCategory(c);
        return category <= UnicodeCategory.OtherNumber || category == UnicodeCategory.ConnectorPunctuation;
    }

    public static bool IsUnspacedScript(char c)
        => c is (>= '\u0E00' and <= '\u0EFF') // Thai, Lao
            or (>= '\u1000' and <= '\u109F') // Myanmar
            or (>= '\u1780' and <= '\u17FF') // Khmer
            or (>= '\u2E80' and <= '\u2FDF') // CJK radicals
            or (>= '\u3040' and <= '\u31FF') // Hiragana, Katakana, Bopomofo
            or (>= '\u3400' and <= '\u4DBF') // CJK extension A
            or (>= '\u4E00' and <= '\u9FFF') // CJK unified ideographs
            or (>= '\uF900' and <= '\uFAFF') // CJK compatibility ideographs
            or (>= '\uFF66' and <= '\uFF9F') // half-width Katakana
            || char.IsSurrogate(c);

    /// <summary>Finds the next word at or after <paramref name="position"/>.</summary>
    public static bool NextWord(ReadOnlySpan<char> text, ref int position, out int start, out int length)
    {
        var i = position;
        while (i < text.Length && !IsWordChar(text[i]))
        {
            i++;
        }

        if (i == text.Length)
        {
            position = i;
            start = i;
            length = 0;
            return false;
        }

        start = i;
        while (i < text.Length && IsWordChar(text[i]))
        {
            i++;
        }

        length = i - start;
        position = i;
        return true;
    }

    public static string[] Words(string text)
    {
        var words = new List<string>();
        var position = 0;
        while (NextWord(text, ref position, out var start, out var length))
        {
            words.Add(text.Substring(start, length));
        }

        return [.. words];
    }

    public static bool ContainsUnspaced(string text)
    {
        foreach (var c in text)
        {
            if (IsUnspacedScript(c))
            {
                return true;
            }
        }

        return false;
    }
}
