namespace ServiceDesk;

/// <summary>Validation shared by the string-based strongly typed identifiers.</summary>
internal static class Identifier
{
    /// <summary>The maximum length of a string identifier, in UTF-16 code units.</summary>
    public const int MaxLength = 128;

    public static string Validate(string value, string typeName)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value.Length > MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(value),
                value.Length,
                value.Length == 0
                    ? $"A {typeName} must be 1 to {MaxLength} characters long; got 0."
                    : $"A {typeName} must be 1 to {MaxLength} characters long; got {value.Length:N0}: {TextPolicy.Echo(value)}.");
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                throw new ArgumentException(
                    $"A {typeName} may not contain whitespace or control characters; got {TextPolicy.Echo(value)}.",
                    nameof(value));
            }
        }

        var at = TextPolicy.IndexOfUnstorable(value); // NUL is a control character, so only a lone surrogate is left to find
        if (at >= 0)
        {
            throw new ArgumentException(TextPolicy.Describe(value, at, typeName), nameof(value));
        }

        return value;
    }

    public static string Text(string? value) => value ?? "(default)";
}
