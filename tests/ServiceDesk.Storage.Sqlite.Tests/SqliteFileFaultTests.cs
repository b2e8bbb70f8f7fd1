using Microsoft.Data.Sqlite;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.Sqlite.Tests;

/// <summary>Faults of the database file and its path: a file deleted or replaced while the store is open, a path that
/// holds an unrelated file or lies under a regular file, and corrupt rows reported by the outbox read.</summary>
public sealed class SqliteFileFaultTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "servicedesk-sqlite-faults-" + Guid.NewGuid().ToString("N"));

    public SqliteFileFaultTests() => Directory.CreateDirectory(_folder);

    private string DbPath => Path.Combine(_folder, "desk.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void DetectsMovedFile_BundledSqlite_IsTrue()
        => Assert.True(SqliteTicketStore.DetectsMovedFile);

    [Fact]
    public async Task AppendAsync_DatabaseFileDeletedWhileOpen_ThrowsStorageExceptionNamingPathAndNothingIsAcknowledged()
    {
        var store = await SqliteTicketStore.OpenAsync(DbPath);
        var factory = new TicketFactory(new TenantId("moved"), new TestClock());
        var first = (await store.AppendAsync(factory.Open())).Ticket;
        Assert.NotNull(await store.GetAsync(first.Tenant, first.Id));

        DeleteDatabaseFiles();

        var append = factory.Open();
        var ex = await Assert.ThrowsAsync<StorageException>(() => store.AppendAsync(append));
        Assert.Contains(DbPath, ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);

        // Every later operation fails the same way, reads included, instead of reading a file that is gone.
        var read = await Assert.ThrowsAsync<StorageException>(() => store.GetAsync(first.Tenant, first.Id));
        Assert.Contains(DbPath, read.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageException>(() => store.AllocateNumberAsync(first.Tenant, TicketKind.Incident));
        store.Dispose();

        // After a "restart" the refused append is not there, as it was never acknowledged.
        await using var reopened = await SqliteTicketStore.OpenAsync(DbPath);
        Assert.Null(await reopened.GetAsync(append.Tenant, append.Ticket.Id));
    }

    [Fact]
    public async Task AppendAsync_DatabaseFileReplacedWhileOpen_ThrowsStorageExceptionAndWritesNothingToEitherFile()
    {
        var other = Path.Combine(_folder, "other.db");
        await using (var replacement = await SqliteTicketStore.OpenAsync(other))
        {
            await replacement.CheckIntegrityAsync();
        }

        SqliteConnection.ClearAllPools();
        var store = await SqliteTicketStore.OpenAsync(DbPath);
        var factory = new TicketFactory(new TenantId("replaced"), new TestClock());
        await store.AppendAsync(factory.Open());

        // A rename over the open file, as a restore script or `mv` does: the path now names another file.
        File.Move(other, DbPath, overwrite: true);

        var append = factory.Open();
        var ex = await Assert.ThrowsAsync<StorageException>(() => store.AppendAsync(append));
        Assert.Contains(DbPath, ex.Message, StringComparison.Ordinal);
        store.Dispose();

        await using var reopened = await SqliteTicketStore.OpenAsync(DbPath);
        Assert.Null(await reopened.GetAsync(append.Tenant, append.Ticket.Id));
    }

    [Fact]
    public async Task AppendBatchAsync_DatabaseFileDeletedWhileOpen_ThrowsStorageException()
    {
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        var factory = new TicketFactory(new TenantId("moved-batch"), new TestClock());
        await store.AppendAsync(factory.Open());

        DeleteDatabaseFiles();

        var ex = await Assert.ThrowsAsync<StorageException>(() => store.AppendBatchAsync(new TicketBatch([factory.Open()])));
        Assert.Contains(DbPath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_ExistingOneByteFile_ThrowsStorageExceptionNamingPathAndLeavesFileUntouched()
    {
        await File.WriteAllBytesAsync(DbPath, [0x41]);

        var ex = await Assert.ThrowsAsync<StorageException>(() => SqliteTicketStore.OpenAsync(DbPath));

        Assert.Contains(DbPath, ex.Message, StringComparison.Ordinal);
        Assert.Equal([0x41], await File.ReadAllBytesAsync(DbPath));
    }

    [Fact]
    public async Task OpenAsync_ExistingTextFile_ThrowsStorageExceptionAndLeavesFileUntouched()
    {
        const string Text = "name,email\nalice,alice@example.com\n";
        await File.WriteAllTextAsync(DbPath, Text);

        var ex = await Assert.ThrowsAsync<StorageException>(() => SqliteTicketStore.OpenAsync(DbPath));

        Assert.Contains("not a SQLite database", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Text, await File.ReadAllTextAsync(DbPath));
    }

    [Fact]
    public async Task OpenAsync_ExistingEmptyFile_OpensAsNewDatabase()
    {
        await File.WriteAllBytesAsync(DbPath, []);

        await using var store = await SqliteTicketStore.OpenAsync(DbPath);

        Assert.Equal("ok", await store.CheckIntegrityAsync());
    }

    [Fact]
    public async Task OpenAsync_PathUnderRegularFile_ThrowsStorageExceptionNamingTheFile()
    {
        var file = Path.Combine(_folder, "somefile.txt");
        await File.WriteAllTextAsync(file, "x");
        var path = Path.Combine(file, "db.sqlite");

        var ex = await Assert.ThrowsAsync<StorageException>(() => SqliteTicketStore.OpenAsync(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{file}' is a file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_PathDeepUnderRegularFile_ThrowsStorageException()
    {
        var file = Path.Combine(_folder, "somefile.txt");
        await File.WriteAllTextAsync(file, "x");

        var ex = await Assert.ThrowsAsync<StorageException>(() => SqliteTicketStore.OpenAsync(Path.Combine(file, "a", "b", "db.sqlite")));

        Assert.Contains($"'{file}' is a file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOutboxAsync_CorruptEvent_ReportsRowToOnCorruptRowOnEveryReadUntilAcknowledged()
    {
        var reports = new List<StorageException>();
        await using var store = await SqliteTicketStore.OpenAsync(new SqliteTicketStoreOptions { DataSource = DbPath, OnCorruptRow = reports.Add });
        var factory = new TicketFactory(new TenantId("corrupt-outbox"), new TestClock());
        var v1 = (await store.AppendAsync(factory.Open())).Ticket;
        await store.AppendAsync(factory.AddComment(v1));
        var positions = (await store.ReadOutboxAsync(10)).Select(m => m.Position).ToList();

        await SqliteCorruption.CorruptEventAsync(DbPath, factory.Tenant, v1.Id, 2);
        var first = await store.ReadOutboxAsync(10);
        var second = await store.ReadOutboxAsync(10, factory.Tenant);

        Assert.Equal([positions[0]], first.Select(m => m.Position));
        Assert.Equal([positions[0]], second.Select(m => m.Position));
        Assert.Equal(2, reports.Count);
        var report = reports[0];
        Assert.Contains("'ticket_events'", report.Message, StringComparison.Ordinal);
        Assert.Contains("'corrupt-outbox'", report.Message, StringComparison.Ordinal);
        Assert.Contains(v1.Id.ToString(), report.Message, StringComparison.Ordinal);
        Assert.Contains("version 2", report.Message, StringComparison.Ordinal);
        Assert.Contains($"outbox position {positions[1]}", report.Message, StringComparison.Ordinal);
        Assert.Contains(DbPath, report.Message, StringComparison.Ordinal);
        Assert.IsType<System.Text.Json.JsonException>(report.InnerException);

        Assert.Equal(2, await store.AcknowledgeOutboxAsync(positions));
        Assert.Empty(await store.ReadOutboxAsync(10));
        Assert.Equal(2, reports.Count);
    }

    [Fact]
    public async Task ReadOutboxAsync_OnCorruptRowThrows_FailsTheRead()
    {
        await using var store = await SqliteTicketStore.OpenAsync(new SqliteTicketStoreOptions
        {
            DataSource = DbPath,
            OnCorruptRow = ex => throw new InvalidOperationException("stop", ex),
        });
        var factory = new TicketFactory(new TenantId("corrupt-strict"), new TestClock());
        var v1 = (await store.AppendAsync(factory.Open())).Ticket;
        await SqliteCorruption.CorruptEventAsync(DbPath, factory.Tenant, v1.Id, 1);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.ReadOutboxAsync(10));

        Assert.IsType<StorageException>(ex.InnerException);
    }

    private void DeleteDatabaseFiles()
    {
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(DbPath + suffix);
        }
    }
}
