namespace ServiceDesk.Storage.PostgreSql;

/// <summary>Options of <see cref="PostgreSqlTicketStore"/>.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>option</term><description>default</description></listheader>
/// <item><term><see cref="ConnectionString"/></term><description>required (Npgsql format)</description></item>
/// <item><term><see cref="Schema"/></term><description><c>servicedesk</c></description></item>
/// </list>
/// </remarks>
public sealed class PostgreSqlTicketStoreOptions
{
    /// <summary>Gets or sets the Npgsql connection string, e.g. <c>Host=db;Database=desk;Username=desk;Password=…</c>.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Gets or sets the schema that holds the tables; created when absent. Default: <c>servicedesk</c>.
    /// 1 to 63 lower-case ASCII letters, digits or underscores, starting with a letter.</summary>
    public string Schema { get; set; } = "servicedesk";

    internal void Validate()
    {
        var faults = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            faults.Add("ConnectionString: a connection string is required");
        }
        else
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException ex)
            {
                faults.Add($"ConnectionString: {ex.Message}");
            }
        }

        if (Schema is null || Schema.Length is < 1 or > 63 || !char.IsAsciiLetterLower(Schema[0])
            || !Schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            faults.Add($"Schema: '{Schema}' must be 1 to 63 lower-case ASCII letters, digits or underscores, starting with a letter");
        }

        if (faults.Count > 0)
        {
            throw new InvalidDefinitionException("PostgreSQL ticket store options", faults);
        }
    }
}
