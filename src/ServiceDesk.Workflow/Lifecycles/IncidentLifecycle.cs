using NodaTime;
using ServiceDesk.Events;

namespace ServiceDesk.Workflow;

/// <summary>What happens to child incidents when a parent incident is resolved.</summary>
public enum ChildResolutionRule
{
    /// <summary>Nothing: parent and children are resolved independently.</summary>
    None = 0,

    /// <summary>Resolving the parent resolves its open children (a cascade with the parent's resolution code and notes).</summary>
    ResolveChildren = 1,

    /// <summary>The parent can be resolved only once every child is resolved, closed or canceled.</summary>
    RequireChildrenResolved = 2,
}

/// <summary>A reason an incident can be put on hold, and whether the SLA clocks pause meanwhile.</summary>
/// <param name="Name">The reason, e.g. <c>AwaitingCaller</c>: 1 to 64 ASCII letters, digits or underscores.</param>
/// <param name="PausesSla">Whether the SLA clocks pause while the incident is held for this reason.</param>
public sealed record HoldReasonOption(string Name, bool PausesSla);

/// <summary>The options of the shipped incident lifecycle; validated by <see cref="IncidentLifecycle.Create"/>.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>option</term><description>default</description></listheader>
/// <item><term><see cref="Name"/></term><description><c>incident</c></description></item>
/// <item><term><see cref="HoldReasons"/></term><description><c>AwaitingCaller</c> (pauses), <c>AwaitingChange</c>, <c>AwaitingProblem</c>, <c>AwaitingVendor</c> (pauses)</description></item>
/// <item><term><see cref="ResolutionCodes"/></term><description><c>SolvedPermanently</c>, <c>SolvedWorkaround</c>, <c>NotReproducible</c>, <c>TooCostly</c>, <c>ResolvedByCaller</c>, <c>Duplicate</c></description></item>
/// <item><term><see cref="ReopenFromClosedDays"/></term><description>10 (0: a closed incident is never reopened; a new linked ticket is needed)</description></item>
/// <item><term><see cref="AutoCloseAfterBusinessDays"/></term><description>5 (0: no auto-close)</description></item>
/// <item><term><see cref="AddBusinessDays"/></term><description>none; required when auto-close is on</description></item>
/// <item><term><see cref="MajorIncidentRole"/></term><description><c>major-incident-manager</c></description></item>
/// <item><term><see cref="ChildResolution"/></term><description><see cref="ChildResolutionRule.ResolveChildren"/></description></item>
/// </list>
/// </remarks>
public sealed class IncidentLifecycleOptions
{
    /// <summary>Gets or sets the workflow's name; default <c>incident</c>.</summary>
    public string Name { get; set; } = "incident";

    /// <summary>Gets the hold reasons; by default awaiting caller (pauses SLAs), change, problem, and vendor (pauses SLAs).</summary>
    public IList<HoldReasonOption> HoldReasons { get; } =
    [
        new(IncidentLifecycle.AwaitingCaller, PausesSla: true),
        new(IncidentLifecycle.AwaitingChange, PausesSla: false),
        new(IncidentLifecycle.AwaitingProblem, PausesSla: false),
        new(IncidentLifecycle.AwaitingVendor, PausesSla: true),
    ];

    /// <summary>Gets the resolution codes, one of which a resolution requires.</summary>
    public IList<string> ResolutionCodes { get; } =
        ["SolvedPermanently", "SolvedWorkaround", "NotReproducible", "TooCostly", "ResolvedByCaller", "Duplicate"];

    /// <summary>Gets or sets for how many days after closure an incident may be reopened, 0 to 3650; default 10. After that
    /// (or always, when 0) a reopen yields <see cref="TransitionOutcome.NewLinkedTicketRequired"/>.</summary>
    public int ReopenFromClosedDays { get; set; } = 10;

    /// <summary>Gets or sets after how many business days in <c>Resolved</c> the system may close the incident, 0 to 365; default 5; 0 turns auto-close off.</summary>
    public int AutoCloseAfterBusinessDays { get; set; } = 5;

    /// <summary>Gets or sets the business-day arithmetic used by auto-close (e.g. backed by a ServiceDesk.Sla business calendar);
    /// required when <see cref="AutoCloseAfterBusinessDays"/> is more than 0.</summary>
    public BusinessDayCalculator? AddBusinessDays { get; set; }

    /// <summary>Gets or sets the role needed to resolve or cancel a major incident; default <c>major-incident-manager</c>.</summary>
    public string MajorIncidentRole { get; set; } = "major-incident-manager";

    /// <summary>Gets or sets what resolving a parent does to its children; default <see cref="ChildResolutionRule.ResolveChildren"/>.</summary>
    public ChildResolutionRule ChildResolution { get; set; } = ChildResolutionRule.ResolveChildren;
}

/// <summary>
/// The shipped ITIL incident lifecycle: <c>New</c> → <c>InProgress</c> ⇄ <c>OnHold</c> (with reasons) → <c>Resolved</c> →
/// <c>Closed</c>, <c>Canceled</c> before resolution, reopen from <c>Resolved</c> and (within a window) from <c>Closed</c>,
/// auto-close after business days, and major-incident rules.
/// </summary>
/// <remarks>
/// <para>Guards: <c>Start</c> by an agent or the system; <c>Hold</c> (also to change the reason), <c>Resume</c> and
/// <c>Cancel</c> by an agent; <c>CallerReplied</c> by the requester or an integration, only when held for
/// <c>AwaitingCaller</c>; <c>Resolve</c> by an agent or the system with a resolution code and notes; <c>Close</c> and
/// <c>Reopen</c> by the requester or an agent; <c>AutoClose</c> by the system once the incident has been resolved for the
/// configured business days, never for a major incident. Resolving or canceling a major incident
/// (<see cref="Ticket.IsMajorIncident"/>) needs <see cref="IncidentLifecycleOptions.MajorIncidentRole"/>. A reopen after
/// the window yields <see cref="TransitionOutcome.NewLinkedTicketRequired"/>.</para>
/// <para>SLA: clocks run in <c>New</c> and <c>InProgress</c>; on hold they pause or run by reason; they stop on
/// <c>Resolved</c>, <c>Closed</c> and <c>Canceled</c>, and resume on reopen.</para>
/// <para>To customise, call <see cref="WorkflowDefinition.ToBuilder"/> on the result; the shipped definition is not changed.</para>
/// </remarks>
public static class IncidentLifecycle
{
    /// <summary>The hold reason "awaiting the caller"; a caller reply resumes work.</summary>
    public const string AwaitingCaller = "AwaitingCaller";

    /// <summary>The hold reason "awaiting a change".</summary>
    public const string AwaitingChange = "AwaitingChange";

    /// <summary>The hold reason "awaiting a problem fix".</summary>
    public const string AwaitingProblem = "AwaitingProblem";

    /// <summary>The hold reason "awaiting a vendor".</summary>
    public const string AwaitingVendor = "AwaitingVendor";

    /// <summary>The guard name of the reopen window after closure.</summary>
    public const string WithinReopenWindowGuard = "WithinReopenWindow";

    /// <summary>The guard name of the auto-close delay.</summary>
    public const string AutoCloseDueGuard = "AutoCloseDue";

    /// <summary>The guard name "not a major incident".</summary>
    public const string NotMajorIncidentGuard = "NotMajorIncident";

    /// <summary>The guard name "major incidents need the major-incident role".</summary>
    public const string MajorIncidentRoleGuard = "MajorIncidentRoleIfMajor";

    /// <summary>The guard name "every child is resolved".</summary>
    public const string ChildrenResolvedGuard = "ChildrenResolved";

    /// <summary>Gets the trigger that starts work on a new incident.</summary>
    public static WorkflowTrigger Start => new("Start");

    /// <summary>Gets the trigger that puts an incident on hold (or changes its hold reason); requires a hold reason.</summary>
    public static WorkflowTrigger Hold => new("Hold");

    /// <summary>Gets the trigger by which an agent resumes a held incident.</summary>
    public static WorkflowTrigger Resume => new("Resume");

    /// <summary>Gets the trigger fired when the caller replies; resumes an incident held for <see cref="AwaitingCaller"/>.</summary>
    public static WorkflowTrigger CallerReplied => new("CallerReplied");

    /// <summary>Gets the trigger that resolves; requires a resolution code and notes.</summary>
    public static WorkflowTrigger Resolve => new("Resolve");

    /// <summary>Gets the trigger that reopens a resolved or (within the window) closed incident.</summary>
    public static WorkflowTrigger Reopen => new("Reopen");

    /// <summary>Gets the trigger that closes a resolved incident.</summary>
    public static WorkflowTrigger Close => new("Close");

    /// <summary>Gets the trigger by which the system closes an incident resolved long enough.</summary>
    public static WorkflowTrigger AutoClose => new("AutoClose");

    /// <summary>Gets the trigger that cancels an unresolved incident.</summary>
    public static WorkflowTrigger Cancel => new("Cancel");

    /// <summary>Builds the incident lifecycle.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults (which turn auto-close off, since no business-day
    /// arithmetic is given).</param>
    /// <returns>The validated definition.</returns>
    /// <exception cref="InvalidDefinitionException">An option is invalid; every fault is listed.</exception>
    public static WorkflowDefinition Create(IncidentLifecycleOptions? options = null)
    {
        options ??= new IncidentLifecycleOptions { AutoCloseAfterBusinessDays = 0 };
        Validate(options);
        var closedReopenDays = options.ReopenFromClosedDays;
        var autoCloseDays = options.AutoCloseAfterBusinessDays;
        var addBusinessDays = options.AddBusinessDays;
        var role = options.MajorIncidentRole;

        var b = new WorkflowBuilder(options.Name).ForKind(TicketKind.Incident)
            .Guard(
                WithinReopenWindowGuard,
                closedReopenDays == 0 ? "closed incidents are never reopened" : $"the incident was closed less than {closedReopenDays} days ago",
                a => a.Context.Now < a.StatusSince + Duration.FromDays(closedReopenDays))
            .Guard(NotMajorIncidentGuard, "the incident is not a major incident", a => !a.Ticket.IsMajorIncident)
            .Guard(MajorIncidentRoleGuard, $"a major incident is resolved or canceled by the role {TextPolicy.Echo(role)}", a => !a.Ticket.IsMajorIncident || a.Context.HasRole(role))
            .Guard(ChildrenResolvedGuard, "every child incident is resolved, closed or canceled", a => !a.Context.Links.Any(IsOpenChild));
        if (autoCloseDays > 0)
        {
            b.Guard(
                AutoCloseDueGuard,
                $"the incident has been resolved for {autoCloseDays} business days",
                a => a.Context.Now >= addBusinessDays!(a.StatusSince, autoCloseDays));
        }

        var @new = TicketStatus.New;
        var inProgress = TicketStatus.InProgress;
        var onHold = TicketStatus.OnHold;
        var resolved = TicketStatus.Resolved;
        var closed = TicketStatus.Closed;
        var canceled = TicketStatus.Canceled;

        b.State(@new).State(inProgress)
            .State(onHold, s =>
            {
                s.Hold();
                foreach (var reason in options.HoldReasons)
                {
                    s.Reason(reason.Name, reason.PausesSla ? SlaMode.Paused : SlaMode.Running);
                }
            })
            .State(resolved, s =>
            {
                s.Sla(SlaMode.Stopped);
                foreach (var code in options.ResolutionCodes)
                {
                    s.Reason(code);
                }
            })
            .State(closed, s => s.Sla(SlaMode.Stopped))
            .State(canceled, s => s.Sla(SlaMode.Stopped))
            .InitialState(@new);

        b.Transition(@new, Start, inProgress, t => t.When("actor:Agent|System"))
            .TransitionFromEach([@new, inProgress, onHold], Hold, onHold, t => t.When("actor:Agent"))
            .Transition(onHold, Resume, inProgress, t => t.When("actor:Agent"))
            .Transition(onHold, CallerReplied, inProgress, t => t.When("heldFor:" + AwaitingCaller, "actor:Requester|Integration"))
            .TransitionFromEach([@new, inProgress, onHold], Resolve, resolved, t =>
            {
                t.When("actor:Agent|System", MajorIncidentRoleGuard).RequireNotes();
                if (options.ChildResolution == ChildResolutionRule.RequireChildrenResolved)
                {
                    t.When(ChildrenResolvedGuard);
                }
                else if (options.ChildResolution == ChildResolutionRule.ResolveChildren)
                {
                    t.Cascade(TicketLinkType.ChildOf, LinkDirection.Incoming, Resolve);
                }
            })
            .TransitionFromEach([@new, inProgress, onHold], Cancel, canceled, t => t.When("actor:Agent", MajorIncidentRoleGuard))
            .Transition(resolved, Reopen, inProgress, t => t.When("actor:Requester|Agent"))
            .Transition(resolved, Close, closed, t => t.When("actor:Requester|Agent"))
            .Transition(closed, Reopen, inProgress, t => t.When("actor:Requester|Agent", WithinReopenWindowGuard).OrNewLinkedTicketWhenUnmet(WithinReopenWindowGuard));
        if (autoCloseDays > 0)
        {
            b.Transition(resolved, AutoClose, closed, t => t.When("actor:System", NotMajorIncidentGuard, AutoCloseDueGuard));
        }

        return b.Build();
    }

    /// <summary>Computes when a resolved incident becomes due for auto-close, so that a scheduler can fire <see cref="AutoClose"/> then.</summary>
    /// <param name="resolvedAt">When the incident entered <c>Resolved</c>.</param>
    /// <param name="options">The options the lifecycle was created with.</param>
    /// <returns>The due instant, or <see langword="null"/> when auto-close is off.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Auto-close is on but <see cref="IncidentLifecycleOptions.AddBusinessDays"/> is not set.</exception>
    public static Instant? AutoCloseDueAt(Instant resolvedAt, IncidentLifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AutoCloseAfterBusinessDays <= 0)
        {
            return null;
        }

        var add = options.AddBusinessDays
            ?? throw new ArgumentException("AddBusinessDays is required when AutoCloseAfterBusinessDays is more than 0.", nameof(options));
        return add(resolvedAt, options.AutoCloseAfterBusinessDays);
    }

    private static bool IsOpenChild(LinkedTicket link)
        => link.LinkType == TicketLinkType.ChildOf && link.Direction == LinkDirection.Incoming && !CascadeRule.DefaultSkipStatuses.Contains(link.Status);

    private static void Validate(IncidentLifecycleOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Name) || o.Name.Length > 100)
        {
            errors.Add($"{nameof(o.Name)}: must be 1 to 100 characters and not blank.");
        }

        if (o.HoldReasons.Count == 0)
        {
            errors.Add($"{nameof(o.HoldReasons)}: at least one hold reason is required.");
        }

        for (var i = 0; i < o.HoldReasons.Count; i++)
        {
            if (o.HoldReasons[i] is null)
            {
                errors.Add($"{nameof(o.HoldReasons)}[{i}]: must not be null.");
            }
        }

        if (o.ResolutionCodes.Count == 0)
        {
            errors.Add($"{nameof(o.ResolutionCodes)}: at least one resolution code is required.");
        }

        if (o.ReopenFromClosedDays is < 0 or > 3650)
        {
            errors.Add($"{nameof(o.ReopenFromClosedDays)}: {o.ReopenFromClosedDays} is outside 0 to 3650.");
        }

        if (o.AutoCloseAfterBusinessDays is < 0 or > 365)
        {
            errors.Add($"{nameof(o.AutoCloseAfterBusinessDays)}: {o.AutoCloseAfterBusinessDays} is outside 0 to 365.");
        }
        else if (o.AutoCloseAfterBusinessDays > 0 && o.AddBusinessDays is null)
        {
            errors.Add($"{nameof(o.AddBusinessDays)}: required when {nameof(o.AutoCloseAfterBusinessDays)} is more than 0 (pass the business calendar's day arithmetic), or set {nameof(o.AutoCloseAfterBusinessDays)} to 0.");
        }

        if (string.IsNullOrWhiteSpace(o.MajorIncidentRole) || o.MajorIncidentRole.Contains('|', StringComparison.Ordinal))
        {
            errors.Add($"{nameof(o.MajorIncidentRole)}: must be a non-blank role name without '|'.");
        }

        if (!Enum.IsDefined(o.ChildResolution))
        {
            errors.Add($"{nameof(o.ChildResolution)}: {TextPolicy.Echo(o.ChildResolution)} is not defined; use {string.Join(", ", Enum.GetNames<ChildResolutionRule>())}.");
        }

        if (errors.Count > 0)
        {
            throw new InvalidDefinitionException("incident lifecycle options", errors);
        }
    }
}
