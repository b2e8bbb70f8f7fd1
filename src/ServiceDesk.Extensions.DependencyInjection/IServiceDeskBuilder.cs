namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Configures the ServiceDesk services registered by
/// <see cref="ServiceDeskServiceCollectionExtensions.AddServiceDesk(IServiceCollection, Action{ServiceDesk.Extensions.DependencyInjection.ServiceDeskOptions}?)"/>:
/// the store, the definitions and the escalation worker.
/// </summary>
/// <remarks>
/// The methods are extension methods in <see cref="ServiceDeskBuilderExtensions"/>. Every method may be called more than
/// once; a later call with the same name (the same store kind, calendar name, …) replaces the earlier one.
/// </remarks>
public interface IServiceDeskBuilder
{
    /// <summary>Gets the service collection the services are registered in.</summary>
    IServiceCollection Services { get; }
}
