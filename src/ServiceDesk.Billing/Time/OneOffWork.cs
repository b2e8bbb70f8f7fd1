using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>A fixed-price one-off work ordered under a contract: a quantity of a price-list item.</summary>
/// <param name="Id">The record's identifier.</param>
/// <param name="Contract">The contract.</param>
/// <param name="ItemCode">The price-list item code.</param>
/// <param name="Quantity">The quantity; positive, or zero for a correction that cancels the work.</param>
/// <param name="PerformedAt">When the work was done; decides its billing month.</param>
/// <remarks>Like time entries, works are never edited once billed: a correction supersedes the original.</remarks>
public sealed record OneOffWork(OneOffWorkId Id, ContractId Contract, string ItemCode, decimal Quantity, Instant PerformedAt)
{
    /// <summary>Gets the ticket the work was for, or <see langword="null"/>.</summary>
    public TicketId? Ticket { get; init; }

    /// <summary>Gets the service the work was for, or <see langword="null"/>.</summary>
    public ServiceId? Service { get; init; }

    /// <summary>Gets a description printed with the item, or <see langword="null"/>.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the record this one corrects, or <see langword="null"/>.</summary>
    public OneOffWorkId? Supersedes { get; init; }
}
