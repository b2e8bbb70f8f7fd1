namespace ServiceDesk;

/// <summary>Argument checks shared across the package; every failure names the argument, value and valid range.</summary>
internal static class Guard
{
    public static void Defined<TEnum>(TEnum value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? paramName = null)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw Undefined(value, paramName);
        }
    }

    public static ArgumentOutOfRangeException Undefined<TEnum>(TEnum value, string? paramName)
        where TEnum : struct, Enum
        => new(
            paramName,
            value,
            $"{value} is not a defined {typeof(TEnum).Name}; valid values are {string.Join(", ", Enum.GetNames<TEnum>())}.");

    public static string Text(
        string? value,
        int maxLength,
        bool required,
        [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (value is null)
        {
            if (required)
            {
                throw new ArgumentNullException(paramName);
            }

            return string.Empty;
        }

        if (required && string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{paramName} must not be empty or whitespace; it must be 1 to {maxLength} characters.", paramName);
        }

        if (value.Length > maxLength)
        {
            throw new ArgumentOutOfRangeException(
                paramName, value.Length, $"{paramName} is {value.Length:N0} characters long; the maximum is {maxLength:N0}. Value: {TextPolicy.Echo(value)}.");
        }

        var at = TextPolicy.IndexOfUnstorable(value);
        if (at >= 0)
        {
            throw new ArgumentException(TextPolicy.Describe(value, at, paramName), paramName);
        }

        return value;
    }

    public static string? OptionalText(
        string? value,
        int maxLength,
        [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? paramName = null)
        => value is null ? null : Text(value, maxLength, required: true, paramName);
}
