using Npgsql;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>The PostgreSQL adapter passes the scheduling conformance suite (timers, queues, outbox, time entries) against a
/// real server. Claims cover every tenant of a store, so each test gets a schema of its own, dropped afterwards.</summary>
[ConformanceSkip(typeof(PostgresServer), nameof(PostgresServer.SkipReason))]
public sealed class PostgreSqlSchedulingConformanceTests : SchedulingStoreConformanceTests
{
    private string? _schema;

    protected override async Task<ITicketStore> CreateStoreAsync()
    {
        _schema = "sdtest_sched_" + Guid.NewGuid().ToString("N")[..12];
        return await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions
        {
            ConnectionString = PostgresServer.RequireConnectionString(),
            Schema = _schema,
        });
    }

    protected override Task CorruptTicketAsync(TenantId tenant, TicketId id)
        => PostgreSqlCorruption.CorruptTicketAsync(_schema!, tenant, id);

    protected override Task CorruptEventAsync(TenantId tenant, TicketId id, long version)
        => PostgreSqlCorruption.CorruptEventAsync(_schema!, tenant, id, version);

    protected override async Task DisposeStoreAsync(ITicketStore store)
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
}
