namespace ServiceDesk;

/// <summary>The kind of party that performed an action.</summary>
public enum ActorKind
{
    /// <summary>The service desk itself: timers, escalations, automatic transitions.</summary>
    System = 1,

    /// <summary>An agent of the service desk.</summary>
    Agent = 2,

    /// <summary>The requester (the customer's contact).</summary>
    Requester = 3,

    /// <summary>Another system acting through an integration (monitoring, e-mail gateway, API client).</summary>
    Integration = 4,
}

/// <summary>Who performed an action: recorded on every domain event and seen by workflow guards.</summary>
/// <remarks>This type is an immutable value type and is thread-safe. <c>default(Actor)</c> is not valid.</remarks>
public readonly record struct Actor
{
    private Actor(ActorKind kind, string id)
    {
        Kind = kind;
        Id = id;
    }

    /// <summary>Gets the service desk itself.</summary>
    public static Actor System => new(ActorKind.System, "system");

    /// <summary>Gets the kind of party.</summary>
    public ActorKind Kind { get; }

    /// <summary>Gets the party's identifier: the agent id, the requester's contact or the integration's name.</summary>
    public string Id { get; }

    /// <summary>Gets a value indicating whether this is <c>default(Actor)</c>, which names nobody.</summary>
    public bool IsDefault => Id is null;

    /// <summary>Gets the agent id when <see cref="Kind"/> is <see cref="ActorKind.Agent"/>; otherwise <see langword="null"/>.</summary>
    public AgentId? AgentId => Kind == ActorKind.Agent ? new AgentId(Id) : null;

    /// <summary>Creates an actor for an agent.</summary>
    /// <param name="agent">The agent; must not be the default value.</param>
    /// <returns>The actor.</returns>
    /// <exception cref="ArgumentException"><paramref name="agent"/> is the default value.</exception>
    public static Actor OfAgent(AgentId agent)
    {
        ServiceDesk.AgentId.ThrowIfDefault(agent);
        return new Actor(ActorKind.Agent, agent.Value);
    }

    /// <summary>Creates an actor for a requester, identified by contact (name or e-mail).</summary>
    /// <param name="contact">The contact, 1 to 254 characters.</param>
    /// <returns>The actor.</returns>
    /// <exception cref="ArgumentException"><paramref name="contact"/> is blank or too long.</exception>
    public static Actor OfRequester(string contact) => new(ActorKind.Requester, Guard.Text(contact, Requester.MaxLength, required: true));

    /// <summary>Creates an actor for an integration (another system), identified by name.</summary>
    /// <param name="name">The integration's name, 1 to 128 characters.</param>
    /// <returns>The actor.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or too long.</exception>
    public static Actor OfIntegration(string name) => new(ActorKind.Integration, Guard.Text(name, Identifier.MaxLength, required: true));

    /// <summary>Throws if <paramref name="actor"/> is <c>default(Actor)</c>.</summary>
    /// <param name="actor">The actor to check.</param>
    /// <param name="paramName">The name of the parameter being checked.</param>
    /// <exception cref="ArgumentException"><paramref name="actor"/> is the default value.</exception>
    public static void ThrowIfDefault(Actor actor, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(actor))] string? paramName = null)
    {
        if (actor.IsDefault)
        {
            throw new ArgumentException("default(Actor) names nobody; use Actor.System, Actor.OfAgent, Actor.OfRequester or Actor.OfIntegration.", paramName);
        }
    }

    /// <summary>Returns <c>kind:id</c>, e.g. <c>Agent:alice</c>.</summary>
    /// <returns>The display text.</returns>
    public override string ToString() => IsDefault ? "(default)" : $"{Kind}:{Id}";
}
