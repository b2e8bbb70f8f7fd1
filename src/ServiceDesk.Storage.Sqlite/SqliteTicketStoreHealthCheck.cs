using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ServiceDesk.Storage.Sqlite;

/// <summary>
/// The health of a SQLite ticket store file: it opens (read-only, never creating it), SQLite's <c>PRAGMA quick_check</c>
/// finds no damage, and its schema version is the one this library writes (<see cref="SqliteTicketStore.SchemaVersion"/>).
/// </summary>
/// <remarks>
/// <para>Results: <see cref="HealthStatus.Healthy"/> with data <c>dataSource</c>, <c>schemaVersion</c> and
/// <c>expectedSchemaVersion</c>; the registration's failure status (by default <see cref="HealthStatus.Unhealthy"/>) when
/// the file is missing or does not open, the integrity check reports damage (its first lines are in the description),
/// the file has no ServiceDesk schema, or its schema version differs from <see cref="SqliteTicketStore.SchemaVersion"/>
/// (older: not migrated yet; newer: written by a newer library).</para>
/// <para><c>quick_check</c> reads the whole file (without the index cross-checks of <c>integrity_check</c>), so its cost
/// grows with the file: about a second per few hundred megabytes. Poll it accordingly. Thread-safe; each call opens a
/// connection of its own. <c>UseSqlite</c> registers it as the <c>servicedesk-store</c> check; without dependency
/// injection add it yourself, e.g. <c>services.AddHealthChecks().AddCheck("desk", new SqliteTicketStoreHealthCheck(options))</c>.</para>
/// </remarks>
public sealed class SqliteTicketStoreHealthCheck : IHealthCheck
{
    private const int ReportedDamageLines = 5;
    private readonly string _dataSource;
    private readonly string _connectionString;

    /// <summary>Initializes a new instance of the <see cref="SqliteTicketStoreHealthCheck"/> class.</summary>
    /// <param name="options">The store's options; <see cref="SqliteTicketStoreOptions.DataSource"/> and
    /// <see cref="SqliteTicketStoreOptions.BusyTimeout"/> are used.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="SqliteTicketStoreOptions.DataSource"/> is empty.</exception>
    public SqliteTicketStoreHealthCheck(SqliteTicketStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataSource, nameof(options));
        _dataSource = Path.GetFullPath(options.DataSource);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _dataSource,
            Mode = SqliteOpenMode.ReadOnly,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(Math.Clamp(options.BusyTimeout.TotalSeconds, 1, 600)),
        }.ToString();
    }

    /// <summary>Checks the file.</summary>
    /// <param name="context">The health check context; its registration's failure status is reported on failure.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The result.</returns>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        if (!File.Exists(_dataSource))
        {
            return new HealthCheckResult(failure, $"The SQLite database '{_dataSource}' does not exist.", data: Data(null));
        }

        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            var damage = new List<string>();
            await using (var check = connection.CreateCommand())
            {
                check.CommandText = "PRAGMA quick_check;";
                await using var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var line = reader.GetString(0);
                    if (!string.Equals(line, "ok", StringComparison.Ordinal) && damage.Count < ReportedDamageLines)
                    {
                        damage.Add(line);
                    }
                }
            }

            if (damage.Count > 0)
            {
                return new HealthCheckResult(
                    failure,
                    $"The SQLite database '{_dataSource}' is damaged (quick_check): {string.Join("; ", damage)}",
                    data: Data(null));
            }

            int version;
            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;";
                try
                {
                    version = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == 1)
                {
                    return new HealthCheckResult(failure, $"The SQLite database '{_dataSource}' has no ServiceDesk schema.", ex, Data(null));
                }
            }

            if (version != SqliteTicketStore.SchemaVersion)
            {
                var why = version < SqliteTicketStore.SchemaVersion ? "not migrated yet" : "written by a newer library";
                return new HealthCheckResult(
                    failure,
                    $"The SQLite database '{_dataSource}' has schema version {version}, this library uses {SqliteTicketStore.SchemaVersion} ({why}).",
                    data: Data(version));
            }

            return HealthCheckResult.Healthy($"The SQLite database '{_dataSource}' is intact at schema version {version}.", Data(version));
        }
        catch (SqliteException ex)
        {
            return new HealthCheckResult(failure, $"The SQLite database '{_dataSource}' does not open or read: {ex.Message}", ex, Data(null));
        }
    }

    private Dictionary<string, object> Data(int? version)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["dataSource"] = _dataSource,
            ["expectedSchemaVersion"] = SqliteTicketStore.SchemaVersion,
        };
        if (version is { } v)
        {
            data["schemaVersion"] = v;
        }

        return data;
    }
}
