namespace ServiceDesk.Storage.PostgreSql;

/// <summary>Options of <see cref="PostgreSqlTicketStore"/>.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>option</term><description>default</description></listheader>
/// <item><term><see cref="ConnectionString"/></term><description>required (Npgsql format)</description></item>
/// <item><term><see cref="Schema"/></term><description><c>servicedesk</c></description></item>
/// <item><term><see cref="OnCorruptRow"/></term><description>none</description></item>
/// <item><term><see cref="OutboxLagThreshold"/></term><description>5 minutes</description></item>
/// </list>
/// </remarks>
public sealed class PostgreSqlTicketStoreOptions
{
    /// <summary>A shallow copy, for registrations that fill in defaults without changing the caller's instance.</summary>
    internal PostgreSqlTicketStoreOptions Clone() => (PostgreSqlTicketStoreOptions)MemberwiseClone();

    /// <summary>Gets or sets the Npgsql connection string, e.g. <c>Host=db;Database=desk;Username=desk;Password=…</c>.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Gets or sets the schema that holds the tables; created when absent. Default: <c>servicedesk</c>.
    /// 1 to 63 lower-case ASCII letters, digits or underscores, starting with a letter.</summary>
    public string Schema { get; set; } = "servicedesk";

    /// <summary>Gets or sets what is told of each corrupt stored event that <see cref="PostgreSqlTicketStore.ReadOutboxAsync"/>
    /// skips: a <see cref="StorageException"/> naming the table, the tenant, the ticket, the version and the outbox
    /// position, with the JSON error as its inner exception. Default: <see langword="null"/> (skipped without a report).</summary>
    /// <remarks>A corrupt event never fails the outbox read: it is skipped together with the later messages of its ticket
    /// (so that a consumer never sees a ticket's events out of order), and every other ticket and tenant is read as
    /// usual. Each read reports it again until an operator repairs the row (it is then read as usual) or acknowledges its
    /// position with <see cref="PostgreSqlTicketStore.AcknowledgeOutboxAsync"/> (the ticket's later messages then follow).
    /// Log it here; an exception thrown by the callback fails the read instead.</remarks>
    public Action<StorageException>? OnCorruptRow { get; set; }

    /// <summary>Gets or sets the outbox lag past which <see cref="PostgreSqlTicketStoreHealthCheck"/> reports
    /// <see cref="Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded"/>: the age of the oldest message not
    /// yet acknowledged. Default: 5 minutes; must be more than zero. The store itself does not use it.</summary>
    public NodaTime.Duration OutboxLagThreshold { get; set; } = NodaTime.Duration.FromMinutes(5);

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
            faults.Add($"Schema: {TextPolicy.Echo(Schema)} must be 1 to 63 lower-case ASCII letters, digits or underscores, starting with a letter");
        }

        if (faults.Count > 0)
        {
            throw new InvalidDefinitionException("PostgreSQL ticket store options", faults);
        }
    }
}
