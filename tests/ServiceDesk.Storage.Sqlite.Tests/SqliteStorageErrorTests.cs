using System.Text;
using Microsoft.Data.Sqlite;
using NodaTime;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.Sqlite.Tests;

/// <summary>Failures of SQLite itself (a locked, corrupt, unopenable or read-only file) surface as
/// <see cref="StorageException"/>, never as <see cref="SqliteException"/>, and store nothing.</summary>
public sealed class SqliteStorageErrorTests : IDisposable
{
    private const int SqliteBusy = 5;
    private const int SqliteCantOpen = 14;
    private const int SqliteNotADatabase = 26;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "servicedesk-sqlite-err-" + Guid.NewGuid().ToString("N"));

    public SqliteStorageErrorTests() => Directory.CreateDirectory(_folder);

    private string DbPath => Path.Combine(_folder, "desk.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(_folder))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task AppendAsync_AnotherConnectionHoldsExclusiveLock_ThrowsTransientStorageExceptionAndStoresNothing()
    {
        await using var store = await SqliteTicketStore.OpenAsync(new SqliteTicketStoreOptions
        {
            DataSource = DbPath,
            BusyTimeout = Duration.FromSeconds(1),
        });
        var tenant = new TenantId("locked");
        var factory = new TicketFactory(tenant, new TestClock());
        var number = await store.AllocateNumberAsync(tenant, TicketKind.Incident);
        var append = factory.OpenWithNumber(number, idempotencyKey: "open-1");

        StorageException ex;
        StorageException allocating;
        await using (var holder = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await holder.OpenAsync();
            using var begin = holder.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();

            ex = await Assert.ThrowsAsync<StorageException>(() => store.AppendAsync(append));
            allocating = await Assert.ThrowsAsync<StorageException>(() => store.AllocateNumberAsync(tenant, TicketKind.Incident));

            begin.CommandText = "ROLLBACK;";
            await begin.ExecuteNonQueryAsync();
        }

        Assert.True(ex.IsTransient);
        Assert.Equal(SqliteBusy, Assert.IsType<SqliteException>(ex.InnerException).SqliteErrorCode);
        Assert.Contains(store.DataSource, ex.Message, StringComparison.Ordinal);
        Assert.Contains("could not append to a ticket", ex.Message, StringComparison.Ordinal);
        Assert.True(allocating.IsTransient);

        Assert.Null(await store.GetAsync(tenant, append.Ticket.Id));
        Assert.Null(await store.GetByNumberAsync(tenant, number));
        Assert.Empty(await store.ReadHistoryAsync(tenant, append.Ticket.Id));
        Assert.Null(await store.FindAppliedAsync(tenant, "open-1"));
        Assert.Empty(await store.ReadOutboxAsync(10, tenant));

        // Transient indeed: once the lock is gone the same append succeeds, and the failed allocation used no number.
        var retried = await store.AppendAsync(append);
        Assert.False(retried.IsReplay);
        Assert.Equal(1, (await store.GetAsync(tenant, append.Ticket.Id))!.Version);
        Assert.Equal(2, (await store.AllocateNumberAsync(tenant, TicketKind.Incident)).Sequence);
    }

    [Fact]
    public async Task OpenAsync_FileIsNotADatabase_ThrowsStorageExceptionNamingThePathAndLeavesTheFileUntouched()
    {
        var notes = string.Concat(Enumerable.Repeat("These are meeting notes, not a database. ", 200));
        await File.WriteAllTextAsync(DbPath, notes, Encoding.UTF8);

        var ex = await Assert.ThrowsAsync<StorageException>(() => SqliteTicketStore.OpenAsync(DbPath));

        // Refused before SQLite opens it, so SQLite can neither overwrite it nor keep a connection to it.
        Assert.False(ex.IsTransient);
        Assert.Contains(Path.GetFullPath(DbPath), ex.Message, StringComparison.Ordinal);
        Assert.Contains("not a SQLite database", ex.Message, StringComparison.Ordinal);
        Assert.Equal(notes, await File.ReadAllTextAsync(DbPath, Encoding.UTF8));

        File.Delete(DbPath);
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        Assert.Equal("ok", await store.CheckIntegrityAsync());
    }

    [Fact]
    public async Task OpenAsync_SqliteHeaderFollowedByGarbage_ThrowsStorageExceptionFromSqliteNamingThePath()
    {
        var bytes = Encoding.ASCII.GetBytes("SQLite format 3\0" + string.Concat(Enumerable.Repeat("garbage, not pages. ", 400)));
        await File.WriteAllBytesAsync(DbPath, bytes);

        var ex = await Assert.ThrowsAsync<StorageException>(() => SqliteTicketStore.OpenAsync(DbPath));

        Assert.False(ex.IsTransient);
        Assert.Equal(SqliteNotADatabase, Assert.IsType<SqliteException>(ex.InnerException).SqliteErrorCode);
        Assert.Contains(Path.GetFullPath(DbPath), ex.Message, StringComparison.Ordinal);
        Assert.Contains("could not open the database", ex.Message, StringComparison.Ordinal);

        // The failed open keeps no connection to the file: it can be replaced by a real database at once.
        File.Delete(DbPath);
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        Assert.Equal("ok", await store.CheckIntegrityAsync());
    }

    [Fact]
    public async Task Members_FileCorruptedAfterOpen_ThrowStorageException()
    {
        await using var store = await SqliteTicketStore.OpenAsync(DbPath);
        var tenant = new TenantId("corrupt");
        var factory = new TicketFactory(tenant, new TestClock());
        var opened = (await store.AppendAsync(factory.Open())).Ticket;
        SqliteConnection.ClearAllPools();

        // Overwrite the header's magic string: SQLite no longer recognises the file.
        await using (var file = new FileStream(DbPath, FileMode.Open, FileAccess.Write))
        {
            await file.WriteAsync(Encoding.ASCII.GetBytes("NOT SQLITE AT ALL"));
        }

        var get = await Assert.ThrowsAsync<StorageException>(() => store.GetAsync(tenant, opened.Id));
        Assert.False(get.IsTransient);
        Assert.IsType<SqliteException>(get.InnerException);
        Assert.Contains(store.DataSource, get.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageException>(() => store.AppendAsync(factory.AddComment(opened, "lost")));
        await Assert.ThrowsAsync<StorageException>(() => store.QueryAsync(new TicketQuery(tenant)));
        await Assert.ThrowsAsync<StorageException>(() => store.ReadHistoryAsync(tenant, opened.Id));
        await Assert.ThrowsAsync<StorageException>(() => store.FindAppliedAsync(tenant, "k"));
        await Assert.ThrowsAsync<StorageException>(() => store.GetByNumberAsync(tenant, opened.Number));
        await Assert.ThrowsAsync<StorageException>(() => store.AllocateNumberAsync(tenant, TicketKind.Incident));
        await Assert.ThrowsAsync<StorageException>(() => store.CheckIntegrityAsync());
    }

    [Fact]
    public async Task OpenAsync_PathIsAFolder_ThrowsStorageExceptionNamingThePath()
    {
        Directory.CreateDirectory(DbPath);

        var ex = await Assert.ThrowsAsync<StorageException>(() => SqliteTicketStore.OpenAsync(DbPath));

        Assert.False(ex.IsTransient);
        Assert.Equal(SqliteCantOpen, Assert.IsType<SqliteException>(ex.InnerException).SqliteErrorCode);
        Assert.Contains(Path.GetFullPath(DbPath), ex.Message, StringComparison.Ordinal);
        Directory.Delete(DbPath);
    }

    [FactUnlessPrivileged]
    public async Task AppendAsync_ReadOnlyFile_ThrowsStorageExceptionAndStoresNothing()
    {
        var tenant = new TenantId("readonly");
        var factory = new TicketFactory(tenant, new TestClock());
        Ticket opened;
        await using (var writable = await SqliteTicketStore.OpenAsync(DbPath))
        {
            opened = (await writable.AppendAsync(factory.Open())).Ticket;
        }

        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(_folder))
        {
            File.SetAttributes(file, FileAttributes.ReadOnly);
        }

        // SQLite may refuse the file when opening (it cannot set up the WAL) or only when writing; both are storage failures.
        StorageException ex;
        try
        {
            await using var store = await SqliteTicketStore.OpenAsync(DbPath);
            ex = await Assert.ThrowsAsync<StorageException>(() => store.AppendAsync(factory.AddComment(opened, "never stored")));
        }
        catch (StorageException failedToOpen)
        {
            ex = failedToOpen;
        }

        Assert.False(ex.IsTransient);
        Assert.IsType<SqliteException>(ex.InnerException);
        Assert.Contains(Path.GetFullPath(DbPath), ex.Message, StringComparison.Ordinal);

        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(_folder))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        await using var reopened = await SqliteTicketStore.OpenAsync(DbPath);
        Assert.Equal(1, (await reopened.GetAsync(tenant, opened.Id))!.Version);
    }
}

/// <summary>A fact that needs file permissions to be enforced: skipped for a privileged process (root ignores a
/// read-only mode).</summary>
public sealed class FactUnlessPrivilegedAttribute : FactAttribute
{
    public FactUnlessPrivilegedAttribute()
    {
        if (Environment.IsPrivilegedProcess)
        {
            Skip = "The process is privileged (root), so a read-only file stays writable.";
        }
    }
}
