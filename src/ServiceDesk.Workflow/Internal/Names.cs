namespace ServiceDesk.Workflow;

/// <summary>Name rules shared by states, triggers, reasons and guards.</summary>
internal static class Names
{
    /// <summary>The maximum length of a guard name: 128.</summary>
    public const int MaxGuardLength = 128;

    public static bool IsIdentifier(string? name, int maxLength)
    {
        if (string.IsNullOrEmpty(name) || name.Length > maxLength || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsStatus(string? name) => IsIdentifier(name, TicketStatus.MaxLength);

    /// <summary>Guard names may also hold <c>: = | . -</c> so that built-in guards carry their argument.</summary>
    public static bool IsGuardName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxGuardLength || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or ':' or '=' or '|' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    public static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"{TextPolicy.Echo(n)}"));
}
