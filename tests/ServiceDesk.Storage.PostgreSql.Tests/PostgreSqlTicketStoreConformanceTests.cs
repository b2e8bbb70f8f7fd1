using ServiceDesk.Testing;

namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>The PostgreSQL adapter passes the whole store conformance suite against a real server.</summary>
[ConformanceSkip(typeof(PostgresServer), nameof(PostgresServer.SkipReason))]
public sealed class PostgreSqlTicketStoreConformanceTests : TicketStoreConformanceTests
{
    protected override async Task<ITicketStore> CreateStoreAsync()
        => await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions
        {
            ConnectionString = PostgresServer.RequireConnectionString(),
            Schema = PostgresServer.Schema,
        });

    protected override Task CorruptTicketAsync(TenantId tenant, TicketId id)
        => PostgreSqlCorruption.CorruptTicketAsync(PostgresServer.Schema, tenant, id);

    protected override Task CorruptEventAsync(TenantId tenant, TicketId id, long version)
        => PostgreSqlCorruption.CorruptEventAsync(PostgresServer.Schema, tenant, id, version);
}
