using System.Globalization;
using System.Text;
using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>
/// The duration syntax of JSON policies: one or more <c>&lt;integer&gt;&lt;unit&gt;</c> parts with units <c>h</c>,
/// <c>m</c> and <c>s</c>, largest first, e.g. <c>"4h"</c>, <c>"1h30m"</c>, <c>"72h"</c>. Every duration of a
/// definition is business time on its calendar, so <c>h</c> is a business hour.
/// </summary>
/// <remarks>
/// There is no day unit. The former <c>d</c> meant 24 hours of business time and was read as one working day (a P2
/// target of <c>"1d"</c> on a 9-to-5 calendar came out three working days later); it is refused with a message that
/// names the hours to write instead (<c>"1d"</c> becomes <c>"24h"</c>).
/// </remarks>
internal static class SlaDurationText
{
    internal const string Expectation = "expected a duration of business time such as \"30m\", \"4h\", \"1h30m\" or \"72h\" (units h, m, s: hours, minutes and seconds of business time on the calendar; there is no day unit)";

    /// <summary>The longest duration the syntax holds: 10,000,000 days (well inside NodaTime's range; every limit of the
    /// definitions that use it, such as an SLA target's 3,650 days, is far below).</summary>
    internal const long MaxTicks = 10_000_000L * NodaConstants.TicksPerDay;

    internal static bool TryParse(string? text, out Duration duration, out bool negative) =>
        TryParse(text, allowDays: false, out duration, out negative);

    /// <summary>
    /// Describes why <paramref name="text"/> is not a duration, for a message of the form
    /// <c>{path}: {quoted text} {Explain(text)}.</c>: the refused day unit with the hours to write instead, or the
    /// general <see cref="Expectation"/>.
    /// </summary>
    internal static string Explain(string text)
    {
        if (TryParse(text, allowDays: true, out var duration, out _))
        {
            return $"uses the unit \"d\", which is not accepted: it meant 24 hours of business time, not a working day; write \"{Format(duration)}\" for the same business time, or the business hours of the working days you mean (units h, m, s)";
        }

        return "is not a duration; " + Expectation;
    }

    private static bool TryParse(string? text, bool allowDays, out Duration duration, out bool negative)
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
                'd' when allowDays => (3, NodaConstants.TicksPerDay),
                'h' => (2, NodaConstants.TicksPerHour),
                'm' => (1, NodaConstants.TicksPerMinute),
                's' => (0, NodaConstants.TicksPerSecond),
                _ => (-1, 0L),
            };
            if (rank < 0 || rank >= lastUnit)
            {
                return false;
            }

            // Nine digits of hours stay inside the limit, but the sum of the parts could pass it: such text is not a
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

    /// <summary>Formats in the syntax <see cref="TryParse(string?, out Duration, out bool)"/> reads, hours being the
    /// largest unit (<c>"72h"</c>, <c>"1h30m"</c>), whole seconds at most.</summary>
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
        Append(text, ticks / NodaConstants.TicksPerHour, 'h');
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
