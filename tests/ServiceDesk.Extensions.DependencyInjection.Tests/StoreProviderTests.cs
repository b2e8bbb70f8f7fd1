using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Storage.PostgreSql;
using ServiceDesk.Storage.Sqlite;

namespace ServiceDesk.Extensions.DependencyInjection.Tests;

/// <summary>The registration hook the provider packages use, and the store's health check.</summary>
public sealed class StoreProviderTests
{
    [Fact]
    public async Task UseStore_SqliteSectionWithoutRegistration_FindsProviderOfInstalledPackage()
    {
        var path = Path.Combine(Hosts.TempFolder(), "desk.db");
        using var host = Hosts.Build(s => s.AddServiceDesk().UseStore(Section(("Provider", "sqlite"), ("Sqlite:DataSource", path))));
        await host.StartAsync();

        Assert.IsType<SqliteTicketStore>(host.Services.GetRequiredService<ITicketStore>());
        await host.StopAsync();
    }

    [Fact]
    public void UseStore_PostgreSqlSectionWithoutRegistration_ValidatesWithProviderOfInstalledPackage()
    {
        using var host = Hosts.Build(s => s.AddServiceDesk().UseStore(Section(("Provider", "PostgreSql"), ("PostgreSql:ConnectionString", "Database=desk"))));

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ServiceDeskOptions>>().Value);
        Assert.Contains("PostgreSql.ConnectionString: no Host is given", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseStore_CustomProviderRegisteredAfterUseStore_IsUsed()
    {
        var provider = new CountingProvider();
        using var host = Hosts.Build(s => s.AddServiceDesk()
            .UseStore(Section(("Provider", "counting"), ("Counting:Label", "x")))
            .AddStoreProvider(provider));
        await host.StartAsync();

        Assert.IsType<InMemoryTicketStore>(host.Services.GetRequiredService<ITicketStore>());
        Assert.Equal("x", provider.LastLabel);
        await host.StopAsync();
    }

    [Fact]
    public void UseStore_CustomProviderWithUnbindableValue_IsStartupFaultNamingSection()
    {
        using var host = Hosts.Build(s => s.AddServiceDesk()
            .AddStoreProvider(new CountingProvider())
            .UseStore(Section(("Provider", "Counting"), ("Counting:Size", "many"))));

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ServiceDeskOptions>>().Value);
        Assert.Contains("Store:Counting:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'many'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseStore_ProviderAndUseSqliteOfSameName_LaterReplacesEarlier()
    {
        var path = Path.Combine(Hosts.TempFolder(), "desk.db");
        using var host = Hosts.Build(s => s.AddServiceDesk()
            .UseStore(Section(("Provider", "Sqlite"), ("Sqlite:DataSource", "/no/such/folder/desk.db")))
            .UseSqlite(path));

        var options = host.Services.GetRequiredService<IOptions<ServiceDeskOptions>>().Value;
        Assert.Equal("Sqlite", Assert.Single(options.Stores).Key);
    }

    [Theory]
    [InlineData("sqlite", "'Sqlite' needs the ServiceDesk.Storage.Sqlite package: add it to the app")]
    [InlineData("POSTGRESQL", "'PostgreSql' needs the ServiceDesk.Storage.PostgreSql package: add it to the app")]
    [InlineData("Oracle", "'Oracle' is not a store; use InMemory, Sqlite or PostgreSql, or register a provider with AddStoreProvider")]
    public void Unknown_ShippedOrForeignName_SaysWhatToDo(string provider, string expected)
        => Assert.StartsWith(expected, ServiceDesk.Extensions.DependencyInjection.Internal.StoreProviders.Unknown(provider), StringComparison.Ordinal);

    [Fact]
    public void Find_RegisteredProviderOfShippedName_WinsOverThePackagesOwn()
    {
        var mine = new NamedProvider("Sqlite");

        Assert.Same(mine, ServiceDesk.Extensions.DependencyInjection.Internal.StoreProviders.Find("SQLITE", [new NamedProvider("Other"), mine]));
        Assert.IsType<SqliteStoreProvider>(ServiceDesk.Extensions.DependencyInjection.Internal.StoreProviders.Find("sqlite", []));
        Assert.IsType<PostgreSqlStoreProvider>(ServiceDesk.Extensions.DependencyInjection.Internal.StoreProviders.Find("PostgreSql", []));
        Assert.Null(ServiceDesk.Extensions.DependencyInjection.Internal.StoreProviders.Find("Oracle", []));
    }

    [Fact]
    public async Task HealthCheck_InMemory_IsHealthyOnceOpen()
    {
        using var host = Hosts.Build(s => s.AddHealthChecks().Services.AddServiceDesk().UseInMemory());
        await host.StartAsync();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries[ServiceDeskServiceCollectionExtensions.HealthCheckName];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Contains("InMemory", entry.Description, StringComparison.Ordinal);
        Assert.Equal(["servicedesk", "store", "ready"], entry.Tags);
        await host.StopAsync();
    }

    [Fact]
    public void HealthCheck_NoAddHealthChecks_RegistersNoHealthCheckService()
    {
        var services = new ServiceCollection();
        services.AddServiceDesk().UseInMemory();

        using var provider = services.BuildServiceProvider(Hosts.Strict);

        Assert.Null(provider.GetService<HealthCheckService>());
    }

    [Fact]
    public async Task HealthCheck_AddServiceDeskTwice_RegistersOneCheck()
    {
        using var host = Hosts.Build(s =>
        {
            s.AddServiceDesk().UseInMemory();
            s.AddServiceDesk();
            s.AddHealthChecks();
        });
        await host.StartAsync();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Single(report.Entries);
        await host.StopAsync();
    }

    [Fact]
    public async Task HealthCheck_Sqlite_RunsSqliteCheck()
    {
        var path = Path.Combine(Hosts.TempFolder(), "desk.db");
        using var host = Hosts.Build(s => s.AddServiceDesk().UseSqlite(path).Services.AddHealthChecks());
        await host.StartAsync();

        var entry = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync())
            .Entries[ServiceDeskServiceCollectionExtensions.HealthCheckName];

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(SqliteTicketStore.SchemaVersion, entry.Data["schemaVersion"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task HealthCheck_InvalidConfiguration_IsUnhealthyWithoutThrowing()
    {
        using var host = Hosts.Build(s => s.AddServiceDesk().Services.AddHealthChecks());

        var entry = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync())
            .Entries[ServiceDeskServiceCollectionExtensions.HealthCheckName];

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.IsType<OptionsValidationException>(entry.Exception);
    }

    [PostgresFact]
    public async Task HealthCheck_PostgreSql_RunsPostgreSqlCheck()
    {
        var schema = "di_health_" + Guid.NewGuid().ToString("N")[..8];
        using var host = Hosts.Build(s => s.AddServiceDesk()
            .UsePostgreSql(new PostgreSqlTicketStoreOptions { ConnectionString = PostgresServer.RequireConnectionString(), Schema = schema })
            .Services.AddHealthChecks());
        await host.StartAsync();

        var entry = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync())
            .Entries[ServiceDeskServiceCollectionExtensions.HealthCheckName];

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(PostgreSqlTicketStore.SchemaVersion, entry.Data["schemaVersion"]);
        Assert.Equal(0L, entry.Data["outboxPending"]);
        await host.StopAsync();
    }

    private static IConfigurationSection Section(params (string Key, string Value)[] values)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Store:" + v.Key, v.Value)))
            .Build()
            .GetSection("Store");

    private sealed class CountingProvider : ServiceDeskStoreProvider<CountingOptions>
    {
        public string? LastLabel { get; private set; }

        public override string Name => "Counting";

        protected override void Bind(IConfigurationSection section, CountingOptions options) => section.Bind(options);

        protected override ServiceDeskStore Create(CountingOptions options)
        {
            LastLabel = options.Label;
            return new ServiceDeskStore(Name, (_, _) => Task.FromResult<ITicketStore>(new InMemoryTicketStore()));
        }
    }

    private sealed class NamedProvider(string name) : ServiceDeskStoreProvider
    {
        public override string Name => name;

        public override ServiceDeskStore Create(IConfigurationSection section)
            => new(Name, (_, _) => Task.FromResult<ITicketStore>(new InMemoryTicketStore()));
    }

    private sealed class CountingOptions
    {
        public string? Label { get; set; }

        public int Size { get; set; }
    }
}
