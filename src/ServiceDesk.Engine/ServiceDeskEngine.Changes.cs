using NodaTime;
using ServiceDesk.Engine.Internal;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine;

/// <content>Change management: the change calendar, freeze windows, collision checks, CAB and emergency CAB, standard changes
/// (see docs/processes.md, "Change management").</content>
public sealed partial class ServiceDeskEngine
{
    /// <summary>The attribute key of the standard change template a change was opened from (String).</summary>
    public const string StandardChangeTemplateAttribute = "change.template";

    /// <summary>
    /// Schedules a change: sets its planned window <c>[start, end)</c> (the attributes <see cref="ChangeLifecycle.PlannedStartAttribute"/>
    /// and <see cref="ChangeLifecycle.PlannedEndAttribute"/> the lifecycle's window guards read, each stored as an
    /// <see cref="AttributeChanged"/> by the actor), checks it against the freeze windows and the other changes, and, for a
    /// standard change still <c>New</c>, fires <see cref="ChangeLifecycle.Submit"/> in the same command (pre-approved: no CAB).
    /// </summary>
    /// <param name="context">The tenant, the actor (an agent or the system), the idempotency key and the expected version.</param>
    /// <param name="ticket">The change.</param>
    /// <param name="plannedStart">When the change is planned to start.</param>
    /// <param name="plannedEnd">When it is planned to end: after the start, at most 30 days later.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>
    /// Applied, with <see cref="CommandResult.ChangeConflicts"/> listing the other changes on the same configuration item or
    /// service whose windows overlap (collisions are reported, not refused) and, for an emergency change, the freezes it
    /// overlaps. <see cref="CommandOutcome.Rejected"/>, storing nothing, when a freeze window covers part of the window of a
    /// normal or standard change (unmet <c>freeze</c> naming it; the conflicts listed too), when the change has no type
    /// (<c>type</c>), while an approval is pending (<c>approval</c>), once a normal or emergency change is authorized
    /// (<c>authorized</c>: the approved window is fixed; cancel and raise a new change) or is being implemented, reviewed,
    /// closed or canceled (<c>open</c>). <see cref="CommandOutcome.Unchanged"/> for the window the change already has.
    /// </returns>
    /// <remarks>The collision check reads the tenant's changes (<see cref="TicketQuery"/> with <see cref="TicketKind.Change"/>,
    /// 1,000 a page), so it costs one query per 1,000 changes the tenant has ever opened; closed and canceled changes are
    /// skipped. Authorized as <see cref="TicketAction.SetAttribute"/> (it sets the planning attributes).</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket id is the default value or the ticket is not a change.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="plannedEnd"/> is not after <paramref name="plannedStart"/>
    /// (the message names both), or the window is longer than 30 days.</exception>
    /// <exception cref="CommandDeniedException">The actor is not an agent or the system, or the authorization policy denies it.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> ScheduleChangeAsync(
        CommandContext context, TicketId ticket, Instant plannedStart, Instant plannedEnd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        var window = CheckWindow(plannedStart, plannedEnd);
        var fingerprint = CommandFingerprint.Of(context, "ScheduleChange", plannedStart.ToString(), plannedEnd.ToString());
        return ExecuteAsync("ScheduleChange", context, ticket, fingerprint, async (loaded, ct) =>
        {
            var t = loaded.Ticket;
            if (context.Actor.Kind is not (ActorKind.Agent or ActorKind.System))
            {
                throw new CommandDeniedException(context.Actor, "ScheduleChange", t.Number, "changes are scheduled by an agent or the system");
            }

            if (t.Kind != TicketKind.Change)
            {
                throw new ArgumentException($"Ticket {t.Number} is a {t.Kind}; only changes are scheduled.", nameof(ticket));
            }

            if (ChangeLifecycle.TypeOf(t) is not { } type)
            {
                return Refuse("type", $"the change has a type ({ChangeLifecycle.TypeAttribute} = Normal, Standard or Emergency)");
            }

            var status = t.Status;
            if (IsTerminal(loaded) || status == ChangeLifecycle.Implement || status == ChangeLifecycle.Review)
            {
                return Refuse("open", $"the change is not yet being implemented, reviewed, closed or canceled; it is {status}");
            }

            if (status == ChangeLifecycle.Scheduled && type != ChangeType.Standard)
            {
                return Refuse("authorized", $"the change is not yet authorized; it is {status} and its approved window is fixed (cancel it and raise a new change)");
            }

            if (loaded.Memory.Approval is { Outcome: ApprovalOutcome.Pending } pending)
            {
                return Refuse("approval", $"no approval is pending; approval {pending.Number} is (withdraw it first)");
            }

            if (ChangeLifecycle.WindowOf(t) == window)
            {
                return Decision.Unchanged;
            }

            var conflicts = await FindChangeConflictsAsync(t, window, ct).ConfigureAwait(false);
            var freezes = conflicts.Where(c => c.Kind == ChangeConflictKind.Freeze).ToList();
            if (freezes.Count > 0 && type != ChangeType.Emergency)
            {
                var named = string.Join("; ", freezes.Select(f => f.Description));
                return Refuse("freeze", $"the window {window} is outside every freeze window; it overlaps {named}") with { ChangeConflicts = conflicts };
            }

            var start = AttributeValue.FromInstant(window.Start);
            var end = AttributeValue.FromInstant(window.End);
            var next = t with
            {
                Attributes = t.Attributes.With(ChangeLifecycle.PlannedStartAttribute, start).With(ChangeLifecycle.PlannedEndAttribute, end),
                Version = t.Version + 2,
                UpdatedAt = loaded.Now,
            };
            var events = new List<TicketEvent>
            {
                new AttributeChanged(t.Tenant, t.Id, t.Version + 1, loaded.Now, context.Actor, ChangeLifecycle.PlannedStartAttribute, start),
                new AttributeChanged(t.Tenant, t.Id, t.Version + 2, loaded.Now, context.Actor, ChangeLifecycle.PlannedEndAttribute, end),
            };
            if (type == ChangeType.Standard && status == TicketStatus.New)
            {
                next = FireIfPermitted(loaded, context, next, ChangeLifecycle.Submit, null, events);
            }

            return new Decision(CommandOutcome.Applied, next, events) { ChangeConflicts = conflicts };
        }, cancellationToken);
    }

    /// <summary>
    /// Asks the change advisory board to authorize a change: the CAB of <see cref="ServiceDeskEngineOptions.ChangeManagement"/>
    /// for a normal change (firing <see cref="ChangeLifecycle.RequestAuthorization"/> from <c>Assess</c> in the same command),
    /// the emergency CAB (its smaller approver set and shorter due time, counted in wall-clock time: an emergency does not
    /// wait for business hours; the CAB's is business time on <see cref="ServiceDeskEngineOptions.BusinessCalendar"/>) for an
    /// emergency change. Built on
    /// <see cref="RequestApprovalAsync"/>: the same <see cref="ApprovalRequested"/> event, decided with
    /// <see cref="ApproveAsync"/> and <see cref="RejectApprovalAsync"/>.
    /// </summary>
    /// <param name="context">The tenant, the actor (an agent or the system), the idempotency key and the expected version.</param>
    /// <param name="ticket">The change.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with <see cref="ApprovalRequested"/> (and the status change when fired); <see cref="CommandOutcome.Rejected"/>,
    /// storing nothing, for a standard change (unmet <c>standard</c>: pre-approved, no CAB), a change without a type
    /// (<c>type</c>), while another approval is pending (<c>approval</c>) or in a terminal status (<c>open</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket id is the default value or the ticket is not a change.</exception>
    /// <exception cref="InvalidOperationException">No CAB (or emergency CAB) is configured in
    /// <see cref="ServiceDeskEngineOptions.ChangeManagement"/>.</exception>
    /// <exception cref="CommandDeniedException">The actor is not an agent or the system, or the authorization policy denies
    /// <see cref="TicketAction.RequestApproval"/>.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> RequestChangeAuthorizationAsync(CommandContext context, TicketId ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        return ExecuteAsync("RequestChangeAuthorization", context, ticket, CommandFingerprint.Of(context, "RequestChangeAuthorization"), (loaded, _) =>
        {
            var t = loaded.Ticket;
            if (t.Kind != TicketKind.Change)
            {
                throw new ArgumentException($"Ticket {t.Number} is a {t.Kind}; only changes go to the CAB.", nameof(ticket));
            }

            var type = ChangeLifecycle.TypeOf(t);
            if (type is null)
            {
                return ValueTask.FromResult(Refuse("type", $"the change has a type ({ChangeLifecycle.TypeAttribute} = Normal or Emergency)"));
            }

            if (type == ChangeType.Standard)
            {
                return ValueTask.FromResult(Refuse("standard", "the change is normal or emergency; a standard change is pre-approved and never goes to the CAB"));
            }

            var board = type == ChangeType.Emergency
                ? Options.ChangeManagement?.EmergencyCab ?? throw new InvalidOperationException(
                    $"No emergency CAB is configured: set ChangeManagementOptions.EmergencyCab to authorize emergency change {t.Number}.")
                : Options.ChangeManagement?.Cab ?? throw new InvalidOperationException(
                    $"No CAB is configured: set ChangeManagementOptions.Cab to authorize normal change {t.Number}.");
            var required = board.Validate();
            var approvers = board.Approvers.Select(a => a.Value).ToArray();
            return ValueTask.FromResult(AskApproval(
                loaded, context, "RequestChangeAuthorization", board, required, approvers, ChangeLifecycle.RequestAuthorization, wallClock: type == ChangeType.Emergency));
        }, cancellationToken);
    }

    /// <summary>
    /// Opens a standard (pre-approved) change from the catalogue's template and schedules it from <paramref name="plannedStart"/>
    /// for the template's duration: subject, service, configuration item, impact and urgency from the template, type
    /// <see cref="ChangeType.Standard"/>, <see cref="StandardChangeTemplateAttribute"/> naming the template; scheduling fires
    /// <see cref="ChangeLifecycle.Submit"/>, which takes a standard change straight to <c>Scheduled</c> without the CAB.
    /// </summary>
    /// <param name="context">The tenant, the actor (an agent or the system) and the idempotency key (it keys the opening;
    /// a retry replays the opening and completes the scheduling if the first attempt stopped before it).</param>
    /// <param name="template">The template's id in <see cref="ChangeManagement.StandardChanges"/>.</param>
    /// <param name="requester">Who asked for the change.</param>
    /// <param name="plannedStart">When the change is planned to start.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The scheduling's result: Applied (the change <c>Scheduled</c>, with collisions in
    /// <see cref="CommandResult.ChangeConflicts"/>), or <see cref="CommandOutcome.Rejected"/> with unmet <c>freeze</c> when a
    /// freeze window covers the window: the change is then stored, opened and <c>New</c>, so it can be scheduled again outside
    /// the freeze (<see cref="ScheduleChangeAsync"/>) or canceled. A replayed opening of a change already scheduled is
    /// <see cref="CommandOutcome.Replayed"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The catalogue has no such template (the message lists the ids it has).</exception>
    /// <exception cref="CommandDeniedException">The actor is not an agent or the system, or the authorization policy denies it.</exception>
    public async Task<CommandResult> OpenStandardChangeAsync(
        CommandContext context, string template, Requester requester, Instant plannedStart, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(requester);
        var catalogue = Options.ChangeManagement;
        var standard = catalogue is null
            ? throw new ArgumentException($"The standard change catalogue has no template {TextPolicy.Echo(template)}; no change management is configured.", nameof(template))
            : catalogue.GetTemplate(template);
        var window = new Interval(plannedStart, plannedStart + standard.Duration);

        if (context.Actor.Kind is not (ActorKind.Agent or ActorKind.System))
        {
            throw new CommandDeniedException(context.Actor, "OpenStandardChange", "standard changes are opened by an agent or the system");
        }

        var attributes = CustomAttributes.Empty
            .With(ChangeLifecycle.TypeAttribute, AttributeValue.FromString(nameof(ChangeType.Standard)))
            .With(StandardChangeTemplateAttribute, AttributeValue.FromString(standard.Id));
        var request = new OpenTicketRequest(TicketKind.Change, standard.Name, requester, standard.Impact, standard.Urgency)
        {
            Service = standard.Service,
            ConfigurationItem = standard.ConfigurationItem,
            Attributes = attributes,
        };
        var opened = await OpenTicketAsync(context, request, cancellationToken).ConfigureAwait(false);
        var scheduling = context with { IdempotencyKey = null, ExpectedVersion = null };
        var scheduled = await ScheduleChangeAsync(scheduling, opened.Ticket.Id, window.Start, window.End, cancellationToken).ConfigureAwait(false);

        // A retry: the opening replayed and the window is already stored (Unchanged), so the whole command replays.
        return opened.Outcome == CommandOutcome.Replayed && scheduled.Outcome == CommandOutcome.Unchanged
            ? new CommandResult(CommandOutcome.Replayed, scheduled.Ticket, []) { SlaPolicy = scheduled.SlaPolicy }
            : scheduled;
    }

    /// <summary>
    /// The change calendar: the tenant's changes whose planned window overlaps <paramref name="interval"/>, by planned start
    /// (then number). Canceled changes are left out; closed ones are kept (the calendar is also a record of what was done).
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="interval">The span to list: bounded, start before end.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The scheduled changes.</returns>
    /// <remarks>A trusted back-end query like <see cref="GetQueueAsync"/>: it takes a tenant and asks no authorization policy.
    /// It pages through the tenant's changes (<see cref="TicketQuery"/> with <see cref="TicketKind.Change"/>, 1,000 a page),
    /// so it costs one query per 1,000 changes the tenant has ever opened, without a schema change; a product with many
    /// thousands of changes should cache the calendar per interval.</remarks>
    /// <exception cref="ArgumentException">The tenant is the default value, or the interval is unbounded or ends before (or
    /// when) it starts.</exception>
    public async Task<IReadOnlyList<ScheduledChange>> GetChangeCalendarAsync(TenantId tenant, Interval interval, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        if (!interval.HasStart || !interval.HasEnd || interval.Start >= interval.End)
        {
            throw new ArgumentException($"The calendar's interval needs a start before its end; got {interval}.", nameof(interval));
        }

        var list = new List<ScheduledChange>();
        await foreach (var change in ChangesAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            if (change.Status != TicketStatus.Canceled && ChangeLifecycle.WindowOf(change) is { } w && ChangeWindows.Overlap(w, interval))
            {
                list.Add(new ScheduledChange(
                    change.Id, change.Number, change.Subject, ChangeLifecycle.TypeOf(change), change.Status, w, change.Service, change.ConfigurationItem));
            }
        }

        return [.. list.OrderBy(c => c.Window.Start).ThenBy(c => c.Number.Sequence)];
    }

    /// <summary>The freezes and the collisions of <paramref name="change"/> planned over <paramref name="window"/>: freezes in
    /// the order of the options, then the other open changes on the same configuration item or service by planned start.</summary>
    private async Task<IReadOnlyList<ChangeConflict>> FindChangeConflictsAsync(Ticket change, Interval window, CancellationToken cancellationToken)
    {
        var conflicts = new List<ChangeConflict>();
        foreach (var f in Options.ChangeManagement?.FreezeWindows ?? [])
        {
            if (f.Blocks(change.Tenant, change.Service, window))
            {
                var scope = f.Service is { } s ? $"service {s}" : "every service";
                conflicts.Add(new ChangeConflict(ChangeConflictKind.Freeze, f.Name, f.Window, null, $"freeze '{f.Name}' {f.Window} on {scope}"));
            }
        }

        if (change.Service is null && change.ConfigurationItem is null)
        {
            return conflicts;
        }

        var collisions = new List<(Ticket Other, ChangeConflict Conflict)>();
        await foreach (var other in ChangesAsync(change.Tenant, cancellationToken).ConfigureAwait(false))
        {
            if (other.Id == change.Id || other.Status == TicketStatus.Canceled || other.Status == TicketStatus.Closed
                || ChangeLifecycle.WindowOf(other) is not { } w || !ChangeWindows.Overlap(w, window))
            {
                continue;
            }

            var on = other.ConfigurationItem is { } ci && ci == change.ConfigurationItem ? $"configuration item {ci}"
                : other.Service is { } sv && sv == change.Service ? $"service {sv}"
                : null;
            if (on is not null)
            {
                collisions.Add((other, new ChangeConflict(
                    ChangeConflictKind.Collision, other.Number.ToString(), w, other.Id, $"{other.Number} plans {w} on {on}")));
            }
        }

        // Freezes in the order of the options, then collisions by planned start and number (the store pages by opening).
        conflicts.AddRange(collisions.OrderBy(c => c.Conflict.Window.Start).ThenBy(c => c.Other.Number.Sequence).Select(c => c.Conflict));
        return conflicts;
    }

    /// <summary>The tenant's changes, page by page (1,000 a page).</summary>
    private async IAsyncEnumerable<Ticket> ChangesAsync(
        TenantId tenant, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await _store.QueryAsync(
                new TicketQuery(tenant) { Kind = TicketKind.Change, PageSize = TicketQuery.MaxPageSize, ContinuationToken = token }, cancellationToken)
                .ConfigureAwait(false);
            foreach (var t in page.Items)
            {
                yield return t;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    private static Interval CheckWindow(Instant start, Instant end)
    {
        if (end <= start)
        {
            throw new ArgumentOutOfRangeException(
                nameof(end), end, $"A change's planned window ends after it starts; got start {start} and end {end}{(end < start ? ", which ends before it starts" : ", an empty window")}.");
        }

        var window = new Interval(start, end);
        return window.Duration > ChangeWindows.MaxLength
            ? throw new ArgumentOutOfRangeException(
                nameof(end), end, $"A change's planned window is at most {ChangeWindows.MaxLength.Days} days long; got {window.Duration} (start {start}, end {end}).")
            : window;
    }
}
