using Microsoft.Extensions.DependencyInjection;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

internal sealed class ServiceDeskBuilder(IServiceCollection services) : IServiceDeskBuilder
{
    public IServiceCollection Services { get; } = services;
}
