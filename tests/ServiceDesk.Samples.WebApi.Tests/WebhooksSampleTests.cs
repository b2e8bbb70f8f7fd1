using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using ServiceDesk.Notifications.Webhooks;

namespace ServiceDesk.Samples.WebApi.Tests;

/// <summary>The sample with webhooks switched on in configuration posts a signed delivery of an opened ticket to a real
/// Kestrel receiver on loopback; with them off (the default) the operator endpoints still answer.</summary>
public sealed class WebhooksSampleTests
{
    private const string Secret = "whsec_sample_0123456789";

    [Fact]
    public async Task Webhooks_EnabledInConfiguration_DeliverAnOpenedTicketSigned()
    {
        var received = new ConcurrentQueue<(byte[] Body, string? Signature)>();
        var receiverBuilder = WebApplication.CreateSlimBuilder();
        receiverBuilder.Logging.ClearProviders();
        receiverBuilder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        await using var receiver = receiverBuilder.Build();
        receiver.MapPost("/hook", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            received.Enqueue((buffer.ToArray(), context.Request.Headers[WebhookSignature.HeaderName]));
            return Results.NoContent();
        });
        await receiver.StartAsync();
        var url = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/') + "/hook";

        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ServiceDesk:Store:Provider", "InMemory")
            .UseSetting("ServiceDesk:Webhooks:Enabled", "true")
            .UseSetting("ServiceDesk:Webhooks:Dispatcher:PollInterval", "00:00:00.05")
            .UseSetting("ServiceDesk:Webhooks:Subscriptions:0:Url", url)
            .UseSetting("ServiceDesk:Webhooks:Subscriptions:0:Secret", Secret));
        using var client = app.CreateClient();
        var opened = await client.PostAsJsonAsync("/tenants/acme/tickets", new
        {
            kind = "Incident", subject = "Printer on fire", requester = "Jane Doe", customer = "acme", impact = 1, urgency = 1, group = "network",
        });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var id = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (received.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        var (body, signature) = Assert.Single(received.Take(1));
        var now = Instant.FromDateTimeOffset(TimeProvider.System.GetUtcNow());
        Assert.Equal(WebhookVerification.Valid, WebhookSignature.Verify(signature, body, Secret, now));
        var payload = WebhookPayload.Parse(body);
        Assert.Equal(("opened", "acme"), (payload.Type, payload.Tenant));
        Assert.Equal(Guid.Parse(id!), payload.Ticket);
        var parked = await client.GetFromJsonAsync<JsonElement>("/outbox/webhooks/parked");
        Assert.Equal(0, parked.GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/outbox/webhooks/parked/999/replay", null)).StatusCode);
    }
}
