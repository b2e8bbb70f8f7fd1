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

    /// <summary>The longest duration the syntax holds: 10,000,000 days (well inside NodaTime's range; every limit of the
    /// definitions that use it, such as an SLA target's 3,650 days, is far below).</summary>
    internal const long MaxTicks = 10_000_000L * NodaConstants.TicksPerDay;

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
        var ticks = 0L;
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
            var (rank, unitTicks) = span[digits] switch
            {
                'd' => (3, NodaConstants.TicksPerDay),
                'h' => (2, NodaConstants.TicksPerHour),
                'm' => (1, NodaConstants.TicksPerMinute),
                's' => (0, NodaConstants.TicksPerSecond),
                _ => (-1, 0L),
            };
            if (rank < 0 || rank >= lastUnit)
            {
                return false;
            }

            // Nine digits of days would leave NodaTime's Duration range (about 16.7 million days): such text is not a
            // duration this syntax can hold, so it is refused here rather than overflowing later.
            if (value > (MaxTicks - ticks) / unitTicks)
            {
                return false;
            }

            lastUnit = rank;
            ticks += value * unitTicks;
            duration = Duration.FromTicks(ticks);
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
