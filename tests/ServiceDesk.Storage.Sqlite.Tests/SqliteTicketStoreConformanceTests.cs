using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.Sqlite.Tests;

/// <summary>The SQLite adapter passes the whole store conformance suite, each test on a fresh database file.</summary>
public sealed class SqliteTicketStoreConformanceTests : TicketStoreConformanceTests, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "servicedesk-sqlite-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    protected override async Task<ITicketStore> CreateStoreAsync()
        => await SqliteTicketStore.OpenAsync(Path.Combine(_folder, "desk.db"));

    protected override Task CorruptTicketAsync(TenantId tenant, TicketId id)
        => SqliteCorruption.CorruptTicketAsync(Path.Combine(_folder, "desk.db"), tenant, id);

    protected override Task CorruptEventAsync(TenantId tenant, TicketId id, long version)
        => SqliteCorruption.CorruptEventAsync(Path.Combine(_folder, "desk.db"), tenant, id, version);
}
