using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Analytics;

/// <summary>The classification fields that make up the key incidents are grouped by.</summary>
[Flags]
public enum ProblemGrouping
{
    /// <summary>No field: not valid.</summary>
    None = 0,

    /// <summary>The affected service.</summary>
    Service = 1,

    /// <summary>The affected configuration item.</summary>
    ConfigurationItem = 2,

    /// <summary>The category (without the subcategory).</summary>
    Category = 4,

    /// <summary>The subcategory (only together with <see cref="Category"/>).</summary>
    Subcategory = 8,

    /// <summary>The symptom key (<see cref="IncidentFacts.Symptom"/>).</summary>
    Symptom = 16,

    /// <summary>Service, configuration item, category and subcategory (the default).</summary>
    Default = Service | ConfigurationItem | Category | Subcategory,
}

/// <summary>How <see cref="ProblemCandidateFinder"/> groups and ranks recurring incidents.</summary>
/// <remarks>
/// Defaults: no calendar (required), a 28-day window, at least 3 incidents, grouping
/// <see cref="ProblemGrouping.Default"/>, incidents only. Read once when a finder is created; invalid options throw one
/// <see cref="ArgumentException"/> listing every fault.
/// </remarks>
public sealed class ProblemCandidateOptions
{
    /// <summary>Gets or sets the calendar in whose business time the time lost is measured and whose zone gives the weeks
    /// (required).</summary>
    public BusinessCalendar? Calendar { get; set; }

    /// <summary>Gets or sets the length of the sliding window the incidents of a candidate must open in; more than zero
    /// (default 28 days).</summary>
    public Duration Window { get; set; } = Duration.FromDays(28);

    /// <summary>Gets or sets the fewest incidents in one window that make a candidate; at least 2 (default 3).</summary>
    public int MinimumCount { get; set; } = 3;

    /// <summary>Gets or sets the fields that make up the grouping key (default <see cref="ProblemGrouping.Default"/>).</summary>
    public ProblemGrouping GroupBy { get; set; } = ProblemGrouping.Default;

    /// <summary>Gets the ticket kinds considered (default <see cref="TicketKind.Incident"/>); other tickets are skipped.</summary>
    public ICollection<TicketKind> Kinds { get; } = [TicketKind.Incident];
}

/// <summary>The classification of an incident that its events do not carry: take it from the ticket's snapshot
/// (<see cref="FromTicket"/>).</summary>
/// <param name="Service">The affected service, if any.</param>
/// <param name="ConfigurationItem">The affected configuration item, if any.</param>
/// <param name="Category">The category and subcategory, if any.</param>
/// <param name="Symptom">A symptom key, if any. The ticket model has no symptom field; <see cref="FromTicket"/> reads it
/// from a custom attribute the product chooses (for example an error code or a normalized short description).</param>
public sealed record IncidentFacts(ServiceId? Service = null, ConfigurationItemId? ConfigurationItem = null, TicketCategory? Category = null, string? Symptom = null)
{
    /// <summary>Takes the service, configuration item and category from a ticket's snapshot, and the symptom from one of
    /// its custom attributes.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="symptomAttribute">The key of the custom attribute holding the symptom; <see langword="null"/> for none.
    /// Its value's text (<see cref="AttributeValue.ToString"/>) is the symptom key.</param>
    /// <returns>The facts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    public static IncidentFacts FromTicket(Ticket ticket, string? symptomAttribute = null)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var symptom = symptomAttribute is not null && ticket.Attributes.TryGetValue(symptomAttribute, out var value) ? value.ToString() : null;
        return new IncidentFacts(ticket.Service, ticket.ConfigurationItem, ticket.Category, symptom);
    }
}
