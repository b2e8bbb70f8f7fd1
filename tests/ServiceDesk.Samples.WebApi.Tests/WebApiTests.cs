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

        var comment = await _client.PostAsJsonAsync($"/tenants/{tenant}/tickets/{id}/comments", new { text = "Looking into it.", agent = "alice" });
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

    [Fact]
    public async Task BadInput_Gives400ProblemDetailsNamingTheValue()
    {
        var response = await _client.PostAsJsonAsync("/tenants/acme/tickets", new { kind = "Incidnet", subject = "x", requester = "J", customer = "c", impact = 1, urgency = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("'Incidnet' is not a valid Kind", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var impact = await _client.PostAsJsonAsync("/tenants/acme/tickets", Incident(impact: 9));
        Assert.Equal(HttpStatusCode.BadRequest, impact.StatusCode);
        Assert.Contains("9", (await impact.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var badId = await _client.GetAsync("/tenants/acme/tickets/not-a-guid");
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Contains("'not-a-guid' is not a ticket id", (await badId.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
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
    }
}
