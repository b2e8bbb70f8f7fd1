using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ServiceDesk.Samples.WebApi.Tests;

/// <summary>The billing endpoints over HTTP, each test on an app of its own (in-memory store): the invoice run issues, reruns
/// unchanged and corrects with a credit note; the month's documents, profitability and agent load; bad input is a 400 that
/// names the value and stores nothing.</summary>
public sealed class BillingEndpointsTests
{
    private static readonly DateTimeOffset LastMonth = DateTimeOffset.UtcNow.AddMonths(-1);
    private static readonly string Month = LastMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private sealed class App : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
            => builder.UseSetting("ServiceDesk:Store:Provider", "InMemory").UseSetting("ServiceDesk:Billing:HourlyCosts:bob", "40");
    }

    private static string On(int day, int hour) => new DateTimeOffset(LastMonth.Year, LastMonth.Month, day, hour, 0, 0, TimeSpan.Zero).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static async Task<string> OpenAssignedTicketAsync(HttpClient client)
    {
        var opened = await client.PostAsJsonAsync("/tenants/acme/tickets", new
        {
            kind = "Incident", subject = "Server down", requester = "Jane Doe", customer = "acme", impact = 2, urgency = 1, group = "network", contract = "ACME-2026",
        });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var id = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var assigned = await client.PostAsJsonAsync($"/tenants/acme/tickets/{id}/assignment", new { agent = "lead", assignee = "bob" });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        return id;
    }

    private static async Task LogAsync(HttpClient client, string ticket, int minutes, string started)
    {
        var logged = await client.PostAsJsonAsync($"/tenants/acme/tickets/{ticket}/time", new { agent = "bob", minutes, started });
        Assert.Equal(HttpStatusCode.OK, logged.StatusCode);
    }

    private static async Task<JsonElement> RunAsync(HttpClient client)
    {
        var response = await client.PostAsync($"/tenants/acme/billing/{Month}/invoice-run", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task InvoiceRun_IssueRerunCorrect_DocumentsAndReports()
    {
        using var app = new App();
        using var client = app.CreateClient();
        var ticket = await OpenAssignedTicketAsync(client);
        await LogAsync(client, ticket, 120, On(10, 9));

        // Issue: the subscription fee (2 h are within the 10 included hours).
        var first = await RunAsync(client);
        Assert.Equal(1, first.GetProperty("importedEntries").GetInt32());
        var run = Assert.Single(first.GetProperty("runs").EnumerateArray());
        Assert.Equal("ACME-2026", run.GetProperty("contract").GetString());
        Assert.Equal("Issued", run.GetProperty("outcome").GetString());
        Assert.Equal("INV-000001", run.GetProperty("invoice").GetProperty("number").GetString());
        Assert.Equal(500.00m, run.GetProperty("invoice").GetProperty("net").GetDecimal());
        Assert.Equal(600.00m, run.GetProperty("invoice").GetProperty("total").GetDecimal());
        Assert.Equal("GBP", run.GetProperty("invoice").GetProperty("currency").GetString());

        // Rerun: nothing new imported, nothing issued.
        var again = await RunAsync(client);
        Assert.Equal(0, again.GetProperty("importedEntries").GetInt32());
        run = Assert.Single(again.GetProperty("runs").EnumerateArray());
        Assert.Equal("Unchanged", run.GetProperty("outcome").GetString());
        Assert.Equal("INV-000001", run.GetProperty("invoice").GetProperty("number").GetString());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("creditNote").ValueKind);

        // 10 h more: 2 h overage at 95.00; the invoice is reversed by a credit note and corrected.
        await LogAsync(client, ticket, 600, On(11, 8));
        run = Assert.Single((await RunAsync(client)).GetProperty("runs").EnumerateArray());
        Assert.Equal("Corrected", run.GetProperty("outcome").GetString());
        Assert.Equal("CN-000001", run.GetProperty("creditNote").GetProperty("number").GetString());
        Assert.Equal("INV-000001", run.GetProperty("creditNote").GetProperty("reverses").GetString());
        Assert.Equal("INV-000002", run.GetProperty("invoice").GetProperty("number").GetString());
        Assert.Equal(690.00m, run.GetProperty("invoice").GetProperty("net").GetDecimal());

        var documents = await client.GetFromJsonAsync<JsonElement>($"/tenants/acme/billing/{Month}/invoices");
        Assert.Equal(
            ["INV-000001 Reversed", "INV-000002 Current", "CN-000001 CreditNote"],
            documents.EnumerateArray().Select(d => $"{d.GetProperty("number").GetString()} {d.GetProperty("status").GetString()}"));

        var profitability = Assert.Single((await client.GetFromJsonAsync<JsonElement>($"/tenants/acme/billing/{Month}/profitability")).EnumerateArray());
        Assert.Equal(690.00m, profitability.GetProperty("revenue").GetDecimal());
        Assert.Equal("Invoice", profitability.GetProperty("revenueSource").GetString());
        Assert.Equal("INV-000002", profitability.GetProperty("invoice").GetString());
        Assert.False(profitability.GetProperty("invoiceOutdated").GetBoolean());
        Assert.Equal(480.00m, profitability.GetProperty("cost").GetDecimal()); // 12 h at 40.00
        Assert.Equal(210.00m, profitability.GetProperty("margin").GetDecimal());

        var load = Assert.Single((await client.GetFromJsonAsync<JsonElement>($"/tenants/acme/billing/{Month}/agent-load?agent=bob")).EnumerateArray());
        Assert.Equal("PT12H", load.GetProperty("billableTime").GetString());
        Assert.Equal(1, load.GetProperty("openTotal").GetInt32());
        Assert.Equal(1, load.GetProperty("openTickets").GetProperty("P2High").GetInt32());
    }

    [Fact]
    public async Task InvoiceRun_BadInput_Is400NamingTheValueAndStoresNothing()
    {
        using var app = new App();
        using var client = app.CreateClient();
        var ticket = await OpenAssignedTicketAsync(client);
        await LogAsync(client, ticket, 60, On(10, 9));

        var badMonth = await ProblemAsync(await client.PostAsync("/tenants/acme/billing/2026-13/invoice-run", null));
        Assert.Equal("'2026-13' is not a month (yyyy-MM, e.g. 2026-03).", badMonth.GetProperty("detail").GetString());
        Assert.Equal("month", badMonth.GetProperty("parameter").GetString());

        var future = await ProblemAsync(await client.PostAsync("/tenants/acme/billing/2099-01/invoice-run", null));
        Assert.StartsWith("'2099-01' cannot be invoiced for tenant 'acme'; valid: 2026-01 (the first contract's start) to ", future.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var early = await ProblemAsync(await client.PostAsync("/tenants/acme/billing/2025-12/invoice-run", null));
        Assert.Equal("month", early.GetProperty("parameter").GetString());

        var tenant = await ProblemAsync(await client.PostAsync($"/tenants/nobody/billing/{Month}/invoice-run", null));
        Assert.Equal("Tenant 'nobody' has no billing contract (ServiceDesk:Contracts).", tenant.GetProperty("detail").GetString());

        var noAgent = await ProblemAsync(await client.GetAsync($"/tenants/acme/billing/{Month}/agent-load"));
        Assert.Equal("agent", noAgent.GetProperty("parameter").GetString());

        // Nothing was imported or issued by the refused runs: the first real run imports the entry and issues INV-000001.
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>($"/tenants/acme/billing/{Month}/invoices")).EnumerateArray());
        var first = await RunAsync(client);
        Assert.Equal(1, first.GetProperty("importedEntries").GetInt32());
        Assert.Equal("INV-000001", first.GetProperty("runs")[0].GetProperty("invoice").GetProperty("number").GetString());
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
