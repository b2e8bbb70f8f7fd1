using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Storage.PostgreSql;
using ServiceDesk.Storage.Sqlite;

namespace ServiceDesk.Extensions.DependencyInjection.Tests;

public sealed class AddServiceDeskTests
{
    private const string CalendarJson = """{ "zone": "Europe/London", "week": { "mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]] } }""";

    private const string PolicyJson = """
        { "policies": [ { "name": "default", "metrics": [ { "name": "resolution", "kind": "resolution", "calendar": "office", "target": "24h" } ] } ] }
        """;

    [Fact]
    public async Task AddServiceDesk_InMemory_ResolvesGraphAndOpensTicket()
    {
        using var host = Hosts.Build(s => s.AddServiceDesk().UseInMemory());
        await host.StartAsync();

        var store = host.Services.GetRequiredService<ITicketStore>();
        Assert.IsType<InMemoryTicketStore>(store);
        Assert.Same(store, host.Services.GetRequiredService<ITimerStore>());
        Assert.Same(store, host.Services.GetRequiredService<IOutboxStore>());
        Assert.Same(store, host.Services.GetRequiredService<ITimeEntryStore>());
        Assert.IsType<SystemClock>(host.Services.GetRequiredService<IClock>());
        var opened = await host.Services.GetRequiredService<ServiceDeskEngine>().OpenIncidentAsync();
        Assert.Equal(CommandOutcome.Applied, opened.Outcome);
        Assert.Equal("INC0000001", opened.Ticket!.Number.ToString());
        await host.StopAsync();
    }

    [Fact]
    public async Task AddServiceDesk_Sqlite_OpensFileAtStartAndStoresTickets()
    {
        var path = Path.Combine(Hosts.TempFolder(), "desk.db");
        using (var host = Hosts.Build(s => s.AddServiceDesk().UseSqlite(path)))
        {
            await host.StartAsync();
            Assert.True(File.Exists(path));
            Assert.IsType<SqliteTicketStore>(host.Services.GetRequiredService<ITicketStore>());
            await host.Services.GetRequiredService<ServiceDeskEngine>().OpenIncidentAsync();
            await host.StopAsync();
        }

        using (var again = Hosts.Build(s => s.AddServiceDesk().UseSqlite(new SqliteTicketStoreOptions { DataSource = path, Durability = SqliteDurability.Full })))
        {
            await again.StartAsync();
            var store = again.Services.GetRequiredService<ITicketStore>();
            Assert.NotNull(await store.GetByNumberAsync(new TenantId("acme"), TicketNumber.Parse("INC0000001")));
            await again.StopAsync();
        }
    }

    [PostgresFact]
    public async Task AddServiceDesk_PostgreSql_ResolvesGraphAndOpensTicket()
    {
        var options = new PostgreSqlTicketStoreOptions
        {
            ConnectionString = PostgresServer.RequireConnectionString(),
            Schema = "sddi_" + Guid.NewGuid().ToString("N")[..12],
        };
        using var host = Hosts.Build(s => s.AddServiceDesk().UsePostgreSql(options));
        await host.StartAsync();
        Assert.IsType<PostgreSqlTicketStore>(host.Services.GetRequiredService<ITicketStore>());
        var opened = await host.Services.GetRequiredService<ServiceDeskEngine>().OpenIncidentAsync(tenant: "t-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(CommandOutcome.Applied, opened.Outcome);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddServiceDesk_WithoutHost_OpensLazilyOnceForConcurrentCallers()
    {
        var opens = 0;
        var services = new ServiceCollection();
        services.AddServiceDesk().UseStore("counting", async (_, ct) =>
        {
            Interlocked.Increment(ref opens);
            await Task.Delay(50, ct);
            return new InMemoryTicketStore();
        });
        await using var provider = services.BuildServiceProvider(Hosts.Strict);

        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ITicketStore>());
        var stores = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => provider.GetServiceDeskStoreAsync())));
        Assert.Equal(1, opens);
        Assert.All(stores, s => Assert.Same(stores[0], s));
        Assert.Same(stores[0], provider.GetRequiredService<ITicketStore>());
    }

    [Fact]
    public async Task AddServiceDesk_StoreContracts_AllResolveToTheOneStore()
    {
        var store = new TimerStoreDouble();
        using var host = Hosts.Build(s => s.AddServiceDesk().UseStore("double", (_, _) => Task.FromResult<ITicketStore>(store)));
        await host.StartAsync();

        Assert.Same(store, host.Services.GetRequiredService<ITicketStore>());
        Assert.Same(store, host.Services.GetRequiredService<ITimerStore>());
        var ex = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IOutboxStore>());
        Assert.Equal("The ServiceDesk store (TimerStoreDouble) does not implement IOutboxStore.", ex.Message);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddServiceDesk_CalledTwice_IsHarmless()
    {
        using var host = Hosts.Build(s =>
        {
            s.AddServiceDesk().UseInMemory();
            s.AddServiceDesk().UseInMemory().AddEscalationWorker();
            s.AddServiceDesk(o => o.DefinitionsRoot = AppContext.BaseDirectory).AddEscalationWorker();
        });
        await host.StartAsync();

        Assert.Single(host.Services.GetServices<ServiceDeskEngine>());
        Assert.Single(host.Services.GetServices<ITicketStore>());
        Assert.Single(host.Services.GetServices<IHostedService>(), h => h.GetType().Name == "EscalationWorker");
        Assert.Single(host.Services.GetServices<IHostedService>(), h => h.GetType().Name == "ServiceDeskStoreOpener");
        Assert.Single(host.Services.GetServices<IValidateOptions<ServiceDeskOptions>>());
        await host.Services.GetRequiredService<ServiceDeskEngine>().OpenIncidentAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task AddServiceDesk_TimeProviderRegistered_ClockReadsIt()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));
        using var host = Hosts.Build(s =>
        {
            s.AddSingleton<TimeProvider>(time);
            s.AddServiceDesk().UseInMemory();
        });
        await host.StartAsync();

        var clock = host.Services.GetRequiredService<IClock>();
        Assert.IsType<TimeProviderClock>(clock);
        Assert.Equal(Instant.FromUtc(2026, 3, 2, 9, 30), clock.GetCurrentInstant());
        time.Advance(TimeSpan.FromMinutes(5));
        var opened = await host.Services.GetRequiredService<ServiceDeskEngine>().OpenIncidentAsync();
        Assert.Equal(Instant.FromUtc(2026, 3, 2, 9, 35), opened.Ticket!.OpenedAt);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddServiceDesk_DefinitionsFromConfiguration_AreLoadedIntoTheEngine()
    {
        var folder = Hosts.TempFolder();
        await File.WriteAllTextAsync(Path.Combine(folder, "office.json"), CalendarJson);
        await File.WriteAllTextAsync(Path.Combine(folder, "sla.json"), PolicyJson);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ServiceDesk:Store:Provider"] = "InMemory",
            ["ServiceDesk:Calendars:office"] = "office.json",
            ["ServiceDesk:SlaPolicies"] = "sla.json",
            ["ServiceDesk:Contracts:0:Id"] = "C-1",
            ["ServiceDesk:Contracts:0:Tenant"] = "acme",
            ["ServiceDesk:Contracts:0:Client"] = "cust-1",
            ["ServiceDesk:Contracts:0:ClientLegalName"] = "Acme Ltd",
            ["ServiceDesk:Contracts:0:Start"] = "2026-01-01",
            ["ServiceDesk:Contracts:0:Zone"] = "Europe/London",
            ["ServiceDesk:Contracts:0:Currency"] = "GBP",
            ["ServiceDesk:Contracts:0:Status"] = "Active",
            ["ServiceDesk:Contracts:0:HourlyRate"] = "90",
        }).Build();
        var section = configuration.GetSection("ServiceDesk");
        using var host = Hosts.Build(s => s.AddServiceDesk(o => o.DefinitionsRoot = folder)
            .UseStore(section.GetSection("Store"))
            .AddCalendars(section.GetSection("Calendars"))
            .AddSlaPolicies(section.GetSection("SlaPolicies"))
            .AddBilling(section.GetSection("Contracts")));
        await host.StartAsync();

        var definitions = host.Services.GetRequiredService<ServiceDeskDefinitions>();
        Assert.Equal(["office"], definitions.Calendars.Keys);
        Assert.NotNull(definitions.SlaPolicies);
        Assert.Same(definitions.SlaPolicies, host.Services.GetRequiredService<ServiceDeskEngine>().Options.SlaPolicies);
        Assert.Equal("Acme Ltd", definitions.FindContract(new ContractId("C-1"))!.ClientLegalName);
        var opened = await host.Services.GetRequiredService<ServiceDeskEngine>().OpenIncidentAsync();
        Assert.Equal("default", (await host.Services.GetRequiredService<ServiceDeskEngine>().GetTicketAsync(new TenantId("acme"), opened.Ticket!.Id))!.SlaPolicy);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddServiceDesk_DefinitionsFromCode_AreUsed()
    {
        var calendar = BusinessCalendar.FromJson(CalendarJson);
        using var host = Hosts.Build(s => s.AddServiceDesk().UseInMemory()
            .AddCalendar("office", calendar)
            .AddSlaPolicies(SlaPolicySet.FromJson(PolicyJson, new Dictionary<string, BusinessCalendar> { ["office"] = calendar })));
        await host.StartAsync();
        Assert.Same(calendar, host.Services.GetRequiredService<ServiceDeskDefinitions>().Calendars["office"]);
        Assert.NotNull(host.Services.GetRequiredService<ServiceDeskEngine>().Options.SlaPolicies);
        await host.StopAsync();
    }
}
