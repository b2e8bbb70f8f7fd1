using System.Globalization;
using Microsoft.Extensions.Configuration;
using NodaTime;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>Binds <see cref="EscalationWorkerOptions"/> from configuration (durations as <c>hh:mm:ss</c>).</summary>
internal static class WorkerSettings
{
    public static void Bind(IConfiguration section, EscalationWorkerOptions options)
    {
        if (section["BatchSize"] is { } batch)
        {
            options.BatchSize = int.TryParse(batch, NumberStyles.Integer, CultureInfo.InvariantCulture, out var size)
                ? size
                : throw new FormatException($"EscalationWorker.BatchSize: {TextPolicy.Echo(batch)} is not a whole number from 1 to 1,000");
        }

        options.LeaseDuration = ReadDuration(section, "LeaseDuration") ?? options.LeaseDuration;
        options.PollInterval = ReadDuration(section, "PollInterval") ?? options.PollInterval;
    }

    private static Duration? ReadDuration(IConfiguration section, string key)
        => section[key] is not { } text
            ? null
            : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span)
                ? Duration.FromTimeSpan(span)
                : throw new FormatException($"EscalationWorker.{key}: {TextPolicy.Echo(text)} is not a duration (hh:mm:ss)");
}
