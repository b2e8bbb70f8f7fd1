using NodaTime;

namespace ServiceDesk.Analytics;

/// <summary>How one SLA clock of one ticket stands at the evaluation instant (see docs/analytics.md).</summary>
public enum SlaOutcome
{
    /// <summary>The clock has not started (its start condition never matched).</summary>
    NotStarted = 0,

    /// <summary>Running or paused and not past its due.</summary>
    InProgress = 1,

    /// <summary>Stopped by its due.</summary>
    Met = 2,

    /// <summary>Stopped after its due, or still running or paused past it (a breach is sticky, so it cannot be met any more).</summary>
    Breached = 3,

    /// <summary>Cancelled by the cancel condition (e.g. the ticket was canceled): neither met nor breached.</summary>
    Cancelled = 4,
}

/// <summary>Counts of SLA outcomes, one per ticket and metric.</summary>
/// <param name="Met">Clocks stopped by their due.</param>
/// <param name="Breached">Clocks stopped after their due or still running or paused past it.</param>
/// <param name="InProgress">Clocks running or paused and not yet due.</param>
/// <param name="NotStarted">Clocks that never started.</param>
/// <param name="Cancelled">Clocks cancelled.</param>
/// <param name="ThresholdsReached">Thresholds (e.g. 75 %) reached in the clocks' current cycles, summed over the clocks.</param>
public sealed record SlaOutcomeCounts(int Met, int Breached, int InProgress, int NotStarted, int Cancelled, int ThresholdsReached)
{
    /// <summary>Gets the number of clocks counted: the sum of the five outcomes.</summary>
    public int Total => Met + Breached + InProgress + NotStarted + Cancelled;

    /// <summary>Gets the compliance <c>Met / (Met + Breached)</c>, a fraction in <c>[0, 1]</c>; <see langword="null"/> when no
    /// clock is met or breached yet (clocks in progress, not started or cancelled are not judged).</summary>
    public double? Compliance => Met + Breached == 0 ? null : (double)Met / (Met + Breached);
}

/// <summary>The SLA outcome counts of the tickets that share one value of a breakdown.</summary>
/// <typeparam name="TKey">The breakdown's value type.</typeparam>
/// <param name="Key">The value (<see langword="null"/> for tickets without one, e.g. unassigned).</param>
/// <param name="Counts">The counts.</param>
public sealed record SlaComplianceEntry<TKey>(TKey Key, SlaOutcomeCounts Counts);

/// <summary>The compliance of one SLA metric (by name, over every policy that has a metric of that name), in total and
/// broken down. Every breakdown covers every clock once, so its counts add up to <see cref="Total"/>.</summary>
/// <param name="Metric">The metric's name.</param>
/// <param name="Total">All clocks of the metric.</param>
/// <param name="ByPriority">By the ticket's priority at the evaluation instant, ascending (P1 first).</param>
/// <param name="ByGroup">By the assignment group at the evaluation instant; unassigned (<see langword="null"/>) first, then
/// by id (ordinal).</param>
/// <param name="ByContract">By contract (<see cref="SlaTicketFacts.Contract"/>); none first, then by id.</param>
/// <param name="ByService">By service (<see cref="SlaTicketFacts.Service"/>); none first, then by id.</param>
/// <param name="ByMonth">By the month the ticket was opened, in <see cref="SlaComplianceOptions.Zone"/>, ascending; only
/// months with tickets.</param>
/// <param name="ByPolicy">By the name of the policy evaluated, ordinal.</param>
public sealed record SlaMetricCompliance(
    string Metric,
    SlaOutcomeCounts Total,
    IReadOnlyList<SlaComplianceEntry<Priority>> ByPriority,
    IReadOnlyList<SlaComplianceEntry<GroupId?>> ByGroup,
    IReadOnlyList<SlaComplianceEntry<ContractId?>> ByContract,
    IReadOnlyList<SlaComplianceEntry<ServiceId?>> ByService,
    IReadOnlyList<SlaComplianceEntry<YearMonth>> ByMonth,
    IReadOnlyList<SlaComplianceEntry<string>> ByPolicy);

/// <summary>SLA compliance over a set of ticket histories. See docs/analytics.md for every definition.</summary>
/// <param name="Tickets">The histories added.</param>
/// <param name="Evaluated">Tickets opened by the evaluation instant and with a policy: those whose clocks are counted.</param>
/// <param name="WithoutPolicy">Tickets to which no policy of the set applies.</param>
/// <param name="OpenedAfterAsOf">Tickets opened after the evaluation instant (not evaluated).</param>
/// <param name="Metrics">One entry per metric name, in the order the metrics first appear in the policy set; metrics of
/// no evaluated ticket are left out.</param>
public sealed record SlaComplianceReport(int Tickets, int Evaluated, int WithoutPolicy, int OpenedAfterAsOf, IReadOnlyList<SlaMetricCompliance> Metrics)
{
    /// <summary>Gets a metric's compliance by name.</summary>
    /// <param name="name">The metric's name (ordinal).</param>
    /// <returns>The metric's compliance, or <see langword="null"/> when no evaluated ticket has it.</returns>
    public SlaMetricCompliance? Metric(string name)
    {
        foreach (var m in Metrics)
        {
            if (string.Equals(m.Metric, name, StringComparison.Ordinal))
            {
                return m;
            }
        }

        return null;
    }
}
