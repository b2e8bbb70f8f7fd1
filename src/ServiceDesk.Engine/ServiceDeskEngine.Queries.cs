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
        var snapshot = await _store.GetAsync(tenant, ticket, cancellationToken).ConfigureAwait(false);
        return snapshot is null ? null : await ViewAsync(snapshot, _clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
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

    /// <summary>Gets the open tickets of a group and/or an assignee, ordered by their next deadline.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="group">The group, or <see langword="null"/> for any.</param>
    /// <param name="assignee">The assignee, or <see langword="null"/> for any.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The open tickets (in a state of their workflow that is neither terminal nor stops the SLA clocks), earliest <see cref="TicketView.NextDueAt"/> first
    /// (tickets without a deadline last), then by priority, then oldest first.</returns>
    /// <remarks>Until tickets store their next timer, this reads every matching ticket and its history: its cost follows the
    /// number of matching tickets.</remarks>
    /// <exception cref="ArgumentException">The tenant or an id is the default value.</exception>
    public async Task<IReadOnlyList<TicketView>> GetQueueAsync(
        TenantId tenant, GroupId? group = null, AgentId? assignee = null, CancellationToken cancellationToken = default)
    {
        var query = new TicketQuery(tenant) { AssignmentGroup = group, Assignee = assignee, PageSize = TicketQuery.MaxPageSize };
        var views = await ScanAsync(query, cancellationToken).ConfigureAwait(false);
        return Ordered(views);
    }

    /// <summary>Gets the tenant's tickets with a running or paused SLA clock that is breached or due within <paramref name="within"/>.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="within">How far ahead to look; zero for breached clocks only.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The tickets at risk, earliest deadline first.</returns>
    /// <remarks>Like <see cref="GetQueueAsync"/>, this scans the tenant's open tickets until stored timers make it a range query.</remarks>
    /// <exception cref="ArgumentException">The tenant is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="within"/> is negative.</exception>
    public async Task<IReadOnlyList<TicketView>> GetAtRiskAsync(TenantId tenant, Duration within, CancellationToken cancellationToken = default)
    {
        if (within < Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(within), within, "The horizon must be zero or more.");
        }

        var views = await ScanAsync(new TicketQuery(tenant) { PageSize = TicketQuery.MaxPageSize }, cancellationToken).ConfigureAwait(false);
        return Ordered(views.Where(v => v.Clocks.Any(c =>
            c.Stage is SlaStage.Running or SlaStage.Paused && (c.IsBreached || (c.DueAt is { } due && due <= v.EvaluatedAt + within)))));
    }

    /// <summary>Open means work remains: the state is not terminal and does not stop the SLA clocks (so Resolved, Closed
    /// and Canceled are not open).</summary>
    private static bool IsOpen(Workflow.StateDefinition state) => !state.IsTerminal && state.Sla != Workflow.SlaMode.Stopped;

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
            foreach (var ticket in page.Items)
            {
                if (Options.Workflows.TryGetValue(ticket.Kind, out var workflow)
                    && workflow.HasState(ticket.Status)
                    && IsOpen(workflow.GetState(ticket.Status)))
                {
                    views.Add(await ViewAsync(ticket, now, cancellationToken).ConfigureAwait(false));
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return views;
    }

    private async Task<TicketView> ViewAsync(Ticket ticket, Instant now, CancellationToken cancellationToken)
    {
        var policy = PolicyOf(ticket);
        if (policy is null || !Options.Workflows.TryGetValue(ticket.Kind, out var workflow))
        {
            return new TicketView(ticket, policy?.Name, [], now);
        }

        var history = await _store.ReadHistoryAsync(ticket.Tenant, ticket.Id, cancellationToken).ConfigureAwait(false);
        var at = Later(now, ticket.UpdatedAt);
        return new TicketView(ticket, policy.Name, SlaTimelines.Evaluate(policy, SlaTimelines.Build(ticket, history, workflow), at), at);
    }
}
