using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Billing;

/// <summary>The profitability of a contract in a month: invoiced revenue minus the cost of the agents' time.</summary>
/// <param name="Contract">The contract.</param>
/// <param name="Month">The month.</param>
/// <param name="Revenue">The net invoiced revenue (the sum of the statement's rounded lines).</param>
/// <param name="Cost">The agents' cost: each entry's actual time (billable or not) times its agent's hourly cost, rounded once.</param>
/// <param name="AgentsWithoutCostRate">Agents whose time was not costed because no cost rate was given, ordered by id.</param>
public sealed record ContractProfitability(ContractId Contract, YearMonth Month, Money Revenue, Money Cost, IReadOnlyList<AgentId> AgentsWithoutCostRate)
{
    /// <summary>Gets revenue minus cost.</summary>
    public Money Margin => Revenue - Cost;

    /// <summary>Gets the margin as a fraction of revenue (0.25 for 25 %), rounded to 4 decimals; <see langword="null"/> when there is no revenue.</summary>
    public decimal? MarginRatio => Revenue.IsZero ? null : decimal.Round(Margin.Amount / Revenue.Amount, 4, MidpointRounding.AwayFromZero);
}

/// <summary>An agent's utilisation over a period: billable hours over the hours the agent's calendar is open.</summary>
/// <param name="Agent">The agent.</param>
/// <param name="Period">The period.</param>
/// <param name="AvailableTime">The business time of the agent's calendar in the period.</param>
/// <param name="BillableTime">The actual billable time of the agent's entries that start in the period.</param>
/// <param name="NonBillableTime">The actual non-billable time of those entries.</param>
public sealed record AgentUtilisation(AgentId Agent, Interval Period, Duration AvailableTime, Duration BillableTime, Duration NonBillableTime)
{
    /// <summary>Gets billable over available time, rounded to 4 decimals (may exceed 1 with overtime); <see langword="null"/> when no time was available.</summary>
    public decimal? Utilisation => AvailableTime <= Duration.Zero
        ? null
        : decimal.Round((decimal)BillableTime.BclCompatibleTicks / AvailableTime.BclCompatibleTicks, 4, MidpointRounding.AwayFromZero);
}

/// <summary>Computes contract profitability and agent utilisation. Pure and thread-safe.</summary>
public static class ProfitabilityCalculator
{
    /// <summary>Computes the profitability of a contract-month.</summary>
    /// <param name="statement">The statement (from <see cref="BillingCalculator"/>).</param>
    /// <param name="hourlyCosts">Each agent's cost per hour, in the contract's currency.</param>
    /// <returns>The profitability.</returns>
    /// <exception cref="CurrencyMismatchException">A cost rate is in another currency.</exception>
    /// <remarks>Each entry is costed once, on its actual duration, whatever it was charged as (quota, bundle, overage, time and materials, non-billable).</remarks>
    public static ContractProfitability Calculate(ContractMonthStatement statement, IReadOnlyDictionary<AgentId, Money> hourlyCosts)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(hourlyCosts);
        var currency = statement.Contract.Currency;
        var cost = Money.Zero(currency);
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in statement.Allocations.Select(a => a.Entry).DistinctBy(e => e.Id))
        {
            if (hourlyCosts.TryGetValue(entry.Agent, out var rate))
            {
                cost += new Money(rate.Amount * entry.Duration.BclCompatibleTicks / ContractEngine.TicksPerHour, rate.Currency);
            }
            else
            {
                missing.Add(entry.Agent.Value);
            }
        }

        return new ContractProfitability(statement.Contract.Id, statement.Month, statement.NetTotal, cost.Round(), [.. missing.Select(a => new AgentId(a))]);
    }

    /// <summary>Computes an agent's utilisation over a period.</summary>
    /// <param name="agent">The agent.</param>
    /// <param name="calendar">The agent's working calendar (available hours are its business time in the period).</param>
    /// <param name="period">The period.</param>
    /// <param name="entries">Time entries (other agents' are ignored; rejected entries are not counted; pass validated, effective entries).</param>
    /// <returns>The utilisation.</returns>
    public static AgentUtilisation Utilisation(AgentId agent, BusinessCalendar calendar, Interval period, IEnumerable<TimeEntry> entries)
    {
        AgentId.ThrowIfDefault(agent);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(entries);
        if (!period.HasStart || !period.HasEnd)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "The period must have a start and an end.");
        }

        long billable = 0, nonBillable = 0;
        foreach (var e in entries)
        {
            if (e.Agent != agent || e.Approval == ApprovalState.Rejected || e.Duration <= Duration.Zero || !period.Contains(e.Start))
            {
                continue;
            }

            if (e.Billable)
            {
                billable += e.Duration.BclCompatibleTicks;
            }
            else
            {
                nonBillable += e.Duration.BclCompatibleTicks;
            }
        }

        var available = calendar.BusinessTimeBetween(period.Start, period.End);
        return new AgentUtilisation(agent, period, available, Duration.FromTicks(billable), Duration.FromTicks(nonBillable));
    }

    /// <summary>Computes an agent's utilisation over a calendar month in the agent's calendar zone.</summary>
    /// <param name="agent">The agent.</param>
    /// <param name="calendar">The agent's working calendar.</param>
    /// <param name="month">The month, in the calendar's zone.</param>
    /// <param name="entries">Time entries.</param>
    /// <returns>The utilisation.</returns>
    public static AgentUtilisation Utilisation(AgentId agent, BusinessCalendar calendar, YearMonth month, IEnumerable<TimeEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return Utilisation(agent, calendar, MonthInterval(calendar.Zone, month), entries);
    }

    /// <summary>The interval of a calendar month in a zone: from the start of its first day to the start of the next month.</summary>
    internal static Interval MonthInterval(DateTimeZone zone, YearMonth month)
        => new(zone.AtStartOfDay(month.OnDayOfMonth(1)).ToInstant(), zone.AtStartOfDay(month.PlusMonths(1).OnDayOfMonth(1)).ToInstant());
}
