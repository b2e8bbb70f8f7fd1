using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace ServiceDesk;

/// <summary>The type of a custom attribute's value.</summary>
public enum AttributeKind
{
    /// <summary>Text, up to <see cref="AttributeValue.MaxStringLength"/> characters.</summary>
    String = 1,

    /// <summary>A 64-bit integer.</summary>
    Integer = 2,

    /// <summary>A decimal number.</summary>
    Decimal = 3,

    /// <summary>A Boolean.</summary>
    Boolean = 4,

    /// <summary>An instant in time (<see cref="NodaTime.Instant"/>).</summary>
    Instant = 5,

    /// <summary>A calendar date (<see cref="NodaTime.LocalDate"/>, ISO calendar).</summary>
    Date = 6,
}

/// <summary>A typed value of a custom attribute on a ticket.</summary>
/// <remarks>Create values with the <c>From…</c> factories and read them with the <c>As…</c> accessors, which throw
/// <see cref="InvalidOperationException"/> for the wrong kind. This type is an immutable value type and is
/// thread-safe. <c>default(AttributeValue)</c> is not valid.</remarks>
public readonly record struct AttributeValue
{
    /// <summary>The maximum length of a string value: 1024 characters.</summary>
    public const int MaxStringLength = 1024;

    private readonly string? _text;
    private readonly long _integer;
    private readonly decimal _decimal;

    private AttributeValue(AttributeKind kind, string? text, long integer, decimal number)
    {
        Kind = kind;
        _text = text;
        _integer = integer;
        _decimal = number;
    }

    /// <summary>Gets the type of the value; 0 for <c>default(AttributeValue)</c>.</summary>
    public AttributeKind Kind { get; }

    /// <summary>Creates a string value.</summary>
    /// <param name="value">The text, 0 to 1024 characters.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is longer than 1024 characters.</exception>
    public static AttributeValue FromString(string value)
        => new(AttributeKind.String, Guard.Text(value, MaxStringLength, required: false, nameof(value)) ?? string.Empty, 0, 0);

    /// <summary>Creates an integer value.</summary>
    /// <param name="value">The integer.</param>
    /// <returns>The value.</returns>
    public static AttributeValue FromInteger(long value) => new(AttributeKind.Integer, null, value, 0);

    /// <summary>Creates a decimal value.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The value.</returns>
    public static AttributeValue FromDecimal(decimal value) => new(AttributeKind.Decimal, null, 0, value);

    /// <summary>Creates a Boolean value.</summary>
    /// <param name="value">The Boolean.</param>
    /// <returns>The value.</returns>
    public static AttributeValue FromBoolean(bool value) => new(AttributeKind.Boolean, null, value ? 1 : 0, 0);

    /// <summary>Creates an instant value.</summary>
    /// <param name="value">The instant.</param>
    /// <returns>The value.</returns>
    public static AttributeValue FromInstant(Instant value) => new(AttributeKind.Instant, null, value.ToUnixTimeTicks(), 0);

    /// <summary>Creates a date value.</summary>
    /// <param name="value">The date, in the ISO calendar.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not in the ISO calendar.</exception>
    public static AttributeValue FromDate(LocalDate value)
    {
        if (value.Calendar != CalendarSystem.Iso)
        {
            throw new ArgumentException($"Date attributes use the ISO calendar; got {value.Calendar.Id}.", nameof(value));
        }

        return new(AttributeKind.Date, null, value.ToDateOnly().DayNumber, 0);
    }

    /// <summary>Returns the string value.</summary>
    /// <returns>The text.</returns>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string AsString() => Kind == AttributeKind.String ? _text! : throw WrongKind(AttributeKind.String);

    /// <summary>Returns the integer value.</summary>
    /// <returns>The integer.</returns>
    /// <exception cref="InvalidOperationException">The value is not an integer.</exception>
    public long AsInteger() => Kind == AttributeKind.Integer ? _integer : throw WrongKind(AttributeKind.Integer);

    /// <summary>Returns the decimal value.</summary>
    /// <returns>The number.</returns>
    /// <exception cref="InvalidOperationException">The value is not a decimal.</exception>
    public decimal AsDecimal() => Kind == AttributeKind.Decimal ? _decimal : throw WrongKind(AttributeKind.Decimal);

    /// <summary>Returns the Boolean value.</summary>
    /// <returns>The Boolean.</returns>
    /// <exception cref="InvalidOperationException">The value is not a Boolean.</exception>
    public bool AsBoolean() => Kind == AttributeKind.Boolean ? _integer != 0 : throw WrongKind(AttributeKind.Boolean);

    /// <summary>Returns the instant value.</summary>
    /// <returns>The instant.</returns>
    /// <exception cref="InvalidOperationException">The value is not an instant.</exception>
    public Instant AsInstant() => Kind == AttributeKind.Instant ? Instant.FromUnixTimeTicks(_integer) : throw WrongKind(AttributeKind.Instant);

    /// <summary>Returns the date value.</summary>
    /// <returns>The date.</returns>
    /// <exception cref="InvalidOperationException">The value is not a date.</exception>
    public LocalDate AsDate() => Kind == AttributeKind.Date ? LocalDate.FromDateOnly(DateOnly.FromDayNumber((int)_integer)) : throw WrongKind(AttributeKind.Date);

    /// <summary>Returns the value as invariant text (ISO-8601 for instants and dates).</summary>
    /// <returns>The display text.</returns>
    public override string ToString() => Kind switch
    {
        AttributeKind.String => _text!,
        AttributeKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        AttributeKind.Decimal => _decimal.ToString(CultureInfo.InvariantCulture),
        AttributeKind.Boolean => _integer != 0 ? "true" : "false",
        AttributeKind.Instant => InstantPattern.ExtendedIso.Format(AsInstant()),
        AttributeKind.Date => LocalDatePattern.Iso.Format(AsDate()),
        _ => "(default)",
    };

    private InvalidOperationException WrongKind(AttributeKind wanted)
        => new($"This attribute value is a {Kind}, not a {wanted}.");
}
