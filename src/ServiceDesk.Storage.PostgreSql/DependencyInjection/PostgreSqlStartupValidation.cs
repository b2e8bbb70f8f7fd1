namespace ServiceDesk.Storage.PostgreSql;

/// <summary>The options check run at start-up by <c>AddServiceDesk()</c>, so its faults join the others (the store checks
/// again when opening).</summary>
internal static class PostgreSqlStartupValidation
{
    public static void Validate(PostgreSqlTicketStoreOptions options, ICollection<string> faults)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            faults.Add("PostgreSql.ConnectionString: a connection string is required");
        }
        else
        {
            try
            {
                var builder = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
                if (string.IsNullOrWhiteSpace(builder.Host))
                {
                    faults.Add("PostgreSql.ConnectionString: no Host is given");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
            {
                faults.Add($"PostgreSql.ConnectionString: malformed ({ex.Message})");
            }
        }

        var schema = options.Schema;
        if (schema is null || schema.Length is < 1 or > 63 || !char.IsAsciiLetterLower(schema[0])
            || !schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            faults.Add($"PostgreSql.Schema: '{schema}' must be 1 to 63 lower-case ASCII letters, digits or underscores, starting with a letter");
        }

        if (options.OutboxLagThreshold <= NodaTime.Duration.Zero)
        {
            faults.Add($"PostgreSql.OutboxLagThreshold: {options.OutboxLagThreshold} must be more than zero");
        }
    }
}
