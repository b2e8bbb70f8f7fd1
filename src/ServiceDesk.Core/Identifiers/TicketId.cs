using System.Globalization;

namespace ServiceDesk;

/// <summary>Identifies a ticket, globally and permanently; the human-readable counterpart is <see cref="TicketNumber"/>.</summary>
/// <remarks>
/// <para>A ticket id wraps a non-empty <see cref="Guid"/>. <c>default(TicketId)</c> (the empty GUID) identifies
/// nothing: the constructor rejects <see cref="Guid.Empty"/>, and <see cref="IsDefault"/> tells the default apart.</para>
/// <para>This type is an immutable value type and is thread-safe.</para>
/// </remarks>
public readonly record struct TicketId : ISpanFormattable
{
    /// <summary>Initializes a new ticket id from a non-empty GUID.</summary>
    /// <param name="value">The GUID; must not be <see cref="Guid.Empty"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is <see cref="Guid.Empty"/>.</exception>
    public TicketId(Guid value)
    {
        if (value == Guid.Empty)
        {
            throw new ArgumentException("A TicketId cannot be the empty GUID (00000000-0000-0000-0000-000000000000).", nameof(value));
        }

        Value = value;
    }

    /// <summary>Gets the GUID; <see cref="Guid.Empty"/> for <c>default(TicketId)</c>.</summary>
    public Guid Value { get; }

    /// <summary>Gets a value indicating whether this is <c>default(TicketId)</c>, which identifies nothing.</summary>
    public bool IsDefault => Value == Guid.Empty;

    /// <summary>Creates a new random ticket id.</summary>
    /// <returns>A new, non-default id.</returns>
    public static TicketId New() => new(Guid.NewGuid());

    /// <summary>Parses a ticket id from its GUID text (any format accepted by <see cref="Guid.Parse(string)"/>).</summary>
    /// <param name="text">The text to parse.</param>
    /// <returns>The ticket id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not a GUID.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is the empty GUID.</exception>
    public static TicketId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new TicketId(Guid.Parse(text, CultureInfo.InvariantCulture));
    }

    /// <summary>Throws if <paramref name="id"/> is <c>default(TicketId)</c>.</summary>
    /// <param name="id">The identifier to check.</param>
    /// <param name="paramName">The name of the parameter being checked.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is the default value.</exception>
    public static void ThrowIfDefault(TicketId id, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(id))] string? paramName = null)
    {
        if (id.IsDefault)
        {
            throw new ArgumentException("default(TicketId) identifies nothing; create one with TicketId.New().", paramName);
        }
    }

    /// <summary>Returns the GUID in its <c>D</c> format (lower-case, with hyphens).</summary>
    /// <returns>The identifier's text.</returns>
    public override string ToString() => Value.ToString("D", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => Value.ToString(format, formatProvider);

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => Value.TryFormat(destination, out charsWritten, format.IsEmpty ? "D" : format);
}
