namespace ServiceDesk.Engine;

/// <summary>What a caller gives to open a ticket; the engine derives the priority, the routing, the number and the SLA
/// policy.</summary>
/// <param name="Kind">The kind of ticket; the engine must have a workflow for it.</param>
/// <param name="Subject">The subject: 1 to <see cref="Ticket.MaxSubjectLength"/> characters, not blank.</param>
/// <param name="Requester">Who asks.</param>
/// <param name="Impact">The impact; a level of the engine's priority matrix.</param>
/// <param name="Urgency">The urgency; a level of the engine's priority matrix.</param>
/// <remarks>Values are checked by <see cref="ServiceDeskEngine.OpenTicketAsync"/> before anything is stored, with the
/// same rules and messages as <see cref="Ticket"/>.</remarks>
public sealed record OpenTicketRequest(TicketKind Kind, string Subject, Requester Requester, Impact Impact, Urgency Urgency)
{
    /// <summary>Gets the description: 0 to <see cref="Ticket.MaxDescriptionLength"/> characters; empty by default.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Gets how the ticket reached the desk; <see cref="Channel.Portal"/> by default.</summary>
    public Channel Channel { get; init; } = Channel.Portal;

    /// <summary>Gets the category, if any.</summary>
    public TicketCategory? Category { get; init; }

    /// <summary>Gets the affected service, if any.</summary>
    public ServiceId? Service { get; init; }

    /// <summary>Gets the affected configuration item, if any.</summary>
    public ConfigurationItemId? ConfigurationItem { get; init; }

    /// <summary>Gets the location, if any.</summary>
    public LocationId? Location { get; init; }

    /// <summary>Gets the contract, if any.</summary>
    public ContractId? Contract { get; init; }

    /// <summary>Gets the customer's tier (e.g. <c>VIP</c>) for routing rules and SLA policy selection, if any; not stored.</summary>
    public string? CustomerTier { get; init; }

    /// <summary>Gets an explicit assignment group, which wins over the routing rules' group; <see langword="null"/> to route.</summary>
    public GroupId? AssignmentGroup { get; init; }

    /// <summary>Gets an explicit assignee within <see cref="AssignmentGroup"/> (or the routed group), if any.</summary>
    public AgentId? Assignee { get; init; }

    /// <summary>Gets the custom attributes to open with; empty by default.</summary>
    public CustomAttributes Attributes { get; init; } = CustomAttributes.Empty;
}
