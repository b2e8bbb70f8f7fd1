using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests;

/// <content>Bad input, SLA clocks, queues and metrics.</content>
public abstract partial class EngineScenarioTests
{
    [Fact]
    public async Task Commands_WrongTenant_ThrowTicketNotFoundAndStoreNothing()
    {
        var id = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Badge reader"))).Ticket.Id;
        var intruder = new CommandContext(Desk.OtherTenant, Actor.OfAgent(Desk.Bob));
        var before = await Engine.GetHistoryAsync(Desk.Tenant, id);

        var error = await Assert.ThrowsAsync<TicketNotFoundException>(() => Engine.CommentAsync(intruder, id, CommentVisibility.Public, "hi"));
        Assert.Equal((Desk.OtherTenant, id), (error.Tenant, error.Ticket));
        await Assert.ThrowsAsync<TicketNotFoundException>(() => Engine.TransitionAsync(intruder, id, IncidentLifecycle.Start));
        await Assert.ThrowsAsync<TicketNotFoundException>(() => Engine.AssignAsync(intruder, id, Desk.Network));

        Assert.Null(await Engine.GetTicketAsync(Desk.OtherTenant, id));
        Assert.Empty(await Engine.GetHistoryAsync(Desk.OtherTenant, id));
        Assert.Equal(before, await Engine.GetHistoryAsync(Desk.Tenant, id));
        Assert.Empty((await Store.QueryAsync(new TicketQuery(Desk.OtherTenant))).Items);
    }

    [Fact]
    public async Task Commands_UnknownTicket_ThrowTicketNotFound()
    {
        var unknown = TicketId.New();
        await Assert.ThrowsAsync<TicketNotFoundException>(() => Engine.CommentAsync(Desk.Agent(Desk.Alice), unknown, CommentVisibility.Public, "x"));
        await Assert.ThrowsAsync<TicketNotFoundException>(() => Engine.TransitionAsync(Desk.Agent(Desk.Alice), unknown, IncidentLifecycle.Start));
        await Assert.ThrowsAsync<TicketNotFoundException>(() => Engine.RateSatisfactionAsync(Desk.Caller(), unknown, 5));
        var id = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Real"))).Ticket.Id;
        await Assert.ThrowsAsync<TicketNotFoundException>(() => Engine.LinkAsync(Desk.Agent(Desk.Alice), id, unknown, TicketLinkType.RelatedTo));
        Assert.DoesNotContain(await Engine.GetHistoryAsync(Desk.Tenant, id), e => e is TicketLinked);
    }

    [Fact]
    public async Task Commands_StaleExpectedVersion_ThrowConcurrencyAndStoreNothing()
    {
        var opened = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("VPN certificate expired"))).Ticket;
        await Engine.CommentAsync(Desk.Agent(Desk.Alice), opened.Id, CommentVisibility.Public, "Renewing.");

        var stale = Desk.Agent(Desk.Alice) with { ExpectedVersion = opened.Version };
        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => Engine.TransitionAsync(stale, opened.Id, IncidentLifecycle.Start));
        Assert.Equal((opened.Version, opened.Version + 1), (error.ExpectedVersion, error.ActualVersion));
        Assert.Equal(opened.Version + 1, (await Store.GetAsync(Desk.Tenant, opened.Id))!.Version);

        var current = Desk.Agent(Desk.Alice) with { ExpectedVersion = opened.Version + 1 };
        Assert.Equal(CommandOutcome.Applied, (await Engine.TransitionAsync(current, opened.Id, IncidentLifecycle.Start)).Outcome);
    }

    [Fact]
    public async Task Commands_OversizedOrBlankFields_ThrowAndStoreNothing()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident(new string('s', Ticket.MaxSubjectLength + 1))));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Engine.OpenTicketAsync(
            Desk.Caller(), Desk.Incident("ok") with { Description = new string('d', Ticket.MaxDescriptionLength + 1) }));
        await Assert.ThrowsAsync<ArgumentException>(() => Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("   ")));
        await Assert.ThrowsAsync<ArgumentException>(() => Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("ok", default(Impact))));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("ok", new Impact(7))));
        await Assert.ThrowsAsync<ArgumentException>(() => Engine.OpenTicketAsync(
            Desk.Caller(), Desk.Incident("ok") with { Attributes = CustomAttributes.Empty.With("sla.policy", AttributeValue.FromString("gold")) }));
        Assert.Empty((await Store.QueryAsync(new TicketQuery(Desk.Tenant))).Items);

        var ticket = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Valid")))!.Ticket;
        Assert.Equal(new TicketNumber(TicketKind.Incident, 1), ticket.Number); // the rejected openings allocated no number

        var agent = Desk.Agent(Desk.Alice);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Engine.CommentAsync(agent, ticket.Id, CommentVisibility.Public, new string('c', Ticket.MaxDescriptionLength + 1)));
        await Assert.ThrowsAsync<ArgumentException>(() => Engine.CommentAsync(agent, ticket.Id, CommentVisibility.Public, " \t "));
        await Assert.ThrowsAsync<ArgumentException>(() => Engine.CommentAsync(Desk.Caller(), ticket.Id, CommentVisibility.Internal, "secret"));
        await Assert.ThrowsAsync<ArgumentException>(() => Engine.TransitionAsync(agent, ticket.Id, IncidentLifecycle.Hold, new string('r', 101)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Engine.LogTimeAsync(agent, ticket.Id, Desk.Alice, Clock.Now, Duration.FromHours(25), billable: true));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Engine.LogTimeAsync(agent, ticket.Id, Desk.Alice, Instant.MaxValue - Duration.FromHours(3), Duration.FromHours(1), billable: true));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Engine.RateSatisfactionAsync(Desk.Caller(), ticket.Id, 6));
        await Assert.ThrowsAsync<ArgumentException>(() => Engine.SetAttributeAsync(agent, ticket.Id, "sla.policy", AttributeValue.FromString("gold")));
        await Assert.ThrowsAsync<ArgumentException>(() => Engine.SetAttributeAsync(agent, ticket.Id, "bad key!", AttributeValue.FromInteger(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Desk.Agent(Desk.Alice, new string('k', TicketAppend.MaxIdempotencyKeyLength + 1)));

        Assert.Equal(ticket, await Store.GetAsync(Desk.Tenant, ticket.Id));
        Assert.Equal(ticket.Version, (await Engine.GetHistoryAsync(Desk.Tenant, ticket.Id)).Count);
    }

    [Fact]
    public async Task Commands_SqlMetacharactersInText_AreStoredVerbatimAndHarmless()
    {
        const string Subject = "x'); DROP TABLE tickets; --";
        const string Description = "\" OR \"1\"=\"1\"; DELETE FROM events WHERE 1=1; /* */";
        const string Comment = "'; UPDATE tickets SET tenant = 'globex' WHERE '1'='1'; --";
        const string Attribute = "Robert'); DROP TABLE Students;--";
        var other = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Bystander"))).Ticket;

        var opened = await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident(Subject) with { Description = Description });
        var id = opened.Ticket.Id;
        await Engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Internal, Comment);
        await Engine.SetAttributeAsync(Desk.Agent(Desk.Alice), id, "note", AttributeValue.FromString(Attribute));
        await Engine.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Hold, IncidentLifecycle.AwaitingVendor, "%'; --");

        var stored = (await Engine.GetTicketAsync(Desk.Tenant, id))!.Ticket;
        Assert.Equal((Subject, Description, Attribute), (stored.Subject, stored.Description, stored.Attributes["note"].AsString()));
        var history = await Engine.GetHistoryAsync(Desk.Tenant, id);
        Assert.Equal(Subject, Assert.IsType<TicketOpened>(history[0]).Subject);
        Assert.Contains(history, e => e is CommentAdded { Text: Comment });
        Assert.Contains(history, e => e is CommentAdded { Text: "%'; --" });
        Assert.Equal(other, await Store.GetAsync(Desk.Tenant, other.Id));
        Assert.Equal(2, (await Store.QueryAsync(new TicketQuery(Desk.Tenant))).Items.Count);
        Assert.Empty((await Store.QueryAsync(new TicketQuery(Desk.OtherTenant))).Items);
    }

    [Fact]
    public async Task GetTicket_SlaClocks_MatchSlaClockEvaluateOnTheSameTimeline()
    {
        var t0 = Clock.Now;
        var id = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Printer offline"))).Ticket.Id;
        var agent = Desk.Agent(Desk.Alice);
        Clock.AdvanceMinutes(10);
        await Engine.TransitionAsync(agent, id, IncidentLifecycle.Start);
        Clock.AdvanceMinutes(20);
        await Engine.CommentAsync(agent, id, CommentVisibility.Public, "Checking the queue.");
        Clock.AdvanceMinutes(30);
        await Engine.TransitionAsync(agent, id, IncidentLifecycle.Hold, IncidentLifecycle.AwaitingCaller);
        Clock.AdvanceHours(3);
        await Engine.TransitionAsync(agent, id, IncidentLifecycle.Resume);
        Clock.AdvanceHours(1);
        await Engine.CommentAsync(Desk.Caller(), id, CommentVisibility.Public, "Still offline.");
        Clock.AdvanceMinutes(45);

        var view = (await Engine.GetTicketAsync(Desk.Tenant, id))!;
        var timeline = TicketTimeline.Create(t0, "New", Priority.P3Moderate)
            .ChangeStatus(t0 + Duration.FromMinutes(10), "InProgress")
            .Comment(t0 + Duration.FromMinutes(30), SlaActor.Agent, isPublic: true)
            .ChangeStatus(t0 + Duration.FromHours(1), "OnHold", IncidentLifecycle.AwaitingCaller)
            .ChangeStatus(t0 + Duration.FromHours(4), "InProgress")
            .Comment(t0 + Duration.FromHours(5), SlaActor.Customer, isPublic: true)
            .Build();

        Assert.Equal(Clock.Now, view.EvaluatedAt);
        Assert.Equal(Desk.Policy.Metrics.Select(m => m.Name), view.Clocks.Select(c => c.Metric));
        foreach (var metric in Desk.Policy.Metrics)
        {
            var expected = SlaClock.Evaluate(metric, timeline, Clock.Now);
            var actual = ClockOf(view, metric.Name);
            Assert.Equal(
                (expected.Stage, expected.Cycle, expected.IsBreached, expected.StartedAt, expected.StoppedAt, expected.Elapsed, expected.Paused, expected.Remaining, expected.DueAt, expected.NextTimerAt),
                (actual.Stage, actual.Cycle, actual.IsBreached, actual.StartedAt, actual.StoppedAt, actual.Elapsed, actual.Paused, actual.Remaining, actual.DueAt, actual.NextTimerAt));
        }

        var resolution = ClockOf(view, "resolution");
        Assert.Equal((SlaStage.Running, Duration.FromHours(3), Duration.FromMinutes(165)), (resolution.Stage, resolution.Paused, resolution.Elapsed));
        Assert.Equal(SlaStage.Running, ClockOf(view, "next_response").Stage);
        Assert.Equal(view.Clocks.Min(c => c.NextTimerAt), view.NextSlaTimerAt);
    }

    [Fact]
    public async Task Queues_OrderByNextDeadlineAndFilterByGroupAssigneeAndRisk()
    {
        var agent = Desk.Agent(Desk.Alice);
        var slow = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Disk slow") with { AssignmentGroup = Desk.ServiceDeskGroup })).Ticket.Id;
        Clock.AdvanceMinutes(10);
        var down = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Server down", Impact.High, Urgency.High) with { AssignmentGroup = Desk.ServiceDeskGroup })).Ticket.Id;
        var vpn = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("VPN flaky"))).Ticket.Id;
        await Engine.CommentAsync(agent, slow, CommentVisibility.Public, "Looking.");
        await Engine.CommentAsync(agent, down, CommentVisibility.Public, "Looking.");
        await Engine.AssignAsync(agent, slow, Desk.ServiceDeskGroup, Desk.Alice);

        var queue = await Engine.GetQueueAsync(Desk.Tenant, Desk.ServiceDeskGroup);
        Assert.Equal([down, slow], queue.Select(v => v.Ticket.Id)); // P1 resolution due 11:10 before P3 due 17:00
        Assert.Equal(Clock.Now - Duration.FromMinutes(10) + Duration.FromHours(8), queue[1].NextDueAt);
        Assert.Equal([vpn], (await Engine.GetQueueAsync(Desk.Tenant, Desk.Network)).Select(v => v.Ticket.Id));
        Assert.Equal([slow], (await Engine.GetQueueAsync(Desk.Tenant, assignee: Desk.Alice)).Select(v => v.Ticket.Id));
        Assert.Equal(3, (await Engine.GetQueueAsync(Desk.Tenant)).Count);

        var atRisk = await Engine.GetAtRiskAsync(Desk.Tenant, Duration.FromHours(2));
        Assert.Equal([vpn, down], atRisk.Select(v => v.Ticket.Id)); // vpn's first response is due at 10:10, down's resolution at 11:10
        Clock.AdvanceHours(3);
        var breached = await Engine.GetAtRiskAsync(Desk.Tenant, Duration.Zero);
        Assert.Equal([vpn, down], breached.Select(v => v.Ticket.Id));
        Assert.All(breached, v => Assert.True(v.IsBreached));
    }

    [Fact]
    public async Task Metrics_CommandsEmitOpenedTransitionsBreachesAndLatency()
    {
        using var factory = new TestMeterFactory();
        using var metrics = new MetricsCollector(factory);
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options, meterFactory: factory);
        Assert.Equal(ServiceDeskEngine.MeterName, engine.Meter.Name);
        var agent = Desk.Agent(Desk.Alice);

        var id = (await engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Email bounces"))).Ticket.Id;
        Clock.AdvanceHours(25); // Tuesday 10:00: nine business hours, past first response (1 h) and resolution (8 h)
        await engine.TransitionAsync(agent, id, IncidentLifecycle.Start);
        await engine.TransitionAsync(agent, id, IncidentLifecycle.Close);
        await engine.TransitionAsync(agent, id, IncidentLifecycle.Resolve, "SolvedWorkaround", "Cleared the mail queue.");

        Assert.Equal(1, metrics.Sum("servicedesk.engine.tickets.opened", "servicedesk.ticket.kind", "Incident"));
        Assert.Equal(2, metrics.Sum("servicedesk.engine.transitions", "servicedesk.outcome", "Applied"));
        Assert.Equal(1, metrics.Sum("servicedesk.engine.transitions", "servicedesk.outcome", "Rejected"));
        Assert.Equal(1, metrics.Sum("servicedesk.engine.sla.breaches", "servicedesk.sla.metric", "resolution"));
        Assert.Equal(1, metrics.Sum("servicedesk.engine.sla.breaches", "servicedesk.sla.metric", "first_response"));
        Assert.Equal(2, metrics.Sum("servicedesk.engine.sla.breaches"));
        Assert.Equal(1, metrics.Count("servicedesk.engine.command.duration", "servicedesk.command", "OpenTicket"));
        Assert.Equal(3, metrics.Count("servicedesk.engine.command.duration", "servicedesk.command", "Transition"));
        Assert.Equal(1, metrics.Count("servicedesk.engine.command.duration", "servicedesk.outcome", "Rejected"));
        await Assert.ThrowsAsync<TicketNotFoundException>(() => engine.CommentAsync(agent, TicketId.New(), CommentVisibility.Public, "x"));
        Assert.Equal(1, metrics.Count("servicedesk.engine.command.duration", "servicedesk.outcome", "error"));
    }
}

/// <summary>A store that runs a rival write just before the next append, to lose a race on purpose.</summary>
internal sealed class InterferingStore(ITicketStore inner) : ITicketStore
{
    public Func<Task>? BeforeNextAppend { get; set; }

    public Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
        => inner.AllocateNumberAsync(tenant, kind, cancellationToken);

    public Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
        => inner.GetAsync(tenant, id, cancellationToken);

    public Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default)
        => inner.GetByNumberAsync(tenant, number, cancellationToken);

    public async Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default)
    {
        if (BeforeNextAppend is { } rival)
        {
            BeforeNextAppend = null;
            await rival();
        }

        return await inner.AppendAsync(append, cancellationToken);
    }

    public Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default)
        => inner.QueryAsync(query, cancellationToken);

    public Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
        => inner.ReadHistoryAsync(tenant, id, cancellationToken);

    public Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default)
        => inner.FindAppliedAsync(tenant, idempotencyKey, cancellationToken);
}
