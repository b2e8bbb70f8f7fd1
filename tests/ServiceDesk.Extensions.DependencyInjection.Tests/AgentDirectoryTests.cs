using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Routing;

namespace ServiceDesk.Extensions.DependencyInjection.Tests;

/// <summary><c>AddAgentDirectory(section)</c>: the agent directory from a JSON file, with shift calendars from the builder.</summary>
public sealed class AgentDirectoryTests
{
    private const string CalendarJson = """{ "zone": "Europe/London", "week": { "mon": [["09:00","17:00"]] } }""";

    private static IConfiguration Configuration(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("ServiceDesk:" + v.Key, v.Value))).Build().GetSection("ServiceDesk");

    [Fact]
    public async Task AddAgentDirectory_JsonFile_LoadedWithBuilderCalendars()
    {
        var folder = Hosts.TempFolder();
        await File.WriteAllTextAsync(Path.Combine(folder, "office.json"), CalendarJson);
        await File.WriteAllTextAsync(Path.Combine(folder, "agents.json"), """
            { "groups": [ { "id": "desk", "tier": 1 } ],
              "agents": [ { "id": "ann", "groups": ["desk"], "shift": "office" } ] }
            """);
        var desk = Configuration(("Calendars:office", "office.json"), ("Agents", "agents.json"));
        using var host = Hosts.Build(s => s.AddServiceDesk(o => o.DefinitionsRoot = folder)
            .UseInMemory()
            .AddCalendars(desk.GetSection("Calendars"))
            .AddAgentDirectory(desk.GetSection("Agents")));
        await host.StartAsync();

        var definitions = host.Services.GetRequiredService<ServiceDeskDefinitions>();

        Assert.True(definitions.Agents!.TryGetAgent(new AgentId("ann"), out var ann));
        Assert.Same(definitions.Calendars["office"], ann.Shift);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddAgentDirectory_FaultyFile_IsStartupFaultWithPathAndKey()
    {
        var folder = Hosts.TempFolder();
        await File.WriteAllTextAsync(Path.Combine(folder, "agents.json"), """
            { "groups": [ { "id": "field", "tier": 2, "strategy": "nearest" } ],
              "agents": [ { "id": "fred", "groups": ["field"], "shift": "night" } ] }
            """);
        var desk = Configuration(("Agents", "agents.json"));
        using var host = Hosts.Build(s => s.AddServiceDesk(o => o.DefinitionsRoot = folder).UseInMemory().AddAgentDirectory(desk.GetSection("Agents")));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("agent directory (ServiceDesk:Agents): $.agents[0].shift: unknown calendar 'night'; known: none.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("agent directory (ServiceDesk:Agents): $.agents[0].location: agent 'fred' has no location, but group 'field' assigns the nearest agent.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAgentDirectory_FromCode_AndNoneAdded_IsNull()
    {
        var directory = AgentDirectory.FromJson("""{ "groups": [], "agents": [] }""");
        using (var host = Hosts.Build(s => s.AddServiceDesk().UseInMemory().AddAgentDirectory(directory)))
        {
            await host.StartAsync();
            Assert.Same(directory, host.Services.GetRequiredService<ServiceDeskDefinitions>().Agents);
            await host.StopAsync();
        }

        using var none = Hosts.Build(s => s.AddServiceDesk().UseInMemory());
        await none.StartAsync();
        Assert.Null(none.Services.GetRequiredService<ServiceDeskDefinitions>().Agents);
        await none.StopAsync();
    }

    [Fact]
    public async Task AddAgentDirectory_EngineAssignsAutomatically_ExceptInManualGroups()
    {
        var directory = AgentDirectory.FromJson("""
            { "groups": [ { "id": "desk", "tier": 1, "strategy": "leastLoaded" }, { "id": "vip", "tier": 1, "automatic": false } ],
              "agents": [ { "id": "ann", "groups": ["desk", "vip"] }, { "id": "bob", "groups": ["desk"] } ] }
            """);
        using var host = Hosts.Build(s => s.AddServiceDesk().UseInMemory().AddAgentDirectory(directory));
        await host.StartAsync();
        var engine = host.Services.GetRequiredService<ServiceDeskEngine>();
        Assert.Same(directory, engine.Options.Assignment!.Directory);
        var context = new CommandContext(new TenantId("acme"), Actor.OfAgent(new AgentId("ann")));
        OpenTicketRequest Into(string group) => new(TicketKind.Incident, "Printer jams", new Requester(new CustomerId("c-1"), "Jane Doe"), Impact.Medium, Urgency.Medium)
        {
            AssignmentGroup = new GroupId(group),
        };

        var desk = await engine.OpenTicketAsync(context, Into("desk"));
        var vip = await engine.OpenTicketAsync(context, Into("vip"));

        Assert.Equal(new AgentId("ann"), desk.Ticket.Assignee);
        Assert.Single(desk.Events.OfType<AgentAssignmentDecided>());
        Assert.Null(vip.Ticket.Assignee);
        await host.StopAsync();
    }
}
