using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Storage.PostgreSql;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests.Processes;

/// <summary>Issue 14: the ITIL processes through the engine (approvals, confirmation, auto-close, follow-ups, major
/// incidents), on every store. The worked examples of docs/processes.md are tests of this class.</summary>
public abstract partial class ProcessTests : IAsyncLifetime
{
    private ITicketStore? _store;

    protected TenantId Tenant { get; } = new("p" + Guid.NewGuid().ToString("N")[..10]);

    protected TestClock Clock { get; } = new(); // Monday 6 January 2025, 09:00 UTC

    protected ITicketStore Store => _store ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Incidents auto-close after 2 business days of <see cref="Desk.Calendar"/> and reopen within 10 days of
    /// closure; the engine schedules the same auto-close.</summary>
    protected static ServiceDeskEngineOptions AutoCloseOptions { get; } = BuildAutoCloseOptions();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

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

        await DisposeStoreAsync();
    }

    protected abstract Task<ITicketStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    protected CommandContext Agent(AgentId agent, string? key = null) => new(Tenant, Actor.OfAgent(agent)) { IdempotencyKey = key };

    protected CommandContext Caller(string? key = null) => new(Tenant, Actor.OfRequester("Jane Doe")) { IdempotencyKey = key };

    protected static OpenTicketRequest Request(string subject)
        => new(TicketKind.ServiceRequest, subject, Desk.Requester, Impact.Medium, Urgency.Medium);

    protected async Task<int> EventCountAsync(TicketId id) => (await Store.ReadHistoryAsync(Tenant, id)).Count;

    private static ServiceDeskEngineOptions BuildAutoCloseOptions()
    {
        var workflows = Desk.Options.Workflows.ToDictionary(p => p.Key, p => p.Value);
        workflows[TicketKind.Incident] = IncidentLifecycle.Create(new IncidentLifecycleOptions
        {
            AutoCloseAfterBusinessDays = 2,
            AddBusinessDays = Desk.Calendar.AddBusinessDays,
            ReopenFromClosedDays = 10,
        });
        return new ServiceDeskEngineOptions(workflows).With(Desk.Options.RoutingRules, Desk.Options.SlaPolicies).WithAutoClose(2, Desk.Calendar);
    }
}

/// <summary>On the in-memory store.</summary>
public sealed class InMemoryProcessTests : ProcessTests
{
    protected override Task<ITicketStore> CreateStoreAsync() => Task.FromResult<ITicketStore>(new InMemoryTicketStore());
}

/// <summary>On a fresh SQLite file.</summary>
public sealed class SqliteProcessTests : ProcessTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "servicedesk-proc-" + Guid.NewGuid().ToString("N"));

    protected override async Task<ITicketStore> CreateStoreAsync() => await SqliteTicketStore.OpenAsync(Path.Combine(_folder, "desk.db"));

    protected override Task DisposeStoreAsync()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }
}

/// <summary>On a real PostgreSQL server, in a schema of each test's own (dropped afterwards), so the sweeper claims only this
/// test's timers.</summary>
[ConformanceSkip(typeof(EnginePostgres), nameof(EnginePostgres.SkipReason))]
public sealed class PostgreSqlProcessTests : ProcessTests
{
    private readonly string _schema = "sdproc_" + Guid.NewGuid().ToString("N")[..12];

    protected override async Task<ITicketStore> CreateStoreAsync()
        => await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions
        {
            ConnectionString = EnginePostgres.RequireConnectionString(),
            Schema = _schema,
        });

    protected override async Task DisposeStoreAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(EnginePostgres.RequireConnectionString());
        await connection.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
