namespace ServiceDesk.Billing;

/// <summary>An item of a <see cref="PriceList"/>: a code, a name, a unit and a price per unit.</summary>
/// <param name="Code">The item code, unique within its price list (ordinal), e.g. <c>ONSITE-VISIT</c>.</param>
/// <param name="Name">The name printed on invoice lines.</param>
/// <param name="Unit">The unit the price is for, e.g. <see cref="HourUnit"/>, <c>each</c> or <c>visit</c>.</param>
/// <param name="UnitPrice">The price of one unit, net of tax; may carry more digits than the minor unit.</param>
/// <remarks>Validated when its price list is built (<see cref="PriceListBuilder.Build"/>).</remarks>
public sealed record CatalogueItem(string Code, string Name, string Unit, Money UnitPrice)
{
    /// <summary>The unit of items priced per hour (used for subscription overage): <c>hour</c>.</summary>
    public const string HourUnit = "hour";

    /// <summary>Gets the tax rate of this item as a fraction (0.2 for 20 %), or <see langword="null"/> to use the contract's rate.</summary>
    public decimal? TaxRate { get; init; }
}
