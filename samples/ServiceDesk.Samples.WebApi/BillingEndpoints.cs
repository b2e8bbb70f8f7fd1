using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using ServiceDesk.Billing;
using ServiceDesk.Extensions.DependencyInjection;
using ServiceDesk.Sla;
using ServiceDesk.Storage;

namespace ServiceDesk.Samples.WebApi;

/// <summary>
/// The durable billing endpoints (docs/billing.md): the invoice run of a tenant's month, the month's invoices and credit
/// notes, and the reports read from the stores (contract profitability, agent load). Everything goes through the
/// <see cref="DurableLedger"/> and <see cref="StoredBillingReports"/> that <c>AddBilling</c> registers, over the app's store.
/// </summary>
/// <remarks>
/// <para><b>Where the time comes from.</b> Agents log time on tickets (<c>POST /tenants/{tenant}/tickets/{id}/time</c>); the
/// invoice run first copies the month's logged time of tickets with a contract into the billing store (idempotent: an entry
/// is keyed by ticket and event version, so a rerun copies nothing new; auto-approved when the contract does not require
/// approval), then runs the ledger.</para>
/// <para><b>Hourly costs</b> for profitability come from the configuration section <c>ServiceDesk:Billing:HourlyCosts</c>
/// (agent id to cost per hour, in the contract's currency); agents without one are listed in the response.</para>
/// </remarks>
internal static class BillingEndpoints
{
    /// <summary>Maps the billing endpoints under <c>/tenants/{tenant}/billing/{month}</c>.</summary>
    /// <param name="app">The app.</param>
    /// <returns>The group of endpoints.</returns>
    public static RouteGroupBuilder MapBillingEndpoints(this WebApplication app)
    {
        var costs = app.Configuration.GetSection("ServiceDesk:Billing:HourlyCosts");
        var billing = app.MapGroup("/tenants/{tenant}/billing/{month}").WithTags("Billing");

        billing.MapPost("/invoice-run", async (
            string tenant, string month, DurableLedger ledger, ServiceDeskDefinitions definitions, ITimeEntryStore timeLog, ITicketStore tickets, IClock clock, CancellationToken ct) =>
        {
            var (id, period) = (new TenantId(tenant), Parse.Month(month));
            var now = clock.GetCurrentInstant();
            var contracts = TenantContracts(definitions, id);
            CheckMonth(contracts, id, period, now);
            var imported = await ImportLoggedTimeAsync(ledger.Store, contracts, period, timeLog, tickets, ct);
            var report = await ledger.RunAsync(id, period, now, ct);
            return TypedResults.Ok(InvoiceRunResponse.From(report, imported));
        }).WithName("RunInvoices").WithSummary("Runs the month's invoices of every contract of the tenant (yyyy-MM): idempotent, durable, numbered without gaps.");

        billing.MapGet("/invoices", async (string tenant, string month, IBillingStore store, CancellationToken ct) =>
        {
            var (id, period) = (new TenantId(tenant), Parse.Month(month));
            var documents = new List<InvoiceDocumentResponse>();
            foreach (var kind in new[] { InvoiceDocumentKind.Invoice, InvoiceDocumentKind.CreditNote })
            {
                // Page through the series: at most IBillingStore.MaxList documents per call.
                for (long after = 0; ;)
                {
                    var page = await store.ListDocumentsAsync(id, kind, after, IBillingStore.MaxList, ct);
                    documents.AddRange(page.Where(d => d.Document.Period == period).Select(InvoiceDocumentResponse.From));
                    if (page.Count < IBillingStore.MaxList)
                    {
                        break;
                    }

                    after = page[^1].Document.Number.Sequence;
                }
            }

            return TypedResults.Ok(documents);
        }).WithName("ListInvoices").WithSummary("Lists the month's invoices (current and reversed) and credit notes, each series in number order.");

        billing.MapGet("/profitability", async (string tenant, string month, StoredBillingReports reports, ServiceDeskDefinitions definitions, IClock clock, CancellationToken ct) =>
        {
            var (id, period) = (new TenantId(tenant), Parse.Month(month));
            var now = clock.GetCurrentInstant();
            var contracts = TenantContracts(definitions, id);
            CheckMonth(contracts, id, period, now);
            var rates = contracts.Select(c => c.Currency).Distinct().Count() == 1 ? HourlyCosts(costs, contracts[0].Currency) : [];
            var rows = await reports.GetProfitabilityAsync(id, period, rates, now, ct);
            return TypedResults.Ok(rows.Select(ProfitabilityResponse.From).ToList());
        }).WithName("GetProfitability").WithSummary("Each contract's revenue (current invoice, or the statement when not invoiced), agents' cost and margin for the month.");

        billing.MapGet("/agent-load", async Task<Ok<List<AgentLoadResponse>>> (
            string tenant, string month, string[]? agent, string? calendar, StoredBillingReports reports, ServiceDeskDefinitions definitions, CancellationToken ct) =>
        {
            var (id, period) = (new TenantId(tenant), Parse.Month(month));
            if (agent is not { Length: > 0 })
            {
                throw new RequestValueException("agent", "Give at least one agent (?agent=alice&agent=bob).");
            }

            var name = calendar ?? "office";
            if (!definitions.Calendars.TryGetValue(name, out var hours))
            {
                throw new RequestValueException("calendar", $"'{name}' is not a calendar; use one of {string.Join(", ", definitions.Calendars.Keys)}.");
            }

            var load = await reports.GetAgentLoadAsync(id, [.. agent.Select(a => new AgentId(Parse.Required(a, "$.agent")))], period, new Dictionary<AgentId, BusinessCalendar>(), hours, ct);
            return TypedResults.Ok(load.Select(AgentLoadResponse.From).ToList());
        }).WithName("GetAgentLoad").WithSummary("Each agent's open tickets by priority (now) and logged time and utilisation in the month against a calendar (default 'office').");

        return billing;
    }

    private static Contract[] TenantContracts(ServiceDeskDefinitions definitions, TenantId tenant)
        => definitions.Contracts.Where(c => c.Tenant == tenant).ToArray() is { Length: > 0 } found
            ? found
            : throw new RequestValueException("tenant", $"Tenant {TextPolicy.Echo(tenant)} has no billing contract (ServiceDesk:Contracts).");

    /// <summary>A month after the current one is a 400 naming the valid range, before anything is read or stored.</summary>
    private static void CheckMonth(Contract[] contracts, TenantId tenant, YearMonth period, Instant now)
    {
        var first = contracts.Min(c => c.Start.ToYearMonth());
        var last = contracts.Max(c => c.GetMonth(now));
        if (period < first || period > last)
        {
            throw new RequestValueException("month",
                $"'{period:yyyy-MM}' cannot be invoiced for tenant {TextPolicy.Echo(tenant)}; valid: {first:yyyy-MM} (the first contract's start) to {last:yyyy-MM} (the current month).");
        }
    }

    /// <summary>Copies the month's time logged on the tenant's tickets with a contract into the billing store, keyed by ticket
    /// and version (a rerun is a no-op); returns how many entries were new.</summary>
    private static async Task<int> ImportLoggedTimeAsync(
        IBillingStore store, Contract[] contracts, YearMonth period, ITimeEntryStore timeLog, ITicketStore tickets, CancellationToken ct)
    {
        var tenant = contracts[0].Tenant;
        var from = contracts.Min(c => c.GetMonthInterval(period).Start);
        var to = contracts.Max(c => c.GetMonthInterval(period).End);
        var logged = await timeLog.ReadTimeEntriesAsync(tenant, from, to, ct);
        var byId = contracts.ToDictionary(c => c.Id);
        var contractOf = new Dictionary<TicketId, Contract?>();
        foreach (var chunk in logged.Select(e => e.Ticket).Distinct().Chunk(StoredTicket.MaxGetMany))
        {
            foreach (var ticket in await tickets.GetManyAsync(tenant, chunk, ct))
            {
                contractOf[ticket.Id] = ticket.Contract is { } c && byId.TryGetValue(c, out var found) ? found : null;
            }
        }

        var entries = new List<TimeEntry>();
        foreach (var e in logged)
        {
            if (contractOf.GetValueOrDefault(e.Ticket) is { } contract && contract.GetMonth(e.Started) == period)
            {
                entries.Add(new TimeEntry(new TimeEntryId($"{e.Ticket}/{e.Version}"), tenant, contract.Id, e.Ticket, e.Agent, e.Activity ?? "support", e.Started, e.Duration)
                {
                    Billable = e.Billable,
                    Approval = contract.RequireApproval ? ApprovalState.Pending : ApprovalState.Approved,
                });
            }
        }

        var added = 0;
        foreach (var chunk in entries.Chunk(IBillingStore.MaxEntriesPerAdd))
        {
            added += await store.AddTimeEntriesAsync(chunk, ct);
        }

        return added;
    }

    private static Dictionary<AgentId, Money> HourlyCosts(IConfigurationSection section, Currency currency)
    {
        var costs = new Dictionary<AgentId, Money>();
        foreach (var child in section.GetChildren())
        {
            if (!decimal.TryParse(child.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) || amount < 0)
            {
                throw new InvalidOperationException($"{child.Path}: '{child.Value}' is not an hourly cost (a number, 0 or more).");
            }

            costs[new AgentId(child.Key)] = new Money(amount, currency);
        }

        return costs;
    }
}

/// <summary>What an invoice run did: per contract, the outcome and the documents.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Month">The month (yyyy-MM).</param>
/// <param name="ImportedEntries">Time entries newly copied from the tickets' logged time.</param>
/// <param name="Retried">Contracts decided again because another instance committed first.</param>
/// <param name="Runs">One run per contract.</param>
public sealed record InvoiceRunResponse(string Tenant, string Month, int ImportedEntries, int Retried, IReadOnlyList<InvoiceRunItem> Runs)
{
    internal static InvoiceRunResponse From(InvoiceRunReport report, int imported)
        => new(report.Tenant.Value, BillingText.Month(report.Period), imported, report.Retried,
            [.. report.Runs.Select(r => new InvoiceRunItem(
                r.Statement.Contract.Id.Value, r.Outcome,
                r.Invoice is null ? null : InvoiceDocumentResponse.From(r.Invoice, null),
                r.CreditNote is null ? null : InvoiceDocumentResponse.From(r.CreditNote, null)))]);

}

/// <summary>The run of one contract.</summary>
/// <param name="Contract">The contract.</param>
/// <param name="Outcome">Issued, Unchanged, Corrected, Cancelled or NothingToInvoice.</param>
/// <param name="Invoice">The current invoice after the run, or <see langword="null"/>.</param>
/// <param name="CreditNote">The credit note this run issued, or <see langword="null"/>.</param>
public sealed record InvoiceRunItem(string Contract, InvoiceRunOutcome Outcome, InvoiceDocumentResponse? Invoice, InvoiceDocumentResponse? CreditNote);

/// <summary>An invoice or credit note.</summary>
/// <param name="Number">INV-000001 or CN-000001.</param>
/// <param name="Kind">Invoice or CreditNote.</param>
/// <param name="Status">Current, Reversed or CreditNote when listed; <see langword="null"/> in a run's response.</param>
/// <param name="Contract">The contract.</param>
/// <param name="Month">The billing month (yyyy-MM).</param>
/// <param name="IssuedOn">The issue date (ISO).</param>
/// <param name="Currency">The currency.</param>
/// <param name="Net">The net total.</param>
/// <param name="Tax">The tax total.</param>
/// <param name="Total">The total.</param>
/// <param name="Reverses">The invoice a credit note reverses, or <see langword="null"/>.</param>
/// <param name="Lines">The lines.</param>
public sealed record InvoiceDocumentResponse(
    string Number, InvoiceDocumentKind Kind, InvoiceStatus? Status, string Contract, string Month, string IssuedOn, string Currency,
    decimal Net, decimal Tax, decimal Total, string? Reverses, IReadOnlyList<InvoiceLineResponse> Lines)
{
    internal static InvoiceDocumentResponse From(StoredInvoiceDocument stored) => From(stored.Document, stored.Status);

    internal static InvoiceDocumentResponse From(InvoiceDocument d, InvoiceStatus? status)
        => new(d.Number.ToString(), d.Kind, status, d.Contract.Value, BillingText.Month(d.Period), NodaTime.Text.LocalDatePattern.Iso.Format(d.IssuedOn),
            d.Currency.Code, d.Net.Amount, d.Tax.Amount, d.Total.Amount, d.Reverses?.ToString(),
            [.. d.Lines.Select(l => new InvoiceLineResponse(l.Kind, l.Description, l.Quantity, l.Unit, l.UnitPrice.Amount, l.Net.Amount, l.Tax.Amount))]);
}

/// <summary>The profitability of a contract in the month.</summary>
/// <param name="Contract">The contract.</param>
/// <param name="Month">The month (yyyy-MM).</param>
/// <param name="Currency">The currency.</param>
/// <param name="Revenue">The net revenue.</param>
/// <param name="RevenueSource">Invoice (the current invoice) or Statement (not invoiced yet).</param>
/// <param name="Invoice">The current invoice's number, or <see langword="null"/>.</param>
/// <param name="InvoiceOutdated">The stored data now prices differently from the invoice (a rerun would correct it).</param>
/// <param name="Cost">The agents' cost.</param>
/// <param name="Margin">Revenue minus cost.</param>
/// <param name="MarginRatio">Margin over revenue, or <see langword="null"/> without revenue.</param>
/// <param name="AgentsWithoutCostRate">Agents whose time was not costed.</param>
public sealed record ProfitabilityResponse(
    string Contract, string Month, string Currency, decimal Revenue, RevenueSource RevenueSource, string? Invoice, bool InvoiceOutdated,
    decimal Cost, decimal Margin, decimal? MarginRatio, IReadOnlyList<string> AgentsWithoutCostRate)
{
    internal static ProfitabilityResponse From(StoredContractProfitability r)
    {
        var p = r.Profitability;
        return new(p.Contract.Value, BillingText.Month(p.Month), p.Revenue.Currency.Code, p.Revenue.Amount, r.RevenueSource, r.Invoice?.ToString(),
            r.InvoiceOutdated, p.Cost.Amount, p.Margin.Amount, p.MarginRatio, [.. p.AgentsWithoutCostRate.Select(a => a.Value)]);
    }
}

/// <summary>An agent's load.</summary>
/// <param name="Agent">The agent.</param>
/// <param name="OpenTickets">Open tickets assigned now, by priority (P1Critical … P5Planning).</param>
/// <param name="OpenTotal">All open tickets assigned now.</param>
/// <param name="BillableTime">Billable time logged in the month.</param>
/// <param name="NonBillableTime">Non-billable time logged in the month.</param>
/// <param name="AvailableTime">The calendar's working time in the month.</param>
/// <param name="Utilisation">Billable over available time, or <see langword="null"/>.</param>
public sealed record AgentLoadResponse(
    string Agent, IReadOnlyDictionary<Priority, int> OpenTickets, int OpenTotal, Duration BillableTime, Duration NonBillableTime, Duration AvailableTime, decimal? Utilisation)
{
    internal static AgentLoadResponse From(AgentLoad l)
        => new(l.Agent.Value, Enum.GetValues<Priority>().ToDictionary(p => p, p => l.OpenTickets[p]), l.OpenTickets.Total,
            l.Utilisation.BillableTime, l.Utilisation.NonBillableTime, l.Utilisation.AvailableTime, l.Utilisation.Utilisation);
}

/// <summary>Text forms of the billing responses.</summary>
internal static class BillingText
{
    public static string Month(YearMonth month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
