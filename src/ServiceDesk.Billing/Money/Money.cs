using System.Globalization;

namespace ServiceDesk.Billing;

/// <summary>An amount of money: a <see cref="decimal"/> amount in a <see cref="Billing.Currency"/>.</summary>
/// <remarks>
/// <para><b>No floating point.</b> Amounts are <see cref="decimal"/> throughout; there is no conversion from or to
/// <see cref="double"/>.</para>
/// <para><b>Precision.</b> An amount may carry more digits than the currency's minor unit (a unit price of
/// 0.125 EUR, an exact pro-rata value). Only <see cref="Round"/> and <see cref="ToMinorUnits"/> round.</para>
/// <para><b>Rounding rule.</b> <see cref="Round"/> rounds to the currency's minor unit with
/// <see cref="MidpointRounding.AwayFromZero"/> (commercial rounding: 0.005 EUR becomes 0.01 EUR and -0.005 EUR
/// becomes -0.01 EUR), exposed as <see cref="RoundingMode"/>. A rounded amount therefore differs from the exact
/// one by at most half a minor unit. Invoices round once per line (never per time entry), so each line loses
/// or invents at most half a minor unit.</para>
/// <para><b>Mixed currencies.</b> Addition, subtraction and ordering refuse operands in different currencies with a
/// <see cref="CurrencyMismatchException"/>; equality simply returns <see langword="false"/>.</para>
/// <para>Arithmetic overflow throws <see cref="OverflowException"/>. This type is immutable and thread-safe.</para>
/// </remarks>
public readonly struct Money : IEquatable<Money>, IComparable<Money>
{
    /// <summary>The midpoint rule used by <see cref="Round"/>: <see cref="MidpointRounding.AwayFromZero"/>.</summary>
    public const MidpointRounding RoundingMode = MidpointRounding.AwayFromZero;

    /// <summary>Initializes an amount in a currency.</summary>
    /// <param name="amount">The amount, exact (not rounded).</param>
    /// <param name="currency">The currency; not <c>default</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="currency"/> is <c>default(Currency)</c>.</exception>
    public Money(decimal amount, Currency currency)
    {
        Currency.ThrowIfDefault(currency, nameof(currency));
        Amount = amount;
        Currency = currency;
    }

    /// <summary>Gets the amount (exact; possibly with more digits than the minor unit).</summary>
    public decimal Amount { get; }

    /// <summary>Gets the currency.</summary>
    public Currency Currency { get; }

    /// <summary>Gets a value indicating whether the amount has no more digits than the currency's minor unit.</summary>
    public bool IsRounded => Amount == decimal.Round(Amount, Currency.MinorUnits, RoundingMode);

    /// <summary>Gets a value indicating whether the amount is zero.</summary>
    public bool IsZero => Amount == 0m;

    /// <summary>Gets zero in a currency.</summary>
    /// <param name="currency">The currency.</param>
    /// <returns>Zero.</returns>
    public static Money Zero(Currency currency) => new(0m, currency);

    /// <summary>Creates an amount from a whole number of minor units (cents for EUR).</summary>
    /// <param name="minorUnits">The number of minor units, e.g. 12345 for 123.45 EUR.</param>
    /// <param name="currency">The currency.</param>
    /// <returns>The amount.</returns>
    public static Money FromMinorUnits(long minorUnits, Currency currency)
    {
        Currency.ThrowIfDefault(currency, nameof(currency));
        return new Money(minorUnits / currency.MinorUnitFactor, currency);
    }

    /// <summary>Rounds to the currency's minor unit with <see cref="RoundingMode"/> (half away from zero).</summary>
    /// <returns>The rounded amount.</returns>
    public Money Round() => new(decimal.Round(Amount, Currency.MinorUnits, RoundingMode), Currency);

    /// <summary>Rounds (see <see cref="Round"/>) and returns the whole number of minor units.</summary>
    /// <returns>The amount in minor units, e.g. 12345 for 123.45 EUR.</returns>
    /// <exception cref="OverflowException">The amount does not fit a 64-bit integer of minor units.</exception>
    public long ToMinorUnits() => checked((long)(Round().Amount * Currency.MinorUnitFactor));

    /// <summary>Adds two amounts of the same currency.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>The exact sum.</returns>
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public static Money operator +(Money left, Money right)
    {
        SameCurrency(left, right);
        return new Money(left.Amount + right.Amount, left.Currency);
    }

    /// <summary>Subtracts two amounts of the same currency.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The amount to subtract.</param>
    /// <returns>The exact difference.</returns>
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public static Money operator -(Money left, Money right)
    {
        SameCurrency(left, right);
        return new Money(left.Amount - right.Amount, left.Currency);
    }

    /// <summary>Negates an amount.</summary>
    /// <param name="value">The amount.</param>
    /// <returns>The negated amount.</returns>
    public static Money operator -(Money value) => new(-value.Amount, value.Currency);

    /// <summary>Multiplies an amount by a factor (a quantity, a multiplier, a tax rate).</summary>
    /// <param name="value">The amount.</param>
    /// <param name="factor">The factor.</param>
    /// <returns>The exact product, not rounded.</returns>
    public static Money operator *(Money value, decimal factor) => new(value.Amount * factor, value.Currency);

    /// <summary>Multiplies an amount by a factor.</summary>
    /// <param name="factor">The factor.</param>
    /// <param name="value">The amount.</param>
    /// <returns>The exact product, not rounded.</returns>
    public static Money operator *(decimal factor, Money value) => value * factor;

    /// <summary>Compares two amounts for equality of currency and amount.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns><see langword="true"/> when both currency and amount are equal (1.0 equals 1.00).</returns>
    public static bool operator ==(Money left, Money right) => left.Equals(right);

    /// <summary>Compares two amounts for inequality.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>The negation of <see cref="op_Equality"/>.</returns>
    public static bool operator !=(Money left, Money right) => !left.Equals(right);

    /// <summary>Orders two amounts of the same currency.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>Whether <paramref name="left"/> is smaller.</returns>
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public static bool operator <(Money left, Money right) => left.CompareTo(right) < 0;

    /// <summary>Orders two amounts of the same currency.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>Whether <paramref name="left"/> is larger.</returns>
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public static bool operator >(Money left, Money right) => left.CompareTo(right) > 0;

    /// <summary>Orders two amounts of the same currency.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>Whether <paramref name="left"/> is smaller or equal.</returns>
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public static bool operator <=(Money left, Money right) => left.CompareTo(right) <= 0;

    /// <summary>Orders two amounts of the same currency.</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>Whether <paramref name="left"/> is larger or equal.</returns>
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public static bool operator >=(Money left, Money right) => left.CompareTo(right) >= 0;

    /// <summary>Adds amounts of one currency.</summary>
    /// <param name="values">The amounts; all in <paramref name="currency"/>.</param>
    /// <param name="currency">The currency of the result (and of every amount).</param>
    /// <returns>The exact sum; zero for no amounts.</returns>
    /// <exception cref="CurrencyMismatchException">An amount is in another currency.</exception>
    public static Money Sum(IEnumerable<Money> values, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(values);
        var total = Zero(currency);
        foreach (var value in values)
        {
            total += value;
        }

        return total;
    }

    /// <summary>Adds two amounts (the named alternative to <c>+</c>).</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The second amount.</param>
    /// <returns>The exact sum.</returns>
    public static Money Add(Money left, Money right) => left + right;

    /// <summary>Subtracts two amounts (the named alternative to <c>-</c>).</summary>
    /// <param name="left">The first amount.</param>
    /// <param name="right">The amount to subtract.</param>
    /// <returns>The exact difference.</returns>
    public static Money Subtract(Money left, Money right) => left - right;

    /// <summary>Negates an amount (the named alternative to unary <c>-</c>).</summary>
    /// <param name="value">The amount.</param>
    /// <returns>The negated amount.</returns>
    public static Money Negate(Money value) => -value;

    /// <summary>Multiplies an amount (the named alternative to <c>*</c>).</summary>
    /// <param name="value">The amount.</param>
    /// <param name="factor">The factor.</param>
    /// <returns>The exact product.</returns>
    public static Money Multiply(Money value, decimal factor) => value * factor;

    /// <inheritdoc/>
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public int CompareTo(Money other)
    {
        SameCurrency(this, other);
        return Amount.CompareTo(other.Amount);
    }

    /// <inheritdoc/>
    public bool Equals(Money other) => Currency == other.Currency && Amount == other.Amount;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Money other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Currency, Amount);

    /// <summary>Formats as <c>123.45 EUR</c> (invariant culture, at least the minor digits, exact amount).</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var format = Currency.MinorUnits == 0 ? "0.############" : "0." + new string('0', Currency.MinorUnits) + "##########";
        return Amount.ToString(format, CultureInfo.InvariantCulture) + " " + Currency;
    }

    private static void SameCurrency(Money left, Money right)
    {
        if (left.Currency != right.Currency)
        {
            throw new CurrencyMismatchException(left.Currency, right.Currency);
        }
    }
}
