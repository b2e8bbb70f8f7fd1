using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using ServiceDesk.Extensions.DependencyInjection;
using ServiceDesk.Storage;

namespace ServiceDesk.Notifications.DependencyInjection;

/// <summary>Runs an <see cref="OutboxDispatcher"/> of one consumer as a hosted service, on the ServiceDesk store, clock and
/// <see cref="TimeProvider"/> of the container; stops when the host stops.</summary>
internal sealed partial class OutboxDispatcherWorker(
    IServiceProvider services,
    Func<IServiceProvider, string> consumer,
    Func<IServiceProvider, IOutboxHandler> handler,
    Func<IServiceProvider, OutboxDispatcherOptions> options) : BackgroundService
{
    private readonly ILogger _logger = services.GetService<ILogger<OutboxDispatcher>>() ?? (ILogger)NullLogger<OutboxDispatcher>.Instance;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave the host's StartAsync at once, even when the store answers synchronously.
        await Task.Yield();
        var store = await services.GetServiceDeskStoreAsync(stoppingToken).ConfigureAwait(false);
        var name = consumer(services);
        if (store is not IOutboxDeliveryStore deliveries)
        {
            StoreHasNoDeliveries(_logger, name, store.GetType().Name);
            return;
        }

        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var clock = services.GetService<IClock>() ?? new TimeProviderClock(time);
        var dispatcher = new OutboxDispatcher(deliveries, name, handler(services), clock, options(services), _logger);
        Started(_logger, name);
        await dispatcher.RunAsync(time, stoppingToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "The outbox dispatcher {Consumer} cannot run: the store {Store} does not implement IOutboxDeliveryStore.")]
    private static partial void StoreHasNoDeliveries(ILogger logger, string consumer, string store);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "The outbox dispatcher {Consumer} started.")]
    private static partial void Started(ILogger logger, string consumer);
}
