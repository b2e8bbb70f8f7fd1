using System.Globalization;
using System.Text;
using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>
/// The duration syntax of JSON policies: one or more <c>&lt;integer&gt;&lt;unit&gt;</c> parts with units <c>d</c>
/// (24 hours), <c>h</c>, <c>m</c> and <c>s</c>, largest first, e.g. <c>"4h"</c>, <c>"1h30m"</c>, <c>"2d"</c>.
/// </summary>
internal static class SlaDurationText
{
    internal const string Expectation = "expected a duration such as \"30m\", \"4h\", \"1h30m\" or \"2d\" (units d, h, m, s; a day is 24 hours of business time)";

    internal static bool TryParse(string? text, out Duration duration, out bool negative)
    {
        duration = Duration.Zero;
        negative = false;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var span = text.AsSpan();
        if (span[0] == '-')
        {
            negative = true;
            span = span[1..];
        }

        var lastUnit = int.MaxValue;
        var any = false;
        while (span.Length > 0)
        {
            var digits = 0;
            while (digits < span.Length && char.IsAsciiDigit(span[digits]))
            {
                digits++;
            }

            if (digits == 0 || digits == span.Length || digits > 9)
            {
                return false;
            }

            var value = long.Parse(span[..digits], NumberStyles.None, CultureInfo.InvariantCulture);
            var (rank, unit) = span[digits] switch
            {
                'd' => (3, Duration.FromDays(1)),
                'h' => (2, Duration.FromHours(1)),
                'm' => (1, Duration.FromMinutes(1)),
                's' => (0, Duration.FromSeconds(1)),
                _ => (-1, Duration.Zero),
            };
            if (rank < 0 || rank >= lastUnit)
            {
                return false;
            }

            lastUnit = rank;
            duration += unit * value;
            any = true;
            span = span[(digits + 1)..];
        }

        if (negative)
        {
            duration = -duration;
        }

        return any;
    }

    internal static string Format(Duration duration)
    {
        if (duration == Duration.Zero)
        {
            return "0s";
        }

        var text = new StringBuilder();
        if (duration < Duration.Zero)
        {
            text.Append('-');
            duration = -duration;
        }

        var ticks = duration.BclCompatibleTicks;
        Append(text, ticks / NodaConstants.TicksPerDay, 'd');
        Append(text, ticks % NodaConstants.TicksPerDay / NodaConstants.TicksPerHour, 'h');
        Append(text, ticks % NodaConstants.TicksPerHour / NodaConstants.TicksPerMinute, 'm');
        Append(text, ticks % NodaConstants.TicksPerMinute / NodaConstants.TicksPerSecond, 's');
        return text.ToString();
    }

    private static void Append(StringBuilder text, long value, char unit)
    {
        if (value != 0)
        {
            text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
