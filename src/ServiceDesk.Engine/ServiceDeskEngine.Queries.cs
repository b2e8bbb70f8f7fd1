using NodaTime;
using ServiceDesk.Engine.Internal;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using ServiceDesk.Storage;

namespace ServiceDesk.Engine;

/// <content>Queries.</content>
public sealed partial class ServiceDeskEngine
{
    /// <summary>Gets a ticket with its SLA clocks evaluated now (from its history, by the policy chosen at opening).</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The view, or <see langword="null"/> when the tenant has no such ticket.</returns>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    public async Task<TicketView?> GetTicketAsync(TenantId tenant, TicketId ticket, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(ticket);
        var stored = await _store.GetStoredAsync(tenant, ticket, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : await ViewAsync(stored, _clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets the full history of a ticket, ordered by version.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The events; empty when the tenant has no such ticket.</returns>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    public Task<IReadOnlyList<TicketEvent>> GetHistoryAsync(TenantId tenant, TicketId ticket, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(ticket);
        return _store.ReadHistoryAsync(tenant, ticket, cancellationToken);
    }

    /// <summary>Gets a ticket for an actor, after asking <see cref="ServiceDeskEngineOptions.Authorization"/> whether the actor
    /// may <see cref="TicketAction.View"/> it.</summary>
    /// <param name="context">The tenant and the actor (with their groups and organisation).</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The view, or <see langword="null"/> when the tenant has no such ticket.</returns>
    /// <remarks>The <see cref="TenantId"/> overloads are for trusted callers (the product's own back end) and ask no policy.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The id is the default value.</exception>
    /// <exception cref="CommandDeniedException">The policy denies the actor the ticket (logged).</exception>
    public async Task<TicketView?> GetTicketAsync(CommandContext context, TicketId ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        var stored = await _store.GetStoredAsync(context.Tenant, ticket, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        AuthorizeQuery("GetTicket", TicketAction.View, context, stored.Ticket);
        return await ViewAsync(stored, _clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets a ticket's history for an actor: asks the policy for <see cref="TicketAction.View"/>, and leaves internal
    /// comments out unless it also allows <see cref="TicketAction.ViewInternalComments"/> (the default policy never shows them
    /// to requesters).</summary>
    /// <param name="context">The tenant and the actor.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The events the actor may see, ordered by version; empty when the tenant has no such ticket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The id is the default value.</exception>
    /// <exception cref="CommandDeniedException">The policy denies the actor the ticket (logged).</exception>
    public async Task<IReadOnlyList<TicketEvent>> GetHistoryAsync(CommandContext context, TicketId ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        var current = await _store.GetAsync(context.Tenant, ticket, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return [];
        }

        AuthorizeQuery("GetHistory", TicketAction.View, context, current);
        var history = await _store.ReadHistoryAsync(context.Tenant, ticket, cancellationToken).ConfigureAwait(false);
        var internals = Options.Authorization.Authorize(new TicketAuthorizationArguments(context, TicketAction.ViewInternalComments, current)).IsAllowed;
        return internals ? history : [.. history.Where(e => e is not CommentAdded { Visibility: CommentVisibility.Internal })];
    }

    private void AuthorizeQuery(string query, TicketAction action, CommandContext context, Ticket ticket)
    {
        try
        {
            Authorize(query, action, context, ticket, null);
        }
        catch (CommandDeniedException denied)
        {
            EngineLog.CommandDenied(_logger, query, denied.Actor.ToString(), ticket.Id, context.Tenant, denied.Message);
            throw;
        }
    }

    /// <summary>Gets the open tickets of a group and/or an assignee, ordered by their next deadline.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="group">The group, or <see langword="null"/> for any.</param>
    /// <param name="assignee">The assignee, or <see langword="null"/> for any.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The open tickets (in a state of their workflow that is neither terminal nor stops the SLA clocks), earliest
    /// deadline first (tickets without a deadline last), then oldest first.</returns>
    /// <remarks>With a store that implements <see cref="ITimerStore"/> (every shipped adapter) this pages through the stored
    /// schedules (see <see cref="GetQueuePageAsync"/>), so its cost follows the number of queued tickets that match, not the
    /// number of tickets; the order is by the deadline stored at each ticket's last change. With any other store it scans
    /// the matching tickets and orders them by their live deadline, then priority.</remarks>
    /// <exception cref="ArgumentException">The tenant or an id is the default value.</exception>
    public async Task<IReadOnlyList<TicketView>> GetQueueAsync(
        TenantId tenant, GroupId? group = null, AgentId? assignee = null, CancellationToken cancellationToken = default)
    {
        if (_store is ITimerStore)
        {
            return await AllPagesAsync(new ScheduleQuery(tenant) { AssignmentGroup = group, Assignee = assignee, PageSize = TicketQuery.MaxPageSize }, cancellationToken).ConfigureAwait(false);
        }

        var query = new TicketQuery(tenant) { AssignmentGroup = group, Assignee = assignee, PageSize = TicketQuery.MaxPageSize };
        var views = await ScanAsync(query, cancellationToken).ConfigureAwait(false);
        return Ordered(views);
    }

    /// <summary>Gets one page of a queue from the stored schedules: the tenant's open tickets matching the query, earliest
    /// deadline first, each with its SLA clocks evaluated now.</summary>
    /// <param name="query">The tenant, group, assignee, deadline limit, page size and continuation token.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page and the token of the next one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">The engine's store does not implement <see cref="ITimerStore"/>.</exception>
    public async Task<TicketViewPage> GetQueuePageAsync(ScheduleQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var timers = _store as ITimerStore
            ?? throw new NotSupportedException($"The engine's store ({_store.GetType().Name}) does not implement ITimerStore, so it keeps no queues; use GetQueueAsync.");
        var page = await timers.QueryScheduleAsync(query, cancellationToken).ConfigureAwait(false);
        var now = _clock.GetCurrentInstant();
        var stored = await StoredOfAsync(query.Tenant, page.Items.Select(i => i.Ticket), cancellationToken).ConfigureAwait(false);
        var views = new TicketView[page.Items.Count];
        for (var i = 0; i < views.Length; i++)
        {
            views[i] = await ViewAsync(stored[i], now, cancellationToken).ConfigureAwait(false);
        }

        return new TicketViewPage(views, page.ContinuationToken);
    }

    /// <summary>Gets the tenant's open tickets whose next deadline is breached or falls within <paramref name="within"/>.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="within">How far ahead to look; zero for breached deadlines only.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The tickets at risk, earliest deadline first.</returns>
    /// <remarks>With a store that implements <see cref="ITimerStore"/> this is a range query on the stored deadlines
    /// (<see cref="ScheduleQuery.DeadlineAtOrBefore"/>); otherwise it scans the tenant's open tickets.</remarks>
    /// <exception cref="ArgumentException">The tenant is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="within"/> is negative.</exception>
    public async Task<IReadOnlyList<TicketView>> GetAtRiskAsync(TenantId tenant, Duration within, CancellationToken cancellationToken = default)
    {
        if (within < Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(within), within, "The horizon must be zero or more.");
        }

        if (_store is ITimerStore)
        {
            var limit = _clock.GetCurrentInstant() + within;
            return await AllPagesAsync(new ScheduleQuery(tenant) { DeadlineAtOrBefore = limit, PageSize = TicketQuery.MaxPageSize }, cancellationToken).ConfigureAwait(false);
        }

        var views = await ScanAsync(new TicketQuery(tenant) { PageSize = TicketQuery.MaxPageSize }, cancellationToken).ConfigureAwait(false);
        return Ordered(views.Where(v => v.Clocks.Any(c =>
            c.Stage is SlaStage.Running or SlaStage.Paused && (c.IsBreached || (c.DueAt is { } due && due <= v.EvaluatedAt + within)))));
    }

    private async Task<List<TicketView>> AllPagesAsync(ScheduleQuery query, CancellationToken cancellationToken)
    {
        var views = new List<TicketView>();
        string? token = null;
        do
        {
            var page = await GetQueuePageAsync(query with { ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
            views.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return views;
    }

    private static List<TicketView> Ordered(IEnumerable<TicketView> views)
        => [.. views
            .OrderBy(v => v.NextDueAt is null)
            .ThenBy(v => v.NextDueAt ?? Instant.MaxValue)
            .ThenBy(v => v.Ticket.Priority)
            .ThenBy(v => v.Ticket.OpenedAt)
            .ThenBy(v => v.Ticket.Id.Value)];

    private async Task<List<TicketView>> ScanAsync(TicketQuery query, CancellationToken cancellationToken)
    {
        var now = _clock.GetCurrentInstant();
        var views = new List<TicketView>();
        string? token = null;
        do
        {
            var page = await _store.QueryAsync(query with { ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
            var open = page.Items.Where(t => Options.Workflows.TryGetValue(t.Kind, out var workflow) && Scheduling.IsOpen(workflow, t.Status)).ToList();
            foreach (var stored in await StoredOfAsync(query.Tenant, open, cancellationToken).ConfigureAwait(false))
            {
                views.Add(await ViewAsync(stored, now, cancellationToken).ConfigureAwait(false));
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return views;
    }

    private async Task<TicketView> ViewAsync(StoredTicket stored, Instant now, CancellationToken cancellationToken)
    {
        var ticket = stored.Ticket;
        var policy = PolicyOf(ticket);
        if (policy is null || !Options.Workflows.TryGetValue(ticket.Kind, out var workflow))
        {
            return new TicketView(ticket, policy?.Name, [], now);
        }

        var memory = await MemoryOfAsync(stored, workflow, policy, cancellationToken).ConfigureAwait(false);
        var at = Later(now, ticket.UpdatedAt);
        return new TicketView(ticket, policy.Name, memory.Evaluate(at), at);
    }

    /// <summary>The tickets of a page with their memory, read in one query; a ticket changed since the page was read keeps the
    /// page's snapshot and has its memory rebuilt (the memory must be of the snapshot's version).</summary>
    private async Task<StoredTicket[]> StoredOfAsync(TenantId tenant, IEnumerable<Ticket> tickets, CancellationToken cancellationToken)
    {
        var list = tickets as IReadOnlyList<Ticket> ?? [.. tickets];
        var result = new StoredTicket[list.Count];
        if (list.Count == 0)
        {
            return result;
        }

        var ids = new TicketId[list.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = list[i].Id;
        }

        var found = (await _store.GetStoredManyAsync(tenant, ids, cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.Ticket.Id);
        for (var i = 0; i < result.Length; i++)
        {
            var ticket = list[i];
            result[i] = found.TryGetValue(ticket.Id, out var stored) && stored.Ticket.Version == ticket.Version
                ? new StoredTicket(ticket, stored.DerivedState)
                : new StoredTicket(ticket, null);
        }

        return result;
    }
}
