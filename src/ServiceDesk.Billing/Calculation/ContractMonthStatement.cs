using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>
/// Everything billed under one contract in one calendar month: time allocations, quota, bundles, overage,
/// invoice lines and what was left out. Produced by <see cref="BillingCalculator"/>; immutable.
/// </summary>
/// <remarks>
/// Invariants (tested): <c>IncludedTime + RolloverIn = QuotaUsed + QuotaLeft</c>;
/// <c>BillableTime = QuotaUsed + PrepaidUsed + OverageTime + TimeAndMaterialsTime + UncoveredTime</c>;
/// <c>NetTotal</c>, <c>TaxTotal</c> and <c>Total</c> are the sums of the lines.
/// </remarks>
public sealed class ContractMonthStatement
{
    internal ContractMonthStatement(
        Contract contract, YearMonth month, in MonthTotals t, bool inForce, TimeAllocation[] allocations, BundleUsage[] bundles,
        InvoiceLine[] lines, WorkAllocation[] works, UnitQuotaUsage[] units, ExcludedItem[] excluded, TimeEntryFault[] faults)
    {
        Contract = contract;
        Month = month;
        Period = contract.GetMonthInterval(month);
        InForce = inForce;
        BillableTime = Duration.FromTicks(t.Billable);
        NonBillableTime = Duration.FromTicks(t.NonBillable);
        IncludedTime = Duration.FromTicks(t.Included);
        RolloverIn = Duration.FromTicks(t.RolloverIn);
        QuotaUsed = Duration.FromTicks(t.QuotaUsed);
        QuotaLeft = Duration.FromTicks(t.QuotaLeft);
        RolloverOut = Duration.FromTicks(t.RolloverOut);
        PrepaidUsed = Duration.FromTicks(t.BundleUsed);
        OverageTime = Duration.FromTicks(t.Overage);
        TimeAndMaterialsTime = Duration.FromTicks(t.TimeAndMaterials);
        UncoveredTime = Duration.FromTicks(t.Uncovered);
        Revenue = new Money(t.TimeRevenue + t.OtherRevenue, contract.Currency);
        Allocations = allocations;
        Bundles = bundles;
        Lines = lines;
        Works = [.. works.Select(w => w.Work)];
        WorkAllocations = works;
        UnitQuotas = units;
        Excluded = excluded;
        Faults = faults;
        NetTotal = Money.Sum(lines.Select(l => l.Net), contract.Currency);
        TaxTotal = Money.Sum(lines.Select(l => l.Tax), contract.Currency);
    }

    /// <summary>Gets the contract.</summary>
    public Contract Contract { get; }

    /// <summary>Gets the month (in the contract's zone).</summary>
    public YearMonth Month { get; }

    /// <summary>Gets the month as a half-open interval of instants.</summary>
    public Interval Period { get; }

    /// <summary>Gets a value indicating whether the contract is in force on at least one day of the month.</summary>
    public bool InForce { get; }

    /// <summary>Gets the billable time, rounded per entry by the contract's rule.</summary>
    public Duration BillableTime { get; }

    /// <summary>Gets the non-billable time (actual).</summary>
    public Duration NonBillableTime { get; }

    /// <summary>Gets the time granted by the subscription this month: a period's included time (pro-rated when partial) in its first month, else zero.</summary>
    public Duration IncludedTime { get; }

    /// <summary>Gets the quota brought forward: within a period, what was left last month; in a period's first month, the time rolled over from the previous period.</summary>
    public Duration RolloverIn { get; }

    /// <summary>Gets the quota (rolled-over plus included time) used.</summary>
    public Duration QuotaUsed { get; }

    /// <summary>Gets the quota left at the end of the month.</summary>
    public Duration QuotaLeft { get; }

    /// <summary>Gets the quota carried into the next month: all of <see cref="QuotaLeft"/> within a period; at a period's end, the unused included time (capped) with rollover, else zero.</summary>
    public Duration RolloverOut { get; }

    /// <summary>Gets the time drawn from prepaid bundles.</summary>
    public Duration PrepaidUsed { get; }

    /// <summary>Gets the subscription overage time.</summary>
    public Duration OverageTime { get; }

    /// <summary>Gets the time charged at time-and-materials rates.</summary>
    public Duration TimeAndMaterialsTime { get; }

    /// <summary>Gets the billable time no plan covers (not charged).</summary>
    public Duration UncoveredTime { get; }

    /// <summary>Gets the revenue before per-line rounding: exact fees, bundle prices and works, and time revenue to 10 decimal places.</summary>
    public Money Revenue { get; }

    /// <summary>Gets the time allocations, in the order the entries were priced (start, then id).</summary>
    public IReadOnlyList<TimeAllocation> Allocations { get; }

    /// <summary>Gets how each prepaid bundle was drawn on.</summary>
    public IReadOnlyList<BundleUsage> Bundles { get; }

    /// <summary>Gets the invoice lines: fee, bundles, overage, time and materials (by rate, in-hours before after-hours), one-off works (by item code).</summary>
    public IReadOnlyList<InvoiceLine> Lines { get; }

    /// <summary>Gets the one-off works billed (charged, or drawn from included units), in order of performance, then id.</summary>
    public IReadOnlyList<OneOffWork> Works { get; }

    /// <summary>Gets how each billed one-off work was paid for: included units and charged quantity (same order as <see cref="Works"/>).</summary>
    public IReadOnlyList<WorkAllocation> WorkAllocations { get; }

    /// <summary>Gets how the subscription's included units were drawn on this month, one per <see cref="SubscriptionPlan.IncludedUnits"/> item.</summary>
    public IReadOnlyList<UnitQuotaUsage> UnitQuotas { get; }

    /// <summary>Gets the entries and works of the month that were left out, and why.</summary>
    public IReadOnlyList<ExcludedItem> Excluded { get; }

    /// <summary>Gets the validation faults of the month's entries (errors and warnings).</summary>
    public IReadOnlyList<TimeEntryFault> Faults { get; }

    /// <summary>Gets the sum of the lines' net amounts.</summary>
    public Money NetTotal { get; }

    /// <summary>Gets the sum of the lines' taxes.</summary>
    public Money TaxTotal { get; }

    /// <summary>Gets net plus tax.</summary>
    public Money Total => NetTotal + TaxTotal;
}
