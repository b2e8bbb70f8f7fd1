using Microsoft.Extensions.Options;
using ServiceDesk.Billing;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>Opens the chosen store once, lazily and thread-safely, and disposes it with the container.</summary>
internal sealed class ServiceDeskStoreHolder(IOptionsMonitor<ServiceDeskOptions> options, IServiceProvider services) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Task<ITicketStore>? _opening;
    private InMemoryBillingStore? _memoryBilling;

    public Task<ITicketStore> OpenAsync(CancellationToken cancellationToken)
    {
        Task<ITicketStore> opening;
        lock (_gate)
        {
            if (_opening is null || _opening.IsFaulted || _opening.IsCanceled)
            {
                // Validates the options (every fault in one exception) before anything is opened.
                var choice = options.CurrentValue.Stores.Values.Single();
                _opening = choice.Open(services, CancellationToken.None);
            }

            opening = _opening;
        }

        return opening.WaitAsync(cancellationToken);
    }

    /// <summary>The opened store. Stores that open synchronously (in-memory, SQLite) open here on first use.</summary>
    public ITicketStore Current
    {
        get
        {
            var opening = OpenAsync(CancellationToken.None);
            return opening.IsCompleted
                ? opening.GetAwaiter().GetResult()
                : throw new InvalidOperationException(
                    $"The ServiceDesk store ({options.CurrentValue.Stores.Values.Single().Name}) is still being opened. Start the host first "
                    + "(it opens the store), or await IServiceProvider.GetServiceDeskStoreAsync() before resolving the store or the engine.");
        }
    }

    public T As<T>()
        where T : class
        => Current as T ?? throw new InvalidOperationException(
            $"The ServiceDesk store ({Current.GetType().Name}) does not implement {typeof(T).Name}.");

    /// <summary>The billing store: the opened store itself when it implements <see cref="IBillingStore"/> (SQLite, PostgreSQL),
    /// one <see cref="InMemoryBillingStore"/> per container beside the in-memory ticket store; any other store must implement it.</summary>
    public IBillingStore Billing => Current switch
    {
        IBillingStore billing => billing,
        InMemoryTicketStore => LazyInitializer.EnsureInitialized(ref _memoryBilling),
        var other => throw new InvalidOperationException(
            $"The ServiceDesk store ({other.GetType().Name}) does not implement IBillingStore; billing needs the SQLite, PostgreSQL or in-memory store, or an adapter that implements IBillingStore."),
    };

    public async ValueTask DisposeAsync()
    {
        Task<ITicketStore>? opening;
        lock (_gate)
        {
            opening = _opening;
        }

        if (opening is { IsCompletedSuccessfully: true })
        {
            switch (opening.Result)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }
}
