using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Extensions.DependencyInjection;
using ServiceDesk.Extensions.DependencyInjection.Internal;
using ServiceDesk.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ServiceDesk services: <c>services.AddServiceDesk(…)</c>.</summary>
public static class ServiceDeskServiceCollectionExtensions
{
    /// <summary>The name of the store's health check that <see cref="AddServiceDesk"/> registers: <c>servicedesk-store</c>.</summary>
    public const string HealthCheckName = "servicedesk-store";

    /// <summary>The tags of the store's health check: <c>servicedesk</c>, <c>store</c> and <c>ready</c> (a readiness check,
    /// to map with <c>MapHealthChecks("/health/ready", new() { Predicate = c =&gt; c.Tags.Contains("ready") })</c>).</summary>
    public static IReadOnlyList<string> HealthCheckTags { get; } = ["servicedesk", "store", "ready"];

    /// <summary>
    /// Registers the ServiceDesk engine and its store, definitions and clock, validated at start-up, and returns a
    /// builder to choose the store and add definitions.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="ServiceDeskOptions"/>; optional.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// <para>Registers (all singletons, with <c>TryAdd*</c>, so a second call adds nothing but its
    /// <paramref name="configure"/>): <see cref="ServiceDeskEngine"/>; <see cref="ITicketStore"/>,
    /// <see cref="ITimerStore"/>, <see cref="IOutboxStore"/>, <see cref="IOutboxDeliveryStore"/> and
    /// <see cref="ITimeEntryStore"/>, all the one store instance; <see cref="ServiceDesk.Billing.IBillingStore"/> (the same
    /// instance for SQLite and PostgreSQL, an <see cref="ServiceDesk.Storage.InMemory.InMemoryBillingStore"/> beside the in-memory
    /// store); <see cref="ServiceDeskDefinitions"/>; <see cref="IClock"/> (a <see cref="TimeProviderClock"/> when a
    /// <see cref="TimeProvider"/> is registered, else the system clock); a hosted service that opens (and migrates)
    /// the store when the host starts; start-up validation of <see cref="ServiceDeskOptions"/>; and the health check
    /// <see cref="HealthCheckName"/> (tags <see cref="HealthCheckTags"/>; it runs when the app adds the health check
    /// service with <c>services.AddHealthChecks()</c>), which runs the chosen store's own check (the
    /// SQLite and PostgreSQL packages provide one) or, for a store without one, reports whether it opens.</para>
    /// <para>The engine takes <see cref="ILogger{TCategoryName}"/>, <see cref="IMeterFactory"/> and
    /// <see cref="TimeProvider"/> (for the waits of its conflict retry helper) from the container when they are
    /// registered.</para>
    /// </remarks>
    public static IServiceDeskBuilder AddServiceDesk(this IServiceCollection services, Action<ServiceDeskOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ServiceDeskOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceDeskOptions>, ServiceDeskOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ServiceDeskStoreOpener>());
        services.TryAddSingleton<ServiceDeskStoreHolder>();
        if (!services.Any(d => d.ServiceType == typeof(ServiceDeskStoreHealthCheck)))
        {
            services.AddSingleton<ServiceDeskStoreHealthCheck>();
            // Contributes the check without registering the health check service: it shows up once the app calls
            // AddHealthChecks() (before or after), and a host without health checks gets nothing it must satisfy.
            services.Configure<HealthCheckServiceOptions>(o => o.Registrations.Add(new HealthCheckRegistration(
                HealthCheckName, sp => sp.GetRequiredService<ServiceDeskStoreHealthCheck>(), failureStatus: null, HealthCheckTags)));
        }

        services.TryAddSingleton<ServiceDeskDefinitionsFactory>();
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceDeskDefinitionsFactory>().Create(sp.GetRequiredService<IOptions<ServiceDeskOptions>>().Value));
        services.TryAddSingleton<IClock>(sp => sp.GetService<TimeProvider>() is { } time ? new TimeProviderClock(time) : SystemClockAccess.Instance);
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceDeskStoreHolder>().Current);
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceDeskStoreHolder>().As<ITimerStore>());
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceDeskStoreHolder>().As<IOutboxStore>());
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceDeskStoreHolder>().As<IOutboxDeliveryStore>());
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceDeskStoreHolder>().As<ITimeEntryStore>());
        services.TryAddSingleton(sp => sp.GetRequiredService<ServiceDeskStoreHolder>().Billing);
        services.TryAddSingleton(sp => new ServiceDeskEngine(
            sp.GetRequiredService<ITicketStore>(),
            sp.GetRequiredService<IClock>(),
            sp.GetRequiredService<ServiceDeskDefinitions>().EngineOptions,
            sp.GetService<ILogger<ServiceDeskEngine>>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<TimeProvider>()));
        return new ServiceDeskBuilder(services);
    }
}
