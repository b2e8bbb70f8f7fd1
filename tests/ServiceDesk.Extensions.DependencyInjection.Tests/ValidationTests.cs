using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;
using ServiceDesk.Engine;

namespace ServiceDesk.Extensions.DependencyInjection.Tests;

public sealed class ValidationTests
{
    private static async Task<OptionsValidationException> StartFailsAsync(Action<IServiceCollection> configure)
    {
        using var host = Hosts.Build(configure);
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Fact]
    public async Task Start_NoStoreChosen_FailsNamingTheBuilderMethods()
    {
        var ex = await StartFailsAsync(s => s.AddServiceDesk());
        Assert.Contains("no store is chosen: call UseInMemory(), UseSqlite(path), UsePostgreSql(connectionString)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ManyFaults_ListsEveryFaultInOneException()
    {
        var folder = Hosts.TempFolder();
        await File.WriteAllTextAsync(Path.Combine(folder, "broken.json"), """{ "zone": "Mars/Olympus", "week": { "mon": [["18:00","09:00"]] } }""");
        await File.WriteAllTextAsync(Path.Combine(folder, "sla.json"),
            """{ "policies": [ { "name": "default", "metrics": [ { "name": "resolution", "kind": "resolution", "calendar": "nowhere", "target": "24h" } ] } ] }""");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Calendars:office"] = "broken.json",
            ["Calendars:missing"] = "no-such-file.json",
            ["SlaPolicies"] = "sla.json",
        }).Build();

        var ex = await StartFailsAsync(s => s.AddServiceDesk(o => o.DefinitionsRoot = folder)
            .UseSqlite(Path.Combine(folder, "no-such-folder", "desk.db"))
            .UsePostgreSql("Host=db;Port=not-a-port")
            .AddCalendars(configuration.GetSection("Calendars"))
            .AddSlaPolicies(configuration.GetSection("SlaPolicies"))
            .AddEscalationWorker(o => o.BatchSize = 0));

        Assert.StartsWith("The ServiceDesk configuration is invalid (", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2 stores are chosen (Sqlite, PostgreSql): choose one", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Sqlite.DataSource: the folder", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-folder' does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSql.ConnectionString: malformed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("calendar 'office' (Calendars:office): ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Mars/Olympus", ex.Message, StringComparison.Ordinal);
        Assert.Contains("calendar 'missing' (Calendars:missing): the file", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SLA policies (SlaPolicies): ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nowhere", ex.Message, StringComparison.Ordinal);
        Assert.Contains("EscalationWorker.BatchSize: 0 is outside 1 to 1,000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_EmptyPaths_AreFaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:Provider"] = "Sqlite",
            ["Store:Sqlite:DataSource"] = "",
            ["Store:Sqlite:PageCacheSize"] = "1000",
            ["Store:Sqlite:MemoryMapSize"] = "-5",
            ["Routing"] = "",
        }).Build();
        var ex = await StartFailsAsync(s => s.AddServiceDesk()
            .UseStore(configuration.GetSection("Store"))
            .AddRouting(configuration.GetSection("Routing")));
        Assert.Contains("Sqlite.DataSource: a database file path is required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Sqlite.PageCacheSize: 1000 bytes is outside 1 MiB (1048576) to 4 GiB (4294967296)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Sqlite.MemoryMapSize: -5 bytes is outside 0 to 2147418112", ex.Message, StringComparison.Ordinal);
        Assert.Contains("routing rules (Routing): a JSON file path is required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnknownProviderAndBadContract_AreFaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:Provider"] = "Oracle",
            ["Contracts:0:Id"] = "C-1",
            ["Contracts:0:Tenant"] = "acme",
            ["Contracts:0:Client"] = "cust",
            ["Contracts:0:Start"] = "01/02/2026",
            ["Contracts:0:Currency"] = "XXQ",
            ["Worker:PollInterval"] = "soon",
        }).Build();
        var ex = await StartFailsAsync(s => s.AddServiceDesk()
            .UseStore(configuration.GetSection("Store"))
            .AddBilling(configuration.GetSection("Contracts"))
            .AddEscalationWorker(configuration.GetSection("Worker")));
        Assert.Contains("Store:Provider: 'Oracle' is not a store; use InMemory, Sqlite or PostgreSql", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Contracts:0: Start: '01/02/2026' is not an ISO date (yyyy-MM-dd)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Contracts:0: Currency: 'XXQ' is not a known ISO 4217 code", ex.Message, StringComparison.Ordinal);
        Assert.Contains("EscalationWorker.PollInterval: 'soon' is not a duration", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_WithoutHost_InvalidOptionsThrowOnFirstUse()
    {
        var services = new ServiceCollection();
        services.AddServiceDesk();
        await using var provider = services.BuildServiceProvider(Hosts.Strict);
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetServiceDeskStoreAsync());
        Assert.Contains("no store is chosen", ex.Message, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ServiceDeskEngine>());
    }

    /// <summary>Every unreadable worker value is listed (binding records them instead of throwing at the first), with the
    /// option left at its default rather than half-read.</summary>
    [Fact]
    public async Task Start_EveryUnreadableWorkerValue_IsListed()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:BatchSize"] = "ten",
            ["Worker:LeaseDuration"] = "1 minute",
            ["Worker:PollInterval"] = "0,5",
        }).Build();
        var ex = await StartFailsAsync(s => s.AddServiceDesk().UseInMemory().AddEscalationWorker(configuration.GetSection("Worker")));
        Assert.StartsWith("The ServiceDesk configuration is invalid (3 faults):", ex.Message, StringComparison.Ordinal);
        Assert.Contains("EscalationWorker.BatchSize: 'ten' is not a whole number from 1 to 1,000", ex.Message, StringComparison.Ordinal);
        Assert.Contains("EscalationWorker.LeaseDuration: '1 minute' is not a duration (hh:mm:ss, or d.hh:mm:ss)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("EscalationWorker.PollInterval: '0,5' is not a duration (hh:mm:ss, or d.hh:mm:ss)", ex.Message, StringComparison.Ordinal);

        var options = new EscalationWorkerOptions();
        var good = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BatchSize"] = "250",
            ["LeaseDuration"] = "00:02:30",
            ["PollInterval"] = "0.00:00:05",
        }).Build();
        using var host = Hosts.Build(s => s.AddServiceDesk().UseInMemory().AddEscalationWorker(good));
        await host.StartAsync();
        var bound = host.Services.GetRequiredService<IOptions<EscalationWorkerOptions>>().Value;
        Assert.Equal((250, Duration.FromSeconds(150), Duration.FromSeconds(5)), (bound.BatchSize, bound.LeaseDuration, bound.PollInterval));
        Assert.Empty(bound.Validate());
        await host.StopAsync();
    }

    /// <summary>Definitions are built by a factory, once: validation and the <see cref="ServiceDeskDefinitions"/> singleton
    /// share the build (an escalation builder runs once), and validating changes nothing in the options.</summary>
    [Fact]
    public async Task Definitions_BuiltOnceByTheFactory_ValidationChangesNothing()
    {
        var builds = 0;
        using var host = Hosts.Build(s => s.AddServiceDesk()
            .UseInMemory()
            .AddEscalation(_ =>
            {
                Interlocked.Increment(ref builds);
                return new ServiceDesk.Routing.EscalationPolicyBuilder().Build();
            }));
        var options = host.Services.GetRequiredService<IOptions<ServiceDeskOptions>>().Value; // validates
        var validator = host.Services.GetServices<IValidateOptions<ServiceDeskOptions>>().Single();
        Assert.True(validator.Validate(Options.DefaultName, options).Succeeded);
        Assert.True(validator.Validate(Options.DefaultName, options).Succeeded);
        await host.StartAsync();
        var definitions = host.Services.GetRequiredService<ServiceDeskDefinitions>();
        Assert.Same(definitions.EngineOptions, host.Services.GetRequiredService<ServiceDeskDefinitions>().EngineOptions);
        Assert.Equal(1, builds);
        await host.StopAsync();
    }

    /// <summary>Without a host (nothing validates at start), the definitions singleton is still built, from the validated
    /// options, when first resolved.</summary>
    [Fact]
    public async Task Resolve_WithoutHost_ValidOptions_DefinitionsBuiltOnFirstUse()
    {
        var services = new ServiceCollection();
        services.AddServiceDesk().UseInMemory();
        await using var provider = services.BuildServiceProvider(Hosts.Strict);
        var definitions = provider.GetRequiredService<ServiceDeskDefinitions>();
        Assert.Empty(definitions.Calendars);
        Assert.NotNull(provider.GetRequiredService<ServiceDeskEngine>());
    }

    [Fact]
    public void WorkerOptions_Validate_ListsEveryRangeFault()
    {
        var faults = new EscalationWorkerOptions { BatchSize = 1_001, LeaseDuration = Duration.Zero, PollInterval = Duration.FromHours(2) }.Validate();
        Assert.Equal(3, faults.Count);
        Assert.Empty(new EscalationWorkerOptions().Validate());
        Assert.Equal(100, new EscalationWorkerOptions().ToSweeperOptions().BatchSize);
    }
}
