using System.Globalization;

namespace ServiceDesk;

/// <summary>
/// The human-readable number of a ticket, such as <c>INC0001234</c>: a prefix for its <see cref="TicketKind"/>
/// and a sequence number allocated per tenant and kind.
/// </summary>
/// <remarks>
/// <para>Prefixes: <c>INC</c> incident, <c>REQ</c> service request, <c>PRB</c> problem, <c>CHG</c> change. The
/// sequence is printed with at least seven digits (zero-padded) and at most ten; valid sequences are
/// <see cref="MinSequence"/> to <see cref="MaxSequence"/>.</para>
/// <para>Numbers are allocated by <see cref="Storage.ITicketStore.AllocateNumberAsync"/>, which hands out 1, 2, 3, …
/// per tenant and kind with no duplicate and no gap, whatever the concurrency.</para>
/// <para>This type is an immutable value type and is thread-safe.</para>
/// </remarks>
public readonly record struct TicketNumber : IComparable<TicketNumber>
{
    /// <summary>The smallest valid sequence number: 1.</summary>
    public const long MinSequence = 1;

    /// <summary>The largest valid sequence number: 9,999,999,999 (ten digits).</summary>
    public const long MaxSequence = 9_999_999_999;

    /// <summary>Initializes a new ticket number.</summary>
    /// <param name="kind">The kind of ticket, which gives the prefix.</param>
    /// <param name="sequence">The sequence number, <see cref="MinSequence"/> to <see cref="MaxSequence"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined <see cref="TicketKind"/>, or
    /// <paramref name="sequence"/> is outside 1 to 9,999,999,999.</exception>
    public TicketNumber(TicketKind kind, long sequence)
    {
        Guard.Defined(kind);
        if (sequence < MinSequence || sequence > MaxSequence)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sequence), sequence, $"A ticket sequence number must be between {MinSequence} and {MaxSequence:N0}.");
        }

        Kind = kind;
        Sequence = sequence;
    }

    /// <summary>Gets the kind of ticket.</summary>
    public TicketKind Kind { get; }

    /// <summary>Gets the sequence number within the tenant and kind; 0 for <c>default(TicketNumber)</c>.</summary>
    public long Sequence { get; }

    /// <summary>Gets a value indicating whether this is <c>default(TicketNumber)</c>, which numbers nothing.</summary>
    public bool IsDefault => Sequence == 0;

    /// <summary>Gets the three-letter prefix of a kind: <c>INC</c>, <c>REQ</c>, <c>PRB</c> or <c>CHG</c>.</summary>
    /// <param name="kind">The ticket kind.</param>
    /// <returns>The prefix.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined <see cref="TicketKind"/>.</exception>
    public static string PrefixOf(TicketKind kind) => kind switch
    {
        TicketKind.Incident => "INC",
        TicketKind.ServiceRequest => "REQ",
        TicketKind.Problem => "PRB",
        TicketKind.Change => "CHG",
        _ => throw Guard.Undefined(kind, nameof(kind)),
    };

    /// <summary>Parses a number such as <c>INC0001234</c> (prefix case-insensitive).</summary>
    /// <param name="text">The text to parse.</param>
    /// <returns>The ticket number.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not a prefix followed by 1 to 10 digits in range.</exception>
    public static TicketNumber Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var number)
            ? number
            : throw new FormatException(
                $"{TextPolicy.Echo(text)} is not a ticket number: expected INC, REQ, PRB or CHG followed by 1 to 10 digits (1 to {MaxSequence:N0}), e.g. INC0001234.");
    }

    /// <summary>Tries to parse a number such as <c>INC0001234</c> (prefix case-insensitive).</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="number">The parsed number, or the default value.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid ticket number.</returns>
    public static bool TryParse(string? text, out TicketNumber number)
    {
        number = default;
        if (text is null || text.Length < 4 || text.Length > 13)
        {
            return false;
        }

        TicketKind kind;
        var prefix = text.AsSpan(0, 3);
        if (prefix.Equals("INC", StringComparison.OrdinalIgnoreCase))
        {
            kind = TicketKind.Incident;
        }
        else if (prefix.Equals("REQ", StringComparison.OrdinalIgnoreCase))
        {
            kind = TicketKind.ServiceRequest;
        }
        else if (prefix.Equals("PRB", StringComparison.OrdinalIgnoreCase))
        {
            kind = TicketKind.Problem;
        }
        else if (prefix.Equals("CHG", StringComparison.OrdinalIgnoreCase))
        {
            kind = TicketKind.Change;
        }
        else
        {
            return false;
        }

        var digits = text.AsSpan(3);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || sequence < MinSequence || sequence > MaxSequence)
        {
            return false;
        }

        number = new TicketNumber(kind, sequence);
        return true;
    }

    /// <inheritdoc />
    public int CompareTo(TicketNumber other)
    {
        var byKind = Kind.CompareTo(other.Kind);
        return byKind != 0 ? byKind : Sequence.CompareTo(other.Sequence);
    }

    /// <summary>Returns the number as text, e.g. <c>INC0001234</c>; <c>(none)</c> for the default value.</summary>
    /// <returns>The formatted number.</returns>
    public override string ToString()
        => IsDefault ? "(none)" : PrefixOf(Kind) + Sequence.ToString("D7", CultureInfo.InvariantCulture);
}
