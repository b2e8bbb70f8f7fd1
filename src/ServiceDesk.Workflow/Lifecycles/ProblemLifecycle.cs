using ServiceDesk.Events;

namespace ServiceDesk.Workflow;

/// <summary>The options of the shipped problem lifecycle; validated by <see cref="ProblemLifecycle.Create"/>.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>option</term><description>default</description></listheader>
/// <item><term><see cref="Name"/></term><description><c>problem</c></description></item>
/// <item><term><see cref="ResolveLinkedIncidents"/></term><description><see langword="true"/></description></item>
/// <item><term><see cref="IncidentResolutionCode"/></term><description><c>SolvedPermanently</c></description></item>
/// </list>
/// </remarks>
public sealed class ProblemLifecycleOptions
{
    /// <summary>Gets or sets the workflow's name; default <c>problem</c>.</summary>
    public string Name { get; set; } = "problem";

    /// <summary>Gets or sets whether resolving a problem resolves the open incidents it caused; default <see langword="true"/>.</summary>
    public bool ResolveLinkedIncidents { get; set; } = true;

    /// <summary>Gets or sets the resolution code given to incidents resolved by their problem; default <c>SolvedPermanently</c>.</summary>
    public string IncidentResolutionCode { get; set; } = "SolvedPermanently";
}

/// <summary>
/// The shipped problem lifecycle: <c>New</c> → <c>Assess</c> → <c>RootCauseAnalysis</c> → <c>FixInProgress</c> →
/// <c>Resolved</c> → <c>Closed</c>, with closure codes, the known-error flag and workaround, and resolution of linked incidents.
/// </summary>
/// <remarks>
/// <para>Closure codes (the reason of <c>Closed</c>): <c>FixApplied</c> (from <c>Resolved</c> with <c>Close</c>),
/// <c>RiskAccepted</c> (with <c>AcceptRisk</c>, only for a known error with a documented workaround), <c>Duplicate</c> and
/// <c>Canceled</c> (with <c>Cancel</c>, before resolution).</para>
/// <para>The known-error flag, the workaround and the root cause are custom attributes of the problem ticket
/// (<see cref="KnownErrorAttribute"/>, <see cref="WorkaroundAttribute"/>, <see cref="RootCauseAttribute"/>); set them with
/// <see cref="MarkKnownError"/> and <see cref="DocumentRootCause"/>. Starting the fix requires a documented root cause.</para>
/// <para>Resolving (notes required) cascades <c>Resolve</c> to every open incident linked to the problem as
/// <see cref="TicketLinkType.CausedBy"/> (incoming), with <see cref="ProblemLifecycleOptions.IncidentResolutionCode"/> and the
/// problem's notes, unless <see cref="ProblemLifecycleOptions.ResolveLinkedIncidents"/> is off.</para>
/// </remarks>
public static class ProblemLifecycle
{
    /// <summary>The attribute key of the known-error flag (Boolean).</summary>
    public const string KnownErrorAttribute = "problem.knownError";

    /// <summary>The attribute key of the workaround (String).</summary>
    public const string WorkaroundAttribute = "problem.workaround";

    /// <summary>The attribute key of the root cause (String).</summary>
    public const string RootCauseAttribute = "problem.rootCause";

    /// <summary>The guard name "a known error with a documented workaround".</summary>
    public const string KnownErrorWithWorkaroundGuard = "KnownErrorWithWorkaround";

    /// <summary>The guard name "the root cause is documented".</summary>
    public const string RootCauseDocumentedGuard = "RootCauseDocumented";

    /// <summary>The closure code "fix applied".</summary>
    public const string FixApplied = "FixApplied";

    /// <summary>The closure code "risk accepted".</summary>
    public const string RiskAccepted = "RiskAccepted";

    /// <summary>The closure code "duplicate".</summary>
    public const string Duplicate = "Duplicate";

    /// <summary>The closure code "canceled".</summary>
    public const string CanceledCode = "Canceled";

    /// <summary>Gets the status <c>Assess</c>.</summary>
    public static TicketStatus Assess => new("Assess");

    /// <summary>Gets the status <c>RootCauseAnalysis</c>.</summary>
    public static TicketStatus RootCauseAnalysis => new("RootCauseAnalysis");

    /// <summary>Gets the status <c>FixInProgress</c>.</summary>
    public static TicketStatus FixInProgress => new("FixInProgress");

    /// <summary>Gets the trigger that starts assessment.</summary>
    public static WorkflowTrigger StartAssessment => new("StartAssessment");

    /// <summary>Gets the trigger that starts root cause analysis.</summary>
    public static WorkflowTrigger Analyze => new("Analyze");

    /// <summary>Gets the trigger that starts the fix (needs a documented root cause).</summary>
    public static WorkflowTrigger StartFix => new("StartFix");

    /// <summary>Gets the trigger that resolves (notes required; may resolve linked incidents).</summary>
    public static WorkflowTrigger Resolve => new("Resolve");

    /// <summary>Gets the trigger that reopens a resolved problem into <c>FixInProgress</c>.</summary>
    public static WorkflowTrigger Reopen => new("Reopen");

    /// <summary>Gets the trigger that closes a resolved problem with <see cref="FixApplied"/>.</summary>
    public static WorkflowTrigger Close => new("Close");

    /// <summary>Gets the trigger that closes a known error with <see cref="RiskAccepted"/>.</summary>
    public static WorkflowTrigger AcceptRisk => new("AcceptRisk");

    /// <summary>Gets the trigger that closes an unresolved problem as <see cref="Duplicate"/> or <see cref="CanceledCode"/>.</summary>
    public static WorkflowTrigger Cancel => new("Cancel");

    /// <summary>Builds the problem lifecycle.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <returns>The validated definition.</returns>
    /// <exception cref="InvalidDefinitionException">An option is invalid; every fault is listed.</exception>
    public static WorkflowDefinition Create(ProblemLifecycleOptions? options = null)
    {
        options ??= new ProblemLifecycleOptions();
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Name) || options.Name.Length > 100)
        {
            errors.Add($"{nameof(options.Name)}: must be 1 to 100 characters and not blank.");
        }

        if (!Names.IsStatus(options.IncidentResolutionCode))
        {
            errors.Add($"{nameof(options.IncidentResolutionCode)}: {TextPolicy.Echo(options.IncidentResolutionCode)} is not a valid reason name; use 1 to 64 ASCII letters, digits or underscores, starting with a letter.");
        }

        if (errors.Count > 0)
        {
            throw new InvalidDefinitionException("problem lifecycle options", errors);
        }

        var @new = TicketStatus.New;
        var resolved = TicketStatus.Resolved;
        var closed = TicketStatus.Closed;
        return new WorkflowBuilder(options.Name).ForKind(TicketKind.Problem)
            .Guard(KnownErrorWithWorkaroundGuard, "the problem is a known error with a documented workaround", a => IsKnownError(a.Ticket) && Workaround(a.Ticket) is not null)
            .Guard(RootCauseDocumentedGuard, "the root cause is documented", a => Text(a.Ticket, RootCauseAttribute) is not null)
            .State(@new).State(Assess).State(RootCauseAnalysis).State(FixInProgress)
            .State(resolved, s => s.Sla(SlaMode.Stopped))
            .State(closed, s => s.Sla(SlaMode.Stopped).Reason(FixApplied).Reason(RiskAccepted).Reason(Duplicate).Reason(CanceledCode))
            .InitialState(@new)
            .Transition(@new, StartAssessment, Assess, t => t.When("actor:Agent"))
            .Transition(Assess, Analyze, RootCauseAnalysis, t => t.When("actor:Agent"))
            .Transition(RootCauseAnalysis, StartFix, FixInProgress, t => t.When("actor:Agent", RootCauseDocumentedGuard))
            .Transition(FixInProgress, Resolve, resolved, t =>
            {
                t.When("actor:Agent").RequireNotes();
                if (options.ResolveLinkedIncidents)
                {
                    t.Cascade(TicketLinkType.CausedBy, LinkDirection.Incoming, IncidentLifecycle.Resolve, options.IncidentResolutionCode);
                }
            })
            .Transition(resolved, Reopen, FixInProgress, t => t.When("actor:Agent"))
            .Transition(resolved, Close, closed, t => t.When("actor:Agent").WithReasons(FixApplied))
            .TransitionFromEach([Assess, RootCauseAnalysis, FixInProgress], AcceptRisk, closed, t => t.When("actor:Agent", KnownErrorWithWorkaroundGuard).WithReasons(RiskAccepted))
            .TransitionFromEach([@new, Assess, RootCauseAnalysis, FixInProgress], Cancel, closed, t => t.When("actor:Agent").WithReasons(Duplicate, CanceledCode))
            .Build();
    }

    /// <summary>Returns the problem flagged as a known error with its workaround (custom attributes; the ticket is not otherwise changed).</summary>
    /// <param name="problem">The problem ticket.</param>
    /// <param name="workaround">The workaround, 1 to 1024 characters.</param>
    /// <returns>The updated ticket.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="problem"/> is not a problem, or the workaround is blank or too long.</exception>
    public static Ticket MarkKnownError(Ticket problem, string workaround)
    {
        CheckProblem(problem);
        if (string.IsNullOrWhiteSpace(workaround))
        {
            throw new ArgumentException("A workaround must not be blank.", nameof(workaround));
        }

        return problem with
        {
            Attributes = problem.Attributes
                .With(KnownErrorAttribute, AttributeValue.FromBoolean(true))
                .With(WorkaroundAttribute, AttributeValue.FromString(workaround)),
        };
    }

    /// <summary>Returns the problem with its root cause documented (a custom attribute).</summary>
    /// <param name="problem">The problem ticket.</param>
    /// <param name="rootCause">The root cause, 1 to 1024 characters.</param>
    /// <returns>The updated ticket.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="problem"/> is not a problem, or the root cause is blank or too long.</exception>
    public static Ticket DocumentRootCause(Ticket problem, string rootCause)
    {
        CheckProblem(problem);
        if (string.IsNullOrWhiteSpace(rootCause))
        {
            throw new ArgumentException("A root cause must not be blank.", nameof(rootCause));
        }

        return problem with { Attributes = problem.Attributes.With(RootCauseAttribute, AttributeValue.FromString(rootCause)) };
    }

    /// <summary>Gets whether the problem is flagged as a known error.</summary>
    /// <param name="problem">The problem ticket.</param>
    /// <returns><see langword="true"/> when the known-error attribute is <see langword="true"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="problem"/> is <see langword="null"/>.</exception>
    public static bool IsKnownError(Ticket problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return problem.Attributes.TryGetValue(KnownErrorAttribute, out var v) && v.Kind == AttributeKind.Boolean && v.AsBoolean();
    }

    /// <summary>Gets the documented workaround, if any.</summary>
    /// <param name="problem">The problem ticket.</param>
    /// <returns>The workaround, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="problem"/> is <see langword="null"/>.</exception>
    public static string? Workaround(Ticket problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Text(problem, WorkaroundAttribute);
    }

    private static string? Text(Ticket ticket, string key)
        => ticket.Attributes.TryGetValue(key, out var v) && v.Kind == AttributeKind.String && !string.IsNullOrWhiteSpace(v.AsString()) ? v.AsString() : null;

    private static void CheckProblem(Ticket problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.Kind != TicketKind.Problem)
        {
            throw new ArgumentException($"Ticket {problem.Number} is a {problem.Kind}, not a problem.", nameof(problem));
        }
    }
}
