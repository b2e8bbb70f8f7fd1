using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ServiceDesk.Billing;
using ServiceDesk.Engine;
using ServiceDesk.Routing;
using ServiceDesk.Sla;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>
/// Builds the <see cref="ServiceDeskDefinitions"/> (calendars, SLA policies, routing rules, escalation policy, contracts
/// and the engine options made of them) from the definition sources recorded in <see cref="ServiceDeskOptions"/>: files
/// are read and parsed here, once per container, and every fault is collected instead of thrown. A singleton.
/// </summary>
/// <remarks>The options validator asks it for the faults (so they are listed with the others at start-up) and the
/// <see cref="ServiceDeskDefinitions"/> registration for the result; both get the same build, made once. Nothing here
/// writes into the options.</remarks>
internal sealed class ServiceDeskDefinitionsFactory(IServiceProvider services)
{
    private readonly Lock _gate = new();
    private Result? _result;

    /// <summary>What a build gave: the definitions, or <see langword="null"/> and the faults.</summary>
    internal sealed record Result(ServiceDeskDefinitions? Definitions, IReadOnlyList<string> Faults);

    /// <summary>Builds the definitions of these options, or returns the build already made.</summary>
    /// <remarks>One build per container: <c>IOptions</c> and <c>IOptionsMonitor</c> each make their own instance of the
    /// same options (the same configure actions), and the definitions are a singleton, so the first build serves every
    /// later call; definitions changed after start take effect when the app restarts.</remarks>
    public Result Build(ServiceDeskOptions options)
    {
        lock (_gate)
        {
            if (_result is null)
            {
                var faults = new List<string>();
                var definitions = BuildCore(options, faults);
                _result = new Result(faults.Count == 0 ? definitions : null, faults.AsReadOnly());
            }

            return _result;
        }
    }

    /// <summary>The definitions of these options.</summary>
    /// <exception cref="OptionsValidationException">A definition has faults; all are listed.</exception>
    public ServiceDeskDefinitions Create(ServiceDeskOptions options)
    {
        var result = Build(options);
        return result.Definitions ?? throw new OptionsValidationException(Options.DefaultName, typeof(ServiceDeskOptions), result.Faults);
    }

    private ServiceDeskDefinitions? BuildCore(ServiceDeskOptions options, List<string> faults)
    {
        if (options.Engine is null)
        {
            faults.Add("Engine: the engine options are required");
            return null;
        }

        var root = options.DefinitionsRoot
            ?? services.GetService<IHostEnvironment>()?.ContentRootPath
            ?? Directory.GetCurrentDirectory();
        var context = new DefinitionContext(root, services);
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
        var agents = options.Agents is null ? null : Load(options.Agents, context, faults) as AgentDirectory;
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

        if (faults.Count > 0)
        {
            return null;
        }

        try
        {
            var engine = options.Engine
                .With(routing ?? options.Engine.RoutingRules, sla ?? options.Engine.SlaPolicies)
                .With(escalation ?? options.Engine.Escalation);
            if (agents is not null && engine.Assignment is null)
            {
                // The directory is what automatic assignment reads (docs/routing.md); groups with "automatic": false opt out.
                engine = engine.With(new AutomaticAssignment(agents));
            }

            return new ServiceDeskDefinitions(context.Calendars, sla ?? engine.SlaPolicies, routing ?? engine.RoutingRules, escalation ?? engine.Escalation, contracts, engine)
            {
                Agents = agents,
            };
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
