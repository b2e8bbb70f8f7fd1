using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServiceDesk.Notifications.Tests;

/// <summary>A request the receiver got: its body bytes and the ServiceDesk headers.</summary>
internal sealed record ReceivedRequest(byte[] Body, string? Signature, string? Event, string? Delivery, string? Subscription, string? ContentType);

/// <summary>A real Kestrel webhook receiver on a loopback port chosen by the OS (port 0), answering each request with the
/// status its script returns for the request's number (1, 2, …).</summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Receiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public static async Task<Receiver> StartAsync(Func<int, CancellationToken, Task<int>> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        Receiver? receiver = null;
        var count = 0;
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var h = context.Request.Headers;
            receiver!.Requests.Enqueue(new ReceivedRequest(
                buffer.ToArray(), h["ServiceDesk-Signature"], h["ServiceDesk-Event"], h["ServiceDesk-Delivery"], h["ServiceDesk-Subscription"], context.Request.ContentType));
            context.Response.StatusCode = await respond(Interlocked.Increment(ref count), context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver = new Receiver(app, new Uri(address.TrimEnd('/') + "/hook"));
        return receiver;
    }

    /// <summary>A loopback URL where nothing listens (a port the OS gave out and took back).</summary>
    public static Uri Down()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/hook");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
