using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace ServiceDesk.Storage.PostgreSql;

/// <summary>
/// The health of a PostgreSQL ticket store: the server answers, the schema has the version this library writes
/// (<see cref="PostgreSqlTicketStore.SchemaVersion"/>), and the transactional outbox is drained: its oldest
/// unacknowledged message is younger than <see cref="PostgreSqlTicketStoreOptions.OutboxLagThreshold"/>.
/// </summary>
/// <remarks>
/// <para>Results: <see cref="HealthStatus.Healthy"/>; <see cref="HealthStatus.Degraded"/> when the outbox lags (the
/// desk works, but integration events reach the bus late: a stopped publisher); the registration's failure status (by
/// default <see cref="HealthStatus.Unhealthy"/>) when the server does not answer, the schema is missing or its version
/// differs. Data: <c>schema</c>, <c>schemaVersion</c>, <c>expectedSchemaVersion</c>, <c>outboxPending</c> (counted up
/// to 100,000), <c>outboxOldest</c> (the instant of the oldest pending event) and <c>outboxLagSeconds</c>.</para>
/// <para>The lag is measured on <c>clock</c>, the clock the engine stamps events with (the registered
/// <see cref="IClock"/> under <c>AddServiceDesk()</c>); without one, on the database server's clock. Three short
/// queries on the primary key and the schema table; thread-safe, each call takes a pooled connection.</para>
/// </remarks>
public sealed class PostgreSqlTicketStoreHealthCheck : IHealthCheck
{
    private const int PendingCountCap = 100_000;
    private readonly string _connectionString;
    private readonly string _schema;
    private readonly string _quoted;
    private readonly Duration _threshold;
    private readonly IClock? _clock;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlTicketStoreHealthCheck"/> class.</summary>
    /// <param name="options">The store's options: connection string, schema and <see cref="PostgreSqlTicketStoreOptions.OutboxLagThreshold"/>.</param>
    /// <param name="clock">The clock the events are stamped with; <see langword="null"/> uses the database server's clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDefinitionException">The options are invalid; every fault is listed.</exception>
    public PostgreSqlTicketStoreHealthCheck(PostgreSqlTicketStoreOptions options, IClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.OutboxLagThreshold <= Duration.Zero)
        {
            throw new InvalidDefinitionException("PostgreSQL ticket store options", [$"OutboxLagThreshold: {options.OutboxLagThreshold} must be more than zero"]);
        }

        _connectionString = options.ConnectionString;
        _schema = options.Schema;
        _quoted = "\"" + options.Schema + "\"";
        _threshold = options.OutboxLagThreshold;
        _clock = clock;
    }

    /// <summary>Checks the store.</summary>
    /// <param name="context">The health check context; its registration's failure status is reported on failure.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The result.</returns>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["schema"] = _schema,
            ["expectedSchemaVersion"] = PostgreSqlTicketStore.SchemaVersion,
        };
        try
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            int? version;
            await using (var read = new NpgsqlCommand(
                $"SELECT CASE WHEN to_regclass('{_quoted}.schema_migrations') IS NULL THEN NULL ELSE 0 END;", connection))
            {
                version = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DBNull ? null : 0;
            }

            if (version is null)
            {
                return new HealthCheckResult(failure, $"The PostgreSQL schema '{_schema}' has no ServiceDesk tables.", data: data);
            }

            await using (var read = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {_quoted}.schema_migrations;", connection))
            {
                version = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            data["schemaVersion"] = version.Value;
            if (version != PostgreSqlTicketStore.SchemaVersion)
            {
                var why = version < PostgreSqlTicketStore.SchemaVersion ? "not migrated yet" : "written by a newer library";
                return new HealthCheckResult(
                    failure,
                    $"The PostgreSQL schema '{_schema}' has version {version}, this library uses {PostgreSqlTicketStore.SchemaVersion} ({why}).",
                    data: data);
            }

            long pending;
            string? oldestText;
            Instant serverNow;
            await using (var read = new NpgsqlCommand(
                $"SELECT (SELECT count(*) FROM (SELECT 1 FROM {_quoted}.outbox LIMIT {PendingCountCap}) AS p),"
                + $" (SELECT event->>'at' FROM {_quoted}.outbox ORDER BY position LIMIT 1),"
                + " (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint;",
                connection))
            {
                await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                pending = reader.GetInt64(0);
                oldestText = reader.IsDBNull(1) ? null : reader.GetString(1);
                serverNow = Instant.FromUnixTimeMilliseconds(reader.GetInt64(2));
            }

            data["outboxPending"] = pending;
            var lag = Duration.Zero;
            if (oldestText is not null && InstantPattern.ExtendedIso.Parse(oldestText) is { Success: true } oldest)
            {
                var now = _clock?.GetCurrentInstant() ?? serverNow;
                lag = Duration.Max(Duration.Zero, now - oldest.Value);
                data["outboxOldest"] = oldest.Value.ToString();
            }

            data["outboxLagSeconds"] = Math.Round(lag.TotalSeconds, 3);
            if (lag > _threshold)
            {
                return HealthCheckResult.Degraded(
                    $"The PostgreSQL outbox lags: its oldest of {pending} pending messages is {Format(lag)} old (threshold {Format(_threshold)}); is the publisher running?",
                    data: data);
            }

            return HealthCheckResult.Healthy(
                $"The PostgreSQL schema '{_schema}' is at version {version}; {pending} outbox messages pending, lag {Format(lag)}.", data);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return new HealthCheckResult(failure, $"The PostgreSQL store does not answer: {ex.Message}", ex, data);
        }
    }

    private static string Format(Duration duration)
        => DurationPattern.Roundtrip.Format(Duration.FromSeconds(Math.Round(duration.TotalSeconds)));
}
