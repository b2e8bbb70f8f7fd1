using NodaTime;

namespace ServiceDesk.Analytics;

/// <summary>What recurring incidents have in common: the fields of <see cref="ProblemCandidateOptions.GroupBy"/>; fields
/// not grouped by are <see langword="null"/>.</summary>
/// <param name="Service">The service.</param>
/// <param name="ConfigurationItem">The configuration item.</param>
/// <param name="Category">The category.</param>
/// <param name="Subcategory">The subcategory.</param>
/// <param name="Symptom">The symptom key.</param>
public sealed record ProblemKey(ServiceId? Service, ConfigurationItemId? ConfigurationItem, string? Category, string? Subcategory, string? Symptom)
{
    /// <summary>Returns the key's fields that are set, joined by <c>" / "</c> (for display and as the last ranking tie-break).</summary>
    /// <returns>The text.</returns>
    public override string ToString()
        => string.Join(" / ", new[] { Service?.Value, ConfigurationItem?.Value, Category, Subcategory, Symptom }.Where(p => p is not null));
}

/// <summary>A group of recurring incidents that may share a root cause: a candidate for a problem record linked to each
/// of <see cref="Incidents"/>.</summary>
/// <param name="Key">What the incidents have in common.</param>
/// <param name="Incidents">The incidents opened in the candidate's window, by opening instant (then id).</param>
/// <param name="First">The opening of the first incident of the window.</param>
/// <param name="Last">The opening of the last incident of the window.</param>
/// <param name="DistinctWeeks">The number of distinct ISO weeks (in the calendar's zone) in which the incidents opened:
/// how often it recurs rather than how many came at once.</param>
/// <param name="BusinessTimeLost">The sum of the incidents' business resolution times on the calendar (opening to final
/// resolution); unresolved incidents add nothing.</param>
/// <param name="Unresolved">Incidents not resolved (still open or canceled), which add no time lost.</param>
public sealed record ProblemCandidate(
    ProblemKey Key, IReadOnlyList<TicketId> Incidents, Instant First, Instant Last, int DistinctWeeks, Duration BusinessTimeLost, int Unresolved)
{
    /// <summary>Gets the number of incidents.</summary>
    public int Count => Incidents.Count;
}
