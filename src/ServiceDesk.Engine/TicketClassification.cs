namespace ServiceDesk.Engine;

/// <summary>
/// What <see cref="ServiceDeskEngine.ChangeClassificationAsync"/> sets on a ticket: its category, affected service,
/// configuration item and contract, all four at once (<see langword="null"/> clears a field).
/// </summary>
/// <remarks>
/// <para>Start from the ticket's current values so an edit changes only what it names:
/// <c>TicketClassification.Of(ticket) with { Contract = new ContractId("C-GOLD") }</c>. A new, empty instance clears all four.</para>
/// <para>The ids are opaque to the engine (it keeps no catalogue of services, configuration items or contracts), so an id is
/// checked for its form only: a default id is an <see cref="ArgumentException"/>, and the id types themselves refuse text the
/// <see cref="TextPolicy"/> does not store and over-long values when they are created. Immutable and thread-safe.</para>
/// </remarks>
public sealed record TicketClassification
{
    /// <summary>Gets the category and subcategory, or <see langword="null"/> for none.</summary>
    public TicketCategory? Category { get; init; }

    /// <summary>Gets the affected service, or <see langword="null"/> for none.</summary>
    public ServiceId? Service { get; init; }

    /// <summary>Gets the affected configuration item, or <see langword="null"/> for none.</summary>
    public ConfigurationItemId? ConfigurationItem { get; init; }

    /// <summary>Gets the contract the ticket is measured and billed under, or <see langword="null"/> for none.</summary>
    public ContractId? Contract { get; init; }

    /// <summary>Returns a ticket's current classification.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <returns>Its category, service, configuration item and contract.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    public static TicketClassification Of(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return new TicketClassification
        {
            Category = ticket.Category,
            Service = ticket.Service,
            ConfigurationItem = ticket.ConfigurationItem,
            Contract = ticket.Contract,
        };
    }

    /// <summary>Whether the ticket already has exactly this classification.</summary>
    internal bool Matches(Ticket ticket)
        => Equals(ticket.Category, Category) && ticket.Service == Service && ticket.ConfigurationItem == ConfigurationItem && ticket.Contract == Contract;

    /// <summary>Throws for a default id.</summary>
    internal void Validate(string paramName)
    {
        if (Service is { IsDefault: true } || ConfigurationItem is { IsDefault: true } || Contract is { IsDefault: true })
        {
            var field = Service is { IsDefault: true } ? nameof(Service) : ConfigurationItem is { IsDefault: true } ? nameof(ConfigurationItem) : nameof(Contract);
            throw new ArgumentException($"{field} is a default id, which identifies nothing; use null for none.", paramName);
        }
    }
}
