using NodaTime;
using ServiceDesk.Sla;
using ServiceDesk.Storage;

namespace ServiceDesk.Billing;

/// <summary>
/// Agent load and contract profitability read from the stores: time entries, one-off works, the billed-entry index and
/// current invoices from an <see cref="IBillingStore"/>, open tickets from an <see cref="ITicketStore"/>. The figures are
/// those of <see cref="ProfitabilityCalculator"/> (which this class calls) over the stored data.
/// </summary>
/// <remarks>
/// <para><b>Agent load</b> (<see cref="GetAgentLoadAsync(TenantId, IReadOnlyCollection{AgentId}, YearMonth, IReadOnlyDictionary{AgentId, BusinessCalendar}, BusinessCalendar?, CancellationToken)"/>):
/// per agent, the tickets assigned to the agent that are open <i>now</i> (when the store is read), by priority; and, for the
/// period, the logged time of the agent's current entries (not superseded, not rejected) that start in it, billable and
/// non-billable, with the utilisation against the agent's <see cref="BusinessCalendar"/>
/// (<see cref="ProfitabilityCalculator.Utilisation(AgentId, BusinessCalendar, Interval, IEnumerable{TimeEntry})"/>).
/// Cost: one <see cref="IBillingStore.ListAgentTimeEntriesAsync"/> per agent, and <see cref="ITicketStore.QueryAsync"/>
/// pages of <see cref="TicketQuery.MaxPageSize"/> per agent (by assignee, every ticket ever assigned to the agent; with
/// <see cref="OpenStatuses"/> set, by assignee and status, only the open ones).</para>
/// <para><b>Profitability</b> (<see cref="GetProfitabilityAsync(TenantId, YearMonth, YearMonth, IReadOnlyDictionary{AgentId, Money}, Instant, CancellationToken)"/>):
/// per contract and month, the month is decided exactly as <see cref="DurableLedger"/> decides it (same calculation, same
/// billed-entry index), and <see cref="ProfitabilityCalculator.Calculate"/> costs the statement's entries. The revenue is the
/// net of the stored current invoice when there is one (<see cref="RevenueSource.Invoice"/>), otherwise the net of the
/// statement the run would invoice (<see cref="RevenueSource.Statement"/>). Cost: one read each of the tenant's entries,
/// works and billed-entry index, and one <see cref="IBillingStore.GetCurrentInvoicesAsync"/> per month.</para>
/// <para>Thread-safe: it holds only the stores and the immutable contract catalogue. It reads no clock: pass <c>now</c>.</para>
/// </remarks>
public sealed class StoredBillingReports
{
    /// <summary>The most agents one agent-load report takes: 10,000.</summary>
    public const int MaxAgents = 10_000;

    /// <summary>The most months one profitability report spans: 120.</summary>
    public const int MaxMonths = 120;

    private readonly IBillingStore _billing;
    private readonly ITicketStore _tickets;
    private readonly TimeEntryValidationOptions? _validation;
    private readonly Dictionary<TenantId, Contract[]> _contracts = [];
    private readonly IReadOnlyCollection<TicketStatus> _closed = [TicketStatus.Resolved, TicketStatus.Closed, TicketStatus.Canceled];
    private readonly IReadOnlyCollection<TicketStatus>? _open;

    /// <summary>Initializes the reports over the stores (often one object: the SQLite and PostgreSQL adapters implement both).</summary>
    /// <param name="billing">The billing store.</param>
    /// <param name="tickets">The ticket store.</param>
    /// <param name="contracts">The contracts (definitions from code or configuration), as given to <see cref="DurableLedger"/>; each (tenant, id) once.</param>
    /// <param name="validation">Time-entry validation settings (as the ledger's), or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException">An argument or a contract is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A contract appears twice.</exception>
    public StoredBillingReports(IBillingStore billing, ITicketStore tickets, IEnumerable<Contract> contracts, TimeEntryValidationOptions? validation = null)
    {
        ArgumentNullException.ThrowIfNull(billing);
        ArgumentNullException.ThrowIfNull(tickets);
        ArgumentNullException.ThrowIfNull(contracts);
        _billing = billing;
        _tickets = tickets;
        _validation = validation;
        var byTenant = new Dictionary<TenantId, SortedDictionary<ContractId, Contract>>();
        foreach (var c in contracts)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(contracts));
            if (!byTenant.TryGetValue(c.Tenant, out var byId))
            {
                byTenant[c.Tenant] = byId = new SortedDictionary<ContractId, Contract>(Comparer<ContractId>.Create(static (a, b) => string.CompareOrdinal(a.Value, b.Value)));
            }

            if (!byId.TryAdd(c.Id, c))
            {
                throw new ArgumentException($"Contract {TextPolicy.Echo(c.Id)} of tenant {TextPolicy.Echo(c.Tenant)} appears more than once.", nameof(contracts));
            }
        }

        foreach (var (tenant, byId) in byTenant)
        {
            _contracts[tenant] = [.. byId.Values];
        }
    }

    /// <summary>Gets the statuses in which an assigned ticket does not count as open: <c>Resolved</c>, <c>Closed</c> and
    /// <c>Canceled</c> unless set. Used when <see cref="OpenStatuses"/> is <see langword="null"/>.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Set with the default status.</exception>
    public IReadOnlyCollection<TicketStatus> ClosedStatuses
    {
        get => _closed;
        init => _closed = Statuses(value, nameof(ClosedStatuses));
    }

    /// <summary>Gets the statuses in which an assigned ticket counts as open, or <see langword="null"/> (the default) for every
    /// status but <see cref="ClosedStatuses"/>. Setting it makes the report query only these statuses (cheaper when agents have
    /// many closed tickets), at the price of missing tickets in statuses not listed (a workflow's own statuses).</summary>
    /// <exception cref="ArgumentException">Set with no status or with the default status.</exception>
    public IReadOnlyCollection<TicketStatus>? OpenStatuses
    {
        get => _open;
        init
        {
            if (value is not null && value.Count == 0)
            {
                throw new ArgumentException("OpenStatuses must list at least one status, or be null for every status but ClosedStatuses.", nameof(OpenStatuses));
            }

            _open = value is null ? null : Statuses(value, nameof(OpenStatuses));
        }
    }

    /// <summary>Reports the load of agents over a calendar month, each month in the zone of the agent's calendar.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="agents">The agents, 1 to <see cref="MaxAgents"/> (duplicates are reported once).</param>
    /// <param name="month">The month.</param>
    /// <param name="calendars">The working calendar of each agent.</param>
    /// <param name="defaultCalendar">The calendar of agents not in <paramref name="calendars"/>, or <see langword="null"/> when every agent must be there.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One load per agent, in the order of <paramref name="agents"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The tenant or an agent is the default value, or an agent has no calendar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="agents"/> is empty or holds more than <see cref="MaxAgents"/>.</exception>
    /// <exception cref="StorageException">A store failed.</exception>
    public Task<IReadOnlyList<AgentLoad>> GetAgentLoadAsync(
        TenantId tenant, IReadOnlyCollection<AgentId> agents, YearMonth month, IReadOnlyDictionary<AgentId, BusinessCalendar> calendars,
        BusinessCalendar? defaultCalendar = null, CancellationToken cancellationToken = default)
        => LoadAsync(tenant, agents, calendars, defaultCalendar, c => ProfitabilityCalculator.MonthInterval(c.Zone, month), cancellationToken);

    /// <summary>Reports the load of agents over an interval.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="agents">The agents, 1 to <see cref="MaxAgents"/> (duplicates are reported once).</param>
    /// <param name="period">The period: entries starting in it count; it must have a start and an end.</param>
    /// <param name="calendars">The working calendar of each agent.</param>
    /// <param name="defaultCalendar">The calendar of agents not in <paramref name="calendars"/>, or <see langword="null"/> when every agent must be there.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One load per agent, in the order of <paramref name="agents"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The tenant or an agent is the default value, or an agent has no calendar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="agents"/> is empty or too long, or <paramref name="period"/> is unbounded.</exception>
    /// <exception cref="StorageException">A store failed.</exception>
    public Task<IReadOnlyList<AgentLoad>> GetAgentLoadAsync(
        TenantId tenant, IReadOnlyCollection<AgentId> agents, Interval period, IReadOnlyDictionary<AgentId, BusinessCalendar> calendars,
        BusinessCalendar? defaultCalendar = null, CancellationToken cancellationToken = default)
    {
        if (!period.HasStart || !period.HasEnd)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"The period {period} must have a start and an end.");
        }

        return LoadAsync(tenant, agents, calendars, defaultCalendar, _ => period, cancellationToken);
    }

    /// <summary>Reports the profitability of every contract of a tenant in one month.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="month">The month.</param>
    /// <param name="hourlyCosts">Each agent's cost per hour, in the contracts' currencies.</param>
    /// <param name="now">The current instant (validation of entries, as in the invoice run).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One row per contract in force in the month or invoiced for it, by contract id (ordinal).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="hourlyCosts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The tenant has no contract here.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="month"/> is after the tenant's current month at <paramref name="now"/>.</exception>
    /// <exception cref="CurrencyMismatchException">An agent's cost rate is in another currency than a contract it worked on.</exception>
    /// <exception cref="StorageException">The store failed.</exception>
    public Task<IReadOnlyList<StoredContractProfitability>> GetProfitabilityAsync(
        TenantId tenant, YearMonth month, IReadOnlyDictionary<AgentId, Money> hourlyCosts, Instant now, CancellationToken cancellationToken = default)
        => GetProfitabilityAsync(tenant, month, month, hourlyCosts, now, cancellationToken);

    /// <summary>Reports the profitability of every contract of a tenant in each month of a range.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="from">The first month.</param>
    /// <param name="to">The last month: from <paramref name="from"/> to at most <see cref="MaxMonths"/> months on, and not after the
    /// tenant's current month at <paramref name="now"/>.</param>
    /// <param name="hourlyCosts">Each agent's cost per hour, in the contracts' currencies.</param>
    /// <param name="now">The current instant (validation of entries, as in the invoice run).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Per month (in order), one row per contract in force in the month or invoiced for it, by contract id (ordinal).
    /// A contract's months after its own current month at <paramref name="now"/> are left out.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="hourlyCosts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The tenant is the default value or has no contract here.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is reversed, too long or reaches past the current month.</exception>
    /// <exception cref="CurrencyMismatchException">An agent's cost rate is in another currency than a contract it worked on.</exception>
    /// <exception cref="StorageException">The store failed.</exception>
    public async Task<IReadOnlyList<StoredContractProfitability>> GetProfitabilityAsync(
        TenantId tenant, YearMonth from, YearMonth to, IReadOnlyDictionary<AgentId, Money> hourlyCosts, Instant now, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        ArgumentNullException.ThrowIfNull(hourlyCosts);
        var all = Contracts(tenant);
        if (from > to)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"The range {from:uuuu-MM} to {to:uuuu-MM} is reversed; valid: a last month on or after the first.");
        }

        var months = ((to.Year - from.Year) * 12) + to.Month - from.Month + 1;
        if (months > MaxMonths)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"The range {from:uuuu-MM} to {to:uuuu-MM} spans {months} months; valid: 1 to {MaxMonths}.");
        }

        var latest = all.Max(c => c.GetMonth(now));
        if (to > latest)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"The month {to:uuuu-MM} has not begun for tenant {TextPolicy.Echo(tenant)}; valid: up to {latest:uuuu-MM} (the current month at {now}).");
        }

        var current = new Dictionary<YearMonth, Dictionary<ContractId, InvoiceDocument>>();
        for (var m = from; m <= to; m = m.PlusMonths(1))
        {
            current[m] = (await _billing.GetCurrentInvoicesAsync(tenant, m, null, cancellationToken).ConfigureAwait(false)).ToDictionary(d => d.Contract);
        }

        var before = all.Max(c => c.GetMonthInterval(to).End);
        var entries = (await _billing.ListTimeEntriesAsync(tenant, null, before, cancellationToken).ConfigureAwait(false)).ToLookup(e => e.Contract);
        var works = (await _billing.ListOneOffWorksAsync(tenant, null, null, cancellationToken).ConfigureAwait(false)).ToLookup(w => w.Contract);
        var billed = (await _billing.GetBilledEntriesAsync(tenant, null, cancellationToken).ConfigureAwait(false)).ToLookup(b => b.Snapshot.Contract);
        var rows = new List<StoredContractProfitability>();
        for (var m = from; m <= to; m = m.PlusMonths(1))
        {
            foreach (var c in all)
            {
                current[m].TryGetValue(c.Id, out var invoice);
                if (m < c.Start.ToYearMonth() || m > c.GetMonth(now) || (!c.IsInForce(m) && invoice is null))
                {
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                var end = c.GetMonthInterval(m).End;
                var plan = InvoicePlanner.Plan(c, m, [.. entries[c.Id].Where(e => e.Start < end)], [.. works[c.Id]], billed[c.Id], invoice, now, _validation);
                var profitability = ProfitabilityCalculator.Calculate(plan.Statement, hourlyCosts);
                rows.Add(invoice is null
                    ? new StoredContractProfitability(profitability, RevenueSource.Statement, null, false)
                    : new StoredContractProfitability(profitability with { Revenue = invoice.Net }, RevenueSource.Invoice, invoice.Number, plan.Outcome != InvoiceRunOutcome.Unchanged));
            }
        }

        return rows.AsReadOnly();
    }

    private async Task<IReadOnlyList<AgentLoad>> LoadAsync(
        TenantId tenant, IReadOnlyCollection<AgentId> agents, IReadOnlyDictionary<AgentId, BusinessCalendar> calendars,
        BusinessCalendar? defaultCalendar, Func<BusinessCalendar, Interval> periodOf, CancellationToken cancellationToken)
    {
        TenantId.ThrowIfDefault(tenant);
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(calendars);
        if (agents.Count is 0 or > MaxAgents)
        {
            throw new ArgumentOutOfRangeException(nameof(agents), agents.Count, $"{agents.Count} agents were given; valid: 1 to {MaxAgents:N0}.");
        }

        // Check every argument before reading anything.
        var work = new List<(AgentId Agent, BusinessCalendar Calendar)>(agents.Count);
        var seen = new HashSet<AgentId>();
        foreach (var agent in agents)
        {
            AgentId.ThrowIfDefault(agent, nameof(agents));
            if (!seen.Add(agent))
            {
                continue;
            }

            var calendar = calendars.TryGetValue(agent, out var own) ? own : defaultCalendar;
            if (calendar is null)
            {
                var known = string.Join(", ", calendars.Keys.Take(5).Select(k => TextPolicy.Echo(k))) + (calendars.Count > 5 ? $", … ({calendars.Count} in all)" : string.Empty);
                throw new ArgumentException(
                    $"Agent {TextPolicy.Echo(agent)} has no working calendar; valid: the agents of the calendar map ({(calendars.Count == 0 ? "none" : known)}), or pass a default calendar.",
                    nameof(calendars));
            }

            work.Add((agent, calendar));
        }

        var result = new List<AgentLoad>(work.Count);
        foreach (var (agent, calendar) in work)
        {
            var period = periodOf(calendar);
            var entries = await _billing.ListAgentTimeEntriesAsync(tenant, agent, period, cancellationToken).ConfigureAwait(false);
            var utilisation = ProfitabilityCalculator.Utilisation(agent, calendar, period, entries);
            var open = await CountOpenAsync(tenant, agent, cancellationToken).ConfigureAwait(false);
            result.Add(new AgentLoad(agent, utilisation, open));
        }

        return result.AsReadOnly();
    }

    private async Task<OpenTicketCounts> CountOpenAsync(TenantId tenant, AgentId agent, CancellationToken cancellationToken)
    {
        var counts = new int[6];
        foreach (var status in _open ?? [default(TicketStatus)])
        {
            var query = new TicketQuery(tenant) { Assignee = agent, Status = status.IsDefault ? null : status, PageSize = TicketQuery.MaxPageSize };
            while (true)
            {
                var page = await _tickets.QueryAsync(query, cancellationToken).ConfigureAwait(false);
                foreach (var t in page.Items)
                {
                    if (_open is not null || !_closed.Contains(t.Status))
                    {
                        counts[(int)t.Priority]++;
                    }
                }

                if (page.ContinuationToken is not { } next)
                {
                    break;
                }

                query = query with { ContinuationToken = next };
            }
        }

        return new OpenTicketCounts(counts[1], counts[2], counts[3], counts[4], counts[5]);
    }

    private Contract[] Contracts(TenantId tenant)
        => _contracts.TryGetValue(tenant, out var all)
            ? all
            : throw new ArgumentException($"There is no contract of tenant {TextPolicy.Echo(tenant)} in these reports; pass the tenant's contracts to the constructor.", nameof(tenant));

    private static TicketStatus[] Statuses(IReadOnlyCollection<TicketStatus> value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Any(s => s.IsDefault))
        {
            throw new ArgumentException($"{name} holds the default status, which is not a status.", name);
        }

        return [.. value.Distinct()];
    }
}

/// <summary>Counts of open tickets by priority.</summary>
/// <param name="P1Critical">P1 tickets.</param>
/// <param name="P2High">P2 tickets.</param>
/// <param name="P3Moderate">P3 tickets.</param>
/// <param name="P4Low">P4 tickets.</param>
/// <param name="P5Planning">P5 tickets.</param>
public readonly record struct OpenTicketCounts(int P1Critical, int P2High, int P3Moderate, int P4Low, int P5Planning)
{
    /// <summary>Gets the count of every priority.</summary>
    public int Total => P1Critical + P2High + P3Moderate + P4Low + P5Planning;

    /// <summary>Gets the count of one priority.</summary>
    /// <param name="priority">The priority.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="priority"/> is not defined.</exception>
    public int this[Priority priority] => priority switch
    {
        Priority.P1Critical => P1Critical,
        Priority.P2High => P2High,
        Priority.P3Moderate => P3Moderate,
        Priority.P4Low => P4Low,
        Priority.P5Planning => P5Planning,
        _ => throw new ArgumentOutOfRangeException(nameof(priority), priority, $"The priority {(int)priority} is not defined; valid: 1 (P1Critical) to 5 (P5Planning)."),
    };
}

/// <summary>An agent's load: open tickets assigned now, and logged time and utilisation over a period.</summary>
/// <param name="Agent">The agent.</param>
/// <param name="Utilisation">Logged time (billable and non-billable) of the agent's current entries that start in the period,
/// and the utilisation against the agent's calendar.</param>
/// <param name="OpenTickets">The tickets assigned to the agent and open when the report was read, by priority.</param>
public sealed record AgentLoad(AgentId Agent, AgentUtilisation Utilisation, OpenTicketCounts OpenTickets);

/// <summary>Where the revenue of a <see cref="StoredContractProfitability"/> comes from.</summary>
public enum RevenueSource
{
    /// <summary>The month has no current invoice: the net of the statement an invoice run would invoice.</summary>
    Statement = 0,

    /// <summary>The net of the stored current invoice of the month.</summary>
    Invoice = 1,
}

/// <summary>The profitability of a contract-month read from the stores.</summary>
/// <param name="Profitability">Revenue, cost (the statement's entries, billable or not, times each agent's hourly cost), margin.</param>
/// <param name="RevenueSource">Whether the revenue is the current invoice's or the statement's.</param>
/// <param name="Invoice">The current invoice, or <see langword="null"/> when the month is not invoiced.</param>
/// <param name="InvoiceOutdated"><see langword="true"/> when the month is invoiced but the stored data now prices differently
/// (a late approval, a correction, new terms): a rerun of the invoice run would correct the invoice. The revenue is still
/// the invoice's; the cost is that of the entries as they are now.</param>
public sealed record StoredContractProfitability(ContractProfitability Profitability, RevenueSource RevenueSource, InvoiceNumber? Invoice, bool InvoiceOutdated);
