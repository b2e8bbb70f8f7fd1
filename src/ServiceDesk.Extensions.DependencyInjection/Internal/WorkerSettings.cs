using System.Globalization;
using Microsoft.Extensions.Configuration;
using NodaTime;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>
/// Binds <see cref="EscalationWorkerOptions"/> from configuration: <c>BatchSize</c> as a whole number, durations as
/// <c>hh:mm:ss</c> (or <c>d.hh:mm:ss</c>), read culture-invariantly. A value it cannot read is recorded as a fault of the
/// options (listed by <see cref="EscalationWorkerOptions.Validate"/> at start-up) and leaves the option unchanged;
/// nothing here throws.
/// </summary>
/// <remarks>Written by hand rather than with the configuration binder because the binder stops at the first value it
/// cannot convert (so only one fault would be listed), its messages name CLR types rather than the accepted forms, and it
/// cannot bind NodaTime's <see cref="Duration"/>, which the public options use.</remarks>
internal static class WorkerSettings
{
    public static void Bind(IConfiguration section, EscalationWorkerOptions options)
    {
        if (section["BatchSize"] is { } batch)
        {
            if (int.TryParse(batch, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var size))
            {
                options.BatchSize = size;
            }
            else
            {
                options.ConfigurationFaults.Add($"EscalationWorker.BatchSize: {TextPolicy.Echo(batch)} is not a whole number from 1 to 1,000");
            }
        }

        ReadDuration(section, "LeaseDuration", options, d => options.LeaseDuration = d);
        ReadDuration(section, "PollInterval", options, d => options.PollInterval = d);
    }

    private static void ReadDuration(IConfiguration section, string key, EscalationWorkerOptions options, Action<Duration> set)
    {
        if (section[key] is not { } text)
        {
            return;
        }

        if (TimeSpan.TryParseExact(text.Trim(), ["c", @"h\:mm\:ss", @"d\.hh\:mm\:ss"], CultureInfo.InvariantCulture, out var span))
        {
            set(Duration.FromTimeSpan(span));
        }
        else
        {
            options.ConfigurationFaults.Add($"EscalationWorker.{key}: {TextPolicy.Echo(text)} is not a duration (hh:mm:ss, or d.hh:mm:ss)");
        }
    }
}
