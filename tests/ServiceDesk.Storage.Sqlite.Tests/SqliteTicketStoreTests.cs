using Microsoft.Data.Sqlite;
using NodaTime;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.Sqlite.Tests;

public sealed class SqliteTicketStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "servicedesk-sqlite-" + Guid.NewGuid().ToString("N"));

    private string DbPath => Path.Combine(_folder, "nested", "desk.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task OpenAsync_NewFile_CreatesFolderSchemaAndWal()
    {
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        Assert.True(File.Exists(DbPath));
        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode; ";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        command.CommandText = "SELECT MAX(version) FROM schema_migrations;";
        Assert.Equal((long)SqliteTicketStore.SchemaVersion, (long)(await command.ExecuteScalarAsync())!);
        Assert.Equal("ok", await store.CheckIntegrityAsync());
    }

    [Fact]
    public async Task Reopen_KeepsTicketsHistoryNumbersAndKeys()
    {
        var tenant = new TenantId("reopen");
        var factory = new TicketFactory(tenant, new TestClock());
        Ticket opened;
        await using (var store = await SqliteTicketStore.OpenAsync(DbPath))
        {
            opened = (await store.AppendAsync(factory.OpenWithNumber(await store.AllocateNumberAsync(tenant, TicketKind.Incident)))).Ticket;
            await store.AppendAsync(factory.ChangeStatus(opened, TicketStatus.InProgress, idempotencyKey: "k1"));
        }

        await using (var again = await SqliteTicketStore.OpenAsync(DbPath))
        {
            var ticket = await again.GetByNumberAsync(tenant, opened.Number);
            Assert.NotNull(ticket);
            Assert.Equal(2, ticket.Version);
            Assert.Equal(2, (await again.ReadHistoryAsync(tenant, opened.Id)).Count);
            Assert.Equal(2, (await again.AllocateNumberAsync(tenant, TicketKind.Incident)).Sequence);
            var replay = await again.AppendAsync(factory.ChangeStatus(opened, TicketStatus.InProgress, idempotencyKey: "k1"));
            Assert.True(replay.IsReplay);
        }
    }

    [Fact]
    public async Task OpenAsync_NewerSchema_ThrowsNamingVersions()
    {
        await using (await SqliteTicketStore.OpenAsync(DbPath))
        {
        }

        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_migrations (version, description) VALUES (99, 'from the future');";
            await command.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteTicketStore.OpenAsync(DbPath));
        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"1 to {SqliteTicketStore.SchemaVersion}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_InvalidOptions_ListsEveryFault()
    {
        var ex = await Assert.ThrowsAsync<InvalidDefinitionException>(() => SqliteTicketStore.OpenAsync(new SqliteTicketStoreOptions
        {
            DataSource = "a;b",
            Durability = (SqliteDurability)7,
            BusyTimeout = Duration.FromMilliseconds(10),
            PageCacheSize = 1024,
            MemoryMapSize = -1,
        }));
        Assert.Equal(5, ex.Errors.Count);
        Assert.Contains("PageCacheSize: 1024 bytes is outside 1 MiB (1048576) to 4 GiB (4294967296)", ex.Errors);
        Assert.Contains("MemoryMapSize: -1 bytes is outside 0 to 2147418112", ex.Errors);
        Assert.Contains(ex.Errors, e => e.StartsWith("DataSource", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("Durability", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("BusyTimeout", StringComparison.Ordinal));
        await Assert.ThrowsAsync<InvalidDefinitionException>(() => SqliteTicketStore.OpenAsync(" "));
        await Assert.ThrowsAsync<ArgumentNullException>(() => SqliteTicketStore.OpenAsync((SqliteTicketStoreOptions)null!));
    }

    [Theory]
    [InlineData(SqliteTicketStoreOptions.MaxPageCacheSize + 1, 0L)]
    [InlineData(64L * 1024 * 1024, SqliteTicketStoreOptions.MaxMemoryMapSize + 1)]
    public async Task OpenAsync_CacheOrMapTooLarge_NamesTheValueAndRange(long cache, long map)
    {
        var ex = await Assert.ThrowsAsync<InvalidDefinitionException>(() => SqliteTicketStore.OpenAsync(new SqliteTicketStoreOptions
        {
            DataSource = Path.Combine(Path.GetTempPath(), "never-created-" + Guid.NewGuid().ToString("N"), "desk.db"),
            PageCacheSize = cache,
            MemoryMapSize = map,
        }));
        var fault = Assert.Single(ex.Errors);
        Assert.Contains((cache > SqliteTicketStoreOptions.MaxPageCacheSize ? cache : map).ToString(System.Globalization.CultureInfo.InvariantCulture), fault, StringComparison.Ordinal);
        Assert.Contains("outside", fault, StringComparison.Ordinal);
    }

    /// <summary>Every pooled connection gets the store's settings: the page cache and memory map asked for, the WAL
    /// checkpoint size, the durability and foreign keys; the defaults when nothing is asked.</summary>
    [Fact]
    public async Task OpenAsync_ConnectionSettings_AppliedToPooledConnections()
    {
        await using (var defaults = await SqliteTicketStore.OpenAsync(new SqliteTicketStoreOptions { DataSource = Path.Combine(_folder, "defaults.db") }))
        {
            Assert.Equal(-64L * 1024, await defaults.ReadPragmaAsync("cache_size"));
            Assert.Equal(0, await defaults.ReadPragmaAsync("mmap_size"));
            Assert.Equal(SqliteTicketStore.WalCheckpointPages, await defaults.ReadPragmaAsync("wal_autocheckpoint"));
            Assert.Equal(1, await defaults.ReadPragmaAsync("synchronous")); // NORMAL
            Assert.Equal(1, await defaults.ReadPragmaAsync("foreign_keys"));
        }

        await using var tuned = await SqliteTicketStore.OpenAsync(new SqliteTicketStoreOptions
        {
            DataSource = Path.Combine(_folder, "tuned.db"),
            PageCacheSize = 1024 * 1024,
            MemoryMapSize = 8 * 1024 * 1024,
            Durability = SqliteDurability.Full,
        });
        // Twice: the second read takes the pooled connection the first returned, whose settings are kept, not made again.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(-1024, await tuned.ReadPragmaAsync("cache_size"));
            Assert.Equal(8 * 1024 * 1024, await tuned.ReadPragmaAsync("mmap_size"));
            Assert.Equal(2, await tuned.ReadPragmaAsync("synchronous")); // FULL
        }
    }

    [Theory]
    [InlineData("'; DROP TABLE tickets; --")]
    [InlineData("Robert'); DELETE FROM ticket_events; --")]
    [InlineData("%_\\\"$tenant")]
    public async Task TextWithSqlMetacharacters_IsStoredVerbatim(string text)
    {
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        var tenant = new TenantId("meta" + Math.Abs(text.GetHashCode(StringComparison.Ordinal)));
        var factory = new TicketFactory(tenant, new TestClock());
        var append = factory.OpenWithNumber(
            await store.AllocateNumberAsync(tenant, TicketKind.Incident),
            configure: t => t with { Subject = text, Description = text, AssignmentGroup = new GroupId(text.Replace(" ", "_", StringComparison.Ordinal)) });
        await store.AppendAsync(append);

        var read = await store.GetAsync(tenant, append.Ticket.Id);
        Assert.Equal(text, read!.Subject);
        Assert.Single((await store.QueryAsync(new TicketQuery(tenant) { AssignmentGroup = append.Ticket.AssignmentGroup })).Items);
        Assert.Equal("ok", await store.CheckIntegrityAsync());
    }

    [Fact]
    public async Task TwoStoresOnOneFile_RacingWriters_OneWinsOthersGetConcurrencyException()
    {
        await using var a = await SqliteTicketStore.OpenAsync(DbPath);
        await using var b = await SqliteTicketStore.OpenAsync(DbPath);
        var tenant = new TenantId("race");
        var factory = new TicketFactory(tenant, new TestClock());
        var opened = (await a.AppendAsync(factory.OpenWithNumber(await a.AllocateNumberAsync(tenant, TicketKind.Incident)))).Ticket;

        var accepted = 0;
        var conflicts = 0;
        var tasks = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? a : b;
            for (var round = 0; round < 25; round++)
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
        }));
        await Task.WhenAll(tasks);

        Assert.Equal(200, accepted + conflicts);
        var final = await b.GetAsync(tenant, opened.Id);
        Assert.Equal(1 + accepted, final!.Version);
        Assert.Equal(1 + accepted, (await a.ReadHistoryAsync(tenant, opened.Id)).Count);
        Assert.Equal("ok", await a.CheckIntegrityAsync());
    }
}
