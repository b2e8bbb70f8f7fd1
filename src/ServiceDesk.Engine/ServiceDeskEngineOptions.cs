using System.Collections.ObjectModel;
using ServiceDesk.Routing;
using ServiceDesk.Sla;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine;

/// <summary>
/// The immutable definitions a <see cref="ServiceDeskEngine"/> runs on: one workflow per ticket kind, the priority matrix,
/// and optionally the routing rules and the SLA policies.
/// </summary>
/// <remarks>
/// <para>The constructor validates the workflows once; the optional members are validated when set. An instance is
/// immutable and thread-safe, and is meant to be built once and shared by every engine of a process.</para>
/// <list type="table">
/// <listheader><term>member</term><description>default</description></listheader>
/// <item><term><see cref="PriorityMatrix"/></term><description><see cref="ServiceDesk.PriorityMatrix.Default"/> (3 x 3)</description></item>
/// <item><term><see cref="RoutingRules"/></term><description><see langword="null"/>: tickets are not routed (an explicit group still applies)</description></item>
/// <item><term><see cref="SlaPolicies"/></term><description><see langword="null"/>: no SLA clocks</description></item>
/// <item><term><see cref="Escalation"/></term><description><see langword="null"/>: no escalation rules</description></item>
/// <item><term><see cref="CallerReplyTrigger"/></term><description><c>CallerReplied</c> (see <see cref="IncidentLifecycle.CallerReplied"/>)</description></item>
/// <item><term><see cref="BusinessCalendar"/></term><description><see langword="null"/>: approval due times and auto-close count wall-clock time (a day is 24 hours)</description></item>
/// <item><term><see cref="AutoCloseAfterBusinessDays"/></term><description>0: no auto-close timer</description></item>
/// <item><term><see cref="AutoCloseTrigger"/></term><description><c>AutoClose</c> (see <see cref="IncidentLifecycle.AutoClose"/>)</description></item>
/// <item><term><see cref="ConfirmResolutionTrigger"/></term><description><c>Close</c></description></item>
/// <item><term><see cref="RejectResolutionTrigger"/></term><description><c>Reopen</c></description></item>
/// </list>
/// </remarks>
public sealed class ServiceDeskEngineOptions
{
    private readonly PriorityMatrix _matrix = PriorityMatrix.Default;

    /// <summary>Initializes the definitions with a workflow per ticket kind.</summary>
    /// <param name="workflows">The workflow of each ticket kind the engine accepts; at least one. A workflow bound to a kind
    /// (<see cref="WorkflowDefinition.Kind"/>) must be registered under that kind.</param>
    /// <exception cref="ArgumentNullException"><paramref name="workflows"/> or one of its values is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDefinitionException">No workflow is given, a kind is undefined, or a workflow is registered under
    /// another kind than its own; every fault is listed.</exception>
    public ServiceDeskEngineOptions(IReadOnlyDictionary<TicketKind, WorkflowDefinition> workflows)
    {
        ArgumentNullException.ThrowIfNull(workflows);
        var faults = new List<string>();
        var copy = new Dictionary<TicketKind, WorkflowDefinition>();
        foreach (var (kind, workflow) in workflows)
        {
            if (workflow is null)
            {
                throw new ArgumentNullException(nameof(workflows), $"The workflow for {kind} is null.");
            }

            if (!Enum.IsDefined(kind))
            {
                faults.Add($"{(int)kind} is not a ticket kind (1 to 4)");
                continue;
            }

            if (workflow.Kind is { } own && own != kind)
            {
                faults.Add($"workflow {TextPolicy.Echo(workflow.Name)} is for {own} tickets but is registered for {kind}");
                continue;
            }

            copy[kind] = workflow;
        }

        if (workflows.Count == 0)
        {
            faults.Add("no workflow is given; register at least one ticket kind");
        }

        if (faults.Count > 0)
        {
            throw new InvalidDefinitionException("engine options", faults);
        }

        Workflows = new ReadOnlyDictionary<TicketKind, WorkflowDefinition>(copy);
    }

    /// <summary>Gets the workflow of each accepted ticket kind.</summary>
    public IReadOnlyDictionary<TicketKind, WorkflowDefinition> Workflows { get; }

    /// <summary>Gets the matrix that turns impact and urgency into a priority; <see cref="ServiceDesk.PriorityMatrix.Default"/> by default.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public PriorityMatrix PriorityMatrix
    {
        get => _matrix;
        init => _matrix = value ?? throw new ArgumentNullException(nameof(PriorityMatrix));
    }

    /// <summary>Gets the routing rules applied when a ticket is opened, or <see langword="null"/> for none.</summary>
    public RoutingRuleSet? RoutingRules { get; init; }

    /// <summary>Gets the SLA policies, or <see langword="null"/> for no SLA clocks.</summary>
    public SlaPolicySet? SlaPolicies { get; init; }

    /// <summary>Gets the escalation rules the <see cref="EscalationSweeper"/> applies when SLA thresholds or idle times are
    /// reached, or <see langword="null"/> for none (timers then only record SLA thresholds and breaches).</summary>
    public EscalationPolicy? Escalation { get; init; }

    /// <summary>Gets the trigger fired, when permitted, after a public comment by the requester (a caller reply resumes a
    /// ticket held for the caller), or <see langword="null"/> to fire nothing; default <c>CallerReplied</c>.</summary>
    public WorkflowTrigger? CallerReplyTrigger { get; init; } = IncidentLifecycle.CallerReplied;

    /// <summary>Gets the business calendar of approval due times and of auto-close, or <see langword="null"/> (the default) to
    /// count wall-clock time (a business day is then 24 hours).</summary>
    public BusinessCalendar? BusinessCalendar { get; init; }

    /// <summary>Gets after how many business days (on <see cref="BusinessCalendar"/>, from the moment the ticket entered its
    /// status) the engine schedules <see cref="AutoCloseTrigger"/> for a ticket in a status from which the workflow would
    /// then permit it to the system; 0 to 365, default 0 (no auto-close timer).</summary>
    /// <remarks>The workflow's own guards still decide: build the incident lifecycle with the same number of days and the
    /// same calendar (<see cref="IncidentLifecycleOptions.AutoCloseAfterBusinessDays"/>,
    /// <see cref="IncidentLifecycleOptions.AddBusinessDays"/>). A status from which the trigger would be refused at the due
    /// instant (a major incident, a lifecycle that waits longer) gets no auto-close timer.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 0 to 365.</exception>
    public int AutoCloseAfterBusinessDays
    {
        get;
        init => field = value is >= 0 and <= 365
            ? value
            : throw new ArgumentOutOfRangeException(nameof(AutoCloseAfterBusinessDays), value, "Auto-close is 0 (off) to 365 business days.");
    }

    /// <summary>Gets the trigger the sweeper fires, as the system, when a ticket's auto-close is due; default <c>AutoClose</c>.</summary>
    public WorkflowTrigger AutoCloseTrigger { get; init; } = IncidentLifecycle.AutoClose;

    /// <summary>Gets the trigger <see cref="ServiceDeskEngine.ConfirmResolutionAsync"/> fires; default <c>Close</c>.</summary>
    public WorkflowTrigger ConfirmResolutionTrigger { get; init; } = IncidentLifecycle.Close;

    /// <summary>Gets the trigger <see cref="ServiceDeskEngine.RejectResolutionAsync"/> fires; default <c>Reopen</c>.</summary>
    public WorkflowTrigger RejectResolutionTrigger { get; init; } = IncidentLifecycle.Reopen;

    /// <summary>Gets the authorization policy the engine asks before every command and actor-aware query; default
    /// <see cref="DefaultTicketAuthorizationPolicy.Instance"/> (requesters: their own tickets; agents: any ticket,
    /// or their groups' by <see cref="AgentScope.Groups"/>). See docs/processes.md.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public ITicketAuthorizationPolicy Authorization
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Authorization));
    } = DefaultTicketAuthorizationPolicy.Instance;

    /// <summary>Gets how the engine assigns agents automatically, or <see langword="null"/> (the default) for never: tickets
    /// then stay in their group's queue until someone names an agent.</summary>
    public AutomaticAssignment? Assignment { get; init; }

    /// <summary>Gets the change management (CAB, emergency CAB, freeze windows, standard change catalogue), or
    /// <see langword="null"/> (the default) for none: no freezes, no CAB to ask by
    /// <see cref="ServiceDeskEngine.RequestChangeAuthorizationAsync"/>, and an empty catalogue.</summary>
    public ChangeManagement? ChangeManagement { get; init; }

    /// <summary>Returns a copy with other change management.</summary>
    /// <param name="changeManagement">The change management (<see cref="ChangeManagementOptions.Build"/>), or
    /// <see langword="null"/> for none.</param>
    /// <returns>The copy; this instance is unchanged.</returns>
    public ServiceDeskEngineOptions With(ChangeManagement? changeManagement)
        => Copy(Workflows, RoutingRules, SlaPolicies, Escalation, AutoCloseAfterBusinessDays, BusinessCalendar, Authorization, Assignment, changeManagement);

    /// <summary>Returns a copy with other automatic assignment settings.</summary>
    /// <param name="assignment">The settings, or <see langword="null"/> for no automatic assignment.</param>
    /// <returns>The copy; this instance is unchanged.</returns>
    public ServiceDeskEngineOptions With(AutomaticAssignment? assignment)
        => Copy(Workflows, RoutingRules, SlaPolicies, Escalation, AutoCloseAfterBusinessDays, BusinessCalendar, Authorization, assignment, ChangeManagement);

    /// <summary>Returns a copy with another authorization policy.</summary>
    /// <param name="authorization">The policy.</param>
    /// <returns>The copy; this instance is unchanged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="authorization"/> is <see langword="null"/>.</exception>
    public ServiceDeskEngineOptions With(ITicketAuthorizationPolicy authorization)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return Copy(Workflows, RoutingRules, SlaPolicies, Escalation, AutoCloseAfterBusinessDays, BusinessCalendar, authorization, Assignment, ChangeManagement);
    }

    /// <summary>Returns a copy with auto-close after <paramref name="businessDays"/> business days of <paramref name="calendar"/>.</summary>
    /// <param name="businessDays">0 (off) to 365.</param>
    /// <param name="calendar">The calendar, or <see langword="null"/> for 24-hour days.</param>
    /// <returns>The copy; this instance is unchanged.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="businessDays"/> is outside 0 to 365.</exception>
    public ServiceDeskEngineOptions WithAutoClose(int businessDays, BusinessCalendar? calendar)
        => Copy(Workflows, RoutingRules, SlaPolicies, Escalation, businessDays, calendar, Authorization, Assignment, ChangeManagement);

    /// <summary>Creates definitions with the shipped lifecycles of the four ticket kinds and the default matrix.</summary>
    /// <returns>The definitions; set <see cref="RoutingRules"/> and <see cref="SlaPolicies"/> with a <c>with</c>-like copy
    /// through <see cref="With(RoutingRuleSet?, SlaPolicySet?)"/> and <see cref="With(EscalationPolicy?)"/>.</returns>
    public static ServiceDeskEngineOptions CreateDefault() => new(new Dictionary<TicketKind, WorkflowDefinition>
    {
        [TicketKind.Incident] = IncidentLifecycle.Create(),
        [TicketKind.ServiceRequest] = ServiceRequestLifecycle.Create(),
        [TicketKind.Problem] = ProblemLifecycle.Create(),
        [TicketKind.Change] = ChangeLifecycle.Create(),
    });

    /// <summary>Returns a copy with other routing rules and SLA policies.</summary>
    /// <param name="routingRules">The routing rules, or <see langword="null"/> for none.</param>
    /// <param name="slaPolicies">The SLA policies, or <see langword="null"/> for none.</param>
    /// <returns>The copy; this instance is unchanged.</returns>
    public ServiceDeskEngineOptions With(RoutingRuleSet? routingRules, SlaPolicySet? slaPolicies) => Copy(Workflows, routingRules, slaPolicies, Escalation);

    /// <summary>Returns a copy with other escalation rules.</summary>
    /// <param name="escalation">The escalation rules, or <see langword="null"/> for none.</param>
    /// <returns>The copy; this instance is unchanged.</returns>
    public ServiceDeskEngineOptions With(EscalationPolicy? escalation) => Copy(Workflows, RoutingRules, SlaPolicies, escalation);

    private ServiceDeskEngineOptions Copy(
        IReadOnlyDictionary<TicketKind, WorkflowDefinition> workflows, RoutingRuleSet? routingRules, SlaPolicySet? slaPolicies, EscalationPolicy? escalation)
        => Copy(workflows, routingRules, slaPolicies, escalation, AutoCloseAfterBusinessDays, BusinessCalendar, Authorization, Assignment, ChangeManagement);

    private ServiceDeskEngineOptions Copy(
        IReadOnlyDictionary<TicketKind, WorkflowDefinition> workflows, RoutingRuleSet? routingRules, SlaPolicySet? slaPolicies, EscalationPolicy? escalation,
        int autoCloseDays, BusinessCalendar? calendar, ITicketAuthorizationPolicy authorization, AutomaticAssignment? assignment,
        ChangeManagement? changeManagement)
        => new(workflows)
        {
            PriorityMatrix = PriorityMatrix,
            CallerReplyTrigger = CallerReplyTrigger,
            RoutingRules = routingRules,
            SlaPolicies = slaPolicies,
            Escalation = escalation,
            BusinessCalendar = calendar,
            AutoCloseAfterBusinessDays = autoCloseDays,
            AutoCloseTrigger = AutoCloseTrigger,
            ConfirmResolutionTrigger = ConfirmResolutionTrigger,
            RejectResolutionTrigger = RejectResolutionTrigger,
            Authorization = authorization,
            Assignment = assignment,
            ChangeManagement = changeManagement,
        };

    /// <summary>Gets the workflow of a kind.</summary>
    /// <param name="kind">The ticket kind.</param>
    /// <returns>The workflow.</returns>
    /// <exception cref="ArgumentException">No workflow is registered for <paramref name="kind"/>.</exception>
    public WorkflowDefinition GetWorkflow(TicketKind kind)
        => Workflows.TryGetValue(kind, out var workflow)
            ? workflow
            : throw new ArgumentException(
                $"The engine has no workflow for {kind} tickets; it accepts {string.Join(", ", Workflows.Keys)}.", nameof(kind));
}
