// Embedding ServiceDesk.Core in a few lines: open tickets of each kind in the in-memory store, derive their
// priorities from impact and urgency with the ITIL matrix, move one through its lifecycle, and print the
// tickets with their history. No clock is read: the sample runs in a fixed, simulated time. It also runs as a native
// AOT binary (CI publishes it with PublishAot=true and runs it): nothing here, nor in the SDK, needs reflection.
using NodaTime;
using NodaTime.Text;
using ServiceDesk;
using ServiceDesk.Events;
using ServiceDesk.Serialization;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;

var store = new InMemoryTicketStore();
var tenant = new TenantId("acme-msp");
var customer = new CustomerId("globex");
var now = Instant.FromUtc(2025, 3, 3, 9, 0);
var matrix = PriorityMatrix.Default;

var requests = new (TicketKind Kind, string Subject, Impact Impact, Urgency Urgency, Channel Channel)[]
{
    (TicketKind.Incident, "Mail server is down for the whole office", Impact.High, Urgency.High, Channel.Monitoring),
    (TicketKind.Incident, "Printer on floor 3 jams on duplex", Impact.Low, Urgency.Medium, Channel.Portal),
    (TicketKind.ServiceRequest, "New laptop for a starter on Monday", Impact.Low, Urgency.Medium, Channel.Email),
    (TicketKind.Problem, "Recurring mail server outages after patching", Impact.High, Urgency.Medium, Channel.Api),
    (TicketKind.Change, "Upgrade the mail server to the fixed release", Impact.Medium, Urgency.Medium, Channel.Portal),
};

var opened = new List<Ticket>();
foreach (var r in requests)
{
    now += Duration.FromMinutes(7);
    var number = await store.AllocateNumberAsync(tenant, r.Kind);
    var ticket = new Ticket
    {
        Tenant = tenant,
        Id = TicketId.New(),
        Number = number,
        Kind = r.Kind,
        Subject = r.Subject,
        Status = TicketStatus.New,
        Impact = r.Impact,
        Urgency = r.Urgency,
        Priority = matrix.Calculate(r.Impact, r.Urgency),
        Channel = r.Channel,
        Requester = new Requester(customer, "Hank Scorpio", "hank@globex.example"),
        OpenedAt = now,
        UpdatedAt = now,
        Version = 1,
    };
    var openedEvent = new TicketOpened(tenant, ticket.Id, 1, now, Actor.OfIntegration("embedding-sample"),
        number, r.Kind, r.Subject, ticket.Priority, r.Channel);
    opened.Add((await store.AppendAsync(new TicketAppend(ticket, [openedEvent], expectedVersion: 0))).Ticket);
}

// Work the mail outage: assign, reply, resolve. Each append expects the version it read.
var agent = new AgentId("alice");
var group = new GroupId("messaging-2nd-line");
var outage = opened[0];
now += Duration.FromMinutes(4);
var working = outage with { Status = TicketStatus.InProgress, AssignmentGroup = group, Assignee = agent, UpdatedAt = now, Version = 3 };
await store.AppendAsync(new TicketAppend(working,
[
    new Assigned(tenant, outage.Id, 2, now, Actor.System, group, agent),
    new StatusChanged(tenant, outage.Id, 3, now, Actor.OfAgent(agent), TicketStatus.New, TicketStatus.InProgress),
], expectedVersion: 1));

now += Duration.FromMinutes(35);
var resolved = working with { Status = TicketStatus.Resolved, UpdatedAt = now, Version = 5 };
await store.AppendAsync(new TicketAppend(resolved,
[
    new CommentAdded(tenant, outage.Id, 4, now, Actor.OfAgent(agent), CommentVisibility.Public, "Restarted the transport service; mail flows again."),
    new StatusChanged(tenant, outage.Id, 5, now, Actor.OfAgent(agent), TicketStatus.InProgress, TicketStatus.Resolved, "Workaround"),
], expectedVersion: 3, idempotencyKey: "resolve-INC1"));

// A retried command with the same idempotency key is applied once.
var retry = await store.AppendAsync(new TicketAppend(resolved,
[
    new CommentAdded(tenant, outage.Id, 4, now, Actor.OfAgent(agent), CommentVisibility.Public, "Restarted the transport service; mail flows again."),
    new StatusChanged(tenant, outage.Id, 5, now, Actor.OfAgent(agent), TicketStatus.InProgress, TicketStatus.Resolved, "Workaround"),
], expectedVersion: 3, idempotencyKey: "resolve-INC1"));

// Someone else still holding version 1 loses the race with a clear error instead of overwriting.
try
{
    await store.AppendAsync(new TicketAppend(outage with { Subject = "Mail down (edited)", Version = 2 },
        [new CommentAdded(tenant, outage.Id, 2, now, Actor.OfAgent(new AgentId("bob")), CommentVisibility.Internal, "stale edit")],
        expectedVersion: 1));
}
catch (ConcurrencyException ex)
{
    Console.WriteLine($"Stale write rejected: expected v{ex.ExpectedVersion}, stored v{ex.ActualVersion}.");
}

Console.WriteLine($"Retried resolve was a replay: {retry.IsReplay}");
Console.WriteLine();

var pattern = InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd HH:mm'Z'");
var page = await store.QueryAsync(new TicketQuery(tenant) { PageSize = 100 });
Console.WriteLine($"{"Number",-11} {"Kind",-15} {"Priority",-11} {"Status",-11} Subject");
foreach (var t in page.Items)
{
    Console.WriteLine($"{t.Number,-11} {t.Kind,-15} {t.Priority,-11} {t.Status,-11} {t.Subject}");
}

Console.WriteLine();
Console.WriteLine($"History of {outage.Number}:");
var history = await store.ReadHistoryAsync(tenant, outage.Id);
foreach (var e in history)
{
    var what = e switch
    {
        TicketOpened o => $"opened via {o.Channel} at {o.Priority}",
        Assigned a => $"assigned to {a.Group} / {a.Agent}",
        StatusChanged s => $"status {s.From} -> {s.To}" + (s.Reason is null ? string.Empty : $" ({s.Reason})"),
        CommentAdded c => $"{c.Visibility.ToString().ToLowerInvariant()} comment: {c.Text}",
        _ => e.GetType().Name,
    };
    Console.WriteLine($"  v{e.Version} {pattern.Format(e.At)} {e.Actor,-22} {what}");
}

// The JSON form that stores persist and integrators read from the outbox: a "type" discriminator, read back exactly.
var last = history[^1];
var json = ServiceDeskJson.Serialize(last);
Console.WriteLine();
Console.WriteLine($"As JSON: {json}");
Console.WriteLine($"Event read back equal: {ServiceDeskJson.DeserializeEvent(json) == last}");
var snapshot = page.Items[0];
Console.WriteLine($"Ticket read back equal: {ServiceDeskJson.DeserializeTicket(ServiceDeskJson.Serialize(snapshot)) == snapshot}");
