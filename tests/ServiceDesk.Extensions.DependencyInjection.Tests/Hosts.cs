using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServiceDesk.Engine;

namespace ServiceDesk.Extensions.DependencyInjection.Tests;

internal static class Hosts
{
    public static readonly ServiceProviderOptions Strict = new() { ValidateOnBuild = true, ValidateScopes = true };

    public static IHost Build(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.ConfigureContainer(new DefaultServiceProviderFactory(Strict));
        configure(builder.Services);
        return builder.Build();
    }

    public static async Task<CommandResult> OpenIncidentAsync(this ServiceDeskEngine engine, string tenant = "acme", string subject = "VPN is down")
        => await engine.OpenTicketAsync(
            new CommandContext(new TenantId(tenant), Actor.OfRequester("Jane Doe")),
            new OpenTicketRequest(TicketKind.Incident, subject, new Requester(new CustomerId("cust-1"), "Jane Doe"), Impact.Medium, Urgency.High));

    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "sd-di-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
