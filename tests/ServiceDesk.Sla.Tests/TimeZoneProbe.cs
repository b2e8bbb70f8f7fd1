using System.Globalization;
using System.Text;
using NodaTime;

namespace ServiceDesk.Sla.Tests;

/// <summary>
/// The test assembly's entry point (xUnit ignores it): <c>dotnet ServiceDesk.Sla.Tests.dll probe</c> prints a fixed
/// set of calendar calculations, so that a test can rerun them in a child process under another <c>TZ</c>.
/// </summary>
public static class TimeZoneProbe
{
    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "probe")
        {
            // The first line proves which zone the child process runs in; the calculations must not depend on it.
            Console.Out.Write(TimeZoneInfo.Local.Id + "\n" + Compute());
            return 0;
        }

        Console.Error.WriteLine("usage: ServiceDesk.Sla.Tests probe");
        return 2;
    }

    /// <summary>Calculations over every vector calendar, with the process's local zone name first.</summary>
    internal static string Compute()
    {
        var text = new StringBuilder();
        foreach (var (name, calendar) in Vectors.Calendars.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var start = Instant.FromUtc(2024, 3, 1, 0, 0);
            for (var i = 0; i < 60; i++)
            {
                var s = start + Duration.FromMinutes(i * 1237L);
                var due = calendar.AddBusinessTime(s, Duration.FromMinutes(37 + (i * 91)));
                text.Append(CultureInfo.InvariantCulture, $"{name} {s} open={calendar.IsOpen(s)} next={calendar.NextOpen(s)} due={due} ")
                    .Append(CultureInfo.InvariantCulture, $"between={calendar.BusinessTimeBetween(s, s + Duration.FromDays(3)).TotalTicks} ")
                    .Append(CultureInfo.InvariantCulture, $"day={calendar.GetBusinessDay(s)} eod={calendar.AddBusinessDays(s, 1)}\n");
            }
        }

        return text.ToString();
    }
}
