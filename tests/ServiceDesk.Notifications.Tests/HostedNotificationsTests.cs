using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;
using ServiceDesk.Extensions.DependencyInjection.Tests;
using ServiceDesk.Notifications.Webhooks;
using ServiceDesk.Storage;
using ServiceDesk.Storage.PostgreSql;
using ServiceDesk.Testing;

namespace ServiceDesk.Notifications.Tests;

/// <summary>The hosted services of <c>AddWebhooks</c> and <c>AddOutboxDispatcher</c>, their start-up validation, and two
/// app instances on one PostgreSQL database.</summary>
public sealed class HostedNotificationsTests
{
    private static IHost Build(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        configure(builder.Services);
        return builder.Build();
    }

    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public async Task AddWebhooks_FromConfiguration_DeliversAnOpenedTicketToTheReceiver()
    {
        await using var receiver = await Receiver.StartAsync((_, _) => Task.FromResult(200));
        var config = Config(new()
        {
            ["Webhooks:Dispatcher:PollInterval"] = "00:00:00.05",
            ["Webhooks:AttemptTimeout"] = "00:00:02",
            ["Webhooks:Subscriptions:0:Id"] = "crm",
            ["Webhooks:Subscriptions:0:Tenant"] = "acme",
            ["Webhooks:Subscriptions:0:Url"] = receiver.Url.ToString(),
            ["Webhooks:Subscriptions:0:Events:0"] = "opened",
            ["Webhooks:Subscriptions:0:Secret"] = "whsec_0123456789abcdef",
        });
        using var host = Build(s => s.AddServiceDesk().UseInMemory().AddWebhooks(config.GetSection("Webhooks")));
        await host.StartAsync();
        var store = await host.Services.GetServiceDeskStoreAsync();
        var factory = new TicketFactory(new TenantId("acme"), new TestClock(TestClock.DefaultStart));
        var ticket = (await store.AppendAsync(factory.Open())).Ticket;
        await store.AppendAsync(factory.AddComment(ticket));

        // The receiver records a request before it answers: wait for the settlement (the checkpoint), not the request.
        var deliveries = (IOutboxDeliveryStore)store;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await deliveries.GetOutboxCheckpointAsync("webhooks") < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        await host.StopAsync();
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(ticket.Id.Value, WebhookPayload.Parse(request.Body).Ticket);
        Assert.Equal("crm", request.Subscription);
        Assert.Equal(2, await deliveries.GetOutboxCheckpointAsync("webhooks"));
    }

    [Fact]
    public async Task AddWebhooks_InvalidOptions_FailStartListingEveryFault()
    {
        var config = Config(new()
        {
            ["Webhooks:HttpRetries"] = "many",
            ["Webhooks:AttemptTimeout"] = "00:10:00",
            ["Webhooks:Dispatcher:MaxAttempts"] = "0",
            ["Webhooks:Subscriptions:0:Id"] = "crm",
            ["Webhooks:Subscriptions:0:Tenant"] = "acme",
            ["Webhooks:Subscriptions:0:Url"] = "ftp://files.example.com/in",
            ["Webhooks:Subscriptions:0:Secret"] = "short",
        });
        using var host = Build(s => s.AddServiceDesk().UseInMemory().AddWebhooks(config.GetSection("Webhooks")));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith("Webhooks.HttpRetries: 'many'", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Webhooks.AttemptTimeout", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Webhooks.Dispatcher.MaxAttempts: 0", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Webhooks.Subscriptions[0].Url", StringComparison.Ordinal) && f.Contains("ftp://files.example.com/in", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Webhooks.Subscriptions[0].Secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddOutboxDispatcher_InvalidOptions_FailStart_AndADuplicateConsumerThrowsAtOnce()
    {
        using var host = Build(s => s.AddServiceDesk().UseInMemory()
            .AddOutboxDispatcher("mail", _ => new RecordingHandler(), o => { o.BatchSize = 5_000; o.PollInterval = Duration.Zero; }));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith("OutboxDispatcher[mail].BatchSize: 5000", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("OutboxDispatcher[mail].PollInterval", StringComparison.Ordinal));
        var services = new ServiceCollection();
        var builder = services.AddServiceDesk().UseInMemory().AddOutboxDispatcher("mail", _ => new RecordingHandler());
        Assert.Throws<ArgumentException>(() => builder.AddOutboxDispatcher("mail", _ => new RecordingHandler()));
    }

    [Fact]
    public async Task AddOutboxDispatcher_HostedService_DeliversEveryMessage()
    {
        var handler = new RecordingHandler();
        using var host = Build(s => s.AddServiceDesk().UseInMemory()
            .AddOutboxDispatcher("mail", _ => handler, o => o.PollInterval = Duration.FromMilliseconds(50)));
        await host.StartAsync();
        var store = await host.Services.GetServiceDeskStoreAsync();
        var factory = new TicketFactory(new TenantId("acme"), new TestClock(TestClock.DefaultStart));
        var ticket = (await store.AppendAsync(factory.Open())).Ticket;
        await store.AppendAsync(factory.AddComments(ticket, 3));

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (handler.Calls.Count < 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        await host.StopAsync();
        Assert.Equal([1L, 2, 3, 4], handler.Calls.Select(c => c.Message.Event.Version));
    }

    [PostgresFact]
    public async Task Dispatchers_TwoAppInstancesOnPostgreSql_NeverDeliverAMessageConcurrentlyAndDeliverEachOnce()
    {
        var schema = "sdtest_notify_" + Guid.NewGuid().ToString("N")[..12];
        var options = new PostgreSqlTicketStoreOptions { ConnectionString = PostgresServer.RequireConnectionString(), Schema = schema };
        try
        {
            await using var one = await PostgreSqlTicketStore.OpenAsync(options);
            await using var two = await PostgreSqlTicketStore.OpenAsync(options);
            var factory = new TicketFactory(new TenantId("acme"), new TestClock(TestClock.DefaultStart, Duration.FromSeconds(1)));
            var handler = new RecordingHandler(delay: TimeSpan.FromMilliseconds(3));
            var clock = new ServiceDesk.Extensions.DependencyInjection.TimeProviderClock(TimeProvider.System);
            using var cts = new CancellationTokenSource();
            var runs = new[] { one, two }.Select(s => new OutboxDispatcher(
                s, "race", handler, clock, new OutboxDispatcherOptions { BatchSize = 5, PollInterval = Duration.FromMilliseconds(20) }).RunAsync(null, cts.Token)).ToList();

            // Appends race with the dispatchers, from both instances, so checkpoints advance while positions are in flight.
            await Task.WhenAll(new[] { one, two }.Select(s => Task.Run(async () =>
            {
                for (var i = 0; i < 20; i++)
                {
                    var t = (await s.AppendAsync(factory.Open())).Ticket;
                    await s.AppendAsync(factory.AddComment(t));
                }
            })));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (handler.Calls.Count < 80 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(25);
            }

            await Task.Delay(200);
            await cts.CancelAsync();
            await Task.WhenAll(runs);

            Assert.Equal(80, handler.Calls.Count);
            Assert.Equal(80, handler.Positions.Distinct().Count());
            Assert.Equal(0, handler.Overlaps);
            foreach (var ticket in handler.Calls.GroupBy(c => c.Message.Event.Ticket))
            {
                Assert.Equal([1L, 2], ticket.Select(c => c.Message.Event.Version));
            }
        }
        finally
        {
            await using var connection = new NpgsqlConnection(PostgresServer.RequireConnectionString());
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
