namespace ServiceDesk.Notifications.Webhooks;

/// <summary>A tenant's subscription to webhook deliveries: where to post, which event types, and the secret that signs
/// them. Create it with <see cref="Create"/>, which validates every value.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record WebhookSubscription
{
    /// <summary>The longest subscription id: 100 characters.</summary>
    public const int MaxIdLength = 100;

    /// <summary>The shortest secret: 16 characters (at least 128 bits when random).</summary>
    public const int MinSecretLength = 16;

    /// <summary>The longest secret: 256 characters.</summary>
    public const int MaxSecretLength = 256;

    /// <summary>The longest URL: 2,048 characters.</summary>
    public const int MaxUrlLength = 2_048;

    private WebhookSubscription(string id, TenantId tenant, Uri url, IReadOnlyList<string> eventTypes, string secret)
    {
        Id = id;
        Tenant = tenant;
        Url = url;
        EventTypes = eventTypes;
        Secret = secret;
    }

    /// <summary>Gets the subscription's id, unique within its tenant.</summary>
    public string Id { get; }

    /// <summary>Gets the tenant whose events it receives.</summary>
    public TenantId Tenant { get; }

    /// <summary>Gets the absolute http or https URL posted to.</summary>
    public Uri Url { get; }

    /// <summary>Gets the event types it receives (the payload's <c>type</c>, e.g. <c>opened</c>, <c>escalated</c>); empty for
    /// every type.</summary>
    public IReadOnlyList<string> EventTypes { get; }

    /// <summary>Gets the secret that signs its deliveries (<see cref="WebhookSignature"/>).</summary>
    public string Secret { get; }

    /// <summary>Gets whether it receives deliveries; a <c>410 Gone</c> answer deactivates it.</summary>
    public bool IsActive { get; init; } = true;

    /// <summary>Creates a subscription, checking every value.</summary>
    /// <param name="id">The id: 1 to 100 characters of ASCII letters, digits, '-', '_' or '.'.</param>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="url">An absolute http or https URL, at most 2,048 characters.</param>
    /// <param name="eventTypes">The event types (each 1 to 64 characters); <see langword="null"/> or empty for every type.</param>
    /// <param name="secret">The signing secret: 16 to 256 characters.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ArgumentException">A value is invalid; the message names it (truncated) and the valid form.</exception>
    public static WebhookSubscription Create(string id, TenantId tenant, string url, IEnumerable<string>? eventTypes, string secret)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException(
                $"Webhook subscription id {TextPolicy.Echo(id)} is invalid: use 1 to {MaxIdLength} characters of ASCII letters, digits, '-', '_' or '.'.", nameof(id));
        }

        TenantId.ThrowIfDefault(tenant, nameof(tenant));
        var uri = ParseUrl(url, nameof(url));
        var types = (eventTypes ?? []).Select(t => t?.Trim() ?? string.Empty).Distinct(StringComparer.Ordinal).ToArray();
        if (types.FirstOrDefault(t => t.Length is 0 or > 64) is { } badType)
        {
            throw new ArgumentException($"Webhook event type {TextPolicy.Echo(badType)} is invalid: use 1 to 64 characters (e.g. 'opened', 'escalated').", nameof(eventTypes));
        }

        if (secret is null || secret.Length is < MinSecretLength or > MaxSecretLength)
        {
            throw new ArgumentException(
                $"A webhook secret has {MinSecretLength} to {MaxSecretLength} characters; the one given has {secret?.Length ?? 0}.", nameof(secret));
        }

        return new WebhookSubscription(id, tenant, uri, Array.AsReadOnly(types), secret);
    }

    /// <summary>Checks a webhook URL: absolute, http or https, at most 2,048 characters.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="paramName">The parameter name for the exception.</param>
    /// <returns>The URL.</returns>
    /// <exception cref="ArgumentException">The URL is not an absolute http or https URL; the message echoes it (truncated).</exception>
    public static Uri ParseUrl(string url, string paramName = "url")
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException(
                $"Webhook URL {TextPolicy.Echo(url)} is invalid: use an absolute http:// or https:// URL of at most {MaxUrlLength:N0} characters.", paramName);
        }

        return uri;
    }

    /// <summary>Gets whether it receives an event type.</summary>
    /// <param name="eventType">The type, e.g. <c>opened</c>.</param>
    /// <returns><see langword="true"/> when active and the type is listed (or none are).</returns>
    public bool Receives(string eventType) => IsActive && (EventTypes.Count == 0 || EventTypes.Contains(eventType, StringComparer.Ordinal));

    /// <inheritdoc />
    public bool Equals(WebhookSubscription? other)
        => other is not null && Id == other.Id && Tenant == other.Tenant && Url == other.Url && Secret == other.Secret
           && IsActive == other.IsActive && EventTypes.SequenceEqual(other.EventTypes);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Tenant, Url, IsActive);

    /// <summary>Returns the id, tenant and URL (never the secret).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Id} ({Tenant}) -> {Url}{(IsActive ? string.Empty : " [inactive]")}";
}

/// <summary>Where webhook subscriptions are kept (see <see cref="InMemoryWebhookSubscriptionStore"/>).</summary>
/// <remarks>Implementations are thread-safe. A product that manages subscriptions in its own database implements this
/// interface over it and registers it before <c>AddWebhooks</c>.</remarks>
public interface IWebhookSubscriptionStore
{
    /// <summary>Lists a tenant's subscriptions, active or not.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The subscriptions.</returns>
    Task<IReadOnlyList<WebhookSubscription>> ListAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a subscription (by tenant and id).</summary>
    /// <param name="subscription">The subscription.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when it is stored.</returns>
    Task UpsertAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default);

    /// <summary>Deactivates a subscription (the receiver answered <c>410 Gone</c>).</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="id">The subscription id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when an active subscription was deactivated.</returns>
    Task<bool> DeactivateAsync(TenantId tenant, string id, CancellationToken cancellationToken = default);
}

/// <summary>Keeps webhook subscriptions in memory (seeded from configuration by <c>AddWebhooks</c>).</summary>
/// <remarks>Nothing is persisted: a subscription deactivated by <c>410 Gone</c> is active again after a restart when
/// configuration still lists it (the next delivery gets <c>410</c> again and deactivates it again). Thread-safe.</remarks>
public sealed class InMemoryWebhookSubscriptionStore : IWebhookSubscriptionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(TenantId Tenant, string Id), WebhookSubscription> _subscriptions = [];

    /// <summary>Initializes a store holding the given subscriptions.</summary>
    /// <param name="subscriptions">The subscriptions; a later one with the same tenant and id replaces an earlier one.</param>
    public InMemoryWebhookSubscriptionStore(IEnumerable<WebhookSubscription>? subscriptions = null)
    {
        foreach (var subscription in subscriptions ?? [])
        {
            ArgumentNullException.ThrowIfNull(subscription, nameof(subscriptions));
            _subscriptions[(subscription.Tenant, subscription.Id)] = subscription;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookSubscription>> ListAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<WebhookSubscription> list = [.. _subscriptions.Values.Where(s => s.Tenant == tenant).OrderBy(s => s.Id, StringComparer.Ordinal)];
            return Task.FromResult(list);
        }
    }

    /// <inheritdoc />
    public Task UpsertAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _subscriptions[(subscription.Tenant, subscription.Id)] = subscription;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> DeactivateAsync(TenantId tenant, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_subscriptions.TryGetValue((tenant, id), out var found) && found.IsActive)
            {
                _subscriptions[(tenant, id)] = found with { IsActive = false };
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        }
    }
}
