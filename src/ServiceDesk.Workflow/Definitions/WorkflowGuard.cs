namespace ServiceDesk.Workflow;

/// <summary>What a guard sees when it decides whether a transition may happen.</summary>
/// <remarks>A guard must be a pure function of these arguments: no I/O, no clock (use <see cref="TransitionContext.Now"/>), no
/// shared mutable state. Guards run on whatever thread calls the definition, possibly several at once.</remarks>
public readonly struct GuardArguments
{
    internal GuardArguments(Ticket ticket, TransitionContext context, WorkflowTrigger trigger, TicketStatus target)
    {
        Ticket = ticket;
        Context = context;
        Trigger = trigger;
        Target = target;
    }

    /// <summary>Gets the ticket, in its current state.</summary>
    public Ticket Ticket { get; }

    /// <summary>Gets the context: actor, roles, time and inputs.</summary>
    public TransitionContext Context { get; }

    /// <summary>Gets the trigger being fired.</summary>
    public WorkflowTrigger Trigger { get; }

    /// <summary>Gets the status the transition would lead to.</summary>
    public TicketStatus Target { get; }

    /// <summary>Gets when the ticket entered its current status: <see cref="TransitionContext.StatusSince"/> or, when not given,
    /// <see cref="Ticket.UpdatedAt"/>.</summary>
    public NodaTime.Instant StatusSince => Context.StatusSince ?? Ticket.UpdatedAt;
}

/// <summary>A named condition on a transition, with a readable description shown when it is not met.</summary>
/// <remarks>
/// <para>Transitions name their guards; a definition resolves every name when it is built (a name that resolves to
/// nothing is a fault). Besides the guards you register, these names are built in:</para>
/// <list type="table">
/// <listheader><term>name</term><description>met when</description></listheader>
/// <item><term><c>actor:Agent</c>, <c>actor:Agent|Requester</c></term><description>the actor is of one of the <see cref="ActorKind"/>s listed</description></item>
/// <item><term><c>role:cab</c></term><description>the actor has the role (<see cref="TransitionContext.Roles"/>)</description></item>
/// <item><term><c>heldFor:AwaitingCaller</c></term><description>the ticket's <see cref="Ticket.HoldReason"/> is the reason</description></item>
/// <item><term><c>attribute:change.type=Emergency</c></term><description>the ticket's custom attribute is the string value</description></item>
/// </list>
/// <para>Immutable and thread-safe when the predicate is.</para>
/// </remarks>
public sealed class WorkflowGuard
{
    /// <summary>Initializes a guard.</summary>
    /// <param name="name">The name transitions use: 1 to 128 ASCII letters, digits or <c>_ : = | . -</c>, starting with a letter.</param>
    /// <param name="description">What must be true, phrased so that it reads well as an unmet condition, e.g.
    /// <c>"resolution notes are given"</c>; 1 to 500 characters.</param>
    /// <param name="predicate">The condition; a pure function of its arguments.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="description"/> is malformed.</exception>
    public WorkflowGuard(string name, string description, Func<GuardArguments, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(predicate);
        if (!Names.IsGuardName(name))
        {
            throw new ArgumentException(
                $"{TextPolicy.Echo(name)} is not a valid guard name: use 1 to {Names.MaxGuardLength} ASCII letters, digits or '_', ':', '=', '|', '.', '-', starting with a letter.",
                nameof(name));
        }

        if (string.IsNullOrWhiteSpace(description) || description.Length > 500)
        {
            throw new ArgumentException($"The description of guard {TextPolicy.Echo(name)} must be 1 to 500 characters and not blank.", nameof(description));
        }

        Name = name;
        Description = description;
        Predicate = predicate;
    }

    /// <summary>Gets the name.</summary>
    public string Name { get; }

    /// <summary>Gets the description of what must be true.</summary>
    public string Description { get; }

    /// <summary>Gets the condition.</summary>
    public Func<GuardArguments, bool> Predicate { get; }

    /// <summary>Returns the name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;

    /// <summary>Resolves a guard name: a registered guard, or one of the built-in names.</summary>
    internal static WorkflowGuard? Resolve(string name, IReadOnlyDictionary<string, WorkflowGuard> registered, out string? error)
    {
        error = null;
        if (registered.TryGetValue(name, out var guard))
        {
            return guard;
        }

        var colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            error = $"guard {TextPolicy.Echo(name)} is not registered; registered guards: {(registered.Count == 0 ? "(none)" : Names.Quote(registered.Keys.Order(StringComparer.Ordinal)))}; built-in forms: actor:<Kind>[|<Kind>], role:<role>, heldFor:<reason>, attribute:<key>=<value>";
            return null;
        }

        var kind = name[..colon];
        var argument = name[(colon + 1)..];
        switch (kind)
        {
            case "actor":
                {
                    var kinds = new List<ActorKind>();
                    foreach (var part in argument.Split('|'))
                    {
                        if (!Enum.TryParse<ActorKind>(part, ignoreCase: false, out var actorKind) || !Enum.IsDefined(actorKind) || !Names.IsIdentifier(part, 64))
                        {
                            error = $"guard {TextPolicy.Echo(name)}: {TextPolicy.Echo(part)} is not an actor kind; use {string.Join(", ", Enum.GetNames<ActorKind>())}";
                            return null;
                        }

                        kinds.Add(actorKind);
                    }

                    var text = string.Join(" or ", kinds.Select(k => k switch
                    {
                        ActorKind.Agent => "an agent",
                        ActorKind.Requester => "the requester",
                        ActorKind.System => "the system",
                        _ => "an integration",
                    }));
                    var set = kinds.ToArray();
                    return new WorkflowGuard(name, $"the actor is {text}", a => Array.IndexOf(set, a.Context.Actor.Kind) >= 0);
                }

            case "role" when argument.Length > 0 && !argument.Contains('|', StringComparison.Ordinal):
                return new WorkflowGuard(name, $"the actor has the role {TextPolicy.Echo(argument)}", a => a.Context.HasRole(argument));

            case "heldFor" when Names.IsIdentifier(argument, Ticket.MaxHoldReasonLength):
                return new WorkflowGuard(name, $"the ticket is on hold for {TextPolicy.Echo(argument)}", a => string.Equals(a.Ticket.HoldReason, argument, StringComparison.Ordinal));

            case "attribute" when argument.IndexOf('=', StringComparison.Ordinal) > 0:
                {
                    var eq = argument.IndexOf('=', StringComparison.Ordinal);
                    var key = argument[..eq];
                    var value = argument[(eq + 1)..];
                    return new WorkflowGuard(
                        name,
                        $"the ticket's attribute {TextPolicy.Echo(key)} is {TextPolicy.Echo(value)}",
                        a => a.Ticket.Attributes.TryGetValue(key, out var v) && v.Kind == AttributeKind.String && string.Equals(v.AsString(), value, StringComparison.Ordinal));
                }

            default:
                error = $"guard {TextPolicy.Echo(name)} is neither registered nor a valid built-in guard (actor:<Kind>[|<Kind>], role:<role>, heldFor:<reason>, attribute:<key>=<value>)";
                return null;
        }
    }
}
