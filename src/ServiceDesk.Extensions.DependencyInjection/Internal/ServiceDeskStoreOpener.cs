using Microsoft.Extensions.Hosting;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>Opens (and migrates) the store when the host starts, so a bad connection fails the start.</summary>
internal sealed class ServiceDeskStoreOpener(ServiceDeskStoreHolder holder) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => holder.OpenAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
