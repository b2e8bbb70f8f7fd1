using Microsoft.Data.Sqlite;
using ServiceDesk.Billing;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.Sqlite.Tests;

/// <summary>The SQLite adapter passes the whole billing conformance suite on a real database file; the concurrency tests
/// use a second store instance (its own connection pool) on the same file, as a second process would.</summary>
public sealed class SqliteBillingConformanceTests : BillingStoreConformanceTests, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "servicedesk-billing-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_folder, "desk.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    protected override async Task<IBillingStore> CreateStoreAsync() => await SqliteTicketStore.OpenAsync(DatabasePath);

    protected override async Task<IBillingStore> CreateSecondStoreAsync()
        => await SqliteTicketStore.OpenAsync(new SqliteTicketStoreOptions { DataSource = DatabasePath });
}
