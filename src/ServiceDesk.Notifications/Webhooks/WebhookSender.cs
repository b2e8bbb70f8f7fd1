using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using ServiceDesk.Storage;

namespace ServiceDesk.Notifications.Webhooks;

/// <summary>
/// The <see cref="IOutboxHandler"/> of webhooks: posts each outbox message, as a signed <see cref="WebhookPayload"/>, to
/// every active subscription of its tenant that receives its event type.
/// </summary>
/// <remarks>
/// <para><b>Request.</b> <c>POST</c> of the payload's UTF-8 JSON (<c>application/json</c>) with the headers
/// <see cref="WebhookSignature.HeaderName"/> (<c>t=…,v1=…</c>), <c>ServiceDesk-Event</c> (the event type),
/// <c>ServiceDesk-Delivery</c> (the payload id, stable across attempts) and <c>ServiceDesk-Subscription</c> (the
/// subscription id). Each attempt is signed at the time it is sent.</para>
/// <para><b>Answers.</b> Any 2xx delivers. <c>410 Gone</c> deactivates the subscription
/// (<see cref="IWebhookSubscriptionStore.DeactivateAsync"/>) and counts as settled. Anything else (another status, a
/// refused connection, a timeout) is a failure of the message: the dispatcher retries it with backoff and parks it after its
/// last attempt. A <c>Retry-After</c> answer is passed on as <see cref="OutboxHandlerResult.RetryAfter"/>.</para>
/// <para><b>Several subscriptions.</b> A message goes to each subscription in turn; when one fails the message is retried
/// for all of them, so a receiver may get a delivery it already acknowledged (deduplicate by <c>ServiceDesk-Delivery</c>).</para>
/// <para><b>HttpClient.</b> The HttpClient given does the quick retries and timeouts (<c>AddWebhooks</c> configures one with
/// Microsoft.Extensions.Http.Resilience); this class adds none of its own.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed partial class WebhookSender : IOutboxHandler
{
    /// <summary>The name of the HttpClient <c>AddWebhooks</c> configures: <c>ServiceDesk.Webhooks</c>.</summary>
    public const string HttpClientName = "ServiceDesk.Webhooks";

    private readonly HttpClient _http;
    private readonly IWebhookSubscriptionStore _subscriptions;
    private readonly IClock _clock;
    private readonly ILogger _logger;

    /// <summary>Initializes a sender.</summary>
    /// <param name="http">The client that posts (its handlers do the quick retries and timeouts).</param>
    /// <param name="subscriptions">Where the subscriptions are.</param>
    /// <param name="clock">The clock that dates the signatures.</param>
    /// <param name="logger">The logger; <see cref="NullLogger"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">A required argument is <see langword="null"/>.</exception>
    public WebhookSender(HttpClient http, IWebhookSubscriptionStore subscriptions, IClock clock, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentNullException.ThrowIfNull(clock);
        _http = http;
        _subscriptions = subscriptions;
        _clock = clock;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async ValueTask<OutboxHandlerResult> HandleAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var payload = WebhookPayload.FromMessage(delivery.Message);
        var targets = (await _subscriptions.ListAsync(delivery.Message.Event.Tenant, cancellationToken).ConfigureAwait(false))
            .Where(s => s.Receives(payload.Type))
            .ToList();
        if (targets.Count == 0)
        {
            return OutboxHandlerResult.Delivered;
        }

        var body = payload.ToUtf8Bytes();
        var errors = new List<string>();
        Duration? retryAfter = null;
        foreach (var subscription in targets)
        {
            var (error, wait) = await PostAsync(subscription, payload, body, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                errors.Add($"subscription {subscription.Id}: {error}");
                retryAfter = wait is { } w && (retryAfter is null || w > retryAfter) ? w : retryAfter;
            }
        }

        return errors.Count == 0 ? OutboxHandlerResult.Delivered : OutboxHandlerResult.Failed(string.Join("; ", errors), retryAfter);
    }

    /// <summary>Posts to one subscription; returns the error (or <see langword="null"/> when settled) and any Retry-After.</summary>
    private async Task<(string? Error, Duration? RetryAfter)> PostAsync(
        WebhookSubscription subscription, WebhookPayload payload, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.Sign(body, subscription.Secret, _clock.GetCurrentInstant()));
        request.Headers.TryAddWithoutValidation("ServiceDesk-Event", payload.Type);
        request.Headers.TryAddWithoutValidation("ServiceDesk-Delivery", payload.Id);
        request.Headers.TryAddWithoutValidation("ServiceDesk-Subscription", subscription.Id);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return (null, null);
            }

            if (response.StatusCode == HttpStatusCode.Gone)
            {
                await _subscriptions.DeactivateAsync(subscription.Tenant, subscription.Id, cancellationToken).ConfigureAwait(false);
                Unsubscribed(_logger, subscription.Id, subscription.Tenant.Value, subscription.Url);
                return (null, null);
            }

            Duration? wait = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => Duration.FromTimeSpan(delta),
                { Date: { } date } => Instant.FromDateTimeOffset(date) - _clock.GetCurrentInstant(),
                _ => null,
            };
            return (string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}"), wait > Duration.Zero ? wait : null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or TimeoutException or Polly.ExecutionRejectedException)
        {
            // The receiver is down, slow or unreachable: a failed attempt, retried by the dispatcher.
            return ($"{ex.GetType().Name}: {ex.Message}", null);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Webhook subscription {Id} of tenant {Tenant} ({Url}) answered 410 Gone and was deactivated.")]
    private static partial void Unsubscribed(ILogger logger, string id, string tenant, Uri url);
}
