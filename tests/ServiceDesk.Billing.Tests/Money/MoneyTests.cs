using FsCheck.Xunit;

namespace ServiceDesk.Billing.Tests;

public class MoneyTests
{
    private static readonly Currency Eur = Currency.Eur;

    [Theory]
    [InlineData("0.005", "0.01")]
    [InlineData("-0.005", "-0.01")]
    [InlineData("0.015", "0.02")]
    [InlineData("0.025", "0.03")]
    [InlineData("1.2349", "1.23")]
    [InlineData("47.025", "47.03")]
    public void Round_Midpoint_RoundsAwayFromZero(string amount, string expected)
    {
        var rounded = new Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), Eur).Round();

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), rounded.Amount);
    }

    [Fact]
    public void Round_CurrencyWithoutMinorUnit_RoundsToWholeUnits()
    {
        Assert.Equal(3m, new Money(2.5m, Currency.Jpy).Round().Amount);
        Assert.Equal(0.124m, new Money(0.1235m, Currency.FromCode("KWD")).Round().Amount);
    }

    [Fact]
    public void Add_MixedCurrencies_ThrowsCurrencyMismatch()
    {
        var eur = new Money(1m, Eur);
        var usd = new Money(1m, Currency.Usd);

        var ex = Assert.Throws<CurrencyMismatchException>(() => eur + usd);
        Assert.Equal(Eur, ex.Left);
        Assert.Equal(Currency.Usd, ex.Right);
        Assert.Contains("EUR and USD", ex.Message, StringComparison.Ordinal);
        Assert.Throws<CurrencyMismatchException>(() => eur - usd);
        Assert.Throws<CurrencyMismatchException>(() => eur < usd);
        Assert.Throws<CurrencyMismatchException>(() => Money.Sum([eur, usd], Eur));
    }

    [Fact]
    public void Equals_MixedCurrencies_IsFalseWithoutThrowing()
    {
        Assert.NotEqual(new Money(1m, Eur), new Money(1m, Currency.Usd));
        Assert.Equal(new Money(1.0m, Eur), new Money(1.00m, Eur));
    }

    [Fact]
    public void ToMinorUnits_RoundedAmount_ReturnsCents()
    {
        Assert.Equal(88953L, new Money(889.525m, Eur).ToMinorUnits());
        Assert.Equal(new Money(889.53m, Eur), Money.FromMinorUnits(88953, Eur));
        Assert.Equal(-1L, new Money(-0.005m, Eur).ToMinorUnits());
    }

    [Fact]
    public void Constructor_DefaultCurrency_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Money(1m, default));
    }

    [Theory]
    [InlineData("eur")]
    [InlineData("EU")]
    [InlineData("EURO")]
    [InlineData("E1R")]
    public void Currency_MalformedCode_Throws(string code)
    {
        Assert.Throws<ArgumentException>(() => new Currency(code, 2));
    }

    [Fact]
    public void Currency_UnknownCodeOrBadMinorUnits_Throws()
    {
        Assert.Throws<ArgumentException>(() => Currency.FromCode("XYZ"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Currency("XYZ", 5));
        Assert.Equal(3, Currency.FromCode("BHD").MinorUnits);
        Assert.True(Currency.TryFromCode("JPY", out var jpy) && jpy.MinorUnits == 0);
    }

    [Fact]
    public void ToString_Amount_UsesInvariantFormatAndCode()
    {
        Assert.Equal("1234.50 EUR", new Money(1234.5m, Eur).ToString());
        Assert.Equal("0.125 EUR", new Money(0.125m, Eur).ToString());
        Assert.Equal("7 JPY", new Money(7m, Currency.Jpy).ToString());
    }

    [Property(MaxTest = 500)]
    public bool Round_AnyAmount_DiffersByAtMostHalfAMinorUnit(long units, int fraction)
    {
        var exact = (units / 1000m) + (fraction % 100000 / 10000000m);
        var rounded = new Money(exact, Eur).Round();
        return Math.Abs(rounded.Amount - exact) <= 0.005m && rounded.IsRounded;
    }

    [Property(MaxTest = 200)]
    public bool Add_ThenSubtract_ReturnsOriginal(long a, long b)
    {
        var x = Money.FromMinorUnits(a / 4, Eur);
        var y = Money.FromMinorUnits(b / 4, Eur);
        return x + y - y == x && (x + y).ToMinorUnits() == (a / 4) + (b / 4);
    }
}
