namespace ServiceDesk.Billing;

/// <summary>Identifies a time entry.</summary>
/// <remarks>
/// <para>The value is an opaque string chosen by the embedding product: 1 to 128 characters, without whitespace or
/// control characters. Comparison is ordinal and case-sensitive.</para>
/// <para><c>default(TimeEntryId)</c> is not a valid identifier (<see cref="IsDefault"/>). Immutable and thread-safe.</para>
/// </remarks>
public readonly record struct TimeEntryId : IComparable<TimeEntryId>
{
    /// <summary>The maximum length of the value.</summary>
    public const int MaxLength = 128;

    /// <summary>Initializes a new identifier from its string value.</summary>
    /// <param name="value">The identifier: 1 to 128 characters, no whitespace or control characters.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is empty or longer than 128 characters.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> contains whitespace or control characters.</exception>
    public TimeEntryId(string value) => Value = Ids.Validate(value, nameof(TimeEntryId));

    /// <summary>Gets the string value, or <see langword="null"/> for <c>default(TimeEntryId)</c>.</summary>
    public string Value { get; }

    /// <summary>Gets a value indicating whether this is <c>default(TimeEntryId)</c>, which identifies nothing.</summary>
    public bool IsDefault => Value is null;

    /// <inheritdoc/>
    public int CompareTo(TimeEntryId other) => string.CompareOrdinal(Value, other.Value);

    /// <summary>Returns the string value (or <c>(default)</c>).</summary>
    /// <returns>The identifier's text.</returns>
    public override string ToString() => Value ?? "(default)";
}

/// <summary>Identifies a one-off work record.</summary>
/// <remarks>Same rules as <see cref="TimeEntryId"/>. Immutable and thread-safe.</remarks>
public readonly record struct OneOffWorkId : IComparable<OneOffWorkId>
{
    /// <summary>Initializes a new identifier from its string value.</summary>
    /// <param name="value">The identifier: 1 to 128 characters, no whitespace or control characters.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is empty or longer than 128 characters.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> contains whitespace or control characters.</exception>
    public OneOffWorkId(string value) => Value = Ids.Validate(value, nameof(OneOffWorkId));

    /// <summary>Gets the string value, or <see langword="null"/> for <c>default(OneOffWorkId)</c>.</summary>
    public string Value { get; }

    /// <summary>Gets a value indicating whether this is <c>default(OneOffWorkId)</c>, which identifies nothing.</summary>
    public bool IsDefault => Value is null;

    /// <inheritdoc/>
    public int CompareTo(OneOffWorkId other) => string.CompareOrdinal(Value, other.Value);

    /// <summary>Returns the string value (or <c>(default)</c>).</summary>
    /// <returns>The identifier's text.</returns>
    public override string ToString() => Value ?? "(default)";
}

internal static class Ids
{
    public static string Validate(string value, string typeName)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is 0 or > TimeEntryId.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"A {typeName} must be 1 to {TimeEntryId.MaxLength} characters long; got {value.Length}.");
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                throw new ArgumentException($"A {typeName} may not contain whitespace or control characters; got {TextPolicy.Echo(value)}.", nameof(value));
            }
        }

        return value;
    }

    public static void ThrowIfDefault(bool isDefault, string typeName, string paramName)
    {
        if (isDefault)
        {
            throw new ArgumentException($"default({typeName}) identifies nothing.", paramName);
        }
    }
}
