using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.Sqlite.Tests;

/// <summary>The SQLite health check against real files: intact, missing, foreign, damaged and not migrated.</summary>
public sealed class SqliteTicketStoreHealthCheckTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sd-health-" + Guid.NewGuid().ToString("N"));

    public SqliteTicketStoreHealthCheckTests() => Directory.CreateDirectory(_folder);

    private string DbPath => Path.Combine(_folder, "desk.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task CheckHealthAsync_OpenedStoreWithTickets_IsHealthyWithSchemaVersion()
    {
        await using (var store = await SqliteTicketStore.OpenAsync(DbPath))
        {
            await AddTicketsAsync(store, 3);
        }

        var result = await Check();

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(SqliteTicketStore.SchemaVersion, result.Data["schemaVersion"]);
        Assert.Equal(Path.GetFullPath(DbPath), result.Data["dataSource"]);
    }

    [Fact]
    public async Task CheckHealthAsync_MissingFile_IsUnhealthyAndCreatesNothing()
    {
        var result = await Check();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("does not exist", result.Description, StringComparison.Ordinal);
        Assert.False(File.Exists(DbPath));
    }

    [Fact]
    public async Task CheckHealthAsync_RegistrationFailureStatusDegraded_ReportsDegraded()
    {
        var check = new SqliteTicketStoreHealthCheck(new SqliteTicketStoreOptions { DataSource = DbPath });
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration("desk", check, HealthStatus.Degraded, null) };

        var result = await check.CheckHealthAsync(context);

        Assert.Equal(HealthStatus.Degraded, result.Status);
    }

    [Fact]
    public async Task CheckHealthAsync_SqliteFileWithoutServiceDeskSchema_IsUnhealthy()
    {
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE other (id INTEGER);";
            await create.ExecuteNonQueryAsync();
        }

        var result = await Check();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("no ServiceDesk schema", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_OlderSchemaVersion_IsUnhealthyNotMigrated()
    {
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            SqliteMigrations.Apply(connection, 1);
        }

        var result = await Check();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("schema version 1", result.Description, StringComparison.Ordinal);
        Assert.Contains("not migrated yet", result.Description, StringComparison.Ordinal);
        Assert.Equal(1, result.Data["schemaVersion"]);
    }

    [Fact]
    public async Task CheckHealthAsync_DamagedPages_IsUnhealthy()
    {
        await using (var store = await SqliteTicketStore.OpenAsync(DbPath))
        {
            await AddTicketsAsync(store, 200);
        }

        SqliteConnection.ClearAllPools();
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;";
            await checkpoint.ExecuteNonQueryAsync();
        }

        Assert.Equal(HealthStatus.Healthy, (await Check()).Status);

        // Scribble over every page but the first (the header and the schema), as a failing disk would.
        var bytes = await File.ReadAllBytesAsync(DbPath);
        var pageSize = (bytes[16] << 8) | bytes[17];
        var random = new Random(42);
        for (var page = 1; page < bytes.Length / pageSize; page++)
        {
            random.NextBytes(bytes.AsSpan(page * pageSize, 64));
        }

        await File.WriteAllBytesAsync(DbPath, bytes);

        var result = await Check();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains(Path.GetFullPath(DbPath), result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EmptyDataSource_Throws()
        => Assert.Throws<ArgumentException>(() => new SqliteTicketStoreHealthCheck(new SqliteTicketStoreOptions()));

    private Task<HealthCheckResult> Check()
    {
        var check = new SqliteTicketStoreHealthCheck(new SqliteTicketStoreOptions { DataSource = DbPath });
        return check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("desk", check, null, null) });
    }

    private static async Task AddTicketsAsync(SqliteTicketStore store, int count)
    {
        var tenant = new TenantId("acme");
        var factory = new TicketFactory(tenant);
        for (var i = 0; i < count; i++)
        {
            await store.AppendAsync(factory.OpenWithNumber(await store.AllocateNumberAsync(tenant, TicketKind.Incident)));
        }
    }
}
