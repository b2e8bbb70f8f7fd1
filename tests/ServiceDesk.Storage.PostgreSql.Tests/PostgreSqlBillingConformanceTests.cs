using Npgsql;
using ServiceDesk.Billing;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>The PostgreSQL adapter passes the whole billing conformance suite against a real server, each test in a schema
/// of its own (dropped afterwards); the concurrency tests use a second store with its own connection pool on the same
/// schema, as a second app instance would.</summary>
[ConformanceSkip(typeof(PostgresServer), nameof(PostgresServer.SkipReason))]
public sealed class PostgreSqlBillingConformanceTests : BillingStoreConformanceTests
{
    private string? _schema;

    protected override async Task<IBillingStore> CreateStoreAsync()
    {
        _schema = "sdtest_bill_" + Guid.NewGuid().ToString("N")[..12];
        return await OpenAsync();
    }

    protected override async Task<IBillingStore> CreateSecondStoreAsync() => await OpenAsync("Application Name=second-instance");

    protected override async Task DisposeStoreAsync(IBillingStore store)
    {
        await base.DisposeStoreAsync(store);
        if (_schema is { } schema)
        {
            await using var connection = new NpgsqlConnection(PostgresServer.RequireConnectionString());
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private Task<PostgreSqlTicketStore> OpenAsync(string? extra = null)
        => PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions
        {
            ConnectionString = PostgresServer.RequireConnectionString() + (extra is null ? string.Empty : ";" + extra),
            Schema = _schema!,
        });
}
