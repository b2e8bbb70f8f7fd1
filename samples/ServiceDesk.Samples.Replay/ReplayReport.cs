using NodaTime;
using ServiceDesk.Engine;

namespace ServiceDesk.Samples.Replay;

/// <summary>SLA outcomes of one priority, for the resolution clock at the end of the replay.</summary>
/// <param name="Priority">The ticket's priority at the end.</param>
/// <param name="Met">Clocks stopped within the target.</param>
/// <param name="Breached">Clocks stopped after the target.</param>
/// <param name="Open">Clocks still running or paused (tickets the replay left open).</param>
public sealed record SlaRow(Priority Priority, int Met, int Breached, int Open)
{
    /// <summary>Gets the tickets with a clock of this priority.</summary>
    public int Total => Met + Breached + Open;
}

/// <summary>Mean and percentiles (nearest rank) of a set of durations.</summary>
/// <param name="Count">How many durations.</param>
/// <param name="Mean">The mean.</param>
/// <param name="P50">The median.</param>
/// <param name="P90">The 90th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
public sealed record DurationStats(int Count, Duration Mean, Duration P50, Duration P90, Duration P99)
{
    /// <summary>Computes the statistics.</summary>
    /// <param name="values">The durations.</param>
    /// <returns>The statistics (zeros when empty).</returns>
    public static DurationStats Of(IEnumerable<Duration> values)
    {
        var sorted = values.Select(v => v.BclCompatibleTicks).Order().ToArray();
        if (sorted.Length == 0)
        {
            return new DurationStats(0, Duration.Zero, Duration.Zero, Duration.Zero, Duration.Zero);
        }

        Duration Rank(double p) => Duration.FromTicks(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);
        var mean = (long)(sorted.Sum(t => (decimal)t) / sorted.Length);
        return new DurationStats(sorted.Length, Duration.FromTicks(mean), Rank(0.50), Rank(0.90), Rank(0.99));
    }
}

/// <summary>A support group and how much of the log went through it.</summary>
/// <param name="Group">The group.</param>
/// <param name="Tickets">Tickets assigned to it at least once.</param>
/// <param name="Assignments">Assignments to it (openings and reassignments).</param>
public sealed record GroupRow(string Group, int Tickets, int Assignments);

/// <summary>The invoices of one contract.</summary>
/// <param name="Contract">The contract id.</param>
/// <param name="Client">The client's legal name.</param>
/// <param name="Plan">A one-line description of the plans.</param>
/// <param name="Tickets">Incidents billed under it.</param>
/// <param name="Entries">Time entries logged.</param>
/// <param name="LoggedTime">Time logged (before rounding).</param>
/// <param name="Invoices">Invoices issued (one per month with anything to bill).</param>
/// <param name="Net">Net total of its invoices.</param>
/// <param name="Tax">Tax total.</param>
/// <param name="Total">Gross total of the invoices (their own totals).</param>
/// <param name="LinesTotal">The sum of the invoice lines' net plus tax (equals <paramref name="Total"/>).</param>
/// <param name="Months">Net per invoiced month.</param>
public sealed record ContractRow(
    string Contract, string Client, string Plan, int Tickets, int Entries, Duration LoggedTime, int Invoices,
    decimal Net, decimal Tax, decimal Total, decimal LinesTotal, IReadOnlyList<(YearMonth Month, decimal Net)> Months);

/// <summary>What a replay did and found.</summary>
public sealed record ReplayReport
{
    /// <summary>Gets the event log read.</summary>
    public required string Source { get; init; }

    /// <summary>Gets a description of the store written to.</summary>
    public required string Store { get; init; }

    /// <summary>Gets the data rows read from the log.</summary>
    public required long Rows { get; init; }

    /// <summary>Gets the incidents replayed (after the date and limit filters).</summary>
    public required int Incidents { get; init; }

    /// <summary>Gets the log events of those incidents that were applied.</summary>
    public required int Events { get; init; }

    /// <summary>Gets how many rows (or commands) were skipped.</summary>
    public required int IssueCount { get; init; }

    /// <summary>Gets the first issues, with their line numbers.</summary>
    public required IReadOnlyList<LogIssue> Issues { get; init; }

    /// <summary>Gets the engine commands issued.</summary>
    public required int Commands { get; init; }

    /// <summary>Gets the transitions the lifecycle applied.</summary>
    public required int TransitionsApplied { get; init; }

    /// <summary>Gets the transitions the lifecycle refused (the log moved on; the ticket did not).</summary>
    public required int TransitionsRejected { get; init; }

    /// <summary>Gets the refused transitions by kind (<c>from -> to by trigger: unmet guards</c>), most frequent first.</summary>
    public required IReadOnlyList<(string Kind, int Count)> RefusedTransitions { get; init; }

    /// <summary>Gets closures of never-resolved incidents, replayed as a resolve followed by the close.</summary>
    public required int ResolvedBeforeClose { get; init; }

    /// <summary>Gets the first and last simulated instants.</summary>
    public required Interval Simulated { get; init; }

    /// <summary>Gets the SLA outcomes per priority.</summary>
    public required IReadOnlyList<SlaRow> Sla { get; init; }

    /// <summary>Gets the resolution times in wall-clock time (opening to the clock's stop).</summary>
    public required DurationStats WallResolution { get; init; }

    /// <summary>Gets the resolution times in business time as the SLA clock counts it (on the calendar, holds excluded).</summary>
    public required DurationStats BusinessResolution { get; init; }

    /// <summary>Gets whether the escalation sweeper ran.</summary>
    public required bool EscalationsRan { get; init; }

    /// <summary>Gets why escalations did not run, if they did not.</summary>
    public string? EscalationNotice { get; init; }

    /// <summary>Gets the sweeps run (one per simulated interval that passed).</summary>
    public required int Sweeps { get; init; }

    /// <summary>Gets the sweeper's totals.</summary>
    public required SweepResult SweepTotals { get; init; }

    /// <summary>Gets the tickets escalated, per level (a level fires at most once per ticket).</summary>
    public required IReadOnlyList<(int Level, string Rule, int Count)> EscalationsByLevel { get; init; }

    /// <summary>Gets the functional escalations: moves to the 2nd-line group made by the sweeper.</summary>
    public required int FunctionalEscalations { get; init; }

    /// <summary>Gets the group reassignments replayed from the log: events whose <c>assignment_group</c> differs from the
    /// incident's previous group in the log (functional escalations are counted apart).</summary>
    public required int Reassignments { get; init; }

    /// <summary>Gets the tickets reassigned at least once.</summary>
    public required int ReassignedTickets { get; init; }

    /// <summary>Gets the log's own count: the sum of the last <c>reassignment_count</c> of each incident (group or analyst changes).</summary>
    public required int LogReassignmentCount { get; init; }

    /// <summary>Gets the busiest groups, most tickets first.</summary>
    public required IReadOnlyList<GroupRow> BusiestGroups { get; init; }

    /// <summary>Gets the invoice summary per contract.</summary>
    public required IReadOnlyList<ContractRow> Contracts { get; init; }

    /// <summary>Gets the analytics package's figures for the replayed tickets (statistics, compliance, availability,
    /// staffing, problem candidates, a what-if), computed from the same history reads as the rest of the report.</summary>
    public required ReplayAnalytics Analytics { get; init; }

    /// <summary>Gets the wall time of the replay (reading, replaying, reporting).</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Gets the wall time of the replay phase alone (commands and sweeps).</summary>
    public required TimeSpan ReplayElapsed { get; init; }

    /// <summary>Gets the wall time spent in escalation sweeps (part of <see cref="ReplayElapsed"/>).</summary>
    public required TimeSpan SweepElapsed { get; init; }

    /// <summary>Gets the log events applied per second of the whole run.</summary>
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? Events / Elapsed.TotalSeconds : 0;
}
