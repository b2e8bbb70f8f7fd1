using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>Where a slice of billable time was charged.</summary>
public enum AllocationSource
{
    /// <summary>Non-billable time: recorded, never charged.</summary>
    NonBillable = 0,

    /// <summary>Drawn from the subscription's quota (rolled-over time first, then this month's included time).</summary>
    Quota = 1,

    /// <summary>Drawn from a prepaid bundle.</summary>
    PrepaidBundle = 2,

    /// <summary>Subscription overage beyond the quota and the bundles.</summary>
    Overage = 3,

    /// <summary>Charged at a time-and-materials rate.</summary>
    TimeAndMaterials = 4,

    /// <summary>Billable, but no plan of the contract covers it (activity, service or configuration item not covered, or no rate); not charged.</summary>
    Uncovered = 5,
}

/// <summary>Why an entry or a work was left out of a statement.</summary>
public enum ExclusionReason
{
    /// <summary>The validator reported an error for it (see the statement's faults), or a one-off work has a negative quantity.</summary>
    Invalid = 0,

    /// <summary>Pending approval and the contract requires approval.</summary>
    NotApproved = 1,

    /// <summary>Rejected.</summary>
    Rejected = 2,

    /// <summary>The contract is not in force on its date (draft, suspended, before the start or after the end).</summary>
    NotInForce = 3,

    /// <summary>A one-off work names an item that is not in the price list.</summary>
    UnknownItem = 4,

    /// <summary>A one-off work names an item the contract's one-off works plan does not allow, or the contract has no such plan.</summary>
    ItemNotAllowed = 5,

    /// <summary>Already on a current invoice of another period or contract.</summary>
    AlreadyInvoiced = 6,
}

/// <summary>A slice of a time entry and where it was charged. An entry yields one slice per source it draws on.</summary>
/// <param name="Entry">The time entry.</param>
/// <param name="Source">Where the slice was charged.</param>
/// <param name="Time">The billed (rounded) time of the slice; for <see cref="AllocationSource.NonBillable"/>, the actual time.</param>
/// <param name="AfterHoursTime">The part of <paramref name="Time"/> charged at the after-hours multiplier (time and materials only).</param>
/// <param name="Revenue">The revenue of the slice, unrounded (to 10 decimal places); zero for quota, bundle, uncovered and non-billable slices.</param>
public sealed record TimeAllocation(TimeEntry Entry, AllocationSource Source, Duration Time, Duration AfterHoursTime, Money Revenue)
{
    /// <summary>Gets the name of the prepaid bundle drawn on, or <see langword="null"/>.</summary>
    public string? BundleName { get; init; }
}

/// <summary>An entry or one-off work left out of a statement, and why.</summary>
/// <param name="Id">The entry's or work's id.</param>
/// <param name="Reason">Why.</param>
/// <param name="Message">A description.</param>
public sealed record ExcludedItem(string Id, ExclusionReason Reason, string Message);

/// <summary>How a prepaid bundle was drawn on in a month.</summary>
/// <param name="Name">The bundle's name.</param>
/// <param name="Opening">Time left at the start of the month.</param>
/// <param name="Used">Time drawn in the month.</param>
/// <param name="Closing">Time left at the end of the month (<paramref name="Opening"/> minus <paramref name="Used"/>).</param>
public sealed record BundleUsage(string Name, Duration Opening, Duration Used, Duration Closing);

/// <summary>How a subscription's included units of a price-list item were drawn on in a month.</summary>
/// <param name="ItemCode">The price-list item.</param>
/// <param name="Unit">The item's unit (for example <c>callout</c>).</param>
/// <param name="Included">Units granted this month: a period's units (pro-rated when partial) in its first month, else zero.</param>
/// <param name="RolloverIn">Units brought forward: within a period, what was left last month; in a period's first month, the rollover from the previous period.</param>
/// <param name="Used">Units drawn by one-off works of the item this month.</param>
/// <param name="Left">Units left at the end of the month: <c>Included + RolloverIn - Used</c>.</param>
/// <param name="RolloverOut">Units carried into the next month: all of <paramref name="Left"/> within a period; at a period's end, the unused units of the period (capped at one period's quantity) with rollover, else zero.</param>
public sealed record UnitQuotaUsage(string ItemCode, string Unit, decimal Included, decimal RolloverIn, decimal Used, decimal Left, decimal RolloverOut);

/// <summary>How a billed one-off work was paid for: from the subscription's included units, and the rest charged.</summary>
/// <param name="Work">The work.</param>
/// <param name="FromQuota">The quantity drawn from the included units of its item.</param>
/// <param name="Charged">The quantity charged at the item's price.</param>
/// <param name="Revenue">The charged quantity times the unit price (exact, before per-line rounding).</param>
public sealed record WorkAllocation(OneOffWork Work, decimal FromQuota, decimal Charged, Money Revenue);

/// <summary>The kind of an invoice line.</summary>
public enum InvoiceLineKind
{
    /// <summary>The subscription's monthly fee.</summary>
    SubscriptionFee = 0,

    /// <summary>The price of a prepaid bundle bought in the month.</summary>
    PrepaidBundle = 1,

    /// <summary>Subscription overage.</summary>
    Overage = 2,

    /// <summary>Time and materials.</summary>
    TimeAndMaterials = 3,

    /// <summary>A fixed-price one-off work.</summary>
    OneOffWork = 4,
}

/// <summary>A line of an invoice or credit note: quantity times unit price, rounded once, and its tax.</summary>
/// <param name="Kind">The kind of line.</param>
/// <param name="Description">The text printed on the line.</param>
/// <param name="Quantity">The quantity (hours for time, exact: ticks divided by ticks per hour); negative on credit notes.</param>
/// <param name="Unit">The unit of the quantity, e.g. <c>hour</c>, <c>month</c>, <c>each</c>.</param>
/// <param name="UnitPrice">The net price per unit (after-hours lines include the multiplier).</param>
/// <param name="Net">Quantity times unit price, rounded to the minor unit with <see cref="Money.RoundingMode"/>.</param>
/// <param name="TaxRate">The tax rate (a fraction).</param>
/// <param name="Tax">Net times tax rate, rounded to the minor unit with <see cref="Money.RoundingMode"/>.</param>
public sealed record InvoiceLine(InvoiceLineKind Kind, string Description, decimal Quantity, string Unit, Money UnitPrice, Money Net, decimal TaxRate, Money Tax)
{
    /// <summary>Gets net plus tax.</summary>
    public Money Gross => Net + Tax;

    /// <summary>Gets the net amount in minor units.</summary>
    public long NetMinorUnits => Net.ToMinorUnits();

    /// <summary>Gets the tax in minor units.</summary>
    public long TaxMinorUnits => Tax.ToMinorUnits();

    internal static InvoiceLine Create(InvoiceLineKind kind, string description, decimal quantity, string unit, Money unitPrice, decimal exactNet, decimal taxRate)
    {
        var net = new Money(exactNet, unitPrice.Currency).Round();
        var tax = (net * taxRate).Round();
        return new InvoiceLine(kind, description, quantity, unit, unitPrice, net, taxRate, tax);
    }

    internal InvoiceLine Negate() => this with { Quantity = -Quantity, Net = -Net, Tax = -Tax };
}
