using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.InMemory.Tests;

public sealed class TicketFactoryTests
{
    private static readonly TenantId Tenant = new("factory");

    [Fact]
    public void Constructor_DefaultTenant_ThrowsArgumentException()
        => Assert.Throws<ArgumentException>(() => new TicketFactory(default));

    [Fact]
    public void Open_Defaults_BuildsValidNewTicketAndItsOpenedEvent()
    {
        var factory = new TicketFactory(Tenant);

        var append = factory.Open(TicketKind.Problem);

        var ticket = append.Ticket;
        Assert.Equal(0, append.ExpectedVersion);
        Assert.Equal((Tenant, 1L), (ticket.Tenant, ticket.Version));
        Assert.Equal("PRB0000001", ticket.Number.ToString());
        Assert.Equal(TicketKind.Problem, ticket.Kind);
        Assert.Equal(TicketStatus.New, ticket.Status);
        Assert.Equal(Priority.P3Moderate, ticket.Priority);
        Assert.Equal(TestClock.DefaultStart, ticket.OpenedAt);
        var opened = Assert.IsType<TicketOpened>(Assert.Single(append.Events));
        Assert.Equal((ticket.Id, ticket.Number, ticket.Subject, ticket.OpenedAt), (opened.Ticket, opened.Number, opened.Subject, opened.At));
        Assert.Equal(factory.Actor, opened.Actor);
    }

    [Fact]
    public void NextNumber_PerKind_CountsFromOneIndependently()
    {
        var factory = new TicketFactory(Tenant);

        Assert.Equal(1, factory.NextNumber().Sequence);
        Assert.Equal(2, factory.NextNumber(TicketKind.Incident).Sequence);
        Assert.Equal(1, factory.NextNumber(TicketKind.Change).Sequence);
        Assert.Throws<ArgumentOutOfRangeException>(() => factory.NextNumber((TicketKind)42));
    }

    [Fact]
    public void Open_Configure_OverridesDefaultsInSnapshotAndEvent()
    {
        var factory = new TicketFactory(Tenant);

        var append = factory.Open(configure: t => t with { Subject = "Printer on fire", Priority = Priority.P1Critical, Channel = Channel.Phone });

        var opened = Assert.IsType<TicketOpened>(append.Events[0]);
        Assert.Equal(("Printer on fire", Priority.P1Critical, Channel.Phone), (opened.Subject, opened.Priority, opened.Channel));
        Assert.Equal(Priority.P1Critical, append.Ticket.Priority);
    }

    [Fact]
    public void ChangeStatus_ToOnHold_ExpectsCurrentVersionAndSetsHoldReason()
    {
        var factory = new TicketFactory(Tenant);
        var v1 = factory.Open().Ticket;

        var append = factory.ChangeStatus(v1, TicketStatus.OnHold, "AwaitingCaller", "key-1");

        Assert.Equal((1L, 2L, "key-1"), (append.ExpectedVersion, append.Ticket.Version, append.IdempotencyKey));
        Assert.Equal((TicketStatus.OnHold, "AwaitingCaller"), (append.Ticket.Status, append.Ticket.HoldReason));
        var changed = Assert.IsType<StatusChanged>(Assert.Single(append.Events));
        Assert.Equal((TicketStatus.New, TicketStatus.OnHold, 2L), (changed.From, changed.To, changed.Version));
        Assert.True(append.Ticket.UpdatedAt > v1.UpdatedAt);
    }

    [Fact]
    public void AssignAndChangePriority_UpdateSnapshotAndRecordPreviousValues()
    {
        var factory = new TicketFactory(Tenant);
        var group = new GroupId("desk");
        var agent = new AgentId("ada");
        var v1 = factory.Open().Ticket;

        var v2 = factory.Assign(v1, group, agent).Ticket;
        var toV3 = factory.ChangePriority(v2, Impact.High, Urgency.High);

        Assert.Equal((group, agent), (v2.AssignmentGroup, v2.Assignee));
        Assert.Equal(Priority.P1Critical, toV3.Ticket.Priority);
        var changed = Assert.IsType<PriorityChanged>(toV3.Events[0]);
        Assert.Equal((Priority.P3Moderate, Priority.P1Critical, 3L), (changed.From, changed.To, changed.Version));
    }

    [Fact]
    public void AddComments_Count_BuildsOneAppendWithConsecutiveVersions()
    {
        var factory = new TicketFactory(Tenant);
        var v1 = factory.Open().Ticket;

        var append = factory.AddComments(v1, 4);

        Assert.Equal(5, append.Ticket.Version);
        Assert.Equal([2L, 3L, 4L, 5L], append.Events.Select(e => e.Version));
        Assert.Equal(append.Events[^1].At, append.Ticket.UpdatedAt);
        Assert.Throws<ArgumentOutOfRangeException>(() => factory.AddComments(v1, 0));
    }

    [Fact]
    public void Update_ClockBehindTicket_NeverMovesUpdatedAtBack()
    {
        var clock = new TestClock(TestClock.DefaultStart);
        var factory = new TicketFactory(Tenant, clock);
        var v1 = factory.Open().Ticket;
        clock.Reset(TestClock.DefaultStart - Duration.FromDays(1));

        var v2 = factory.AddComment(v1).Ticket;

        Assert.Equal(v1.UpdatedAt, v2.UpdatedAt);
    }

    [Fact]
    public async Task OpenAsync_Store_AllocatesNumberAndStoresTicket()
    {
        var store = new InMemoryTicketStore();
        var factory = new TicketFactory(Tenant);

        var first = await factory.OpenAsync(store, TicketKind.Change);
        var second = await factory.OpenAsync(store, TicketKind.Change);

        Assert.Equal(["CHG0000001", "CHG0000002"], new[] { first.Number.ToString(), second.Number.ToString() });
        Assert.Equal(second, await store.GetByNumberAsync(Tenant, second.Number));
    }
}
