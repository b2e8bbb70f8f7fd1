using System.Collections.Concurrent;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Idempotency keys and tenant isolation.</content>
public abstract partial class TicketStoreConformanceTests
{
    /// <summary>Retrying an append with the same key returns the first result as a replay and stores nothing twice.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_RetryWithSameKey_ReturnsFirstResultAsReplayAndStoresNothing()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var append = factory.ChangeStatus(v1, TicketStatus.InProgress, idempotencyKey: "cmd-1");

        var first = await Store.AppendAsync(append);
        var retry = await Store.AppendAsync(append);

        Assert.False(first.IsReplay);
        Assert.True(retry.IsReplay);
        AssertSameTicket(first.Ticket, retry.Ticket);
        Assert.Equal(2, (await Store.ReadHistoryAsync(factory.Tenant, v1.Id)).Count);
        AssertSameTicket(append.Ticket, await Store.GetAsync(factory.Tenant, v1.Id));
    }

    /// <summary>An applied key can be looked up without storing anything: the first result, per tenant only.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task FindApplied_KeyAppliedThenTicketMovedOn_ReturnsFirstResultPerTenantOnly()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        Assert.Null(await Store.FindAppliedAsync(factory.Tenant, "hold-1"));

        var v2 = await AppendAsync(factory.ChangeStatus(v1, TicketStatus.InProgress, idempotencyKey: "hold-1"));
        await AppendAsync(factory.AddComment(v2));

        var found = await Store.FindAppliedAsync(factory.Tenant, "hold-1");
        Assert.NotNull(found);
        Assert.True(found.IsReplay);
        AssertSameTicket(v2, found.Ticket);
        Assert.Null(await Store.FindAppliedAsync(NewTenant(), "hold-1"));
        Assert.Equal(3, (await Store.ReadHistoryAsync(factory.Tenant, v1.Id)).Count);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.FindAppliedAsync(default, "hold-1"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.FindAppliedAsync(factory.Tenant, " "));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.FindAppliedAsync(factory.Tenant, null!));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.FindAppliedAsync(factory.Tenant, "hold-1", new CancellationToken(canceled: true)));
    }

    /// <summary>A retry after the ticket moved on still returns the first result (not a conflict), even when the retried
    /// append differs, and stores nothing.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_RetryAfterTicketMovedOn_ReturnsFirstResultAsReplay()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var keyed = factory.Assign(v1, new GroupId("desk"), idempotencyKey: "assign-1");
        var v2 = await AppendAsync(keyed);
        var v3 = await AppendAsync(factory.AddComment(v2));
        var rebuilt = factory.Assign(v1, new GroupId("elsewhere"), idempotencyKey: "assign-1");

        var replay = await Store.AppendAsync(rebuilt);

        Assert.True(replay.IsReplay);
        AssertSameTicket(keyed.Ticket, replay.Ticket);
        AssertSameTicket(v3, await Store.GetAsync(factory.Tenant, v1.Id));
        Assert.Equal(3, (await Store.ReadHistoryAsync(factory.Tenant, v1.Id)).Count);
    }

    /// <summary>Retrying the opening of a ticket with its key is a replay, not a duplicate-id conflict.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_RetryOfNewTicketWithSameKey_ReturnsReplayNotConflict()
    {
        var factory = Factory(NewTenant());
        var open = factory.Open(idempotencyKey: "open-1");

        await AppendAsync(open);
        var retry = await Store.AppendAsync(open);

        Assert.True(retry.IsReplay);
        AssertSameTicket(open.Ticket, retry.Ticket);
        Assert.Single(await Store.ReadHistoryAsync(factory.Tenant, open.Ticket.Id));
    }

    /// <summary>Using a key again for a different ticket is a programming error; the second ticket is not stored.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_SameKeyOnDifferentTicket_ThrowsArgumentExceptionAndStoresNothing()
    {
        var factory = Factory(NewTenant());
        var first = factory.Open(idempotencyKey: "shared-key");
        await AppendAsync(first);
        var second = factory.Open(idempotencyKey: "shared-key");

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendAsync(second));

        Assert.Null(await Store.GetAsync(factory.Tenant, second.Ticket.Id));
        Assert.Empty(await Store.ReadHistoryAsync(factory.Tenant, second.Ticket.Id));
        Assert.Single(await Store.ReadHistoryAsync(factory.Tenant, first.Ticket.Id));
    }

    /// <summary>Keys are per tenant: another tenant's use of the same key is an independent, stored append.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_SameKeyInAnotherTenant_IsIndependent()
    {
        var a = Factory(NewTenant());
        var b = Factory(NewTenant());
        var ofA = a.Open(idempotencyKey: "same-key");
        var ofB = b.Open(idempotencyKey: "same-key", configure: t => t with { Id = ofA.Ticket.Id });

        var resultA = await Store.AppendAsync(ofA);
        var resultB = await Store.AppendAsync(ofB);

        Assert.False(resultA.IsReplay);
        Assert.False(resultB.IsReplay);
        AssertSameTicket(ofB.Ticket, resultB.Ticket);
        AssertSameTicket(ofA.Ticket, await Store.GetAsync(a.Tenant, ofA.Ticket.Id));
        AssertSameTicket(ofB.Ticket, await Store.GetAsync(b.Tenant, ofB.Ticket.Id));
    }

    /// <summary>A key whose append was rejected as a conflict is not consumed: the corrected retry with the same key is applied.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_KeyOfRejectedAppend_IsNotConsumed()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var v2 = await AppendAsync(factory.AddComment(v1));
        await AssertConflictAsync(factory.ChangeStatus(v1, TicketStatus.Resolved, idempotencyKey: "resolve"), 1, 2);

        var corrected = factory.ChangeStatus(v2, TicketStatus.Resolved, idempotencyKey: "resolve");
        var result = await Store.AppendAsync(corrected);

        Assert.False(result.IsReplay);
        Assert.Equal(3, result.Ticket.Version);
        Assert.Equal(3, (await Store.ReadHistoryAsync(factory.Tenant, v1.Id)).Count);
    }

    /// <summary>Concurrent retries of one keyed append store it once: one original, every other one a replay of it.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_ConcurrentRetriesWithSameKey_StoreOnce()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var append = factory.AddComments(v1, 5, idempotencyKey: "burst");
        var results = new ConcurrentBag<AppendResult>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var tasks = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            results.Add(await Store.AppendAsync(append));
        })).ToList();
        start.SetResult();
        await Task.WhenAll(tasks);

        Assert.Single(results, r => !r.IsReplay);
        Assert.All(results, r => AssertSameTicket(append.Ticket, r.Ticket));
        Assert.Equal(6, (await Store.ReadHistoryAsync(factory.Tenant, v1.Id)).Count);
    }

    /// <summary>Another tenant's ticket is invisible by id, by number, in history and in queries.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Reads_OtherTenantsTicket_AreNeverVisible()
    {
        var a = Factory(NewTenant());
        var b = NewTenant();
        var ofA = await a.OpenAsync(Store);
        await AppendAsync(a.AddComment(ofA));

        Assert.Null(await Store.GetAsync(b, ofA.Id));
        Assert.Null(await Store.GetByNumberAsync(b, ofA.Number));
        Assert.Empty(await Store.ReadHistoryAsync(b, ofA.Id));
        var page = await Store.QueryAsync(new TicketQuery(b));
        Assert.Empty(page.Items);
        Assert.Null(page.ContinuationToken);
    }

    /// <summary>Two tenants may use the same number (each allocates from 1); each reads back its own ticket.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task GetByNumber_SameNumberInTwoTenants_ReturnsEachTenantsOwnTicket()
    {
        var a = Factory(NewTenant());
        var b = Factory(NewTenant());
        var ofA = await a.OpenAsync(Store, configure: t => t with { Subject = "Tenant A" });
        var ofB = await b.OpenAsync(Store, configure: t => t with { Subject = "Tenant B" });

        Assert.Equal(ofA.Number, ofB.Number);
        AssertSameTicket(ofA, await Store.GetByNumberAsync(a.Tenant, ofA.Number));
        AssertSameTicket(ofB, await Store.GetByNumberAsync(b.Tenant, ofB.Number));
    }

    /// <summary>The same ticket id in two tenants names two separate tickets: neither append touches the other's data.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_SameIdInAnotherTenant_StoresASeparateTicket()
    {
        var a = Factory(NewTenant());
        var b = Factory(NewTenant());
        var ofA = await AppendAsync(a.Open());
        var ofA2 = await AppendAsync(a.ChangeStatus(ofA, TicketStatus.InProgress));
        var openB = b.Open(TicketKind.Problem, t => t with { Id = ofA.Id });

        var ofB = await AppendAsync(openB);

        AssertSameTicket(ofA2, await Store.GetAsync(a.Tenant, ofA.Id));
        AssertSameTicket(ofB, await Store.GetAsync(b.Tenant, ofA.Id));
        Assert.Equal(2, (await Store.ReadHistoryAsync(a.Tenant, ofA.Id)).Count);
        Assert.Equal(openB.Events, await Store.ReadHistoryAsync(b.Tenant, ofA.Id));
    }

    /// <summary>An append to another tenant's ticket finds no ticket (actual version 0) and changes nothing of it.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_ToOtherTenantsTicket_ThrowsConcurrencyExceptionWithActualZero()
    {
        var a = Factory(NewTenant());
        var b = Factory(NewTenant());
        var ofA = await AppendAsync(a.Open());
        var forged = b.CreateTicket(b.NextNumber()) with { Id = ofA.Id };

        await AssertConflictAsync(b.ChangeStatus(forged, TicketStatus.Closed), expectedVersion: 1, actualVersion: 0);

        AssertSameTicket(ofA, await Store.GetAsync(a.Tenant, ofA.Id));
        Assert.Single(await Store.ReadHistoryAsync(a.Tenant, ofA.Id));
        Assert.Null(await Store.GetAsync(b.Tenant, ofA.Id));
    }
}
