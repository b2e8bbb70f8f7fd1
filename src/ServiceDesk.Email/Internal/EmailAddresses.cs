namespace ServiceDesk.Email;

/// <summary>Small checks on addresses and domains shared by intake and notifications.</summary>
internal static class EmailAddresses
{
    public static bool IsDomain(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain) || domain.Length > 253 || domain.StartsWith('.') || domain.EndsWith('.') || !domain.Contains('.', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in domain)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            {
                return false;
            }
        }

        return !domain.Contains("..", StringComparison.Ordinal);
    }

    public static bool IsAddress(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Length > 254)
        {
            return false;
        }

        var at = address.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == address.LastIndexOf('@') && IsDomain(address[(at + 1)..]) && !address.AsSpan(0, at).ContainsAny(" \r\n<>");
    }

    public static string DomainOf(string address) => address[(address.LastIndexOf('@') + 1)..];

    public static string? DomainOfMessageId(string? messageId)
    {
        if (messageId is null)
        {
            return null;
        }

        var at = messageId.LastIndexOf('@');
        return at < 0 ? null : messageId[(at + 1)..].Trim('>', ' ');
    }
}
