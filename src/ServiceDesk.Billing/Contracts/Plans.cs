using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Billing;

/// <summary>
/// A subscription: a fee per billing period (a month, a quarter, a year or any number of months, anchored at the
/// contract's start month), an included quota of time and of price-list units per period, optional rollover of unused
/// quota into the next period, and overage beyond it at an hourly rate or a price-list item.
/// </summary>
/// <param name="Fee">The fee per billing period (<see cref="PeriodMonths"/>), net of tax, rounded to the minor unit; may be zero.</param>
/// <param name="IncludedTime">The time included per billing period; zero or more.</param>
/// <remarks>
/// <para><b>Periods.</b> Period <c>k</c> covers the <see cref="PeriodMonths"/> calendar months (in the contract's zone)
/// from the contract's start month plus <c>k x PeriodMonths</c>, so every monthly statement belongs to exactly one
/// period. The fee is charged, and the quotas are granted, in the first month of each period in which the contract is
/// in force on at least one day of the period.</para>
/// <para><b>Pro-rating.</b> With <see cref="ProRatePartialPeriods"/> (the default), a period in which the contract is
/// in force on fewer days than the period has (it starts after the first day, or ends before the last) is charged
/// <c>round(Fee x daysInForce / daysInPeriod)</c> to the minor unit, half away from zero (<see cref="Money.RoundingMode"/>);
/// the included time is pro-rated the same way and rounded to the whole minute, half away from zero; included units to
/// whole units, half away from zero. Days are calendar days in the contract's zone.</para>
/// <para><b>Quota.</b> Billable time of the covered activities draws first on time rolled over from the previous
/// period, then on this period's included time (across all the months of the period), then on prepaid bundles, and
/// the rest is overage. One-off works of an item in <see cref="IncludedUnits"/> draw the same way on that item's unit
/// quota, and only the rest is charged at the item's price.</para>
/// <para><b>Rollover.</b> With <see cref="RolloverUnused"/>, the included time (and units) left unused at the end of a
/// period, capped by <see cref="RolloverCap"/> (and, for units, one period's quantity), is available in the next
/// period only; rolled-over quota that is not used there expires. Without it, unused quota expires at the end of the
/// period.</para>
/// <para>Validated when the contract is built.</para>
/// </remarks>
public sealed record SubscriptionPlan(Money Fee, Duration IncludedTime)
{
    /// <summary>Gets the length of a billing period in calendar months: 1 (monthly, the default), 3 (quarterly), 12 (yearly) or any value from 1 to 120.</summary>
    public int PeriodMonths { get; init; } = 1;

    /// <summary>
    /// Gets a value indicating whether the fee and the quotas of a period in which the contract is in force on only
    /// some days are pro-rated by days. Default: <see langword="true"/>.
    /// </summary>
    public bool ProRatePartialPeriods { get; init; } = true;

    /// <summary>Gets the units of price-list items included per period (for example call-outs or tickets); empty by default.</summary>
    public IReadOnlyList<UnitQuota> IncludedUnits { get; init; } = [];

    /// <summary>Gets the name printed on invoice lines. Default: <c>Subscription</c>.</summary>
    public string Name { get; init; } = "Subscription";

    /// <summary>Gets a value indicating whether unused included time and units carry into the next period. Default: <see langword="false"/>.</summary>
    public bool RolloverUnused { get; init; }

    /// <summary>Gets the most time that can roll over, or <see langword="null"/> for at most one period's included time.</summary>
    public Duration? RolloverCap { get; init; }

    /// <summary>Gets the overage rate per hour, or <see langword="null"/> when <see cref="OverageItemCode"/> is used.</summary>
    public Money? OverageHourlyRate { get; init; }

    /// <summary>Gets the code of the price-list item (unit <see cref="CatalogueItem.HourUnit"/>) that prices overage, or <see langword="null"/>.</summary>
    public string? OverageItemCode { get; init; }

    /// <summary>Gets the activities the subscription covers; empty (the default) covers every activity.</summary>
    public IReadOnlyList<string> Activities { get; init; } = [];
}

/// <summary>Units of a price-list item included in each period of a subscription, drawn down by one-off works of that item.</summary>
/// <param name="ItemCode">The price-list item (its <see cref="CatalogueItem.Unit"/> names the unit, for example <c>callout</c>).</param>
/// <param name="Quantity">The units included per period: a positive whole number.</param>
/// <remarks>
/// The item must be in the contract's price list and allowed by its <see cref="OneOffWorksPlan"/>. Works of the item
/// draw on the rolled-over units first, then on the period's units; what is left is charged at the item's price.
/// </remarks>
public sealed record UnitQuota(string ItemCode, decimal Quantity);

/// <summary>An hourly rate of a time-and-materials plan, selected by activity, role and priority.</summary>
/// <param name="Rate">The rate per hour, net of tax.</param>
/// <remarks>
/// A rate applies to an entry when every criterion it sets matches (ordinal comparison for text). Of the rates that
/// apply, the one that sets the most criteria wins; between equally specific rates, the one declared first wins.
/// </remarks>
public sealed record HourlyRate(Money Rate)
{
    /// <summary>Gets the activity this rate is for, or <see langword="null"/> for any.</summary>
    public string? Activity { get; init; }

    /// <summary>Gets the agent role this rate is for, or <see langword="null"/> for any.</summary>
    public string? Role { get; init; }

    /// <summary>Gets the ticket priority this rate is for, or <see langword="null"/> for any.</summary>
    public Priority? Priority { get; init; }

    internal int Specificity => (Activity is null ? 0 : 1) + (Role is null ? 0 : 1) + (Priority is null ? 0 : 1);

    internal bool Matches(TimeEntry entry) => Matches(entry.Activity, entry.Role, entry.Priority);

    internal bool Matches(string activity, string? role, Priority? priority)
        => (Activity is null || string.Equals(Activity, activity, StringComparison.Ordinal))
            && (Role is null || string.Equals(Role, role, StringComparison.Ordinal))
            && (Priority is null || Priority == priority);
}

/// <summary>
/// Time and materials: billable time is charged at hourly rates chosen by activity, role and priority, with an
/// after-hours multiplier for the part of an entry outside the opening hours of a business calendar.
/// </summary>
/// <remarks>
/// <para><b>After hours.</b> The in-hours part of an entry is the business time of <see cref="BusinessHours"/>
/// between its start and its end (<see cref="BusinessCalendar.BusinessTimeBetween"/>); the rest is after hours and is
/// charged at the rate times <see cref="AfterHoursMultiplier"/>. The billed (rounded) time, and any part of it not
/// drawn from a quota or bundle, is split between the two in the proportion of the actual time.</para>
/// <para>An entry for which no rate applies and that has no <see cref="DefaultHourlyRate"/> stays unbilled and is
/// reported as uncovered. Validated when the contract is built.</para>
/// </remarks>
public sealed record TimeAndMaterialsPlan
{
    /// <summary>Gets the name printed on invoice lines. Default: <c>Time and materials</c>.</summary>
    public string Name { get; init; } = "Time and materials";

    /// <summary>Gets the rate for entries no <see cref="Rates"/> entry applies to, or <see langword="null"/>.</summary>
    public Money? DefaultHourlyRate { get; init; }

    /// <summary>Gets the specific rates, in precedence order for equally specific ones.</summary>
    public IReadOnlyList<HourlyRate> Rates { get; init; } = [];

    /// <summary>Gets the multiplier for after-hours time: from 1 to 10. Default: 1 (no surcharge).</summary>
    public decimal AfterHoursMultiplier { get; init; } = 1m;

    /// <summary>Gets the calendar whose open hours are "in hours"; required when the multiplier is not 1.</summary>
    public BusinessCalendar? BusinessHours { get; init; }

    /// <summary>Gets the activities the plan covers; empty (the default) covers every activity.</summary>
    public IReadOnlyList<string> Activities { get; init; } = [];
}

/// <summary>A prepaid bundle of hours, drawn down by billable time until it is used up or expires.</summary>
/// <param name="Name">The name, unique within the contract.</param>
/// <param name="Time">The time bought; positive.</param>
/// <param name="PurchasedOn">The purchase date (contract zone); entries from that date on draw on the bundle.</param>
/// <remarks>
/// Several bundles are drawn in order of expiry (bundles without expiry last), then purchase date, then declaration
/// order. The bundle's <see cref="Price"/>, if given, is invoiced in the month of <paramref name="PurchasedOn"/>.
/// </remarks>
public sealed record PrepaidBundle(string Name, Duration Time, LocalDate PurchasedOn)
{
    /// <summary>Gets the price to invoice in the purchase month, or <see langword="null"/> when invoiced elsewhere.</summary>
    public Money? Price { get; init; }

    /// <summary>Gets the last day entries may draw on the bundle, or <see langword="null"/> when it never expires.</summary>
    public LocalDate? ExpiresOn { get; init; }

    /// <summary>Gets the activities the bundle covers; empty (the default) covers every activity.</summary>
    public IReadOnlyList<string> Activities { get; init; } = [];
}

/// <summary>Fixed-price one-off works: <see cref="OneOffWork"/> records priced from the contract's price list.</summary>
public sealed record OneOffWorksPlan
{
    /// <summary>Gets the item codes that may be ordered; empty (the default) allows every item of the price list.</summary>
    public IReadOnlyList<string> AllowedItems { get; init; } = [];
}
