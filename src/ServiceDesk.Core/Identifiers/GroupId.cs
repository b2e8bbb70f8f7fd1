namespace ServiceDesk;

/// <summary>Identifies an assignment group (a team or queue, e.g. a 2nd-line network team).</summary>
/// <remarks>
/// <para>The value is an opaque string chosen by the embedding product (a key from its own database, a slug, a
/// GUID in text form): 1 to 128 characters, without whitespace or control characters. Comparison is ordinal
/// and case-sensitive.</para>
/// <para><c>default(GroupId)</c> is not a valid identifier: <see cref="IsDefault"/> is <see langword="true"/> for it,
/// and members that need an identifier reject it with an <see cref="ArgumentException"/>.</para>
/// <para>This type is an immutable value type and is thread-safe.</para>
/// </remarks>
public readonly record struct GroupId
{
    /// <summary>Initializes a new identifier from its string value.</summary>
    /// <param name="value">The identifier: 1 to 128 characters, no whitespace or control characters.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is empty or longer than 128 characters.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> contains whitespace or control characters.</exception>
    public GroupId(string value) => Value = Identifier.Validate(value, nameof(GroupId));

    /// <summary>Gets the string value, or <see langword="null"/> for <c>default(GroupId)</c>.</summary>
    public string Value { get; }

    /// <summary>Gets a value indicating whether this is <c>default(GroupId)</c>, which identifies nothing.</summary>
    public bool IsDefault => Value is null;

    /// <summary>Returns the string value (or <c>(default)</c>).</summary>
    /// <returns>The identifier's text.</returns>
    public override string ToString() => Identifier.Text(Value);

    /// <summary>Throws if <paramref name="id"/> is <c>default(GroupId)</c>.</summary>
    /// <param name="id">The identifier to check.</param>
    /// <param name="paramName">The name of the parameter being checked.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is the default value.</exception>
    public static void ThrowIfDefault(GroupId id, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(id))] string? paramName = null)
    {
        if (id.IsDefault)
        {
            throw new ArgumentException($"default(GroupId) identifies nothing; create one with new GroupId(value).", paramName);
        }
    }
}
