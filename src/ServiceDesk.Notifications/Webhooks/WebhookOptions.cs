using NodaTime;

namespace ServiceDesk.Notifications.Webhooks;

/// <summary>Options of the webhooks registered by <c>AddWebhooks</c>; bindable from configuration and validated at
/// start-up, listing every fault.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>option</term><description>default (valid range)</description></listheader>
/// <item><term><see cref="Consumer"/></term><description><c>webhooks</c> (an outbox consumer name)</description></item>
/// <item><term><see cref="AttemptTimeout"/></term><description>10 seconds (more than zero, at most <see cref="TotalTimeout"/>)</description></item>
/// <item><term><see cref="TotalTimeout"/></term><description>30 seconds (at most 5 minutes): one delivery to one subscription, retries included</description></item>
/// <item><term><see cref="HttpRetries"/></term><description>2 (0 to 10): quick retries in the HttpClient pipeline</description></item>
/// <item><term><see cref="HttpRetryDelay"/></term><description>1 second (0 to 1 minute), doubled per retry, with jitter</description></item>
/// <item><term><see cref="Dispatcher"/></term><description>the <see cref="OutboxDispatcherOptions"/> defaults: the long
/// retries (exponential backoff for hours, then parking)</description></item>
/// <item><term><see cref="Subscriptions"/></term><description>none</description></item>
/// </list>
/// </remarks>
public sealed class WebhookOptions
{
    /// <summary>Gets or sets the outbox consumer name of the webhook dispatcher. Default: <c>webhooks</c>.</summary>
    public string Consumer { get; set; } = "webhooks";

    /// <summary>Gets or sets how long one HTTP attempt may take. Default: 10 seconds.</summary>
    public Duration AttemptTimeout { get; set; } = Duration.FromSeconds(10);

    /// <summary>Gets or sets how long one delivery to one subscription may take, quick retries included. Default: 30 seconds.</summary>
    public Duration TotalTimeout { get; set; } = Duration.FromSeconds(30);

    /// <summary>Gets or sets how many times the HttpClient pipeline retries a transient failure (connection refused, 408,
    /// 429, 5xx, attempt timeout) before the delivery counts as a failed attempt of the dispatcher. Default: 2.</summary>
    public int HttpRetries { get; set; } = 2;

    /// <summary>Gets or sets the first wait of the pipeline's retries. Default: 1 second.</summary>
    public Duration HttpRetryDelay { get; set; } = Duration.FromSeconds(1);

    /// <summary>Gets the options of the webhook dispatcher (long-outage retries and parking).</summary>
    public OutboxDispatcherOptions Dispatcher { get; } = new();

    /// <summary>Gets the subscriptions from configuration, put into the <see cref="IWebhookSubscriptionStore"/> when the
    /// default in-memory one is used.</summary>
    public IList<WebhookSubscriptionOptions> Subscriptions { get; } = [];

    /// <summary>The values configuration held that could not be read.</summary>
    internal List<string> ConfigurationFaults { get; } = [];

    /// <summary>Lists every fault of these options, the dispatcher's and each subscription's included.</summary>
    /// <returns>The faults; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var faults = new List<string>(ConfigurationFaults);
        try
        {
            ServiceDesk.Storage.IOutboxDeliveryStore.CheckConsumer(Consumer, nameof(Consumer));
        }
        catch (ArgumentException ex)
        {
            faults.Add("Webhooks.Consumer: " + ex.Message);
        }

        if (TotalTimeout <= Duration.Zero || TotalTimeout > Duration.FromMinutes(5))
        {
            faults.Add($"Webhooks.TotalTimeout: {TotalTimeout} must be more than zero and at most 5 minutes");
        }

        if (AttemptTimeout <= Duration.Zero || AttemptTimeout > TotalTimeout)
        {
            faults.Add($"Webhooks.AttemptTimeout: {AttemptTimeout} must be more than zero and at most TotalTimeout ({TotalTimeout})");
        }

        if (HttpRetries is < 0 or > 10)
        {
            faults.Add($"Webhooks.HttpRetries: {HttpRetries} is outside 0 to 10");
        }

        if (HttpRetryDelay < Duration.Zero || HttpRetryDelay > Duration.FromMinutes(1))
        {
            faults.Add($"Webhooks.HttpRetryDelay: {HttpRetryDelay} must be 0 to 1 minute");
        }

        faults.AddRange(Dispatcher.Validate("Webhooks.Dispatcher"));
        var seen = new HashSet<(string?, string?)>();
        for (var i = 0; i < Subscriptions.Count; i++)
        {
            var s = Subscriptions[i];
            if (s is null)
            {
                faults.Add($"Webhooks.Subscriptions[{i}]: missing");
                continue;
            }

            foreach (var fault in s.Faults())
            {
                faults.Add($"Webhooks.Subscriptions[{i}].{fault}");
            }

            if (!seen.Add((s.Tenant, s.Id)))
            {
                faults.Add($"Webhooks.Subscriptions[{i}]: tenant {TextPolicy.Echo(s.Tenant)} already has a subscription {TextPolicy.Echo(s.Id)}");
            }
        }

        return faults;
    }
}

/// <summary>One webhook subscription in configuration (<see cref="WebhookOptions.Subscriptions"/>).</summary>
public sealed class WebhookSubscriptionOptions
{
    /// <summary>Gets or sets the id (see <see cref="WebhookSubscription.Create"/>).</summary>
    public string? Id { get; set; }

    /// <summary>Gets or sets the tenant id.</summary>
    public string? Tenant { get; set; }

    /// <summary>Gets or sets the absolute http or https URL.</summary>
    public string? Url { get; set; }

    /// <summary>Gets the event types; empty for every type.</summary>
    public IList<string> Events { get; } = [];

    /// <summary>Gets or sets the signing secret (16 to 256 characters). Keep it out of checked-in files: use user secrets or
    /// environment variables.</summary>
    public string? Secret { get; set; }

    /// <summary>Builds the subscription.</summary>
    /// <returns>The subscription.</returns>
    /// <exception cref="ArgumentException">A value is invalid.</exception>
    public WebhookSubscription ToSubscription()
    {
        if (string.IsNullOrWhiteSpace(Tenant))
        {
            throw new ArgumentException("A webhook subscription needs a tenant.", nameof(Tenant));
        }

        return WebhookSubscription.Create(Id ?? string.Empty, new TenantId(Tenant), Url ?? string.Empty, Events, Secret ?? string.Empty);
    }

    /// <summary>Every fault, each as "Property: message".</summary>
    internal IEnumerable<string> Faults()
    {
        if (string.IsNullOrWhiteSpace(Tenant))
        {
            yield return "Tenant: required";
        }
        else
        {
            string? bad = null;
            try
            {
                _ = new TenantId(Tenant);
            }
            catch (ArgumentException ex)
            {
                bad = "Tenant: " + ex.Message;
            }

            if (bad is not null)
            {
                yield return bad;
            }
        }

        var checks = new (string Name, Action Check)[]
        {
            ("Id", () => WebhookSubscription.Create(Id ?? string.Empty, new TenantId("t"), "https://example.invalid/", null, new string('s', 16))),
            ("Url", () => WebhookSubscription.ParseUrl(Url ?? string.Empty)),
            ("Events", () => WebhookSubscription.Create("id", new TenantId("t"), "https://example.invalid/", Events, new string('s', 16))),
            ("Secret", () => WebhookSubscription.Create("id", new TenantId("t"), "https://example.invalid/", null, Secret ?? string.Empty)),
        };
        foreach (var (name, check) in checks)
        {
            string? fault = null;
            try
            {
                check();
            }
            catch (ArgumentException ex)
            {
                fault = $"{name}: {ex.Message}";
            }

            if (fault is not null)
            {
                yield return fault;
            }
        }
    }
}
