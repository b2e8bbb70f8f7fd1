namespace ServiceDesk.Billing;

/// <summary>Collects catalogue items and validates them into an immutable <see cref="PriceList"/>.</summary>
/// <remarks>Not thread-safe; build once and share the resulting <see cref="PriceList"/>.</remarks>
public sealed class PriceListBuilder
{
    /// <summary>The maximum length of an item code.</summary>
    public const int MaxCodeLength = 64;

    private readonly List<CatalogueItem> _items = [];

    /// <summary>Initializes a builder.</summary>
    /// <param name="name">The name of the price list.</param>
    /// <param name="currency">The currency every price must be in.</param>
    public PriceListBuilder(string name, Currency currency)
    {
        Name = name;
        Currency = currency;
    }

    /// <summary>Gets or sets the name of the price list (required, not blank).</summary>
    public string Name { get; set; }

    /// <summary>Gets or sets the currency every price must be in.</summary>
    public Currency Currency { get; set; }

    /// <summary>Adds an item.</summary>
    /// <param name="item">The item; validated by <see cref="Build"/>.</param>
    /// <returns>This builder.</returns>
    public PriceListBuilder Add(CatalogueItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        _items.Add(item);
        return this;
    }

    /// <summary>Adds an item.</summary>
    /// <param name="code">The item code.</param>
    /// <param name="name">The name printed on invoices.</param>
    /// <param name="unit">The unit, e.g. <see cref="CatalogueItem.HourUnit"/>.</param>
    /// <param name="unitPrice">The net unit price in the price list's currency.</param>
    /// <param name="taxRate">The item's tax rate (fraction), or <see langword="null"/> for the contract's.</param>
    /// <returns>This builder.</returns>
    public PriceListBuilder Add(string code, string name, string unit, decimal unitPrice, decimal? taxRate = null)
        => Add(new CatalogueItem(code, name, unit, new Money(unitPrice, Currency)) { TaxRate = taxRate });

    /// <summary>Validates everything and builds the price list.</summary>
    /// <returns>The immutable price list.</returns>
    /// <exception cref="InvalidDefinitionException">
    /// Listing every fault: blank name, default currency, blank or too long or duplicate codes, blank names or
    /// units, prices in another currency or negative, tax rates outside 0..1.
    /// </exception>
    public PriceList Build()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("Name: a price list needs a name.");
        }

        if (Currency.IsDefault)
        {
            errors.Add("Currency: a price list needs a currency.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _items.Count; i++)
        {
            var item = _items[i];
            var at = $"Items[{i}]";
            if (string.IsNullOrWhiteSpace(item.Code) || item.Code.Length > MaxCodeLength)
            {
                errors.Add($"{at}.Code: must be 1 to {MaxCodeLength} characters, not blank; got {TextPolicy.Echo(item.Code)}.");
            }
            else if (!seen.Add(item.Code))
            {
                errors.Add($"{at}.Code: {TextPolicy.Echo(item.Code)} is defined more than once.");
            }

            if (string.IsNullOrWhiteSpace(item.Name))
            {
                errors.Add($"{at}.Name: must not be blank.");
            }

            if (string.IsNullOrWhiteSpace(item.Unit))
            {
                errors.Add($"{at}.Unit: must not be blank (e.g. {TextPolicy.Echo(CatalogueItem.HourUnit)}, 'each').");
            }

            if (item.UnitPrice.Currency.IsDefault || (!Currency.IsDefault && item.UnitPrice.Currency != Currency))
            {
                errors.Add($"{at}.UnitPrice: must be in {Currency}; got {item.UnitPrice.Currency}.");
            }
            else if (item.UnitPrice.Amount < 0m)
            {
                errors.Add($"{at}.UnitPrice: must not be negative; got {item.UnitPrice}.");
            }

            if (item.TaxRate is { } rate && (rate < 0m || rate > 1m))
            {
                errors.Add($"{at}.TaxRate: must be a fraction from 0 to 1 (0.2 for 20 %); got {rate}.");
            }
        }

        return errors.Count > 0
            ? throw new InvalidDefinitionException("price list", errors)
            : new PriceList(Name, Currency, [.. _items]);
    }
}
