using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Text;

namespace ServiceDesk.Email;

/// <summary>The text of a message: plain text preferred, HTML converted; quoted replies and signatures stripped.</summary>
internal static partial class MessageText
{
    public static string BodyOf(MimeMessage message)
    {
        var text = message.TextBody;
        if (!string.IsNullOrWhiteSpace(text))
        {
            return Normalize(text);
        }

        var html = message.HtmlBody;
        return string.IsNullOrWhiteSpace(html) ? string.Empty : Normalize(HtmlToText(html));
    }

    /// <summary>Neutralises a header value: control characters (CR, LF, TAB, others) become spaces, runs of spaces one.</summary>
    public static string CleanHeader(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            var isSpace = char.IsWhiteSpace(c) || char.IsControl(c);
            if (isSpace)
            {
                if (!space && sb.Length > 0)
                {
                    sb.Append(' ');
                }

                space = true;
                continue;
            }

            space = false;
            sb.Append(c);
        }

        return sb.ToString().TrimEnd();
    }

    /// <summary>Converts HTML to text: block elements end lines, blockquotes become "&gt; " quotes, scripts and styles dropped.</summary>
    public static string HtmlToText(string html)
    {
        var sb = new StringBuilder(html.Length / 2);
        using var reader = new StringReader(html);
        var tokenizer = new HtmlTokenizer(reader);
        var skip = 0;
        var quote = 0;
        var lineStart = true;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag:
                    switch (tag.Id)
                    {
                        case HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Head or HtmlTagId.Title:
                            skip = Math.Max(0, skip + (tag.IsEndTag ? -1 : tag.IsEmptyElement ? 0 : 1));
                            break;
                        case HtmlTagId.BlockQuote:
                            quote = Math.Max(0, quote + (tag.IsEndTag ? -1 : 1));
                            NewLine(sb, ref lineStart);
                            break;
                        case HtmlTagId.Br:
                            sb.Append('\n');
                            lineStart = true;
                            break;
                        case HtmlTagId.P or HtmlTagId.Div or HtmlTagId.LI or HtmlTagId.TR or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3
                            or HtmlTagId.H4 or HtmlTagId.H5 or HtmlTagId.H6 or HtmlTagId.Table or HtmlTagId.UL or HtmlTagId.OL or HtmlTagId.HR:
                            NewLine(sb, ref lineStart);
                            break;
                    }

                    break;
                case HtmlDataToken data when skip == 0 && token is not HtmlCommentToken:
                    var collapsed = CollapseSpaces(data.Data);
                    if (collapsed.Length == 0 || (lineStart && string.IsNullOrWhiteSpace(collapsed)))
                    {
                        break;
                    }

                    if (lineStart)
                    {
                        for (var i = 0; i < quote; i++)
                        {
                            sb.Append("> ");
                        }

                        collapsed = collapsed.TrimStart();
                    }

                    sb.Append(collapsed);
                    lineStart = false;
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Keeps only the new text of a reply: cuts at the first reply header ("On … wrote:", "-----Original
    /// Message-----", Outlook's "From: … Sent:", their Russian forms), drops "&gt; " quoted lines and cuts at the "-- "
    /// signature delimiter.</summary>
    public static string StripReply(string text)
    {
        var lines = text.Split('\n');
        var kept = new List<string>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var trimmed = line.Trim();
            if (IsSignatureDelimiter(line) || OriginalMessage().IsMatch(trimmed) || IsReplyHeader(lines, i) || IsOutlookHeader(lines, i))
            {
                break;
            }

            if (trimmed.StartsWith('>'))
            {
                continue;
            }

            kept.Add(line);
        }

        return TrimBlankLines(kept);
    }

    /// <summary>Cuts a new message's text at its signature delimiter only (a forwarded text stays).</summary>
    public static string StripSignature(string text)
    {
        var lines = text.Split('\n');
        var kept = new List<string>(lines.Length);
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd('\r');
            if (IsSignatureDelimiter(line))
            {
                break;
            }

            kept.Add(line);
        }

        return TrimBlankLines(kept);
    }

    private static bool IsSignatureDelimiter(string line) => line is "-- " or "--" or "—";

    private static bool IsReplyHeader(string[] lines, int i)
    {
        var line = lines[i].Trim();
        if (WroteLine().IsMatch(line))
        {
            return true;
        }

        // Gmail wraps a long attribution: "On Tue, 8 Dec 2026 at 09:12, Jane Doe <\njane@acme.example> wrote:".
        if (line.StartsWith("On ", StringComparison.Ordinal) && i + 1 < lines.Length)
        {
            var joined = line + " " + lines[i + 1].Trim();
            return WroteLine().IsMatch(joined);
        }

        return false;
    }

    private static bool IsOutlookHeader(string[] lines, int i)
    {
        var line = lines[i].Trim().TrimStart('*');
        if (!(line.StartsWith("From:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("От:", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        for (var j = i + 1; j < lines.Length && j <= i + 4; j++)
        {
            var next = lines[j].Trim().TrimStart('*');
            if (next.StartsWith("Sent:", StringComparison.OrdinalIgnoreCase) || next.StartsWith("Date:", StringComparison.OrdinalIgnoreCase)
                || next.StartsWith("Отправлено:", StringComparison.OrdinalIgnoreCase) || next.StartsWith("Дата:", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string TrimBlankLines(List<string> lines)
    {
        var start = 0;
        while (start < lines.Count && string.IsNullOrWhiteSpace(lines[start]))
        {
            start++;
        }

        var end = lines.Count;
        while (end > start && string.IsNullOrWhiteSpace(lines[end - 1]))
        {
            end--;
        }

        // Outlook puts a line of underscores above its reply header.
        while (end > start && lines[end - 1].Trim().Length > 0 && lines[end - 1].Trim().All(c => c == '_'))
        {
            end--;
            while (end > start && string.IsNullOrWhiteSpace(lines[end - 1]))
            {
                end--;
            }
        }

        return string.Join('\n', lines.Skip(start).Take(end - start));
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace('\u00A0', ' ');

    private static string CollapseSpaces(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!space)
                {
                    sb.Append(' ');
                }

                space = true;
            }
            else
            {
                sb.Append(c);
                space = false;
            }
        }

        return sb.ToString();
    }

    private static void NewLine(StringBuilder sb, ref bool lineStart)
    {
        if (!lineStart)
        {
            sb.Append('\n');
            lineStart = true;
        }
    }

    [GeneratedRegex(@"^-{2,}\s*(Original Message|Исходное сообщение|Пересылаемое сообщение|Forwarded message)\s*-{2,}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OriginalMessage();

    [GeneratedRegex(@"^(On\s.+\swrote:|.+\s(пишет|написал|написала|писал\(а\)):|.+<[^<>@\s]+@[^<>\s]+>:)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex WroteLine();
}
