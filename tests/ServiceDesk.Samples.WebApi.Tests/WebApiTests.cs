using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ServiceDesk.Samples.WebApi.Tests;

public sealed class WebApiTests : IClassFixture<WebApiTests.InMemoryApp>
{
    private readonly HttpClient _client;

    public WebApiTests(InMemoryApp app)
    {
        _client = app.CreateClient();
    }

    public sealed class InMemoryApp : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
            => builder.UseSetting("ServiceDesk:Store:Provider", "InMemory");
    }

    private static object Incident(string subject = "VPN is down", int impact = 2) => new
    {
        kind = "Incident", subject, requester = "Jane Doe", customer = "acme", impact, urgency = 1, group = "network", contract = "ACME-2026",
    };

    private async Task<JsonElement> OpenAsync(string tenant, object body)
    {
        var response = await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Ticket_OpenGetTransitionCommentQueueHistory_WorksOverHttp()
    {
        var tenant = "t" + Guid.NewGuid().ToString("N")[..8];
        var opened = await OpenAsync(tenant, Incident());
        var id = opened.GetProperty("id").GetString();
        Assert.Equal("INC0000001", opened.GetProperty("number").GetString());
        Assert.Equal("standard", opened.GetProperty("slaPolicy").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT", opened.GetProperty("openedAt").GetString());

        var got = await _client.GetFromJsonAsync<JsonElement>($"/tenants/{tenant}/tickets/{id}");
        Assert.Equal(2, got.GetProperty("clocks").GetArrayLength());
        Assert.Equal("Running", got.GetProperty("clocks")[0].GetProperty("stage").GetString());

        var started = await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets/{id}/transitions", new { trigger = "Start", agent = "alice" });
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        Assert.Equal("InProgress", (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var rejected = await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets/{id}/transitions", new { trigger = "Resolve", agent = "alice" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        Assert.NotEqual(0, (await rejected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unmetGuards").GetArrayLength());

        var comment = await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets/{id}/comments", new { text = "Looking into it.", agent = "alice", visibility = "Internal" });
        Assert.Equal("Applied", (await comment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());

        var time = await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets/{id}/time", new { agent = "alice", minutes = 90 });
        Assert.Equal(HttpStatusCode.OK, time.StatusCode);

        var queue = await _client.GetFromJsonAsync<JsonElement>($"/tenants/{tenant}/queue?group=network");
        Assert.Equal(id, queue[0].GetProperty("id").GetString());

        var history = await _client.GetFromJsonAsync<JsonElement>($"/tenants/{tenant}/tickets/{id}/history");
        var types = history.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal("TicketOpened", types[0]);
        Assert.Contains("StatusChanged", types);
        Assert.Contains("CommentAdded", types);
        Assert.Contains("TimeLogged", types);
        var logged = history.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "TimeLogged");
        Assert.Equal("PT1H30M", logged.GetProperty("event").GetProperty("duration").GetString());
    }

    [Fact]
    public async Task Invoice_Preview_BillsLoggedTimeAgainstTheContract()
    {
        var opened = await OpenAsync("acme", Incident("Printer jam"));
        var id = opened.GetProperty("id").GetString();
        var started = DateTimeOffset.UtcNow.AddHours(-2).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var logged = await _client.PostAsJsonAsync($"/tenants/acme/tickets/{id}/time", new { agent = "bob", minutes = 60, started });
        Assert.Equal(HttpStatusCode.OK, logged.StatusCode);

        var month = DateTimeOffset.UtcNow.AddHours(-2).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var invoice = await _client.GetFromJsonAsync<JsonElement>($"/tenants/acme/contracts/ACME-2026/invoices/{month}");
        Assert.Equal("GBP", invoice.GetProperty("currency").GetString());
        Assert.True(invoice.GetProperty("net").GetDecimal() >= 500m);
        Assert.NotEqual(0, invoice.GetProperty("lines").GetArrayLength());
    }

    private async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<HttpResponseMessage> PostRawAsync(string path, string json)
        => _client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    [Fact]
    public async Task OpenTicket_MalformedJson_Gives400WithDetailAndPath()
    {
        var problem = await ProblemAsync(await PostRawAsync("/tenants/acme/tickets", """{ "kind": "Incident", "subject": }"""));

        var detail = problem.GetProperty("detail").GetString()!;
        Assert.StartsWith("The request body is not valid JSON at $.subject (line 1, position ", detail, StringComparison.Ordinal);
        Assert.Equal("$.subject", problem.GetProperty("path").GetString());
        Assert.DoesNotContain("ServiceDesk", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenTicket_WrongEnumValue_NamesTheValueAndTheAllowedOnes()
    {
        var problem = await ProblemAsync(await _client.PostAsJsonAsync("/tenants/acme/tickets", new { kind = "Incidnet", subject = "x", requester = "J", customer = "c", impact = 1, urgency = 1 }));

        Assert.Equal("$.kind: 'Incidnet' is not valid; use one of Incident, ServiceRequest, Problem, Change.", problem.GetProperty("detail").GetString());
        Assert.Equal("$.kind", problem.GetProperty("path").GetString());
    }

    [Fact]
    public async Task OpenTicket_WrongTypedField_NamesTheFieldAndWhatItTakes()
    {
        var problem = await ProblemAsync(await PostRawAsync("/tenants/acme/tickets",
            """{ "kind": "Incident", "subject": "x", "requester": "J", "customer": "c", "impact": "high", "urgency": 1 }"""));

        Assert.Equal("$.impact: 'high' is not valid; expected a whole number.", problem.GetProperty("detail").GetString());
        Assert.Equal("$.impact", problem.GetProperty("path").GetString());

        var comment = await ProblemAsync(await PostRawAsync($"/tenants/acme/tickets/{Guid.NewGuid()}/comments", """{ "text": "hi", "agent": "a", "visibility": 1 }"""));
        Assert.Equal("$.visibility: the number 1 is not valid; use one of Public, Internal.", comment.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OpenTicket_MissingRequiredField_NamesIt()
    {
        var problem = await ProblemAsync(await PostRawAsync("/tenants/acme/tickets", """{ "kind": "Incident", "requester": "J", "customer": "c", "impact": 1, "urgency": 1 }"""));

        Assert.Equal("$: missing subject (required).", problem.GetProperty("detail").GetString());
        Assert.Equal("$.subject", problem.GetProperty("path").GetString());
    }

    [Fact]
    public async Task BadValues_AreNamedAsTheClientSentThem()
    {
        var impact = await ProblemAsync(await _client.PostAsJsonAsync("/tenants/acme/tickets", Incident(impact: 9)));
        Assert.Equal("9 is not an impact; use 1 (high), 2 (medium) or 3 (low).", impact.GetProperty("detail").GetString());
        Assert.Equal("$.impact", impact.GetProperty("path").GetString());

        var badId = await ProblemAsync(await _client.GetAsync("/tenants/acme/tickets/not-a-guid"));
        Assert.StartsWith("'not-a-guid' is not a ticket id", badId.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("id", badId.GetProperty("parameter").GetString());

        var month = await ProblemAsync(await _client.GetAsync("/tenants/acme/contracts/ACME-2026/invoices/March"));
        Assert.Equal("month", month.GetProperty("parameter").GetString());

        var opened = await OpenAsync("acme", Incident("Nobody comments"));
        var nobody = await ProblemAsync(await _client.PostAsJsonAsync($"/tenants/acme/tickets/{opened.GetProperty("id").GetString()}/comments", new { text = "hi" }));
        Assert.Equal("$.agent", nobody.GetProperty("path").GetString());
        Assert.DoesNotContain("Parameter", nobody.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("body", nobody.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ticket_Response_HasEnumsAsStringsAndIsoDurations()
    {
        var opened = await OpenAsync("t" + Guid.NewGuid().ToString("N")[..8], Incident());

        Assert.Equal("Incident", opened.GetProperty("kind").GetString());
        Assert.Equal("P2High", opened.GetProperty("priority").GetString());
        var clocks = opened.GetProperty("clocks").EnumerateArray().ToDictionary(c => c.GetProperty("metric").GetString()!);
        Assert.Equal("PT1H", clocks["first_response"].GetProperty("target").GetString());
        Assert.Equal("PT8H30M", clocks["resolution"].GetProperty("target").GetString()); // P2: one working day of the office calendar
        Assert.Equal("Running", clocks["resolution"].GetProperty("stage").GetString());
        Assert.Matches(@"^PT(\d+H)?(\d+M)?(\d+(\.\d+)?S)?$", clocks["resolution"].GetProperty("elapsed").GetString());
    }

    [Fact]
    public async Task Assign_GroupAndAssignee_GoesThroughTheEngine()
    {
        var tenant = "t" + Guid.NewGuid().ToString("N")[..8];
        var id = (await OpenAsync(tenant, Incident())).GetProperty("id").GetString();

        var both = await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets/{id}/assignment", new { agent = "lead", group = "database", assignee = "carol" });
        Assert.Equal(HttpStatusCode.OK, both.StatusCode);
        var ticket = await both.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("database", ticket.GetProperty("group").GetString());
        Assert.Equal("carol", ticket.GetProperty("assignee").GetString());

        var assigneeOnly = await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets/{id}/assignment", new { agent = "lead", assignee = "dave" });
        ticket = await assigneeOnly.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("database", ticket.GetProperty("group").GetString());
        Assert.Equal("dave", ticket.GetProperty("assignee").GetString());

        var groupOnly = await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets/{id}/assignment", new { agent = "lead", group = "network" });
        ticket = await groupOnly.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("network", ticket.GetProperty("group").GetString());
        Assert.Equal("ann", ticket.GetProperty("assignee").GetString()); // chosen by the network group's strategy (config/agents.json)

        var history = await _client.GetFromJsonAsync<JsonElement>($"/tenants/{tenant}/tickets/{id}/history");
        var assigned = history.EnumerateArray().Where(e => e.GetProperty("type").GetString() == "Assigned").Select(e => e.GetProperty("event").GetProperty("group").GetString()).ToList();
        Assert.Equal(["database", "database", "network"], assigned[^3..]);
    }

    [Fact]
    public async Task Assignment_AutomaticWorkloadHandOverAndDecision_ThroughTheApi()
    {
        var tenant = "t" + Guid.NewGuid().ToString("N")[..8];
        var first = await OpenAsync(tenant, Incident());
        var second = await OpenAsync(tenant, Incident());
        Assert.Equal(["ann", "bob"], new[] { first, second }.Select(t => t.GetProperty("assignee").GetString()));

        var decision = await _client.GetFromJsonAsync<JsonElement>($"/tenants/{tenant}/tickets/{first.GetProperty("id").GetString()}/assignment");
        Assert.Equal(("Opened", "least-loaded", "ann"), (decision.GetProperty("trigger").GetString(), decision.GetProperty("strategy").GetString(), decision.GetProperty("agent").GetString()));
        Assert.Contains("ann has the lowest weighted load", decision.GetProperty("explanation").GetString(), StringComparison.Ordinal);

        var workload = await _client.GetFromJsonAsync<JsonElement>($"/tenants/{tenant}/agents/workload");
        var open = workload.EnumerateArray().ToDictionary(a => a.GetProperty("agent").GetString()!, a => a.GetProperty("open").GetInt32());
        Assert.Equal((1, 1, 0), (open["ann"], open["bob"], open["carol"]));

        var handOver = await _client.PostAsJsonAsync($"/tenants/{tenant}/agents/ann/hand-over", new { agent = "lead" });
        Assert.Equal(HttpStatusCode.OK, handOver.StatusCode);
        var moved = Assert.Single((await handOver.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Equal(("Applied", "bob"), (moved.GetProperty("outcome").GetString(), moved.GetProperty("assignee").GetString()));
        Assert.Contains("removed by handing-over: 1 (ann)", moved.GetProperty("explanation").GetString(), StringComparison.Ordinal);

        var unknownAgent = await ProblemAsync(await _client.PostAsJsonAsync(
            $"/tenants/{tenant}/tickets/{first.GetProperty("id").GetString()}/assignment", new { agent = "lead", group = "network", assignee = "zed" }));
        Assert.Contains("'zed' is not in the agent directory", unknownAgent.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/tenants/{tenant}/tickets/{Guid.NewGuid()}/assignment")).StatusCode);
    }

    [Fact]
    public async Task Assign_BadInput_Gives400Or404()
    {
        var tenant = "t" + Guid.NewGuid().ToString("N")[..8];
        var id = (await OpenAsync(tenant, new { kind = "Incident", subject = "No group", requester = "J", customer = "acme", impact = 3, urgency = 3 })).GetProperty("id").GetString();

        var neither = await ProblemAsync(await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets/{id}/assignment", new { agent = "lead" }));
        Assert.Equal("Give group, assignee or both.", neither.GetProperty("detail").GetString());

        var noAgent = await ProblemAsync(await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets/{id}/assignment", new { group = "network" }));
        Assert.Equal("$.agent", noAgent.GetProperty("path").GetString());

        var blank = await ProblemAsync(await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets/{id}/assignment", new { agent = "lead", group = " " }));
        Assert.Equal("$.group", blank.GetProperty("path").GetString());

        var wrongType = await ProblemAsync(await PostRawAsync($"/tenants/{tenant}/tickets/{id}/assignment", """{ "agent": "lead", "group": ["network"] }"""));
        Assert.Equal("$.group: an array is not valid; expected a string.", wrongType.GetProperty("detail").GetString());

        var badId = await ProblemAsync(await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets/42/assignment", new { agent = "lead", group = "network" }));
        Assert.Equal("id", badId.GetProperty("parameter").GetString());

        var unknown = await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets/{Guid.NewGuid()}/assignment", new { agent = "lead", group = "network" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task UnknownTicket_Gives404()
    {
        var get = await _client.GetAsync($"/tenants/acme/tickets/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);

        var transition = await _client.PostAsJsonAsync($"/tenants/acme/tickets/{Guid.NewGuid()}/transitions", new { trigger = "Start", agent = "alice" });
        Assert.Equal(HttpStatusCode.NotFound, transition.StatusCode);
        Assert.Equal("application/problem+json", transition.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OpenApi_Document_ListsTheEndpoints()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/tenants/{tenant}/tickets", paths);
        Assert.Contains("/tenants/{tenant}/tickets/{id}", paths);
        Assert.Contains("/tenants/{tenant}/tickets/{id}/transitions", paths);
        Assert.Contains("/tenants/{tenant}/tickets/{id}/comments", paths);
        Assert.Contains("/tenants/{tenant}/tickets/{id}/time", paths);
        Assert.Contains("/tenants/{tenant}/tickets/{id}/history", paths);
        Assert.Contains("/tenants/{tenant}/queue", paths);
        Assert.Contains("/tenants/{tenant}/contracts/{contract}/invoices/{month}", paths);
        Assert.Contains("/tenants/{tenant}/tickets/{id}/assignment", paths);
    }

    [Fact]
    public async Task OpenApi_Document_ShowsEnumValuesAndIsoDurations()
    {
        var schemas = (await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("components").GetProperty("schemas");

        Assert.Equal(["Incident", "ServiceRequest", "Problem", "Change"], schemas.GetProperty("TicketKind").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("P1Critical", schemas.GetProperty("Priority").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["Public", "Internal"], schemas.GetProperty("CommentVisibility").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("#/components/schemas/TicketKind", schemas.GetProperty("OpenTicketBody").GetProperty("properties").GetProperty("kind").GetProperty("$ref").GetString());

        var target = Resolve(schemas, schemas.GetProperty("ClockResponse").GetProperty("properties").GetProperty("target"));
        Assert.Equal("string", target.GetProperty("type").GetString());
        Assert.Equal("duration", target.GetProperty("format").GetString());
        Assert.Equal("PT1H", target.GetProperty("example").GetString());
        var openedAt = Resolve(schemas, schemas.GetProperty("TicketResponse").GetProperty("properties").GetProperty("openedAt"));
        Assert.Equal("date-time", openedAt.GetProperty("format").GetString());
    }

    private static JsonElement Resolve(JsonElement schemas, JsonElement schema)
        => schema.TryGetProperty("$ref", out var reference) ? schemas.GetProperty(reference.GetString()!["#/components/schemas/".Length..]) : schema;
}
