namespace ServiceDesk.Billing.Tests;

public class PriceListBuilderTests
{
    [Fact]
    public void Build_ValidItems_FindsByCode()
    {
        var list = new PriceListBuilder("Standard", Currency.Eur)
            .Add("VISIT", "On-site visit", "visit", 120m, 0.07m)
            .Build();

        Assert.Equal(120m, list.GetItem("VISIT").UnitPrice.Amount);
        Assert.Equal(0.07m, list.GetItem("VISIT").TaxRate);
        Assert.False(list.TryGetItem("NOPE", out _));
        Assert.Throws<KeyNotFoundException>(() => list.GetItem("NOPE"));
    }

    [Fact]
    public void Build_EveryFault_ListsAllInOneException()
    {
        var builder = new PriceListBuilder(" ", Currency.Eur)
            .Add("A", "First", "each", 1m)
            .Add("A", "Duplicate", "each", 1m)
            .Add(" ", "Blank code", "each", 1m)
            .Add("B", " ", " ", -1m, 1.5m)
            .Add(new CatalogueItem("C", "Dollars", "each", new Money(1m, Currency.Usd)));

        var ex = Assert.Throws<InvalidDefinitionException>(builder.Build);

        Assert.Equal(8, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.StartsWith("Name:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("defined more than once", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("Items[2].Code", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("Items[3].Name", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("Items[3].Unit", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("Items[3].UnitPrice: must not be negative", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("Items[3].TaxRate", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("Items[4].UnitPrice: must be in EUR", StringComparison.Ordinal));
    }
}
