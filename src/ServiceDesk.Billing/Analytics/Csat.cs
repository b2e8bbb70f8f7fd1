using NodaTime;
using ServiceDesk.Events;

namespace ServiceDesk.Billing;

/// <summary>A customer satisfaction rating of a ticket (1 to 5), with who and what it is attributed to.</summary>
/// <param name="Ticket">The ticket.</param>
/// <param name="Score">The score, 1 (very dissatisfied) to 5 (very satisfied).</param>
/// <param name="RatedAt">When the rating was given; a later rating of the same ticket replaces an earlier one.</param>
public sealed record CsatRating(TicketId Ticket, int Score, Instant RatedAt)
{
    /// <summary>Gets the score, 1 to 5.</summary>
    public int Score { get; init; } = Score is < 1 or > 5
        ? throw new ArgumentOutOfRangeException(nameof(Score), Score, "A satisfaction score must be between 1 and 5.")
        : Score;

    /// <summary>Gets the agent the ticket is attributed to, or <see langword="null"/>.</summary>
    public AgentId? Agent { get; init; }

    /// <summary>Gets the group the ticket is attributed to, or <see langword="null"/>.</summary>
    public GroupId? Group { get; init; }

    /// <summary>Gets the contract the ticket is attributed to, or <see langword="null"/>.</summary>
    public ContractId? Contract { get; init; }

    /// <summary>Creates a rating from a <see cref="SatisfactionRated"/> event.</summary>
    /// <param name="rated">The event.</param>
    /// <param name="agent">The agent the ticket is attributed to (e.g. its assignee when resolved).</param>
    /// <param name="group">The group.</param>
    /// <param name="contract">The contract.</param>
    /// <returns>The rating.</returns>
    public static CsatRating FromEvent(SatisfactionRated rated, AgentId? agent, GroupId? group, ContractId? contract)
    {
        ArgumentNullException.ThrowIfNull(rated);
        return new CsatRating(rated.Ticket, rated.Score, rated.At) { Agent = agent, Group = group, Contract = contract };
    }
}

/// <summary>What CSAT is aggregated by.</summary>
public enum CsatGrouping
{
    /// <summary>By agent.</summary>
    Agent = 0,

    /// <summary>By group.</summary>
    Group = 1,

    /// <summary>By contract.</summary>
    Contract = 2,
}

/// <summary>CSAT of one agent, group or contract.</summary>
/// <param name="Key">The agent, group or contract id; <see langword="null"/> for ratings without one.</param>
/// <param name="Count">The number of rated tickets.</param>
/// <param name="Distribution">How many tickets got each score: index 0 for 1 to index 4 for 5.</param>
public sealed record CsatSummary(string? Key, int Count, IReadOnlyList<int> Distribution)
{
    /// <summary>Gets the average score, rounded to 2 decimals.</summary>
    public decimal Average => decimal.Round((decimal)Distribution.Select((n, i) => n * (i + 1)).Sum() / Count, 2, MidpointRounding.AwayFromZero);

    /// <summary>Gets the CSAT: the share of 4 and 5 scores (0.8 for 80 %), rounded to 4 decimals.</summary>
    public decimal SatisfiedShare => decimal.Round((decimal)(Distribution[3] + Distribution[4]) / Count, 4, MidpointRounding.AwayFromZero);
}

/// <summary>Aggregates customer satisfaction ratings. Pure and thread-safe.</summary>
public static class CsatAggregator
{
    /// <summary>Aggregates ratings, counting each ticket once (its latest rating; for equal instants the later in input order).</summary>
    /// <param name="ratings">The ratings.</param>
    /// <param name="grouping">What to aggregate by.</param>
    /// <returns>One summary per key, ordered by key (no key first).</returns>
    public static IReadOnlyList<CsatSummary> Aggregate(IEnumerable<CsatRating> ratings, CsatGrouping grouping)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (!Enum.IsDefined(grouping))
        {
            throw new ArgumentOutOfRangeException(nameof(grouping), grouping, "Valid values are Agent, Group and Contract.");
        }

        var latest = new Dictionary<TicketId, CsatRating>();
        foreach (var r in ratings)
        {
            ArgumentNullException.ThrowIfNull(r, nameof(ratings));
            if (!latest.TryGetValue(r.Ticket, out var seen) || r.RatedAt >= seen.RatedAt)
            {
                latest[r.Ticket] = r;
            }
        }

        return [.. latest.Values
            .GroupBy(r => grouping switch
            {
                CsatGrouping.Agent => r.Agent?.Value,
                CsatGrouping.Group => r.Group?.Value,
                _ => r.Contract?.Value,
            })
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var distribution = new int[5];
                foreach (var r in g)
                {
                    distribution[r.Score - 1]++;
                }

                return new CsatSummary(g.Key, g.Count(), distribution);
            })];
    }
}
