using System.Collections.Frozen;

namespace ServiceDesk.Billing;

/// <summary>A validated, immutable price list (catalogue) in one currency.</summary>
/// <remarks>Build one with <see cref="PriceListBuilder"/>. Instances are immutable and thread-safe.</remarks>
public sealed class PriceList
{
    private readonly FrozenDictionary<string, CatalogueItem> _byCode;

    internal PriceList(string name, Currency currency, CatalogueItem[] items)
    {
        Name = name;
        Currency = currency;
        Items = items;
        _byCode = items.ToFrozenDictionary(i => i.Code, StringComparer.Ordinal);
    }

    /// <summary>Gets the name of the price list.</summary>
    public string Name { get; }

    /// <summary>Gets the currency of every price.</summary>
    public Currency Currency { get; }

    /// <summary>Gets the items, in definition order.</summary>
    public IReadOnlyList<CatalogueItem> Items { get; }

    /// <summary>Finds an item by code.</summary>
    /// <param name="code">The item code (ordinal).</param>
    /// <param name="item">The item when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGetItem(string code, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out CatalogueItem item)
    {
        ArgumentNullException.ThrowIfNull(code);
        return _byCode.TryGetValue(code, out item);
    }

    /// <summary>Gets an item by code.</summary>
    /// <param name="code">The item code (ordinal).</param>
    /// <returns>The item.</returns>
    /// <exception cref="KeyNotFoundException">No item has that code.</exception>
    public CatalogueItem GetItem(string code)
        => TryGetItem(code, out var item) ? item : throw new KeyNotFoundException($"Price list {TextPolicy.Echo(Name)} has no item {TextPolicy.Echo(code)}.");
}
