using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;
using ServiceDesk;
using ServiceDesk.Billing;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Extensions.DependencyInjection;
using ServiceDesk.Samples.WebApi;
using ServiceDesk.Serialization;
using ServiceDesk.Storage;
using ServiceDesk.Workflow;

var builder = WebApplication.CreateBuilder(args);
var desk = builder.Configuration.GetSection("ServiceDesk");
var serviceDesk = builder.Services.AddServiceDesk()
    .UseStore(desk.GetSection("Store"))
    .AddCalendars(desk.GetSection("Calendars"))
    .AddSlaPolicies(desk.GetSection("SlaPolicies"))
    .AddAgentDirectory(desk.GetSection("Agents"))
    .AddBilling(desk.GetSection("Contracts"))
    .AddEscalationWorker(desk.GetSection("EscalationWorker"));

// Signed webhooks from the outbox (docs/notifications.md): off unless ServiceDesk:Webhooks:Enabled is true. Keep the
// subscriptions' secrets in user secrets or environment variables, not in appsettings.json.
if (string.Equals(desk["Webhooks:Enabled"], "true", StringComparison.OrdinalIgnoreCase))
{
    serviceDesk.AddWebhooks(desk.GetSection("Webhooks"));
}

// E-mail notifications through the outbox dispatcher (docs/email.md): off unless ServiceDesk:Email:Enabled is true. The
// SMTP password belongs in user secrets or the environment (ServiceDesk__Email__Smtp__Password), not in appsettings.json.
if (string.Equals(desk["Email:Enabled"], "true", StringComparison.OrdinalIgnoreCase))
{
    var email = desk.GetSection("Email");
    serviceDesk.AddEmail(o => EmailSettings.Bind(email, o)).AddEmailNotifications();
}

builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<DomainExceptionHandler>();

// A body that cannot be read (not JSON, a wrong enum value, a number for a string) throws in every environment, so
// DomainExceptionHandler answers it with a detail and the JSON path instead of a bare 400.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddOpenApi(o => o.AddSchemaTransformer(OpenApiSchemas.DescribeNodaTimeAsync));
builder.Services.ConfigureHttpJsonOptions(o =>
{
    // Durations as ISO-8601 (PT1H) ahead of the SDK's storage form (0:01:00:00); enums as strings without integer
    // values, so the OpenAPI document lists each enum's values: Core's through the SDK's converters (one
    // JsonStringEnumConverter<T> per enum), the other packages' (SlaStage, CommandOutcome, InvoiceLineKind) through the
    // general JsonStringEnumConverter.
    o.SerializerOptions.RespectRequiredConstructorParameters = true; // a missing "subject" is a 400 naming it, not a null
    o.SerializerOptions.Converters.Add(new IsoDurationConverter());
    foreach (var converter in ServiceDeskJson.CreateOptions().Converters)
    {
        o.SerializerOptions.Converters.Add(converter);
    }

    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
});

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();

// Bodies are small: buffer them so that DomainExceptionHandler can show the refused value at its JSON path.
app.Use((context, next) =>
{
    context.Request.EnableBuffering();
    return next(context);
});
app.MapOpenApi();

var tickets = app.MapGroup("/tenants/{tenant}/tickets").WithTags("Tickets");
app.MapAssignmentEndpoints();

tickets.MapPost("/", async Task<Created<TicketResponse>> (string tenant, OpenTicketBody body, ServiceDeskEngine engine, CancellationToken ct) =>
{
    var context = new CommandContext(new TenantId(tenant), Actor.OfRequester(body.Requester)) { IdempotencyKey = body.IdempotencyKey };
    var request = new OpenTicketRequest(
        body.Kind, body.Subject,
        new Requester(new CustomerId(body.Customer), body.Requester, body.Email), Parse.Impact(body.Impact), Parse.Urgency(body.Urgency))
    {
        Description = body.Description ?? string.Empty,
        AssignmentGroup = body.Group is null ? null : new GroupId(body.Group),
        Contract = body.Contract is null ? null : new ContractId(body.Contract),
    };
    var result = await engine.OpenTicketAsync(context, request, ct);
    var view = await engine.GetTicketAsync(context.Tenant, result.Ticket!.Id, ct);
    return TypedResults.Created($"/tenants/{tenant}/tickets/{result.Ticket.Id}", TicketResponse.From(view!));
}).WithName("OpenTicket").WithSummary("Opens a ticket: routed, prioritised and SLA-clocked.");

tickets.MapGet("/{id}", async Task<Results<Ok<TicketResponse>, NotFound>> (string tenant, string id, ServiceDeskEngine engine, CancellationToken ct) =>
    await engine.GetTicketAsync(new TenantId(tenant), Parse.Ticket(id), ct) is { } view
        ? TypedResults.Ok(TicketResponse.From(view))
        : TypedResults.NotFound())
    .WithName("GetTicket").WithSummary("Gets a ticket with its live SLA clocks.");

tickets.MapPost("/{id}/transitions", async Task<Results<Ok<TicketResponse>, UnprocessableEntity<CommandResponse>>> (
    string tenant, string id, TransitionBody body, ServiceDeskEngine engine, CancellationToken ct) =>
{
    var context = Parse.Agent(tenant, body.Agent, body.IdempotencyKey);
    var result = await engine.TransitionAsync(context, Parse.Ticket(id), new WorkflowTrigger(body.Trigger), body.Reason, body.Notes, ct);
    return result.Succeeded
        ? TypedResults.Ok(TicketResponse.From((await engine.GetTicketAsync(context.Tenant, result.Ticket!.Id, ct))!))
        : TypedResults.UnprocessableEntity(CommandResponse.From(result));
}).WithName("Transition").WithSummary("Fires a workflow trigger (Start, Resolve, Close, …); 422 lists the unmet guards.");

tickets.MapPost("/{id}/comments", async (string tenant, string id, CommentBody body, ServiceDeskEngine engine, CancellationToken ct) =>
{
    var context = body.Agent is not null
        ? Parse.Agent(tenant, body.Agent, body.IdempotencyKey)
        : new CommandContext(new TenantId(tenant), Actor.OfRequester(body.Requester ?? throw new RequestValueException("$.agent", "Give agent (an agent's comment) or requester (the requester's).")));
    return TypedResults.Ok(CommandResponse.From(await engine.CommentAsync(context, Parse.Ticket(id), body.Visibility, body.Text, ct)));
}).WithName("Comment").WithSummary("Adds a public or internal comment.");

tickets.MapPost("/{id}/time", async (string tenant, string id, LogTimeBody body, ServiceDeskEngine engine, IClock clock, CancellationToken ct) =>
{
    var context = Parse.Agent(tenant, body.Agent, body.IdempotencyKey);
    var started = body.Started is null ? clock.GetCurrentInstant() - Duration.FromMinutes(body.Minutes) : Parse.Instant(body.Started, "$.started");
    var result = await engine.LogTimeAsync(context, Parse.Ticket(id), new AgentId(body.Agent), started, Duration.FromMinutes(body.Minutes), body.Billable, body.Activity, ct);
    return TypedResults.Ok(CommandResponse.From(result));
}).WithName("LogTime").WithSummary("Logs time worked on the ticket (billed against the ticket's contract).");

tickets.MapPost("/{id}/assignment", async Task<Results<Ok<TicketResponse>, NotFound>> (
    string tenant, string id, AssignBody body, ServiceDeskEngine engine, CancellationToken ct) =>
{
    var context = Parse.Agent(tenant, body.Agent, body.IdempotencyKey);
    var ticket = Parse.Ticket(id);
    if (body.Group is null && body.Assignee is null)
    {
        throw new RequestValueException("$.group", "Give group, assignee or both.");
    }

    if (await engine.GetTicketAsync(context.Tenant, ticket, ct) is not { } current)
    {
        return TypedResults.NotFound();
    }

    var group = body.Group is not null
        ? new GroupId(Parse.Required(body.Group, "$.group"))
        : current.Ticket.AssignmentGroup ?? throw new RequestValueException("$.group", "The ticket has no group yet: give group with the assignee.");
    var assignee = body.Assignee is null ? (AgentId?)null : new AgentId(Parse.Required(body.Assignee, "$.assignee"));
    var result = await engine.AssignAsync(context, ticket, group, assignee, ct);
    return TypedResults.Ok(TicketResponse.From((await engine.GetTicketAsync(context.Tenant, result.Ticket!.Id, ct))!));
}).WithName("Assign").WithSummary("Assigns the ticket to a group and/or an assignee (the engine's assign command); an assignee alone stays in the current group.");

tickets.MapGet("/{id}/history", async (string tenant, string id, ServiceDeskEngine engine, IOptions<JsonOptions> json, CancellationToken ct) =>
{
    var history = await engine.GetHistoryAsync(new TenantId(tenant), Parse.Ticket(id), ct);
    return history.Count == 0
        ? Results.NotFound()
        : Results.Ok(history.Select(e => new HistoryEntry(e.Version, e.GetType().Name, e.At, e.Actor.ToString(), JsonSerializer.SerializeToElement(e, json.Value.SerializerOptions))));
}).WithName("GetHistory").WithSummary("Every event of the ticket, by version.").Produces<HistoryEntry[]>().Produces(StatusCodes.Status404NotFound);

app.MapGet("/tenants/{tenant}/queue", async (string tenant, string? group, string? assignee, ServiceDeskEngine engine, CancellationToken ct) =>
{
    var queue = await engine.GetQueueAsync(new TenantId(tenant), group is null ? null : new GroupId(group), assignee is null ? null : new AgentId(assignee), ct);
    return TypedResults.Ok(queue.Select(TicketResponse.From).ToList());
}).WithTags("Queues").WithName("GetQueue").WithSummary("Open tickets of a group or assignee, ordered by next deadline.");

app.MapGet("/tenants/{tenant}/contracts/{contract}/invoices/{month}", async Task<Results<Ok<InvoicePreview>, NotFound>> (
    string tenant, string contract, string month, ServiceDeskDefinitions definitions, ITimeEntryStore timeEntries, ITicketStore store, IClock clock, CancellationToken ct) =>
{
    if (definitions.FindContract(new ContractId(contract)) is not { } found || found.Tenant != new TenantId(tenant))
    {
        return TypedResults.NotFound();
    }

    var yearMonth = Parse.Month(month);
    var period = found.GetMonthInterval(yearMonth);
    var logged = await timeEntries.ReadTimeEntriesAsync(found.Tenant, period.Start, period.End, ct);
    var entries = new List<TimeEntry>();
    foreach (var entry in logged)
    {
        var ticket = await store.GetAsync(entry.Tenant, entry.Ticket, ct);
        if (ticket?.Contract == found.Id)
        {
            entries.Add(new TimeEntry(new TimeEntryId($"{entry.Ticket}/{entry.Version}"), entry.Tenant, found.Id, entry.Ticket, entry.Agent, entry.Activity ?? "support", entry.Started, entry.Duration)
            {
                Billable = entry.Billable,
                Approval = ApprovalState.Approved,
            });
        }
    }

    var statement = BillingCalculator.CalculateMonth(found, yearMonth, entries, null, clock.GetCurrentInstant());
    return TypedResults.Ok(InvoicePreview.From(statement));
}).WithTags("Billing").WithName("PreviewInvoice").WithSummary("Previews a contract's invoice for a month (yyyy-MM) from the time logged on its tickets.");

// Operators: the messages an outbox consumer (e.g. "webhooks") parked after its last attempt, and replaying them.
var outbox = app.MapGroup("/outbox/{consumer}/parked").WithTags("Outbox");
outbox.MapGet("/", async (string consumer, long? after, IOutboxDeliveryStore deliveries, CancellationToken ct) =>
{
    var parked = await deliveries.ListParkedAsync(consumer, 100, after ?? 0, ct);
    return TypedResults.Ok(parked.Select(p => new ParkedMessage(
        p.Message.Position, p.Message.Event.Tenant.Value, p.Message.Event.Ticket.ToString(), p.Message.Event.Version,
        p.Message.Event.GetType().Name, p.Attempts, p.ParkedAt, p.Error)).ToList());
}).WithName("ListParkedMessages").WithSummary("Lists the messages a consumer parked, by position (100 per page; pass the last position as 'after').");
outbox.MapPost("/{position:long}/replay", async Task<Results<NoContent, NotFound>> (string consumer, long position, IOutboxDeliveryStore deliveries, CancellationToken ct) =>
    await deliveries.ReplayParkedAsync(consumer, [position], ct) == 1 ? TypedResults.NoContent() : TypedResults.NotFound())
    .WithName("ReplayParkedMessage").WithSummary("Makes a parked message deliverable again, with its attempts reset.");

app.MapBillingEndpoints(); // BillingEndpoints.cs: the invoice run, the month's invoices, stored reports

app.Run();

/// <summary>The entry point, visible to WebApplicationFactory.</summary>
public partial class Program;
