using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Storage.PostgreSql;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;

namespace ServiceDesk.Engine.Tests;

/// <summary>The store adapters the engine tests run on.</summary>
public enum StoreKind
{
    /// <summary>A new <see cref="InMemoryTicketStore"/>.</summary>
    InMemory,

    /// <summary>A new SQLite file in a folder of the test's own, deleted afterwards.</summary>
    Sqlite,

    /// <summary>The PostgreSQL server of <see cref="EnginePostgres"/>, in a schema of the test's own, dropped afterwards: a
    /// sweep claims every due timer of its schema, so tests must not share one.</summary>
    PostgreSql,
}

/// <summary>
/// A test class that runs on one store adapter: each test gets a new store of <see cref="StoreKind"/>, a tenant of its own
/// and a <see cref="TestClock"/>; the store is disposed and what it left behind removed afterwards. Derive one abstract
/// class with the tests, and one sealed class per adapter passing the kind (the PostgreSQL one marked
/// <c>[ConformanceSkip(typeof(EnginePostgres), nameof(EnginePostgres.SkipReason))]</c>).
/// </summary>
public abstract class StoreBackedTests(StoreKind kind) : IAsyncLifetime
{
    private readonly string _scratch = kind switch
    {
        StoreKind.Sqlite => Path.Combine(Path.GetTempPath(), "servicedesk-engine-" + Guid.NewGuid().ToString("N")),
        StoreKind.PostgreSql => EnginePostgres.NewSchema(),
        _ => string.Empty,
    };

    private ITicketStore? _store;

    /// <summary>Gets a tenant of this test alone.</summary>
    protected TenantId Tenant { get; } = new("t" + Guid.NewGuid().ToString("N")[..10]);

    /// <summary>Gets the test's clock.</summary>
    protected TestClock Clock { get; } = new();

    /// <summary>Gets the test's store.</summary>
    protected ITicketStore Store => _store ?? throw new InvalidOperationException("Not initialized.");

    /// <inheritdoc/>
    public async Task InitializeAsync()
        => _store = kind switch
        {
            StoreKind.InMemory => new InMemoryTicketStore(),
            StoreKind.Sqlite => await SqliteTicketStore.OpenAsync(Path.Combine(_scratch, "desk.db")),
            _ => await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions
            {
                ConnectionString = EnginePostgres.RequireConnectionString(),
                Schema = _scratch,
            }),
        };

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        switch (_store)
        {
            case IAsyncDisposable d:
                await d.DisposeAsync();
                break;
            case IDisposable d:
                d.Dispose();
                break;
        }

        switch (kind)
        {
            case StoreKind.Sqlite when Directory.Exists(_scratch):
                Directory.Delete(_scratch, recursive: true);
                break;
            case StoreKind.PostgreSql when _store is not null:
                await EnginePostgres.DropSchemaAsync(_scratch);
                break;
        }
    }
}
