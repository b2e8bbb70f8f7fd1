using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Polly;
using ServiceDesk.Extensions.DependencyInjection;
using ServiceDesk.Notifications;
using ServiceDesk.Notifications.DependencyInjection;
using ServiceDesk.Notifications.Webhooks;
using ServiceDesk.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The methods of <see cref="IServiceDeskBuilder"/> that ServiceDesk.Notifications adds: outbox dispatchers and
/// webhooks, each run as a hosted service with options validated at start-up (one
/// <see cref="OptionsValidationException"/> listing every fault).</summary>
public static class ServiceDeskNotificationsBuilderExtensions
{
    /// <summary>Runs an outbox dispatcher for a named consumer as a hosted service: every message of the store's outbox
    /// goes to <paramref name="handler"/> at least once, in order per ticket (see <see cref="OutboxDispatcher"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="consumer">The consumer's name (its checkpoint in the store); one registration per name.</param>
    /// <param name="handler">Creates the handler from the container (once, when the host starts).</param>
    /// <param name="configure">Configures the dispatcher; <see langword="null"/> keeps the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The consumer name is invalid or already registered.</exception>
    /// <remarks>The store must implement <see cref="IOutboxDeliveryStore"/> (every shipped adapter does); when it does not,
    /// the dispatcher logs an error and stops (the host keeps running).</remarks>
    public static IServiceDeskBuilder AddOutboxDispatcher(
        this IServiceDeskBuilder builder, string consumer, Func<IServiceProvider, IOutboxHandler> handler, Action<OutboxDispatcherOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(handler);
        IOutboxDeliveryStore.CheckConsumer(consumer, nameof(consumer));
        if (builder.Services.Any(d => d.ServiceType == typeof(OutboxConsumerName) && (d.ImplementationInstance as OutboxConsumerName)?.Name == consumer))
        {
            throw new ArgumentException($"An outbox dispatcher for consumer '{consumer}' is already registered; use one registration per consumer name.", nameof(consumer));
        }

        builder.Services.AddSingleton(new OutboxConsumerName(consumer));
        var options = builder.Services.AddOptions<OutboxDispatcherOptions>(consumer);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxDispatcherOptions>, DispatcherOptionsValidator>());
        builder.Services.AddSingleton<IHostedService>(sp => new OutboxDispatcherWorker(
            sp,
            _ => consumer,
            handler,
            s => s.GetRequiredService<IOptionsMonitor<OutboxDispatcherOptions>>().Get(consumer)));
        return builder;
    }

    /// <summary>Runs an outbox dispatcher with the default options (see
    /// <see cref="AddOutboxDispatcher(IServiceDeskBuilder, string, Func{IServiceProvider, IOutboxHandler}, Action{OutboxDispatcherOptions}?)"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="consumer">The consumer's name.</param>
    /// <param name="handler">Creates the handler.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddOutboxDispatcher(this IServiceDeskBuilder builder, string consumer, Func<IServiceProvider, IOutboxHandler> handler)
        => builder.AddOutboxDispatcher(consumer, handler, (Action<OutboxDispatcherOptions>?)null);

    /// <summary>Runs an outbox dispatcher (see <see cref="AddOutboxDispatcher(IServiceDeskBuilder, string, Func{IServiceProvider, IOutboxHandler}, Action{OutboxDispatcherOptions}?)"/>)
    /// with options bound from a configuration section, e.g. <c>{ "BatchSize": 200, "MaxAttempts": 12, "InitialBackoff": "00:00:30" }</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="consumer">The consumer's name.</param>
    /// <param name="handler">Creates the handler.</param>
    /// <param name="section">The dispatcher's section.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddOutboxDispatcher(
        this IServiceDeskBuilder builder, string consumer, Func<IServiceProvider, IOutboxHandler> handler, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.AddOutboxDispatcher(consumer, handler, o => NotificationSettings.Bind(section, o));
    }

    /// <summary>Delivers the outbox as signed webhooks (see <see cref="WebhookSender"/>) through an outbox dispatcher of
    /// consumer <see cref="WebhookOptions.Consumer"/>, with an HttpClient named <see cref="WebhookSender.HttpClientName"/>
    /// whose Microsoft.Extensions.Http.Resilience pipeline does the quick retries and timeouts.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the webhooks; <see langword="null"/> keeps the defaults.</param>
    /// <returns>The builder.</returns>
    /// <remarks>Subscriptions come from <see cref="IWebhookSubscriptionStore"/>: register your own before this call, or the
    /// default <see cref="InMemoryWebhookSubscriptionStore"/> holds <see cref="WebhookOptions.Subscriptions"/>.</remarks>
    public static IServiceDeskBuilder AddWebhooks(this IServiceDeskBuilder builder, Action<WebhookOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<WebhookOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton<IWebhookSubscriptionStore>(sp => new InMemoryWebhookSubscriptionStore(
            sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Subscriptions.Select(s => s.ToSubscription())));
        services.AddHttpClient(WebhookSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("servicedesk-webhooks", (pipeline, context) =>
            {
                var o = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;
                pipeline.AddTimeout(o.TotalTimeout.ToTimeSpan());
                if (o.HttpRetries > 0)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = o.HttpRetries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = o.HttpRetryDelay.ToTimeSpan(),
                    });
                }

                pipeline.AddTimeout(o.AttemptTimeout.ToTimeSpan());
            });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookWorker>());
        return builder;
    }

    /// <summary>Delivers the outbox as signed webhooks with the default options and no subscriptions but those of a
    /// registered <see cref="IWebhookSubscriptionStore"/> (see <see cref="AddWebhooks(IServiceDeskBuilder, Action{WebhookOptions}?)"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddWebhooks(this IServiceDeskBuilder builder)
        => builder.AddWebhooks((Action<WebhookOptions>?)null);

    /// <summary>Delivers the outbox as signed webhooks (see <see cref="AddWebhooks(IServiceDeskBuilder, Action{WebhookOptions}?)"/>)
    /// with options bound from a configuration section: <c>Consumer</c>, <c>AttemptTimeout</c>, <c>TotalTimeout</c>,
    /// <c>HttpRetries</c>, <c>HttpRetryDelay</c>, a <c>Dispatcher</c> section and a <c>Subscriptions</c> array of
    /// <c>{ "Id", "Tenant", "Url", "Events": [..], "Secret" }</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="section">The webhooks section.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddWebhooks(this IServiceDeskBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.AddWebhooks(o => NotificationSettings.Bind(section, o));
    }

    /// <summary>Marks a registered consumer name, so that a second registration of it fails at once.</summary>
    private sealed record OutboxConsumerName(string Name);

    private sealed class DispatcherOptionsValidator : IValidateOptions<OutboxDispatcherOptions>
    {
        public ValidateOptionsResult Validate(string? name, OutboxDispatcherOptions options)
        {
            var faults = options.Validate(string.IsNullOrEmpty(name) ? "OutboxDispatcher" : "OutboxDispatcher[" + name + "]");
            return faults.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(faults);
        }
    }

    private sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
    {
        public ValidateOptionsResult Validate(string? name, WebhookOptions options)
        {
            var faults = options.Validate();
            return faults.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(faults);
        }
    }

    /// <summary>The dispatcher of the webhooks, with the consumer name and dispatcher options of <see cref="WebhookOptions"/>.</summary>
    private sealed class WebhookWorker(IServiceProvider services) : BackgroundService
    {
        private readonly OutboxDispatcherWorker _inner = new(
            services,
            sp => sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Consumer,
            sp => new WebhookSender(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookSender.HttpClientName),
                sp.GetRequiredService<IWebhookSubscriptionStore>(),
                sp.GetService<IClock>() ?? new TimeProviderClock(sp.GetService<TimeProvider>() ?? TimeProvider.System),
                sp.GetService<ILogger<WebhookSender>>()),
            sp => sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Dispatcher);

        public override Task StartAsync(CancellationToken cancellationToken) => _inner.StartAsync(cancellationToken);

        public override Task StopAsync(CancellationToken cancellationToken) => _inner.StopAsync(cancellationToken);

        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;

        public override void Dispose()
        {
            _inner.Dispose();
            base.Dispose();
        }
    }
}
