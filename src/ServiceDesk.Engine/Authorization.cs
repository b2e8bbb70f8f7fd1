using ServiceDesk.Workflow;

namespace ServiceDesk.Engine;

/// <summary>What an actor asks the engine to do, as the <see cref="ITicketAuthorizationPolicy"/> sees it.</summary>
public enum TicketAction
{
    /// <summary>Open a ticket (<see cref="ServiceDeskEngine.OpenTicketAsync"/>); the ticket is the one about to be opened.</summary>
    Open = 1,

    /// <summary>Read a ticket, its history or its approval through the actor-aware queries.</summary>
    View = 2,

    /// <summary>See internal comments in a ticket's history (otherwise they are left out of it).</summary>
    ViewInternalComments = 3,

    /// <summary>Fire a workflow trigger (<see cref="ServiceDeskEngine.TransitionAsync"/>); the trigger is in the arguments.</summary>
    Transition = 4,

    /// <summary>Assign a ticket.</summary>
    Assign = 5,

    /// <summary>Add a public comment.</summary>
    Comment = 6,

    /// <summary>Add an internal note.</summary>
    CommentInternal = 7,

    /// <summary>Change impact and urgency.</summary>
    ChangePriority = 8,

    /// <summary>Link the ticket to another.</summary>
    Link = 9,

    /// <summary>Set or remove a custom attribute.</summary>
    SetAttribute = 10,

    /// <summary>Record time spent.</summary>
    LogTime = 11,

    /// <summary>Rate satisfaction (CSAT).</summary>
    RateSatisfaction = 12,

    /// <summary>Ask for an approval.</summary>
    RequestApproval = 13,

    /// <summary>Approve or reject an approval (the engine also checks that the actor was asked).</summary>
    DecideApproval = 14,

    /// <summary>Withdraw an approval.</summary>
    WithdrawApproval = 15,

    /// <summary>Confirm a resolution (<see cref="ServiceDeskEngine.ConfirmResolutionAsync"/>).</summary>
    ConfirmResolution = 16,

    /// <summary>Reject a resolution (<see cref="ServiceDeskEngine.RejectResolutionAsync"/>).</summary>
    RejectResolution = 17,

    /// <summary>Declare or clear a major incident.</summary>
    MajorIncident = 18,

    /// <summary>Edit the classification: category, service, configuration item and contract
    /// (<see cref="ServiceDeskEngine.ChangeClassificationAsync"/>).</summary>
    EditClassification = 19,

    /// <summary>Set or clear a manual SLA due instant (<see cref="ServiceDeskEngine.OverrideSlaDueAsync"/>,
    /// <see cref="ServiceDeskEngine.ClearSlaDueOverrideAsync"/>).</summary>
    OverrideSlaDue = 20,
}

/// <summary>The question put to an <see cref="ITicketAuthorizationPolicy"/>: who, what, on which ticket.</summary>
/// <param name="context">The command's context: tenant, actor, roles, groups, organisation.</param>
/// <param name="action">What the actor asks to do.</param>
/// <param name="ticket">The ticket as stored (for <see cref="TicketAction.Open"/>, the ticket about to be opened).</param>
/// <param name="trigger">The trigger of a <see cref="TicketAction.Transition"/>; <see langword="null"/> otherwise.</param>
public readonly struct TicketAuthorizationArguments(CommandContext context, TicketAction action, Ticket ticket, WorkflowTrigger? trigger = null)
{
    /// <summary>Gets the command's context.</summary>
    public CommandContext Context { get; } = context;

    /// <summary>Gets what the actor asks to do.</summary>
    public TicketAction Action { get; } = action;

    /// <summary>Gets the ticket.</summary>
    public Ticket Ticket { get; } = ticket;

    /// <summary>Gets the trigger of a transition, or <see langword="null"/>.</summary>
    public WorkflowTrigger? Trigger { get; } = trigger;
}

/// <summary>An authorization policy's answer: allowed, or denied with the reason.</summary>
public readonly record struct AuthorizationResult
{
    private AuthorizationResult(string? reason) => Reason = reason;

    /// <summary>Gets the answer that allows the action.</summary>
    public static AuthorizationResult Allowed => default;

    /// <summary>Gets a value indicating whether the action is allowed.</summary>
    public bool IsAllowed => Reason is null;

    /// <summary>Gets why the action is denied, phrased as what would be needed; <see langword="null"/> when allowed.</summary>
    public string? Reason { get; }

    /// <summary>Denies the action.</summary>
    /// <param name="reason">Why, phrased as what would be needed (for example <c>"only the ticket's requester rates it"</c>).</param>
    /// <returns>The denial.</returns>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is <see langword="null"/> or blank.</exception>
    public static AuthorizationResult Deny(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new AuthorizationResult(reason);
    }
}

/// <summary>
/// Decides whether an actor may do an action on a ticket. The engine asks it for every command (after reading the ticket,
/// before deciding or storing anything) and for every actor-aware query; a denial throws
/// <see cref="CommandDeniedException"/> naming the actor and the action, is logged (<c>CommandDenied</c>) and stores nothing.
/// </summary>
/// <remarks>Set it with <see cref="ServiceDeskEngineOptions.Authorization"/>; the default is
/// <see cref="DefaultTicketAuthorizationPolicy"/>. Implementations must be thread-safe and fast (no I/O: they are called
/// on every command); everything they need is in the arguments (put the actor's groups and organisation in the
/// <see cref="CommandContext"/>).</remarks>
public interface ITicketAuthorizationPolicy
{
    /// <summary>Decides one action.</summary>
    /// <param name="arguments">Who, what, on which ticket.</param>
    /// <returns><see cref="AuthorizationResult.Allowed"/> or a denial with the reason.</returns>
    AuthorizationResult Authorize(in TicketAuthorizationArguments arguments);
}

/// <summary>Which tickets a requester may see and act on under <see cref="DefaultTicketAuthorizationPolicy"/>.</summary>
public enum RequesterScope
{
    /// <summary>Only tickets whose requester they are (by contact or e-mail, case-insensitive).</summary>
    Own = 1,

    /// <summary>Also the tickets of their organisation: the ticket's <see cref="Requester.Customer"/> equals
    /// <see cref="CommandContext.Organisation"/>.</summary>
    Organisation = 2,
}

/// <summary>Which tickets an agent may act on under <see cref="DefaultTicketAuthorizationPolicy"/>.</summary>
public enum AgentScope
{
    /// <summary>Tickets assigned to one of their groups (<see cref="CommandContext.Groups"/>) or to them, and tickets not
    /// assigned to any group (the triage queue).</summary>
    Groups = 1,

    /// <summary>Every ticket of the tenant.</summary>
    Any = 2,
}

/// <summary>
/// The documented default authorization policy of issue 14.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>actor</term><description>may</description></listheader>
/// <item><term>requester</term><description>on their own tickets (by <see cref="RequesterScope"/>): view (never internal
/// comments), open a ticket for themselves, comment publicly, confirm or reject a resolution, fire
/// <see cref="ServiceDeskEngineOptions.RejectResolutionTrigger"/> (reopen), <see cref="ServiceDeskEngineOptions.ConfirmResolutionTrigger"/>
/// (close) or <see cref="ServiceDeskEngineOptions.CallerReplyTrigger"/>, and rate satisfaction. Nothing else.</description></item>
/// <item><term>agent</term><description>everything on the tickets in their scope (<see cref="AgentScope"/>) except confirm,
/// reject and rate, which are the requester's; deciding an approval on any ticket (the engine then checks that they were
/// asked).</description></item>
/// <item><term>system, integration</term><description>everything except confirm, reject and rate (trusted callers: the
/// sweeper, monitoring, imports).</description></item>
/// </list>
/// <para>A CSAT rating is also accepted only after the ticket was resolved and once per resolution cycle; the engine
/// enforces that from the ticket's memory (a rating too early or a second one is <see cref="CommandOutcome.Rejected"/>).
/// Thread-safe and immutable.</para>
/// </remarks>
public sealed class DefaultTicketAuthorizationPolicy : ITicketAuthorizationPolicy
{
    private readonly WorkflowTrigger[] _requesterTriggers;

    /// <summary>Initializes the policy.</summary>
    /// <param name="requesters">Which tickets requesters see and act on; default <see cref="RequesterScope.Own"/>.</param>
    /// <param name="agents">Which tickets agents act on; default <see cref="AgentScope.Any"/> (see <see cref="Instance"/>).</param>
    /// <param name="requesterTriggers">The triggers a requester may fire with <see cref="ServiceDeskEngine.TransitionAsync"/>;
    /// default <c>Reopen</c>, <c>Close</c> and <c>CallerReplied</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A scope is undefined.</exception>
    public DefaultTicketAuthorizationPolicy(RequesterScope requesters = RequesterScope.Own, AgentScope agents = AgentScope.Any, IEnumerable<WorkflowTrigger>? requesterTriggers = null)
    {
        if (!Enum.IsDefined(requesters))
        {
            throw new ArgumentOutOfRangeException(nameof(requesters), requesters, "Use RequesterScope.Own or RequesterScope.Organisation.");
        }

        if (!Enum.IsDefined(agents))
        {
            throw new ArgumentOutOfRangeException(nameof(agents), agents, "Use AgentScope.Groups or AgentScope.Any.");
        }

        Requesters = requesters;
        Agents = agents;
        _requesterTriggers = requesterTriggers?.ToArray() ?? [IncidentLifecycle.Reopen, IncidentLifecycle.Close, IncidentLifecycle.CallerReplied];
    }

    /// <summary>Gets the default policy: requesters <see cref="RequesterScope.Own"/>, agents <see cref="AgentScope.Any"/>.</summary>
    /// <remarks>Agents are not scoped to their groups by default because <see cref="CommandContext.Groups"/> is empty unless the
    /// product fills it: scoping by default would deny every agent of a product that does not pass group membership. A
    /// product that does should use <c>new DefaultTicketAuthorizationPolicy(agents: AgentScope.Groups)</c>.</remarks>
    public static DefaultTicketAuthorizationPolicy Instance { get; } = new();

    /// <summary>Gets which tickets requesters see and act on.</summary>
    public RequesterScope Requesters { get; }

    /// <summary>Gets which tickets agents act on.</summary>
    public AgentScope Agents { get; }

    /// <inheritdoc />
    public AuthorizationResult Authorize(in TicketAuthorizationArguments arguments)
    {
        var context = arguments.Context;
        var ticket = arguments.Ticket;
        var action = arguments.Action;
        return context.Actor.Kind switch
        {
            ActorKind.Requester => AuthorizeRequester(context, ticket, action, arguments.Trigger),
            ActorKind.Agent when action is TicketAction.ConfirmResolution or TicketAction.RejectResolution or TicketAction.RateSatisfaction
                => AuthorizationResult.Deny("only the ticket's requester confirms, rejects or rates a resolution"),
            ActorKind.Agent when action is TicketAction.DecideApproval or TicketAction.Open => AuthorizationResult.Allowed,
            ActorKind.Agent => InAgentScope(context, ticket)
                ? AuthorizationResult.Allowed
                : AuthorizationResult.Deny($"agents act on tickets of their groups; the ticket is assigned to {(ticket.AssignmentGroup is { } g ? "group " + TextPolicy.Echo(g.Value) : "no group")}"),
            _ when action is TicketAction.ConfirmResolution or TicketAction.RejectResolution or TicketAction.RateSatisfaction
                => AuthorizationResult.Deny("only the ticket's requester confirms, rejects or rates a resolution"),
            _ => AuthorizationResult.Allowed,
        };
    }

    private AuthorizationResult AuthorizeRequester(CommandContext context, Ticket ticket, TicketAction action, WorkflowTrigger? trigger)
    {
        if (!IsRequesterOf(context, ticket))
        {
            return AuthorizationResult.Deny(Requesters == RequesterScope.Own
                ? "a requester acts only on tickets they requested"
                : "a requester acts only on tickets of their organisation");
        }

        return action switch
        {
            TicketAction.Open or TicketAction.View or TicketAction.Comment or TicketAction.ConfirmResolution or TicketAction.RejectResolution
                or TicketAction.RateSatisfaction => AuthorizationResult.Allowed,
            TicketAction.Transition when trigger is { } t && _requesterTriggers.Contains(t) => AuthorizationResult.Allowed,
            TicketAction.Transition => AuthorizationResult.Deny(
                $"a requester fires only {string.Join(", ", _requesterTriggers.Select(t => t.Name))}; got {TextPolicy.Echo(trigger?.Name ?? "")}"),
            _ => AuthorizationResult.Deny("a requester may view, comment on, confirm, reject, reopen and rate their tickets, nothing else"),
        };
    }

    private bool IsRequesterOf(CommandContext context, Ticket ticket)
    {
        var id = context.Actor.Id;
        var requester = ticket.Requester;
        if (string.Equals(id, requester.Contact, StringComparison.OrdinalIgnoreCase)
            || (requester.Email is { } email && string.Equals(id, email, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        return Requesters == RequesterScope.Organisation && context.Organisation is { } organisation && organisation == requester.Customer;
    }

    private bool InAgentScope(CommandContext context, Ticket ticket)
        => Agents == AgentScope.Any
            || ticket.AssignmentGroup is not { } group
            || context.Groups.Contains(group)
            || (ticket.Assignee is { } assignee && string.Equals(assignee.Value, context.Actor.Id, StringComparison.Ordinal));
}
