using ServiceDesk.Events;
using ServiceDesk.Sla;

namespace ServiceDesk.Analytics;

/// <summary>
/// SLA compliance over ticket histories, and policy what-if: the same histories under alternative SLA policy sets (or
/// calendars), side by side with the policy in force, writing nothing. See <see cref="SlaComplianceAccumulator"/> and
/// docs/analytics.md.
/// </summary>
public static class SlaCompliance
{
    /// <summary>Computes SLA compliance over in-memory histories, reading each once.</summary>
    /// <param name="histories">One history per ticket (see <see cref="SlaComplianceAccumulator.Add"/>).</param>
    /// <param name="options">The options (policies and evaluation instant required).</param>
    /// <param name="facts">The facts of a ticket (contract, service, tier, routed policy) by id; <see langword="null"/> when
    /// no ticket has any.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="histories"/>, <paramref name="options"/> or a history is
    /// <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A history is empty or out of order, or the options are invalid.</exception>
    public static SlaComplianceReport Compute(
        IEnumerable<IReadOnlyList<TicketEvent>> histories, SlaComplianceOptions options, Func<TicketId, SlaTicketFacts?>? facts = null)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var accumulator = new SlaComplianceAccumulator(options);
        foreach (var history in histories)
        {
            ArgumentNullException.ThrowIfNull(history, nameof(histories));
            TicketStatisticsAccumulator.Validate(history);
            accumulator.AddValidated(history, facts?.Invoke(history[0].Ticket));
        }

        return accumulator.ToReport();
    }

    /// <summary>Computes SLA compliance over a stream of histories, e.g. a store query, reading each history once.</summary>
    /// <param name="histories">One history per ticket.</param>
    /// <param name="options">The options (policies and evaluation instant required).</param>
    /// <param name="facts">The facts of a ticket by id; <see langword="null"/> when no ticket has any.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="histories"/>, <paramref name="options"/> or a history is
    /// <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A history is empty or out of order, or the options are invalid.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async ValueTask<SlaComplianceReport> ComputeAsync(
        IAsyncEnumerable<IReadOnlyList<TicketEvent>> histories,
        SlaComplianceOptions options,
        Func<TicketId, SlaTicketFacts?>? facts = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var accumulator = new SlaComplianceAccumulator(options);
        await foreach (var history in histories.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            ArgumentNullException.ThrowIfNull(history, nameof(histories));
            TicketStatisticsAccumulator.Validate(history);
            accumulator.AddValidated(history, facts?.Invoke(history[0].Ticket));
        }

        return accumulator.ToReport();
    }

    /// <summary>
    /// Evaluates the same histories under the policy set in force (<paramref name="options"/>) and under each alternative
    /// set, in one pass, and compares them per metric. Nothing is written anywhere.
    /// </summary>
    /// <param name="histories">One history per ticket.</param>
    /// <param name="options">The options with the policy set in force; the alternatives share its evaluation instant,
    /// zone and hold statuses.</param>
    /// <param name="alternatives">The alternative policy sets, at least one (to try other calendars, load the same policies
    /// with other calendars, e.g. <c>SlaPolicySet.FromJson(json, calendars)</c>).</param>
    /// <param name="facts">The facts of a ticket by id; <see langword="null"/> when no ticket has any.</param>
    /// <returns>The comparison.</returns>
    /// <exception cref="ArgumentNullException">An argument, a history or an alternative is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No alternative is given, a history is empty or out of order, or the options are
    /// invalid.</exception>
    public static SlaWhatIfReport WhatIf(
        IEnumerable<IReadOnlyList<TicketEvent>> histories,
        SlaComplianceOptions options,
        IReadOnlyList<SlaPolicySet> alternatives,
        Func<TicketId, SlaTicketFacts?>? facts = null)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(alternatives);
        if (alternatives.Count == 0)
        {
            throw new ArgumentException("Give at least one alternative SLA policy set to compare with the policy in force.", nameof(alternatives));
        }

        var inForce = new SlaComplianceAccumulator(options);
        var others = new SlaComplianceAccumulator[alternatives.Count];
        for (var i = 0; i < others.Length; i++)
        {
            var set = alternatives[i] ?? throw new ArgumentNullException(nameof(alternatives), $"alternatives[{i}] is null.");
            var copy = new SlaComplianceOptions { Policies = set, AsOf = options.AsOf, Zone = options.Zone };
            copy.HoldStatuses.Clear();
            foreach (var hold in options.HoldStatuses)
            {
                copy.HoldStatuses.Add(hold);
            }

            others[i] = new SlaComplianceAccumulator(copy);
        }

        var metChanges = new Dictionary<string, int[]>[others.Length];
        for (var i = 0; i < others.Length; i++)
        {
            metChanges[i] = new Dictionary<string, int[]>(StringComparer.Ordinal);
        }

        foreach (var history in histories)
        {
            ArgumentNullException.ThrowIfNull(history, nameof(histories));
            TicketStatisticsAccumulator.Validate(history);
            var ticketFacts = facts?.Invoke(history[0].Ticket);
            var before = inForce.AddValidated(history, ticketFacts);
            for (var i = 0; i < others.Length; i++)
            {
                var after = others[i].AddValidated(history, ticketFacts);
                if (before is null || after is null)
                {
                    continue;
                }

                // Tickets whose clock of a metric flips between met and breached (same metric name in both).
                foreach (var b in before)
                {
                    foreach (var a in after)
                    {
                        if (!string.Equals(a.Metric, b.Metric, StringComparison.Ordinal))
                        {
                            continue;
                        }

                        var (was, now) = (SlaComplianceAccumulator.Classify(b), SlaComplianceAccumulator.Classify(a));
                        var flip = (was, now) switch
                        {
                            (SlaOutcome.Met, SlaOutcome.Breached) => 0,
                            (SlaOutcome.Breached, SlaOutcome.Met) => 1,
                            _ => -1,
                        };
                        if (flip >= 0)
                        {
                            if (!metChanges[i].TryGetValue(b.Metric, out var flips))
                            {
                                metChanges[i].Add(b.Metric, flips = new int[2]);
                            }

                            flips[flip]++;
                        }
                    }
                }
            }
        }

        var inForceReport = inForce.ToReport();
        var reports = others.Select(o => o.ToReport()).ToList();
        var names = inForceReport.Metrics.Select(m => m.Metric)
            .Concat(reports.SelectMany(r => r.Metrics.Select(m => m.Metric)))
            .Distinct(StringComparer.Ordinal);
        var comparison = new List<SlaWhatIfMetric>();
        foreach (var name in names)
        {
            var alternativesOfMetric = new List<SlaWhatIfAlternative>(reports.Count);
            for (var i = 0; i < reports.Count; i++)
            {
                var flips = metChanges[i].GetValueOrDefault(name);
                alternativesOfMetric.Add(new SlaWhatIfAlternative(reports[i].Metric(name)?.Total, flips?[0] ?? 0, flips?[1] ?? 0));
            }

            comparison.Add(new SlaWhatIfMetric(name, inForceReport.Metric(name)?.Total, alternativesOfMetric.AsReadOnly()));
        }

        return new SlaWhatIfReport(inForceReport, reports.AsReadOnly(), comparison.AsReadOnly());
    }
}

/// <summary>One alternative's figures for one metric in a <see cref="SlaWhatIfReport"/>.</summary>
/// <param name="Counts">The alternative's outcome counts; <see langword="null"/> when no ticket has the metric under it.</param>
/// <param name="MetToBreached">Tickets whose clock of the metric is met under the policy in force and breached under the
/// alternative.</param>
/// <param name="BreachedToMet">Tickets whose clock is breached under the policy in force and met under the alternative.</param>
public sealed record SlaWhatIfAlternative(SlaOutcomeCounts? Counts, int MetToBreached, int BreachedToMet);

/// <summary>One metric side by side: the policy in force and each alternative.</summary>
/// <param name="Metric">The metric's name.</param>
/// <param name="InForce">The counts under the policy in force; <see langword="null"/> when no ticket has the metric under it.</param>
/// <param name="Alternatives">One entry per alternative, in the order given.</param>
public sealed record SlaWhatIfMetric(string Metric, SlaOutcomeCounts? InForce, IReadOnlyList<SlaWhatIfAlternative> Alternatives);

/// <summary>The result of <see cref="SlaCompliance.WhatIf"/>.</summary>
/// <param name="InForce">The full report under the policy in force.</param>
/// <param name="Alternatives">The full report under each alternative, in the order given.</param>
/// <param name="Metrics">Every metric of any report (in force first, in report order), side by side.</param>
public sealed record SlaWhatIfReport(SlaComplianceReport InForce, IReadOnlyList<SlaComplianceReport> Alternatives, IReadOnlyList<SlaWhatIfMetric> Metrics);
