using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Storage;
using ServiceDesk.Testing;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests.Processes;

/// <summary>Issue 14: the ITIL processes through the engine (approvals, confirmation, auto-close, follow-ups, major
/// incidents), on every store. The worked examples of docs/processes.md are tests of this class.</summary>
public abstract partial class ProcessTests(StoreKind kind) : StoreBackedTests(kind)
{
    /// <summary>Incidents auto-close after 2 business days of <see cref="Desk.Calendar"/> and reopen within 10 days of
    /// closure; the engine schedules the same auto-close.</summary>
    protected static ServiceDeskEngineOptions AutoCloseOptions { get; } = BuildAutoCloseOptions();

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
public sealed class InMemoryProcessTests() : ProcessTests(StoreKind.InMemory);

/// <summary>On a fresh SQLite file.</summary>
public sealed class SqliteProcessTests() : ProcessTests(StoreKind.Sqlite);

/// <summary>On a real PostgreSQL server, in a schema of each test's own (skipped with the reason when none is configured
/// outside CI).</summary>
[ConformanceSkip(typeof(EnginePostgres), nameof(EnginePostgres.SkipReason))]
public sealed class PostgreSqlProcessTests() : ProcessTests(StoreKind.PostgreSql);
