using NodaTime;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.InMemory.Tests;

/// <summary>Behaviour of the in-memory adapter beyond the shared contract.</summary>
public sealed class InMemoryTicketStoreTests
{
    private static readonly TenantId Tenant = new("tenant-a");

    [Fact]
    public async Task Append_LaterVersionChangesNumber_ThrowsArgumentExceptionAndKeepsTicket()
    {
        var store = new InMemoryTicketStore();
        var factory = new TicketFactory(Tenant);
        var v1 = (await store.AppendAsync(factory.Open())).Ticket;
        var renumbered = factory.Update(v1, [Comment(v1)], t => t with { Number = new TicketNumber(TicketKind.Incident, 99) });

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync(renumbered));

        Assert.Contains("cannot change its number or opening instant", ex.Message, StringComparison.Ordinal);
        Assert.Equal(v1, await store.GetAsync(Tenant, v1.Id));
        Assert.Null(await store.GetByNumberAsync(Tenant, new TicketNumber(TicketKind.Incident, 99)));
        Assert.Single(await store.ReadHistoryAsync(Tenant, v1.Id));
    }

    [Fact]
    public async Task Append_LaterVersionChangesOpenedAt_ThrowsArgumentException()
    {
        var store = new InMemoryTicketStore();
        var factory = new TicketFactory(Tenant);
        var v1 = (await store.AppendAsync(factory.Open())).Ticket;
        var moved = factory.Update(v1, [Comment(v1)], t => t with { OpenedAt = t.OpenedAt - Duration.FromDays(1) });

        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync(moved));

        Assert.Equal(v1, await store.GetAsync(Tenant, v1.Id));
    }

    [Fact]
    public async Task Stores_SeparateInstances_ShareNothing()
    {
        var first = new InMemoryTicketStore();
        var second = new InMemoryTicketStore();
        var factory = new TicketFactory(Tenant);

        var ticket = await factory.OpenAsync(first);

        Assert.Null(await second.GetAsync(Tenant, ticket.Id));
        Assert.Equal(1, (await second.AllocateNumberAsync(Tenant, TicketKind.Incident)).Sequence);
        Assert.Equal(2, (await first.AllocateNumberAsync(Tenant, TicketKind.Incident)).Sequence);
    }

    [Fact]
    public async Task AppendAsync_ConflictOrCancellation_ReturnsFaultedTaskRatherThanThrowing()
    {
        var store = new InMemoryTicketStore();
        var factory = new TicketFactory(Tenant);
        var v1 = await factory.OpenAsync(store);
        await store.AppendAsync(factory.AddComment(v1));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var conflict = store.AppendAsync(factory.AddComment(v1));
        var cancelled = store.AppendAsync(factory.AddComment(v1), cts.Token);

        Assert.True(conflict.IsFaulted);
        Assert.IsType<ConcurrencyException>(conflict.Exception?.InnerException);
        Assert.True(cancelled.IsCanceled);
        await Assert.ThrowsAsync<ConcurrencyException>(() => conflict);
    }

    private static Events.CommentAdded Comment(Ticket current)
        => new(current.Tenant, current.Id, current.Version + 1, current.UpdatedAt, Actor.System, Events.CommentVisibility.Internal, "note");
}
