using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>The PostgreSQL health check against a real server: connection, schema version and outbox lag.</summary>
public sealed class PostgreSqlTicketStoreHealthCheckTests
{
    private static readonly Instant Opened = Instant.FromUtc(2026, 3, 2, 9, 0);

    [PostgresFact]
    public async Task CheckHealthAsync_MigratedEmptySchema_IsHealthyWithNoLag()
    {
        await using var schema = new ScratchSchema("health");
        await (await schema.OpenAsync()).DisposeAsync();

        var result = await Check(schema.Name, clock: null);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(PostgreSqlTicketStore.SchemaVersion, result.Data["schemaVersion"]);
        Assert.Equal(0L, result.Data["outboxPending"]);
        Assert.Equal(0.0, result.Data["outboxLagSeconds"]);
    }

    [PostgresFact]
    public async Task CheckHealthAsync_PendingOutboxYoungerThanThreshold_IsHealthy()
    {
        await using var schema = new ScratchSchema("health");
        await using var store = await OpenTicketAsync(schema);

        var result = await Check(schema.Name, new TestClock(Opened + Duration.FromMinutes(4)));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(1L, result.Data["outboxPending"]);
        Assert.Equal(240.0, result.Data["outboxLagSeconds"]);
    }

    [PostgresFact]
    public async Task CheckHealthAsync_OutboxOlderThanThreshold_IsDegradedNamingLag()
    {
        await using var schema = new ScratchSchema("health");
        await using var store = await OpenTicketAsync(schema);

        var result = await Check(schema.Name, new TestClock(Opened + Duration.FromMinutes(30)));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("outbox lags", result.Description, StringComparison.Ordinal);
        Assert.Equal(1800.0, result.Data["outboxLagSeconds"]);
    }

    [PostgresFact]
    public async Task CheckHealthAsync_OutboxAcknowledged_IsHealthyAgain()
    {
        await using var schema = new ScratchSchema("health");
        await using (var store = await OpenTicketAsync(schema))
        {
            var messages = await store.ReadOutboxAsync(10);
            await store.AcknowledgeOutboxAsync(messages.Select(m => m.Position).ToList());
        }

        var result = await Check(schema.Name, new TestClock(Opened + Duration.FromDays(1)));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(0L, result.Data["outboxPending"]);
    }

    [PostgresFact]
    public async Task CheckHealthAsync_SchemaMissing_IsUnhealthy()
    {
        var result = await Check("sdtest_none_" + Guid.NewGuid().ToString("N")[..8], clock: null);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("has no ServiceDesk tables", result.Description, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task CheckHealthAsync_OlderSchemaVersion_IsUnhealthyNotMigrated()
    {
        await using var schema = new ScratchSchema("health");
        await schema.ExecuteAsync(
            $"CREATE SCHEMA {schema.Quoted}; CREATE TABLE {schema.Quoted}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL);"
            + $" INSERT INTO {schema.Quoted}.schema_migrations VALUES (1, 'migration 1');");

        var result = await Check(schema.Name, clock: null);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("not migrated yet", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_NoServerListening_IsUnhealthyWithException()
    {
        var check = new PostgreSqlTicketStoreHealthCheck(new PostgreSqlTicketStoreOptions
        {
            ConnectionString = "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=2",
        });

        var result = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("desk", check, null, null) });

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("does not answer", result.Description, StringComparison.Ordinal);
        Assert.NotNull(result.Exception);
    }

    [Fact]
    public void Constructor_ZeroThreshold_ThrowsInvalidDefinition()
        => Assert.Throws<InvalidDefinitionException>(() => new PostgreSqlTicketStoreHealthCheck(new PostgreSqlTicketStoreOptions
        {
            ConnectionString = "Host=db",
            OutboxLagThreshold = Duration.Zero,
        }));

    private static async Task<PostgreSqlTicketStore> OpenTicketAsync(ScratchSchema schema)
    {
        var store = await schema.OpenAsync();
        var tenant = new TenantId("acme");
        var factory = new TicketFactory(tenant, new TestClock(Opened));
        await store.AppendAsync(factory.OpenWithNumber(await store.AllocateNumberAsync(tenant, TicketKind.Incident)));
        return store;
    }

    private static Task<HealthCheckResult> Check(string schema, IClock? clock)
    {
        var check = new PostgreSqlTicketStoreHealthCheck(
            new PostgreSqlTicketStoreOptions { ConnectionString = PostgresServer.RequireConnectionString(), Schema = schema },
            clock);
        return check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("desk", check, null, null) });
    }
}
