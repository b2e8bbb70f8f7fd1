using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Billing;

/// <summary>
/// A monthly subscription: a fee per calendar month (in the contract's zone), an included quota of time per month,
/// optional rollover of unused quota, and overage beyond it at an hourly rate or a price-list item.
/// </summary>
/// <param name="MonthlyFee">The fee per calendar month, net of tax, rounded to the minor unit; may be zero.</param>
/// <param name="IncludedTime">The time included per month; zero or more.</param>
/// <remarks>
/// <para>The fee is charged in full for every month in which the contract is in force on at least one day (no
/// pro-rating). Billable time of the covered activities draws first on time rolled over from the previous month,
/// then on this month's included time, then on prepaid bundles, and the rest is overage.</para>
/// <para><b>Rollover.</b> With <see cref="RolloverUnused"/>, the included time left unused at the end of a month
/// (capped by <see cref="RolloverCap"/>) is available in the next month only; rolled-over time that is not used
/// there expires. Without it, unused time expires at the end of the month.</para>
/// <para>Validated when the contract is built.</para>
/// </remarks>
public sealed record SubscriptionPlan(Money MonthlyFee, Duration IncludedTime)
{
    /// <summary>Gets the name printed on invoice lines. Default: <c>Subscription</c>.</summary>
    public string Name { get; init; } = "Subscription";

    /// <summary>Gets a value indicating whether unused included time carries into the next month. Default: <see langword="false"/>.</summary>
    public bool RolloverUnused { get; init; }

    /// <summary>Gets the most time that can roll over, or <see langword="null"/> for at most one month's included time.</summary>
    public Duration? RolloverCap { get; init; }

    /// <summary>Gets the overage rate per hour, or <see langword="null"/> when <see cref="OverageItemCode"/> is used.</summary>
    public Money? OverageHourlyRate { get; init; }

    /// <summary>Gets the code of the price-list item (unit <see cref="CatalogueItem.HourUnit"/>) that prices overage, or <see langword="null"/>.</summary>
    public string? OverageItemCode { get; init; }

    /// <summary>Gets the activities the subscription covers; empty (the default) covers every activity.</summary>
    public IReadOnlyList<string> Activities { get; init; } = [];
}

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
