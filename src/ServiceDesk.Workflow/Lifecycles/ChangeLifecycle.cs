using NodaTime;

namespace ServiceDesk.Workflow;

/// <summary>The type of a change, which decides its path through the change lifecycle.</summary>
public enum ChangeType
{
    /// <summary>A normal change: assessed, authorized by the CAB, scheduled, implemented inside its window, reviewed.</summary>
    Normal = 1,

    /// <summary>A standard (pre-approved) change: no assessment or authorization; scheduled and implemented inside its window.</summary>
    Standard = 2,

    /// <summary>An emergency change: authorized by the emergency CAB, and may be implemented outside a window.</summary>
    Emergency = 3,
}

/// <summary>The options of the shipped change lifecycle; validated by <see cref="ChangeLifecycle.Create"/>.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>option</term><description>default</description></listheader>
/// <item><term><see cref="Name"/></term><description><c>change</c></description></item>
/// <item><term><see cref="CabRule"/></term><description><see cref="ApprovalRule.All"/></description></item>
/// <item><term><see cref="EmergencyCabRule"/></term><description><see cref="ApprovalRule.Any"/></description></item>
/// </list>
/// </remarks>
public sealed class ChangeLifecycleOptions
{
    /// <summary>Gets or sets the workflow's name; default <c>change</c>.</summary>
    public string Name { get; set; } = "change";

    /// <summary>Gets or sets the approval rule of the change advisory board for normal changes; default all approvers.</summary>
    public ApprovalRule CabRule { get; set; } = ApprovalRule.All;

    /// <summary>Gets or sets the approval rule of the emergency CAB for emergency changes; default any approver.</summary>
    public ApprovalRule EmergencyCabRule { get; set; } = ApprovalRule.Any;
}

/// <summary>
/// The shipped change lifecycle with three paths: normal (<c>New</c> → <c>Assess</c> → <c>Authorize</c> → <c>Scheduled</c> →
/// <c>Implement</c> → <c>Review</c> → <c>Closed</c>), standard (pre-approved: <c>New</c> → <c>Scheduled</c>) and emergency
/// (<c>New</c> → <c>Authorize</c> by the emergency CAB); <c>Canceled</c> before review.
/// </summary>
/// <remarks>
/// <para>The change's type and planned window are custom attributes of the ticket: <see cref="TypeAttribute"/> (String:
/// <c>Normal</c>, <c>Standard</c> or <c>Emergency</c>), <see cref="PlannedStartAttribute"/> and <see cref="PlannedEndAttribute"/>
/// (Instant); set them with <see cref="Plan"/>. <c>Submit</c> takes the path of the type. CAB decisions come in
/// <see cref="TransitionContext.Approvals"/>: <c>Approve</c> needs the CAB rule (normal) or the emergency CAB rule (emergency)
/// met and, for a normal change, a planned window; <c>Reject</c> cancels once the rule can no longer be met.
/// <c>Implement</c> is permitted only inside the window <c>[start, end)</c>, unless the change is an emergency.</para>
/// <para>Closure codes: <c>Successful</c>, <c>SuccessfulWithIssues</c>, <c>Unsuccessful</c>.</para>
/// </remarks>
public static class ChangeLifecycle
{
    /// <summary>The attribute key of the change type (String).</summary>
    public const string TypeAttribute = "change.type";

    /// <summary>The attribute key of the planned start (Instant).</summary>
    public const string PlannedStartAttribute = "change.plannedStart";

    /// <summary>The attribute key of the planned end (Instant).</summary>
    public const string PlannedEndAttribute = "change.plannedEnd";

    /// <summary>The guard name "a planned window is set".</summary>
    public const string WindowPlannedGuard = "WindowPlanned";

    /// <summary>The guard name "a planned window is set, unless the change is an emergency".</summary>
    public const string WindowPlannedUnlessEmergencyGuard = "WindowPlannedUnlessEmergency";

    /// <summary>The guard name "now is inside the planned window, or the change is an emergency".</summary>
    public const string InsideWindowOrEmergencyGuard = "InsideWindowOrEmergency";

    /// <summary>The guard name "the CAB (or emergency CAB) approved".</summary>
    public const string AuthorizationGrantedGuard = "AuthorizationGranted";

    /// <summary>The guard name "the CAB (or emergency CAB) can no longer approve".</summary>
    public const string AuthorizationDeniedGuard = "AuthorizationDenied";

    /// <summary>Gets the status <c>Assess</c>.</summary>
    public static TicketStatus Assess => new("Assess");

    /// <summary>Gets the status <c>Authorize</c>.</summary>
    public static TicketStatus Authorize => new("Authorize");

    /// <summary>Gets the status <c>Scheduled</c>.</summary>
    public static TicketStatus Scheduled => new("Scheduled");

    /// <summary>Gets the status <c>Implement</c>.</summary>
    public static TicketStatus Implement => new("Implement");

    /// <summary>Gets the status <c>Review</c>.</summary>
    public static TicketStatus Review => new("Review");

    /// <summary>Gets the trigger that submits a new change into the path of its type.</summary>
    public static WorkflowTrigger Submit => new("Submit");

    /// <summary>Gets the trigger that sends an assessed normal change to the CAB.</summary>
    public static WorkflowTrigger RequestAuthorization => new("RequestAuthorization");

    /// <summary>Gets the trigger that records the CAB's approval.</summary>
    public static WorkflowTrigger Approve => new("Approve");

    /// <summary>Gets the trigger that records the CAB's rejection (the change is canceled).</summary>
    public static WorkflowTrigger Reject => new("Reject");

    /// <summary>Gets the trigger that starts implementation.</summary>
    public static WorkflowTrigger StartImplementation => new("StartImplementation");

    /// <summary>Gets the trigger that moves an implemented change to review.</summary>
    public static WorkflowTrigger StartReview => new("StartReview");

    /// <summary>Gets the trigger that closes a reviewed change with a closure code.</summary>
    public static WorkflowTrigger Close => new("Close");

    /// <summary>Gets the trigger that cancels a change before review.</summary>
    public static WorkflowTrigger Cancel => new("Cancel");

    /// <summary>Builds the change lifecycle.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <returns>The validated definition.</returns>
    /// <exception cref="InvalidDefinitionException">An option is invalid; every fault is listed.</exception>
    public static WorkflowDefinition Create(ChangeLifecycleOptions? options = null)
    {
        options ??= new ChangeLifecycleOptions();
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Name) || options.Name.Length > 100)
        {
            errors.Add($"{nameof(options.Name)}: must be 1 to 100 characters and not blank.");
        }

        if (options.CabRule is null)
        {
            errors.Add($"{nameof(options.CabRule)}: required; use ApprovalRule.Any, ApprovalRule.All or ApprovalRule.NOfM(n).");
        }

        if (options.EmergencyCabRule is null)
        {
            errors.Add($"{nameof(options.EmergencyCabRule)}: required; use ApprovalRule.Any, ApprovalRule.All or ApprovalRule.NOfM(n).");
        }

        if (errors.Count > 0)
        {
            throw new InvalidDefinitionException("change lifecycle options", errors);
        }

        var cab = options.CabRule!;
        var ecab = options.EmergencyCabRule!;
        ApprovalStatus Authorization(GuardArguments a) => TypeOf(a.Ticket) switch
        {
            ChangeType.Normal => a.Context.Approvals?.Evaluate(cab) ?? cab.Evaluate(null),
            ChangeType.Emergency => a.Context.Approvals?.Evaluate(ecab) ?? ecab.Evaluate(null),
            _ => ApprovalStatus.Pending,
        };

        var @new = TicketStatus.New;
        var closed = TicketStatus.Closed;
        var canceled = TicketStatus.Canceled;
        return new WorkflowBuilder(options.Name).ForKind(TicketKind.Change)
            .Guard(WindowPlannedGuard, "a planned window is set (start before end)", a => WindowOf(a.Ticket) is not null)
            .Guard(WindowPlannedUnlessEmergencyGuard, "a planned window is set (start before end), unless the change is an emergency", a => TypeOf(a.Ticket) == ChangeType.Emergency || WindowOf(a.Ticket) is not null)
            .Guard(InsideWindowOrEmergencyGuard, "now is inside the planned window, or the change is an emergency", a => TypeOf(a.Ticket) == ChangeType.Emergency || (WindowOf(a.Ticket) is { } w && w.Contains(a.Context.Now)))
            .Guard(AuthorizationGrantedGuard, $"the CAB approves ({cab}), or the emergency CAB ({ecab}) for an emergency change", a => Authorization(a) == ApprovalStatus.Granted)
            .Guard(AuthorizationDeniedGuard, $"the CAB ({cab}), or the emergency CAB ({ecab}) for an emergency change, can no longer approve", a => Authorization(a) == ApprovalStatus.Denied)
            .State(@new).State(Assess).State(Authorize).State(Scheduled).State(Implement).State(Review)
            .State(closed, s => s.Sla(SlaMode.Stopped).Reason("Successful").Reason("SuccessfulWithIssues").Reason("Unsuccessful"))
            .State(canceled, s => s.Sla(SlaMode.Stopped))
            .InitialState(@new)
            .Transition(@new, Submit, Assess, t => t.When("actor:Agent", $"attribute:{TypeAttribute}={ChangeType.Normal}"))
            .Transition(@new, Submit, Authorize, t => t.When("actor:Agent", $"attribute:{TypeAttribute}={ChangeType.Emergency}"))
            .Transition(@new, Submit, Scheduled, t => t.When("actor:Agent", $"attribute:{TypeAttribute}={ChangeType.Standard}", WindowPlannedGuard))
            .Transition(Assess, RequestAuthorization, Authorize, t => t.When("actor:Agent"))
            .Transition(Authorize, Approve, Scheduled, t => t.When(AuthorizationGrantedGuard, WindowPlannedUnlessEmergencyGuard))
            .Transition(Authorize, Reject, canceled, t => t.When(AuthorizationDeniedGuard))
            .Transition(Scheduled, StartImplementation, Implement, t => t.When("actor:Agent|System", InsideWindowOrEmergencyGuard))
            .Transition(Implement, StartReview, Review, t => t.When("actor:Agent"))
            .Transition(Review, Close, closed, t => t.When("actor:Agent"))
            .TransitionFromEach([@new, Assess, Authorize, Scheduled, Implement], Cancel, canceled, t => t.When("actor:Agent"))
            .Build();
    }

    /// <summary>Returns the change with its type and, optionally, its planned window set (custom attributes).</summary>
    /// <param name="change">The change ticket.</param>
    /// <param name="type">The change type.</param>
    /// <param name="window">The planned window <c>[start, end)</c>; <see langword="null"/> to leave the window as it is.</param>
    /// <returns>The updated ticket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="change"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket is not a change, or the window is empty or unbounded.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not defined.</exception>
    public static Ticket Plan(Ticket change, ChangeType type, Interval? window = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Kind != TicketKind.Change)
        {
            throw new ArgumentException($"Ticket {change.Number} is a {change.Kind}, not a change.", nameof(change));
        }

        if (!Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, $"Use one of {string.Join(", ", Enum.GetNames<ChangeType>())}.");
        }

        var attributes = change.Attributes.With(TypeAttribute, AttributeValue.FromString(type.ToString()));
        if (window is { } w)
        {
            if (!w.HasStart || !w.HasEnd || w.Start >= w.End)
            {
                throw new ArgumentException($"A planned window needs a start before its end; got {w}.", nameof(window));
            }

            attributes = attributes.With(PlannedStartAttribute, AttributeValue.FromInstant(w.Start)).With(PlannedEndAttribute, AttributeValue.FromInstant(w.End));
        }

        return change with { Attributes = attributes };
    }

    /// <summary>Gets the change's type from its attributes.</summary>
    /// <param name="change">The change ticket.</param>
    /// <returns>The type, or <see langword="null"/> when missing or not a known type.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="change"/> is <see langword="null"/>.</exception>
    public static ChangeType? TypeOf(Ticket change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Attributes.TryGetValue(TypeAttribute, out var v) && v.Kind == AttributeKind.String
            && Enum.TryParse<ChangeType>(v.AsString(), ignoreCase: false, out var type) && Enum.IsDefined(type) && char.IsAsciiLetter(v.AsString()[0])
            ? type
            : null;
    }

    /// <summary>Gets the change's planned window <c>[start, end)</c> from its attributes.</summary>
    /// <param name="change">The change ticket.</param>
    /// <returns>The window, or <see langword="null"/> when missing or not a start before an end.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="change"/> is <see langword="null"/>.</exception>
    public static Interval? WindowOf(Ticket change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Attributes.TryGetValue(PlannedStartAttribute, out var s) && s.Kind == AttributeKind.Instant
            && change.Attributes.TryGetValue(PlannedEndAttribute, out var e) && e.Kind == AttributeKind.Instant
            && s.AsInstant() < e.AsInstant())
        {
            return new Interval(s.AsInstant(), e.AsInstant());
        }

        return null;
    }
}
