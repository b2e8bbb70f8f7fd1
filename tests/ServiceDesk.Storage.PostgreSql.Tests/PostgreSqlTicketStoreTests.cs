using Npgsql;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.PostgreSql.Tests;

public sealed class PostgreSqlTicketStoreTests
{
    private static PostgreSqlTicketStoreOptions Options(string? schema = null) => new()
    {
        ConnectionString = PostgresServer.RequireConnectionString(),
        Schema = schema ?? PostgresServer.Schema,
    };

    [Fact]
    public async Task OpenAsync_UnreachableServer_ThrowsTransientStorageException()
    {
        var options = new PostgreSqlTicketStoreOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Database=x;Timeout=3" };
        var ex = await Assert.ThrowsAsync<StorageException>(() => PostgreSqlTicketStore.OpenAsync(options));
        Assert.True(ex.IsTransient);
        Assert.IsAssignableFrom<NpgsqlException>(ex.InnerException);
        Assert.Contains("could not migrate the schema", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_InvalidOptions_ListsEveryFault()
    {
        var ex = await Assert.ThrowsAsync<InvalidDefinitionException>(
            () => PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = "", Schema = "Bad-Schema\"; DROP" }));
        Assert.Equal(2, ex.Errors.Count);
        await Assert.ThrowsAsync<InvalidDefinitionException>(() => PostgreSqlTicketStore.OpenAsync("NoSuchKeyword=1"));
        await Assert.ThrowsAsync<ArgumentNullException>(() => PostgreSqlTicketStore.OpenAsync((PostgreSqlTicketStoreOptions)null!));
    }

    [PostgresFact]
    public async Task OpenAsync_ManyInstancesAtOnce_MigrateOnce()
    {
        var schema = "sdtest_mig_" + Guid.NewGuid().ToString("N")[..8];
        var stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostgreSqlTicketStore.OpenAsync(Options(schema))));
        try
        {
            await using var connection = new NpgsqlConnection(PostgresServer.RequireConnectionString());
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand($"SELECT count(*), max(version) FROM \"{schema}\".schema_migrations;", connection);
            await using var reader = await count.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(PostgreSqlTicketStore.SchemaVersion, reader.GetInt64(0));
            Assert.Equal(PostgreSqlTicketStore.SchemaVersion, reader.GetInt32(1));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }

            await DropSchemaAsync(schema);
        }
    }

    [PostgresFact]
    public async Task OpenAsync_NewerSchema_ThrowsNamingVersions()
    {
        var schema = "sdtest_new_" + Guid.NewGuid().ToString("N")[..8];
        await (await PostgreSqlTicketStore.OpenAsync(Options(schema))).DisposeAsync();
        try
        {
            await using (var connection = new NpgsqlConnection(PostgresServer.RequireConnectionString()))
            {
                await connection.OpenAsync();
                await using var insert = new NpgsqlCommand($"INSERT INTO \"{schema}\".schema_migrations VALUES (42, 'from the future');", connection);
                await insert.ExecuteNonQueryAsync();
            }

            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgreSqlTicketStore.OpenAsync(Options(schema)));
            Assert.Contains("version 42", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            await DropSchemaAsync(schema);
        }
    }

    [PostgresTheory]
    [InlineData("'; DROP TABLE tickets; --")]
    [InlineData("Robert'); DELETE FROM ticket_events; --")]
    [InlineData("$1 \\\" %_ $$ E'\\x00'")]
    public async Task TextWithSqlMetacharacters_IsStoredVerbatim(string text)
    {
        await using var store = await PostgreSqlTicketStore.OpenAsync(Options());
        var tenant = new TenantId("meta-" + Guid.NewGuid().ToString("N"));
        var factory = new TicketFactory(tenant, new TestClock());
        var append = factory.OpenWithNumber(
            await store.AllocateNumberAsync(tenant, TicketKind.Incident),
            configure: t => t with { Subject = text, Description = text, AssignmentGroup = new GroupId(text.Replace(" ", "_", StringComparison.Ordinal)) });
        await store.AppendAsync(append);

        Assert.Equal(text, (await store.GetAsync(tenant, append.Ticket.Id))!.Subject);
        Assert.Single((await store.QueryAsync(new TicketQuery(tenant) { AssignmentGroup = append.Ticket.AssignmentGroup })).Items);
    }

    [PostgresFact]
    public async Task TwoStoreInstances_HammeringOneTicket_NoLostUpdate()
    {
        await using var a = await PostgreSqlTicketStore.OpenAsync(Options());
        await using var b = await PostgreSqlTicketStore.OpenAsync(Options());
        var tenant = new TenantId("hammer-" + Guid.NewGuid().ToString("N"));
        var factory = new TicketFactory(tenant, new TestClock());
        var opened = (await a.AppendAsync(factory.OpenWithNumber(await a.AllocateNumberAsync(tenant, TicketKind.Incident)))).Ticket;
        var accepted = 0;
        var conflicts = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? a : b;
            for (var round = 0; round < 40; round++)
            {
                var current = (await store.GetAsync(tenant, opened.Id))!;
                try
                {
                    await store.AppendAsync(factory.AddComment(current, $"writer {i} round {round}"));
                    Interlocked.Increment(ref accepted);
                }
                catch (ConcurrencyException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        Assert.Equal(320, accepted + conflicts);
        Assert.Equal(1 + accepted, (await b.GetAsync(tenant, opened.Id))!.Version);
        var history = await a.ReadHistoryAsync(tenant, opened.Id);
        Assert.Equal(1 + accepted, history.Count);
        Assert.Equal(Enumerable.Range(1, 1 + accepted).Select(v => (long)v), history.Select(e => e.Version));
    }

    private static async Task DropSchemaAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.RequireConnectionString());
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>A fact that needs the PostgreSQL server: skipped with the reason when none is configured (never in CI).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = PostgresServer.SkipReason;
}

/// <summary>A theory that needs the PostgreSQL server: skipped with the reason when none is configured (never in CI).</summary>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute() => Skip = PostgresServer.SkipReason;
}
