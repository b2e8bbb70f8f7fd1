using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Storage.Sqlite;

namespace ServiceDesk.Engine.Tests;

/// <summary>The engine scenarios on the in-memory store.</summary>
public sealed class InMemoryEngineScenarioTests : EngineScenarioTests
{
    protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(new InMemoryTicketStore());

    /// <summary>The figure: four sweepers over 10,000 due timers (SQLite runs a smaller count; the store-level
    /// conformance suite races 10,000 timers on every adapter).</summary>
    protected override int ConcurrentSweepTickets => 10_000;
}

/// <summary>The engine scenarios on a fresh SQLite database file per test.</summary>
public sealed class SqliteEngineScenarioTests : EngineScenarioTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "servicedesk-engine-" + Guid.NewGuid().ToString("N"));

    protected override async Task<ITicketStore> CreateStoreAsync() => await SqliteTicketStore.OpenAsync(Path.Combine(_folder, "desk.db"));

    protected override int ConcurrentSweepTickets => 1_000;

    protected override Task DisposeStoreAsync()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }
}
