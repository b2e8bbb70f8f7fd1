using System.Collections.Frozen;
using System.Globalization;

namespace ServiceDesk.Billing;

/// <summary>An ISO 4217 currency: its three-letter code and the number of digits of its minor unit.</summary>
/// <remarks>
/// <para><see cref="FromCode"/> knows the minor units of the common ISO 4217 currencies (for example EUR 2, JPY 0,
/// KWD 3); any other code can be described with the public constructor.</para>
/// <para><c>default(Currency)</c> is not a currency: <see cref="IsDefault"/> is <see langword="true"/> for it and
/// <see cref="Money"/> rejects it. Equality compares the code and the minor units.</para>
/// <para>This type is an immutable value type and is thread-safe.</para>
/// </remarks>
public readonly record struct Currency
{
    /// <summary>The largest supported number of minor-unit digits.</summary>
    public const int MaxMinorUnits = 4;

    private static readonly FrozenDictionary<string, int> Known = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AED"] = 2, ["ARS"] = 2, ["AUD"] = 2, ["BGN"] = 2, ["BHD"] = 3, ["BRL"] = 2, ["CAD"] = 2, ["CHF"] = 2,
        ["CLP"] = 0, ["CNY"] = 2, ["COP"] = 2, ["CZK"] = 2, ["DKK"] = 2, ["EGP"] = 2, ["EUR"] = 2, ["GBP"] = 2,
        ["HKD"] = 2, ["HUF"] = 2, ["IDR"] = 2, ["ILS"] = 2, ["INR"] = 2, ["ISK"] = 0, ["JOD"] = 3, ["JPY"] = 0,
        ["KRW"] = 0, ["KWD"] = 3, ["MXN"] = 2, ["MYR"] = 2, ["NOK"] = 2, ["NZD"] = 2, ["OMR"] = 3, ["PHP"] = 2,
        ["PLN"] = 2, ["QAR"] = 2, ["RON"] = 2, ["RSD"] = 2, ["SAR"] = 2, ["SEK"] = 2, ["SGD"] = 2, ["THB"] = 2,
        ["TND"] = 3, ["TRY"] = 2, ["TWD"] = 2, ["UAH"] = 2, ["USD"] = 2, ["VND"] = 0, ["ZAR"] = 2,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Initializes a currency from its code and minor units.</summary>
    /// <param name="code">Three upper-case ASCII letters, e.g. <c>EUR</c>.</param>
    /// <param name="minorUnits">Digits after the decimal point of the minor unit: 0 to <see cref="MaxMinorUnits"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="code"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="code"/> is not three upper-case ASCII letters.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minorUnits"/> is outside 0..4.</exception>
    public Currency(string code, int minorUnits)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (!IsWellFormed(code))
        {
            throw new ArgumentException($"A currency code must be three upper-case ASCII letters (ISO 4217); got {TextPolicy.Echo(code)}.", nameof(code));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(minorUnits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minorUnits, MaxMinorUnits);
        Code = code;
        MinorUnits = minorUnits;
    }

    /// <summary>Gets the euro (EUR, 2 minor digits).</summary>
    public static Currency Eur => new("EUR", 2);

    /// <summary>Gets the US dollar (USD, 2 minor digits).</summary>
    public static Currency Usd => new("USD", 2);

    /// <summary>Gets the pound sterling (GBP, 2 minor digits).</summary>
    public static Currency Gbp => new("GBP", 2);

    /// <summary>Gets the yen (JPY, no minor unit).</summary>
    public static Currency Jpy => new("JPY", 0);

    /// <summary>Gets the ISO 4217 code, or <see langword="null"/> for <c>default(Currency)</c>.</summary>
    public string Code { get; }

    /// <summary>Gets the number of digits of the minor unit (2 for cents, 0 for yen, 3 for fils).</summary>
    public int MinorUnits { get; }

    /// <summary>Gets a value indicating whether this is <c>default(Currency)</c>, which is no currency.</summary>
    public bool IsDefault => Code is null;

    /// <summary>Gets the currency with a known ISO 4217 code.</summary>
    /// <param name="code">A code such as <c>EUR</c> (case-sensitive, upper case).</param>
    /// <returns>The currency with its minor units.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="code"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The code is not one of the known codes; use the constructor for others.</exception>
    public static Currency FromCode(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return TryFromCode(code, out var currency)
            ? currency
            : throw new ArgumentException($"{TextPolicy.Echo(code)} is not a known ISO 4217 code; use new Currency(code, minorUnits) for it.", nameof(code));
    }

    /// <summary>Tries to get the currency with a known ISO 4217 code.</summary>
    /// <param name="code">A code such as <c>EUR</c>.</param>
    /// <param name="currency">The currency when found.</param>
    /// <returns><see langword="true"/> when the code is known.</returns>
    public static bool TryFromCode(string? code, out Currency currency)
    {
        if (code is not null && Known.TryGetValue(code, out var minor))
        {
            currency = new Currency(code, minor);
            return true;
        }

        currency = default;
        return false;
    }

    /// <summary>Returns the code (or <c>(default)</c>).</summary>
    /// <returns>The code.</returns>
    public override string ToString() => Code ?? "(default)";

    internal decimal MinorUnitFactor => MinorUnits switch { 0 => 1m, 1 => 10m, 2 => 100m, 3 => 1000m, _ => 10000m };

    internal static void ThrowIfDefault(Currency currency, string? paramName)
    {
        if (currency.IsDefault)
        {
            throw new ArgumentException("default(Currency) is no currency; use Currency.FromCode or the constructor.", paramName);
        }
    }

    private static bool IsWellFormed(string code)
        => code.Length == 3 && code.All(c => c is >= 'A' and <= 'Z');

}
