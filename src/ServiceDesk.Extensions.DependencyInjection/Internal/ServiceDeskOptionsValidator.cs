using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ServiceDesk.Billing;
using ServiceDesk.Routing;
using ServiceDesk.Sla;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>
/// Validates every ServiceDesk setting at once (store choice and settings, definitions, worker options) and, when
/// valid, builds the <see cref="ServiceDeskDefinitions"/> so they are loaded once.
/// </summary>
internal sealed class ServiceDeskOptionsValidator(IServiceProvider services) : IValidateOptions<ServiceDeskOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceDeskOptions options)
    {
        var faults = new List<string>();
        switch (options.Stores.Count)
        {
            case 0:
                faults.Add("no store is chosen: call UseInMemory(), UseSqlite(path), UsePostgreSql(connectionString) or UseStore(open) on the builder of AddServiceDesk()");
                break;
            case > 1:
                faults.Add($"{options.Stores.Count} stores are chosen ({string.Join(", ", options.Stores.Keys)}): choose one");
                break;
        }

        foreach (var store in options.Stores.Values)
        {
            store.Validate?.Invoke(faults);
        }

        if (options.Engine is null)
        {
            faults.Add("Engine: the engine options are required");
        }

        if (options.WorkerEnabled)
        {
            try
            {
                faults.AddRange(services.GetRequiredService<IOptions<EscalationWorkerOptions>>().Value.Validate());
            }
            catch (Exception ex) when (ex is FormatException or ArithmeticException or ArgumentException)
            {
                faults.Add(ex.Message);
            }
        }

        var definitions = options.Engine is null ? null : Build(options, faults);
        if (faults.Count > 0)
        {
            return ValidateOptionsResult.Fail(
                $"The ServiceDesk configuration is invalid ({faults.Count} {(faults.Count == 1 ? "fault" : "faults")}):"
                + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", faults));
        }

        options.Built = definitions;
        return ValidateOptionsResult.Success;
    }

    private ServiceDeskDefinitions? Build(ServiceDeskOptions options, List<string> faults)
    {
        var root = options.DefinitionsRoot
            ?? services.GetService<IHostEnvironment>()?.ContentRootPath
            ?? Directory.GetCurrentDirectory();
        var context = new DefinitionContext(root, services);
        var before = faults.Count;
        foreach (var (calendarName, source) in options.Calendars)
        {
            if (Load(source, context, faults) is BusinessCalendar calendar)
            {
                context.Calendars[calendarName] = calendar;
            }
        }

        var sla = options.SlaPolicies is null ? null : Load(options.SlaPolicies, context, faults) as SlaPolicySet;
        var routing = options.Routing is null ? null : Load(options.Routing, context, faults) as RoutingRuleSet;
        var escalation = options.Escalation is null ? null : Load(options.Escalation, context, faults) as EscalationPolicy;
        var contracts = new List<Contract>();
        foreach (var source in options.Contracts)
        {
            switch (Load(source, context, faults))
            {
                case Contract contract:
                    contracts.Add(contract);
                    break;
                case IEnumerable<Contract> many:
                    contracts.AddRange(many);
                    break;
            }
        }

        foreach (var duplicate in contracts.GroupBy(c => c.Id).Where(g => g.Count() > 1))
        {
            faults.Add($"billing: contract {TextPolicy.Echo(duplicate.Key)} is added {duplicate.Count()} times");
        }

        if (faults.Count > before)
        {
            return null;
        }

        try
        {
            var engine = options.Engine
                .With(routing ?? options.Engine.RoutingRules, sla ?? options.Engine.SlaPolicies)
                .With(escalation ?? options.Engine.Escalation);
            return new ServiceDeskDefinitions(context.Calendars, sla ?? engine.SlaPolicies, routing ?? engine.RoutingRules, escalation ?? engine.Escalation, contracts, engine);
        }
        catch (InvalidDefinitionException ex)
        {
            faults.AddRange(ex.Errors.Select(e => $"{ex.DefinitionName}: {e}"));
            return null;
        }
    }

    private static object? Load(DefinitionSource source, DefinitionContext context, List<string> faults)
    {
        try
        {
            return source.Load(context);
        }
        catch (InvalidDefinitionException ex)
        {
            faults.AddRange(ex.Errors.Select(e => $"{source.Description}: {e}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or ArgumentException or FormatException or InvalidOperationException or ArithmeticException or KeyNotFoundException)
        {
            faults.Add($"{source.Description}: {ex.Message}");
        }

        return null;
    }
}
