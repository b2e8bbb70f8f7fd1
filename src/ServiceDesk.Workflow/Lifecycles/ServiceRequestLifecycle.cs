namespace ServiceDesk.Workflow;

/// <summary>The options of the shipped service-request lifecycle; validated by <see cref="ServiceRequestLifecycle.Create"/>.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>option</term><description>default</description></listheader>
/// <item><term><see cref="Name"/></term><description><c>service-request</c></description></item>
/// <item><term><see cref="ApprovalRule"/></term><description><see cref="Workflow.ApprovalRule.All"/></description></item>
/// <item><term><see cref="PauseSlaWhileAwaitingApproval"/></term><description><see langword="true"/></description></item>
/// </list>
/// </remarks>
public sealed class ServiceRequestLifecycleOptions
{
    /// <summary>Gets or sets the workflow's name; default <c>service-request</c>.</summary>
    public string Name { get; set; } = "service-request";

    /// <summary>Gets or sets how many approvers must approve: any, all (the default) or n of m.</summary>
    public ApprovalRule ApprovalRule { get; set; } = ApprovalRule.All;

    /// <summary>Gets or sets whether the SLA clocks pause while the request awaits approval; default <see langword="true"/>.</summary>
    public bool PauseSlaWhileAwaitingApproval { get; set; } = true;
}

/// <summary>
/// The shipped service-request lifecycle: <c>Submitted</c> → <c>AwaitingApproval</c> → <c>Approved</c> or <c>Rejected</c> →
/// <c>Fulfilment</c> → <c>Fulfilled</c> → <c>Closed</c>, and <c>Canceled</c> before fulfilment ends.
/// </summary>
/// <remarks>
/// <para>Approvals: the caller passes the approvers asked and their decisions in <see cref="TransitionContext.Approvals"/>.
/// <c>RequestApproval</c> needs approvers; a request with none goes straight to <c>Approved</c> with <c>Approve</c>.
/// After each decision the caller fires <c>Approve</c> (met once the rule is satisfied) and <c>Reject</c> (met once the
/// rule can no longer be satisfied); while neither is met the request stays awaiting approval. An approval that carries its
/// own <see cref="ApprovalSet.Rule"/> is judged by that rule instead of <see cref="ServiceRequestLifecycleOptions.ApprovalRule"/>.</para>
/// <para>SLA: clocks run, pause while awaiting approval (by default), and stop once fulfilled, rejected or canceled.</para>
/// </remarks>
public static class ServiceRequestLifecycle
{
    /// <summary>The guard name "the approval rule is met".</summary>
    public const string ApprovalGrantedGuard = "ApprovalGranted";

    /// <summary>The guard name "the approval rule can no longer be met".</summary>
    public const string ApprovalDeniedGuard = "ApprovalDenied";

    /// <summary>The guard name "approvers are assigned".</summary>
    public const string ApproversAssignedGuard = "ApproversAssigned";

    /// <summary>The guard name "no approver is assigned".</summary>
    public const string NoApprovalRequiredGuard = "NoApprovalRequired";

    /// <summary>Gets the status <c>Submitted</c>.</summary>
    public static TicketStatus Submitted => new("Submitted");

    /// <summary>Gets the status <c>AwaitingApproval</c>.</summary>
    public static TicketStatus AwaitingApproval => new("AwaitingApproval");

    /// <summary>Gets the status <c>Approved</c>.</summary>
    public static TicketStatus Approved => new("Approved");

    /// <summary>Gets the status <c>Rejected</c> (final).</summary>
    public static TicketStatus Rejected => new("Rejected");

    /// <summary>Gets the status <c>Fulfilment</c>.</summary>
    public static TicketStatus Fulfilment => new("Fulfilment");

    /// <summary>Gets the status <c>Fulfilled</c>.</summary>
    public static TicketStatus Fulfilled => new("Fulfilled");

    /// <summary>Gets the trigger that asks the approvers.</summary>
    public static WorkflowTrigger RequestApproval => new("RequestApproval");

    /// <summary>Gets the trigger that approves (when the rule is met, or when no approval is needed).</summary>
    public static WorkflowTrigger Approve => new("Approve");

    /// <summary>Gets the trigger that rejects (when the rule can no longer be met).</summary>
    public static WorkflowTrigger Reject => new("Reject");

    /// <summary>Gets the trigger that starts fulfilment.</summary>
    public static WorkflowTrigger StartFulfilment => new("StartFulfilment");

    /// <summary>Gets the trigger that marks the request fulfilled.</summary>
    public static WorkflowTrigger Fulfil => new("Fulfil");

    /// <summary>Gets the trigger that closes a fulfilled request.</summary>
    public static WorkflowTrigger Close => new("Close");

    /// <summary>Gets the trigger that cancels the request.</summary>
    public static WorkflowTrigger Cancel => new("Cancel");

    /// <summary>Builds the service-request lifecycle.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <returns>The validated definition.</returns>
    /// <exception cref="InvalidDefinitionException">An option is invalid; every fault is listed.</exception>
    public static WorkflowDefinition Create(ServiceRequestLifecycleOptions? options = null)
    {
        options ??= new ServiceRequestLifecycleOptions();
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Name) || options.Name.Length > 100)
        {
            errors.Add($"{nameof(options.Name)}: must be 1 to 100 characters and not blank.");
        }

        if (options.ApprovalRule is null)
        {
            errors.Add($"{nameof(options.ApprovalRule)}: required; use ApprovalRule.Any, ApprovalRule.All or ApprovalRule.NOfM(n).");
        }

        if (errors.Count > 0)
        {
            throw new InvalidDefinitionException("service request lifecycle options", errors);
        }

        var rule = options.ApprovalRule!;
        var closed = TicketStatus.Closed;
        var canceled = TicketStatus.Canceled;
        return new WorkflowBuilder(options.Name).ForKind(TicketKind.ServiceRequest)
            .Guard(ApprovalGrantedGuard, $"the approval rule ({rule}) is met", a => Status(rule, a) == ApprovalStatus.Granted)
            .Guard(ApprovalDeniedGuard, $"the approval rule ({rule}) can no longer be met", a => Status(rule, a) == ApprovalStatus.Denied)
            .Guard(ApproversAssignedGuard, "approvers are assigned", a => a.Context.Approvals is { Approvers.Count: > 0 })
            .Guard(NoApprovalRequiredGuard, "no approver is assigned", a => a.Context.Approvals is null or { Approvers.Count: 0 })
            .State(Submitted)
            .State(AwaitingApproval, s => s.Sla(options.PauseSlaWhileAwaitingApproval ? SlaMode.Paused : SlaMode.Running))
            .State(Approved)
            .State(Rejected, s => s.Sla(SlaMode.Stopped))
            .State(Fulfilment)
            .State(Fulfilled, s => s.Sla(SlaMode.Stopped))
            .State(closed, s => s.Sla(SlaMode.Stopped))
            .State(canceled, s => s.Sla(SlaMode.Stopped))
            .InitialState(Submitted)
            .Transition(Submitted, RequestApproval, AwaitingApproval, t => t.When("actor:Agent|System", ApproversAssignedGuard))
            .Transition(Submitted, Approve, Approved, t => t.When("actor:Agent|System", NoApprovalRequiredGuard))
            .Transition(AwaitingApproval, Approve, Approved, t => t.When(ApprovalGrantedGuard))
            .Transition(AwaitingApproval, Reject, Rejected, t => t.When(ApprovalDeniedGuard))
            .Transition(Approved, StartFulfilment, Fulfilment, t => t.When("actor:Agent|System"))
            .Transition(Fulfilment, Fulfil, Fulfilled, t => t.When("actor:Agent|System"))
            .Transition(Fulfilled, Close, closed, t => t.When("actor:Requester|Agent|System"))
            .TransitionFromEach([Submitted, AwaitingApproval, Approved, Fulfilment], Cancel, canceled, t => t.When("actor:Requester|Agent"))
            .Build();
    }

    private static ApprovalStatus Status(ApprovalRule rule, GuardArguments a) => a.Context.Approvals?.Evaluate(rule) ?? rule.Evaluate(null);
}
