using ServiceDesk.Billing;
using ServiceDesk.Engine;
using ServiceDesk.Routing;
using ServiceDesk.Sla;

namespace ServiceDesk.Extensions.DependencyInjection;

/// <summary>
/// The definitions loaded and validated at start-up from the builder's <c>AddCalendars</c>, <c>AddSlaPolicies</c>,
/// <c>AddRouting</c>, <c>AddEscalation</c>, <c>AddAgentDirectory</c> and <c>AddBilling</c>, and the engine options built from them. A singleton.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class ServiceDeskDefinitions
{
    internal ServiceDeskDefinitions(
        IReadOnlyDictionary<string, BusinessCalendar> calendars,
        SlaPolicySet? slaPolicies,
        RoutingRuleSet? routingRules,
        EscalationPolicy? escalation,
        IReadOnlyList<Contract> contracts,
        ServiceDeskEngineOptions engineOptions)
    {
        Calendars = calendars;
        SlaPolicies = slaPolicies;
        RoutingRules = routingRules;
        Escalation = escalation;
        Contracts = contracts;
        EngineOptions = engineOptions;
    }

    /// <summary>Gets the business calendars by name (empty when none is added).</summary>
    public IReadOnlyDictionary<string, BusinessCalendar> Calendars { get; }

    /// <summary>Gets the SLA policies, or <see langword="null"/> when none are added (the engine runs no clocks).</summary>
    public SlaPolicySet? SlaPolicies { get; }

    /// <summary>Gets the routing rules, or <see langword="null"/> when none are added (no routing at opening).</summary>
    public RoutingRuleSet? RoutingRules { get; }

    /// <summary>Gets the escalation policy, or <see langword="null"/> when none is added.</summary>
    public EscalationPolicy? Escalation { get; }

    /// <summary>Gets the agent directory (groups, agents, locations), or <see langword="null"/> when none is added.</summary>
    public AgentDirectory? Agents { get; internal init; }

    /// <summary>Gets the billing contracts, in the order they were added (empty when none is added).</summary>
    public IReadOnlyList<Contract> Contracts { get; }

    /// <summary>Gets the options the <see cref="ServiceDeskEngine"/> is built with: <see cref="ServiceDeskOptions.Engine"/>
    /// with the routing rules, SLA policies and escalation policy above (where given).</summary>
    public ServiceDeskEngineOptions EngineOptions { get; }

    /// <summary>Finds a contract by id.</summary>
    /// <param name="id">The contract id.</param>
    /// <returns>The contract, or <see langword="null"/> when no contract has that id.</returns>
    public Contract? FindContract(ContractId id) => Contracts.FirstOrDefault(c => c.Id == id);
}
