using ServiceDesk.Extensions.DependencyInjection.Internal;
using ServiceDesk.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Opens the ServiceDesk store without a host.</summary>
public static class ServiceDeskServiceProviderExtensions
{
    /// <summary>
    /// Opens the chosen store (creating and migrating its schema) once, and returns it. A host does this when it
    /// starts; call it yourself when you use a bare <see cref="IServiceProvider"/>, before resolving
    /// <see cref="ServiceDesk.Engine.ServiceDeskEngine"/> or <see cref="ITicketStore"/>.
    /// </summary>
    /// <param name="services">The service provider built from a collection with <c>AddServiceDesk</c>.</param>
    /// <param name="cancellationToken">Stops waiting; the opening itself goes on for other callers.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The ServiceDesk options are invalid; every fault is listed.</exception>
    /// <remarks>Thread-safe: concurrent callers share one opening. A failed opening is retried by the next call.</remarks>
    public static Task<ITicketStore> GetServiceDeskStoreAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetRequiredService<ServiceDeskStoreHolder>().OpenAsync(cancellationToken);
    }
}
