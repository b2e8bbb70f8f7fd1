using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>
/// The <c>servicedesk-store</c> health check: the chosen store's own check (<see cref="ServiceDeskStore.HealthCheck"/>,
/// e.g. SQLite's integrity check or PostgreSQL's outbox lag), else whether the store opens.
/// </summary>
internal sealed class ServiceDeskStoreHealthCheck(IOptionsMonitor<ServiceDeskOptions> options, ServiceDeskStoreHolder holder, IServiceProvider services)
    : IHealthCheck
{
    private readonly Lock _gate = new();
    private (ServiceDeskStore Store, IHealthCheck? Check)? _cached;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ServiceDeskStore store;
        try
        {
            store = options.CurrentValue.Stores.Values.Single();
        }
        catch (OptionsValidationException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The ServiceDesk configuration is invalid.", ex);
        }

        IHealthCheck? check;
        lock (_gate)
        {
            if (_cached is not { } cached || !ReferenceEquals(cached.Store, store))
            {
                _cached = cached = (store, store.HealthCheck?.Invoke(services));
            }

            check = cached.Check;
        }

        if (check is not null)
        {
            return await check.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await holder.OpenAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"The {store.Name} store is open.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The {store.Name} store does not open: {ex.Message}", ex);
        }
    }
}
