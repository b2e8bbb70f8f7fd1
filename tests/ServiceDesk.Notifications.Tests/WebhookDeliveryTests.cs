using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using ServiceDesk.Notifications.Webhooks;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Testing;

namespace ServiceDesk.Notifications.Tests;

/// <summary>Webhook deliveries through the HttpClient and resilience pipeline that <c>AddWebhooks</c> configures, to a real
/// Kestrel receiver on loopback.</summary>
public sealed class WebhookDeliveryTests : IAsyncDisposable
{
    private const string Secret = "whsec_0123456789abcdef";
    private readonly TestClock _clock = new(TestClock.DefaultStart);
    private readonly InMemoryTicketStore _store = new();
    private readonly TicketFactory _factory;
    private readonly InMemoryWebhookSubscriptionStore _subscriptions = new();
    private ServiceProvider? _services;

    public WebhookDeliveryTests()
    {
        _factory = new TicketFactory(new TenantId("acme"), _clock);
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    private OutboxDispatcher Dispatcher(Action<WebhookOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IWebhookSubscriptionStore>(_subscriptions);
        services.AddServiceDesk().UseInMemory().AddWebhooks(o =>
        {
            o.AttemptTimeout = Duration.FromSeconds(2);
            o.TotalTimeout = Duration.FromSeconds(5);
            o.HttpRetries = 0;
            o.HttpRetryDelay = Duration.FromMilliseconds(10);
            configure?.Invoke(o);
        });
        _services = services.BuildServiceProvider();
        var http = _services.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookSender.HttpClientName);
        var sender = new WebhookSender(http, _subscriptions, _clock);
        return new OutboxDispatcher(_store, "webhooks", sender, _clock, new OutboxDispatcherOptions { InitialBackoff = Duration.FromSeconds(30), MaxAttempts = 5 });
    }

    private async Task SubscribeAsync(Uri url, string id = "main", params string[] events)
        => await _subscriptions.UpsertAsync(WebhookSubscription.Create(id, _factory.Tenant, url.ToString(), events, Secret));

    [Fact]
    public async Task Dispatch_ReceiverUp_PostsSignedVersionedPayloadToMatchingSubscriptionsOnly()
    {
        await using var receiver = await Receiver.StartAsync((_, _) => Task.FromResult(204));
        await using var other = await Receiver.StartAsync((_, _) => Task.FromResult(200));
        await SubscribeAsync(receiver.Url, "opened-only", "opened");
        await SubscribeAsync(other.Url, "status-only", "status");
        var dispatcher = Dispatcher();
        var ticket = (await _store.AppendAsync(_factory.Open())).Ticket;

        var result = await dispatcher.DispatchOnceAsync();

        Assert.Equal(1, result.Delivered);
        Assert.Empty(other.Requests);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(WebhookVerification.Valid, WebhookSignature.Verify(request.Signature, request.Body, Secret, _clock.Now));
        var payload = WebhookPayload.Parse(request.Body);
        Assert.Equal((1, "opened", "acme", ticket.Id.Value, 1L), (payload.Version, payload.Type, payload.Tenant, payload.Ticket, payload.TicketVersion));
        Assert.Equal($"acme:{ticket.Id.Value:D}:1", payload.Id);
        Assert.Equal("opened", payload.Data.GetProperty("type").GetString());
        Assert.Equal(("opened", payload.Id, "opened-only"), (request.Event, request.Delivery, request.Subscription));
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ReceivedDelivery_RejectsTamperedBodyStaleTimestampAndWrongSecret()
    {
        await using var receiver = await Receiver.StartAsync((_, _) => Task.FromResult(200));
        await SubscribeAsync(receiver.Url);
        var dispatcher = Dispatcher();
        await _store.AppendAsync(_factory.Open());
        await dispatcher.DispatchOnceAsync();
        var request = Assert.Single(receiver.Requests);
        var tampered = (byte[])request.Body.Clone();
        tampered[^2] ^= 0x01;

        Assert.Equal(WebhookVerification.SignatureMismatch, WebhookSignature.Verify(request.Signature, tampered, Secret, _clock.Now));
        Assert.Equal(WebhookVerification.SignatureMismatch, WebhookSignature.Verify(request.Signature, request.Body, "another-secret-of-16+", _clock.Now));
        Assert.Equal(WebhookVerification.StaleTimestamp, WebhookSignature.Verify(request.Signature, request.Body, Secret, _clock.Now + Duration.FromMinutes(6)));
        Assert.Equal(WebhookVerification.StaleTimestamp, WebhookSignature.Verify(request.Signature, request.Body, Secret, _clock.Now - Duration.FromMinutes(6)));
        Assert.Equal(WebhookVerification.Valid, WebhookSignature.Verify(request.Signature, request.Body, Secret, _clock.Now + Duration.FromMinutes(4)));
        Assert.Equal(WebhookVerification.Valid, WebhookSignature.Verify(request.Signature, request.Body, Secret, _clock.Now + Duration.FromMinutes(6), Duration.FromMinutes(10)));
        Assert.Equal(WebhookVerification.Malformed, WebhookSignature.Verify(null, request.Body, Secret, _clock.Now));
        Assert.Equal(WebhookVerification.Malformed, WebhookSignature.Verify("v1=abc", request.Body, Secret, _clock.Now));
    }

    [Fact]
    public async Task Dispatch_ReceiverDown_FailsTheAttemptAndRetriesLater()
    {
        var down = Receiver.Down();
        await SubscribeAsync(down);
        var dispatcher = Dispatcher(o => o.HttpRetries = 1);
        await _store.AppendAsync(_factory.Open());

        var result = await dispatcher.DispatchOnceAsync();

        Assert.Equal(1, result.Failed);
        Assert.Empty(await _store.ListParkedAsync("webhooks", 10));
        Assert.Equal(0, (await dispatcher.DispatchOnceAsync()).Claimed);
        _clock.Advance(Duration.FromSeconds(30));
        var retried = Assert.Single(await _store.ClaimOutboxAsync("webhooks", _clock.Now, 10, Duration.FromMinutes(1)));
        Assert.Equal(1, retried.Attempts);
    }

    [Fact]
    public async Task Dispatch_SlowReceiver_TimesOutWithinTheAttemptTimeout()
    {
        await using var receiver = await Receiver.StartAsync(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            return 200;
        });
        await SubscribeAsync(receiver.Url);
        var dispatcher = Dispatcher(o => o.AttemptTimeout = Duration.FromMilliseconds(300));
        await _store.AppendAsync(_factory.Open());
        var watch = Stopwatch.StartNew();

        var result = await dispatcher.DispatchOnceAsync();

        Assert.Equal(1, result.Failed);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"The slow receiver held the dispatch for {watch.Elapsed}.");
        var claim = Assert.Single(await _store.ClaimOutboxAsync("webhooks", _clock.Now + Duration.FromMinutes(1), 10, Duration.FromMinutes(1)));
        Assert.Equal(1, claim.Attempts);
    }

    [Fact]
    public async Task Dispatch_500ThenSuccess_TheResiliencePipelineRetriesWithinOneAttempt()
    {
        await using var receiver = await Receiver.StartAsync((n, _) => Task.FromResult(n == 1 ? 500 : 200));
        await SubscribeAsync(receiver.Url);
        var dispatcher = Dispatcher(o => o.HttpRetries = 2);
        await _store.AppendAsync(_factory.Open());

        var result = await dispatcher.DispatchOnceAsync();

        Assert.Equal(1, result.Delivered);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(r => r.Delivery).Distinct());
    }

    [Fact]
    public async Task Dispatch_500ThenSuccess_WithoutPipelineRetries_TheDispatcherRetriesAfterItsBackoff()
    {
        await using var receiver = await Receiver.StartAsync((n, _) => Task.FromResult(n == 1 ? 500 : 200));
        await SubscribeAsync(receiver.Url);
        var dispatcher = Dispatcher();
        await _store.AppendAsync(_factory.Open());

        Assert.Equal(1, (await dispatcher.DispatchOnceAsync()).Failed);
        _clock.Advance(Duration.FromSeconds(30));
        Assert.Equal(1, (await dispatcher.DispatchOnceAsync()).Delivered);
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Fact]
    public async Task Dispatch_410Gone_DeactivatesTheSubscriptionAndSendsItNothingMore()
    {
        await using var receiver = await Receiver.StartAsync((_, _) => Task.FromResult(410));
        await SubscribeAsync(receiver.Url);
        var dispatcher = Dispatcher();
        var ticket = (await _store.AppendAsync(_factory.Open())).Ticket;

        Assert.Equal(1, (await dispatcher.DispatchOnceAsync()).Delivered);
        await _store.AppendAsync(_factory.AddComment(ticket));
        Assert.Equal(1, (await dispatcher.DispatchOnceAsync()).Delivered);

        Assert.Single(receiver.Requests);
        Assert.False(Assert.Single(await _subscriptions.ListAsync(_factory.Tenant)).IsActive);
    }
}
