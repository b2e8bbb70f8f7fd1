using System.Globalization;
using NodaTime;

namespace ServiceDesk.Samples.Replay;

/// <summary>Formatting shared by the terminal and HTML reports.</summary>
public static class ReportFormat
{
    /// <summary>Formats a count with thousands separators.</summary>
    /// <param name="n">The count.</param>
    /// <returns>For example <c>24,918</c>.</returns>
    public static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Formats money.</summary>
    /// <param name="amount">The amount.</param>
    /// <returns>For example <c>EUR 12,345.60</c>.</returns>
    public static string Eur(decimal amount) => "EUR " + amount.ToString("N2", CultureInfo.InvariantCulture);

    /// <summary>Formats a percentage of a part in a whole.</summary>
    /// <param name="part">The part.</param>
    /// <param name="whole">The whole.</param>
    /// <returns>For example <c>76.4%</c>; a dash for an empty whole.</returns>
    public static string Percent(int part, int whole) => whole == 0 ? "-" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Formats a duration as days, hours and minutes.</summary>
    /// <param name="d">The duration.</param>
    /// <returns>For example <c>2d 03h 15m</c> or <c>4h 05m</c>.</returns>
    public static string D(Duration d)
    {
        var minutes = (long)Math.Round(d.TotalMinutes);
        var (days, rest) = Math.DivRem(minutes, 24 * 60);
        var (hours, mins) = Math.DivRem(rest, 60);
        return days > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{days}d {hours:00}h {mins:00}m")
            : string.Create(CultureInfo.InvariantCulture, $"{hours}h {mins:00}m");
    }

    /// <summary>Formats hours.</summary>
    /// <param name="d">The duration.</param>
    /// <returns>For example <c>1,234.5 h</c>.</returns>
    public static string Hours(Duration d) => d.TotalHours.ToString("N1", CultureInfo.InvariantCulture) + " h";

    /// <summary>Formats a priority as the log writes it.</summary>
    /// <param name="p">The priority.</param>
    /// <returns>For example <c>P1 Critical</c>.</returns>
    public static string Priority(Priority p) => p switch
    {
        ServiceDesk.Priority.P1Critical => "P1 Critical",
        ServiceDesk.Priority.P2High => "P2 High",
        ServiceDesk.Priority.P3Moderate => "P3 Moderate",
        ServiceDesk.Priority.P4Low => "P4 Low",
        _ => p.ToString(),
    };

    /// <summary>Formats an instant as a UTC date and time.</summary>
    /// <param name="i">The instant.</param>
    /// <returns>For example <c>2016-02-29 01:16</c>.</returns>
    public static string At(Instant i) => i.InUtc().LocalDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Formats a rate.</summary>
    /// <param name="perSecond">Events per second.</param>
    /// <returns>For example <c>1,234</c>.</returns>
    public static string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Formats a wall time.</summary>
    /// <param name="t">The time.</param>
    /// <returns>For example <c>3m 12.4s</c>.</returns>
    public static string Wall(TimeSpan t) => t.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes}m {t.Seconds + (t.Milliseconds / 1000.0):0.0}s")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0}s");
}
