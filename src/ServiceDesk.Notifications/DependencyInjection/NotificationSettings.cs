using System.Globalization;
using Microsoft.Extensions.Configuration;
using NodaTime;
using ServiceDesk.Notifications.Webhooks;

namespace ServiceDesk.Notifications.DependencyInjection;

/// <summary>
/// Binds <see cref="OutboxDispatcherOptions"/> and <see cref="WebhookOptions"/> from configuration: numbers as whole
/// numbers, durations as <c>hh:mm:ss</c> (or <c>d.hh:mm:ss</c>), read culture-invariantly. A value it cannot read is
/// recorded as a fault (listed with every other fault at start-up) and leaves the option unchanged; nothing here throws.
/// </summary>
/// <remarks>Written by hand, like the escalation worker's settings, because the configuration binder stops at the first
/// value it cannot convert, cannot bind NodaTime durations, and is not trimming safe.</remarks>
internal static class NotificationSettings
{
    public static void Bind(IConfiguration section, OutboxDispatcherOptions options)
    {
        ReadInt(section, "BatchSize", string.Empty, options.ConfigurationFaults, v => options.BatchSize = v);
        ReadInt(section, "MaxAttempts", string.Empty, options.ConfigurationFaults, v => options.MaxAttempts = v);
        ReadInt(section, "MaxParallelTickets", string.Empty, options.ConfigurationFaults, v => options.MaxParallelTickets = v);
        ReadDuration(section, "LeaseDuration", string.Empty, options.ConfigurationFaults, v => options.LeaseDuration = v);
        ReadDuration(section, "PollInterval", string.Empty, options.ConfigurationFaults, v => options.PollInterval = v);
        ReadDuration(section, "InitialBackoff", string.Empty, options.ConfigurationFaults, v => options.InitialBackoff = v);
        ReadDuration(section, "MaxBackoff", string.Empty, options.ConfigurationFaults, v => options.MaxBackoff = v);
    }

    public static void Bind(IConfiguration section, WebhookOptions options)
    {
        if (section["Consumer"] is { } consumer)
        {
            options.Consumer = consumer;
        }

        var faults = options.ConfigurationFaults;
        ReadInt(section, "HttpRetries", "Webhooks.", faults, v => options.HttpRetries = v);
        ReadDuration(section, "AttemptTimeout", "Webhooks.", faults, v => options.AttemptTimeout = v);
        ReadDuration(section, "TotalTimeout", "Webhooks.", faults, v => options.TotalTimeout = v);
        ReadDuration(section, "HttpRetryDelay", "Webhooks.", faults, v => options.HttpRetryDelay = v);
        Bind(section.GetSection("Dispatcher"), options.Dispatcher);
        foreach (var child in section.GetSection("Subscriptions").GetChildren())
        {
            var subscription = new WebhookSubscriptionOptions
            {
                Id = child["Id"],
                Tenant = child["Tenant"],
                Url = child["Url"],
                Secret = child["Secret"],
            };
            foreach (var type in child.GetSection("Events").GetChildren())
            {
                if (type.Value is { } value)
                {
                    subscription.Events.Add(value);
                }
            }

            options.Subscriptions.Add(subscription);
        }
    }

    private static void ReadInt(IConfiguration section, string key, string prefix, List<string> faults, Action<int> set)
    {
        if (section[key] is not { } text)
        {
            return;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            set(value);
        }
        else
        {
            faults.Add($"{prefix}{key}: {TextPolicy.Echo(text)} is not a whole number");
        }
    }

    private static void ReadDuration(IConfiguration section, string key, string prefix, List<string> faults, Action<Duration> set)
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
            faults.Add($"{prefix}{key}: {TextPolicy.Echo(text)} is not a duration (hh:mm:ss, or d.hh:mm:ss)");
        }
    }
}
