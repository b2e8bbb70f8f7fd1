using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServiceDesk.Routing;

namespace ServiceDesk.Extensions.DependencyInjection.Tests;

/// <summary><c>AddEscalation(section)</c>: an escalation policy from a JSON file, with calendars from the builder.</summary>
public sealed class EscalationJsonTests
{
    private const string CalendarJson = """{ "zone": "Europe/London", "week": { "mon": [["09:00","17:00"]] } }""";

    [Fact]
    public async Task AddEscalation_JsonFileNamingBuilderCalendar_LoadsPolicy()
    {
        var folder = Hosts.TempFolder();
        await File.WriteAllTextAsync(Path.Combine(folder, "office.json"), CalendarJson);
        await File.WriteAllTextAsync(Path.Combine(folder, "escalation.json"), """
            { "calendar": "office",
              "rules": [ { "name": "warn", "level": 1, "when": { "metric": "resolution", "percent": 75 },
                           "delivery": "businessHours", "actions": [ { "notify": "groupLead" } ] } ] }
            """);
        var desk = Configuration(("Calendars:office", "office.json"), ("Escalation", "escalation.json"));
        using var host = Hosts.Build(s => s.AddServiceDesk(o => o.DefinitionsRoot = folder)
            .UseInMemory()
            .AddCalendars(desk.GetSection("Calendars"))
            .AddEscalation(desk.GetSection("Escalation")));
        await host.StartAsync();

        var definitions = host.Services.GetRequiredService<ServiceDeskDefinitions>();

        Assert.Equal("warn", Assert.Single(definitions.Escalation!.Rules).Name);
        Assert.Same(definitions.Calendars["office"], definitions.Escalation.BusinessHours);
        Assert.Same(definitions.Escalation, definitions.EngineOptions.Escalation);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddEscalation_FaultyJson_IsStartupFaultWithPathAndConfigurationKey()
    {
        var folder = Hosts.TempFolder();
        await File.WriteAllTextAsync(Path.Combine(folder, "escalation.json"), """
            { "calendar": "night", "rules": [ { "name": "r", "name": "s", "level": 1 } ] }
            """);
        var desk = Configuration(("Escalation", "escalation.json"));
        using var host = Hosts.Build(s => s.AddServiceDesk(o => o.DefinitionsRoot = folder).UseInMemory().AddEscalation(desk.GetSection("Escalation")));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("escalation policy (ServiceDesk:Escalation): $.rules[0].name: duplicate field; give each field once.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddEscalation_FunctionAskingForMissingCalendar_IsStartupFaultNamingIt()
    {
        var desk = Configuration(("Calendars:office", "missing.json"));
        using var host = Hosts.Build(s => s.AddServiceDesk(o => o.DefinitionsRoot = Hosts.TempFolder())
            .UseInMemory()
            .AddCalendars(desk.GetSection("Calendars"))
            .AddEscalation(calendars => new EscalationPolicyBuilder().WithBusinessHours(calendars["office"]).Build()));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("calendar 'office' (ServiceDesk:Calendars:office): the file", ex.Message, StringComparison.Ordinal);
        Assert.Contains("escalation policy: no calendar 'office' is loaded (known: none)", ex.Message, StringComparison.Ordinal);
    }

    private static IConfigurationSection Configuration(params (string Key, string Value)[] values)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("ServiceDesk:" + v.Key, v.Value)))
            .Build()
            .GetSection("ServiceDesk");
}
