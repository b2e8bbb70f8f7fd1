using NodaTime;
using ServiceDesk.Engine.Internal;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using ServiceDesk.Storage;

namespace ServiceDesk.Engine;

/// <content>Editing a ticket: classification with SLA policy re-selection, and manual SLA due dates.</content>
public sealed partial class ServiceDeskEngine
{
    /// <summary>How far ahead a manual SLA due may be set: 365 days from the command's instant. SLA policies set no limit of
    /// their own; this one keeps a typing error (a due in 2207) from silencing a ticket's clocks for good.</summary>
    public static readonly Duration MaxSlaDueOverrideAhead = Duration.FromDays(365);

    /// <summary>
    /// Edits a ticket's category, service, configuration item and contract as one <see cref="ClassificationChanged"/> event,
    /// and, when <paramref name="slaReselection"/> asks for it, selects the SLA policy again for the edited ticket.
    /// </summary>
    /// <param name="context">The tenant, the actor, the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="classification">The four fields as they are to be after the edit (see <see cref="TicketClassification.Of"/>).</param>
    /// <param name="slaReselection">
    /// <see langword="null"/> (the default): keep the policy in force, whatever the edit. Otherwise select the policy again,
    /// as at opening (by contract, service, customer tier, priority and kind; <see cref="SlaPolicySet.Select"/>), with the
    /// choices of a priority change (<see cref="SlaPriorityChange"/>): <see cref="SlaPriorityChange.Restart"/> starts the new
    /// policy's clocks at the edit (nothing before counts); <see cref="SlaPriorityChange.KeepElapsed"/> and
    /// <see cref="SlaPriorityChange.Retroactive"/> measure the new policy's clocks over the ticket's whole history, so the
    /// business time elapsed so far is kept and judged by the new targets (across two policies the two modes coincide).
    /// </param>
    /// <param name="customerTier">The requester's new customer tier (e.g. <c>VIP</c>), 1 to 64 characters, or
    /// <see langword="null"/> (the default) to keep the tier the ticket has (<see cref="CustomerTierAttribute"/>, set at
    /// opening from <see cref="OpenTicketRequest.CustomerTier"/>). A different tier is stored as an
    /// <see cref="AttributeChanged"/> of <see cref="CustomerTierAttribute"/> by the actor; re-selection uses the tier the
    /// ticket has after the edit.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>
    /// Applied with <see cref="ClassificationChanged"/> and, when another policy was selected, <see cref="SlaPolicyReselected"/>
    /// and <see cref="AttributeChanged"/> of <see cref="SlaPolicyAttribute"/> (both by the system) with the attribute set to it, <see cref="CommandResult.SlaPolicy"/> naming
    /// it, and the clocks and schedule computed under it. <see cref="CommandOutcome.Unchanged"/> when the ticket already has this
    /// classification and tier (nothing is re-selected then); <see cref="CommandOutcome.Rejected"/> (unmet <c>open</c>) for a closed ticket or one in a
    /// terminal status (canceled); a resolved ticket may still be edited.
    /// </returns>
    /// <remarks>Re-selection that picks the policy in force, or finds no policy at all, keeps the policy in force and its
    /// clocks. A routing rule's named policy is not consulted again: re-selection ranks the policies.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> or <paramref name="classification"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket id or an id of <paramref name="classification"/> is the default value, or
    /// the tier is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slaReselection"/> is undefined or the tier is too long.</exception>
    /// <exception cref="CommandDeniedException">The authorization policy denies <see cref="TicketAction.EditClassification"/>.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> ChangeClassificationAsync(
        CommandContext context,
        TicketId ticket,
        TicketClassification classification,
        SlaPriorityChange? slaReselection = null,
        string? customerTier = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        ArgumentNullException.ThrowIfNull(classification);
        classification.Validate(nameof(classification));
        if (slaReselection is { } mode && !Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(
                nameof(slaReselection), mode, $"Valid re-selections: null (keep the policy), {string.Join(", ", Enum.GetNames<SlaPriorityChange>())}.");
        }

        if (customerTier is not null)
        {
            CheckText(customerTier, Routing.RoutingCondition.MaxTierLength, nameof(customerTier));
        }

        var c = classification;
        var fingerprint = CommandFingerprint.Of(
            context, "ChangeClassification", c.Category?.Category, c.Category?.Subcategory, c.Service?.Value, c.ConfigurationItem?.Value, c.Contract?.Value,
            slaReselection?.ToString(), customerTier);
        return ExecuteAsync("ChangeClassification", context, ticket, fingerprint, async (loaded, ct) =>
        {
            var t = loaded.Ticket;
            if (IsClosedToEdits(loaded))
            {
                return Refuse("open", $"the ticket is open to edits (neither closed nor in a terminal status); it is {t.Status}");
            }

            var storedTier = TierOf(t);
            var tierChanged = customerTier is not null && !string.Equals(customerTier, storedTier, StringComparison.Ordinal);
            var classified = !c.Matches(t);
            if (!classified && !tierChanged)
            {
                return Decision.Unchanged;
            }

            var version = t.Version;
            var next = t with
            {
                Category = c.Category,
                Service = c.Service,
                ConfigurationItem = c.ConfigurationItem,
                Contract = c.Contract,
                UpdatedAt = loaded.Now,
            };
            var events = new List<TicketEvent>(4);
            if (classified)
            {
                events.Add(new ClassificationChanged(
                    t.Tenant, t.Id, ++version, loaded.Now, context.Actor, c.Category, c.Service, c.ConfigurationItem, c.Contract,
                    t.Category, t.Service, t.ConfigurationItem, t.Contract));
            }

            if (tierChanged)
            {
                var tierValue = AttributeValue.FromString(customerTier!);
                events.Add(new AttributeChanged(t.Tenant, t.Id, ++version, loaded.Now, context.Actor, CustomerTierAttribute, tierValue));
                next = next with { Attributes = next.Attributes.With(CustomerTierAttribute, tierValue) };
            }

            next = next with { Version = version };
            if (slaReselection is not { } reselect
                || SelectPolicy(next, customerTier ?? storedTier, null) is not { } policy
                || string.Equals(policy.Name, loaded.Policy?.Name, StringComparison.Ordinal))
            {
                return new Decision(CommandOutcome.Applied, next, events);
            }

            // The re-selection, then the attribute as at opening (an AttributeChanged by the system), so a consumer that projects
            // attributes from the events sees the policy in force.
            var name = AttributeValue.FromString(policy.Name);
            events.Add(new SlaPolicyReselected(
                t.Tenant, t.Id, ++version, loaded.Now, Actor.System, policy.Name, loaded.Policy?.Name, reselect == SlaPriorityChange.Restart));
            events.Add(new AttributeChanged(t.Tenant, t.Id, ++version, loaded.Now, Actor.System, SlaPolicyAttribute, name));
            next = next with { Attributes = next.Attributes.With(SlaPolicyAttribute, name), Version = version };

            // The clocks of the new policy are folded from the whole history (its Rebuild starts them at the re-selection when
            // it restarted them), so the stored memory is the one a later rebuild from the history would make.
            var history = await ReadHistoryUpToAsync(t, ct).ConfigureAwait(false);
            var memory = TicketMemory.Rebuild(next, [.. history, .. events], loaded.Workflow, policy);
            return new Decision(CommandOutcome.Applied, next, events) { Reselected = (policy, memory) };
        }, cancellationToken);
    }

    /// <summary>Sets the due instant of one SLA metric of a ticket by hand (an agent promises a date), as an
    /// <see cref="SlaDueOverridden"/> event.</summary>
    /// <param name="context">The tenant, the actor, the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="metric">The metric of the ticket's SLA policy (e.g. <c>resolution</c> for the ticket's resolution), 1 to 64
    /// characters.</param>
    /// <param name="due">The due instant: after the command's instant and at most <see cref="MaxSlaDueOverrideAhead"/> after it.</param>
    /// <param name="reason">Why, up to 100 characters, if given.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with the event; the metric's running cycle (or the next one to start) is then due at
    /// <paramref name="due"/>, which pauses do not move (docs/sla.md, manual due dates), and the stored schedule (timer,
    /// queue deadline) follows it. <see cref="CommandOutcome.Unchanged"/> when the metric already has this override.
    /// <see cref="CommandOutcome.Rejected"/>, storing nothing, with the unmet guard: <c>sla</c> (the ticket has no SLA policy),
    /// <c>open</c> (closed or terminal status), <c>future</c> (the due is not after now), <c>horizon</c> (more than
    /// <see cref="MaxSlaDueOverrideAhead"/> ahead).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> or <paramref name="metric"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket id is the default value, the metric or reason is blank, or the ticket's
    /// policy has no such metric (the message names the metric and the policy's metrics).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The metric or the reason is too long.</exception>
    /// <exception cref="CommandDeniedException">The authorization policy denies <see cref="TicketAction.OverrideSlaDue"/>.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> OverrideSlaDueAsync(
        CommandContext context, TicketId ticket, string metric, Instant due, string? reason = null, CancellationToken cancellationToken = default)
        => DueOverrideAsync("OverrideSlaDue", context, ticket, metric, due, reason, cancellationToken);

    /// <summary>Clears a manual SLA due set by <see cref="OverrideSlaDueAsync"/>: the metric's due is computed from its target
    /// and pauses again (a breach that already happened stays).</summary>
    /// <param name="context">The tenant, the actor, the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="metric">The metric, 1 to 64 characters.</param>
    /// <param name="reason">Why, up to 100 characters, if given.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with an <see cref="SlaDueOverridden"/> event whose due is <see langword="null"/>;
    /// <see cref="CommandOutcome.Unchanged"/> when the metric has no override; <see cref="CommandOutcome.Rejected"/> with
    /// <c>sla</c> or <c>open</c> as for <see cref="OverrideSlaDueAsync"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> or <paramref name="metric"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">See <see cref="OverrideSlaDueAsync"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The metric or the reason is too long.</exception>
    /// <exception cref="CommandDeniedException">The authorization policy denies <see cref="TicketAction.OverrideSlaDue"/>.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> ClearSlaDueOverrideAsync(
        CommandContext context, TicketId ticket, string metric, string? reason = null, CancellationToken cancellationToken = default)
        => DueOverrideAsync("ClearSlaDueOverride", context, ticket, metric, null, reason, cancellationToken);

    private Task<CommandResult> DueOverrideAsync(
        string command, CommandContext context, TicketId ticket, string metric, Instant? due, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        ArgumentNullException.ThrowIfNull(metric);
        CheckText(metric, SlaDueOverridden.MaxMetricLength, nameof(metric));
        if (reason is not null)
        {
            CheckText(reason, Ticket.MaxHoldReasonLength, nameof(reason));
        }

        var fingerprint = CommandFingerprint.Of(context, command, metric, due?.ToString(), reason);
        return ExecuteAsync(command, context, ticket, fingerprint, (loaded, _) =>
        {
            var t = loaded.Ticket;
            if (loaded.Policy is not { } policy || loaded.Memory.Tracker is not { } tracker)
            {
                return ValueTask.FromResult(Refuse("sla", "the ticket has an SLA policy; it has none"));
            }

            if (policy.GetMetric(metric) is null)
            {
                throw new ArgumentException(
                    $"Policy {TextPolicy.Echo(policy.Name)} of ticket {t.Number} has no metric {TextPolicy.Echo(metric)}; its metrics are {string.Join(", ", policy.Metrics.Select(m => m.Name))}.",
                    nameof(metric));
            }

            if (IsClosedToEdits(loaded))
            {
                return ValueTask.FromResult(Refuse("open", $"the ticket is open to edits (neither closed nor in a terminal status); it is {t.Status}"));
            }

            var progress = tracker.ToState().Metrics.First(m => string.Equals(m.Metric, metric, StringComparison.Ordinal));
            if ((progress.PendingOverride ?? progress.Override) == due)
            {
                return ValueTask.FromResult(Decision.Unchanged);
            }

            if (due is { } at)
            {
                if (at <= loaded.Now)
                {
                    return ValueTask.FromResult(Refuse("future", $"the due instant is after now ({loaded.Now}); got {at}"));
                }

                if (at > loaded.Now + MaxSlaDueOverrideAhead)
                {
                    return ValueTask.FromResult(Refuse(
                        "horizon", $"the due instant is at most {MaxSlaDueOverrideAhead.Days} days ahead, by {loaded.Now + MaxSlaDueOverrideAhead}; got {at}"));
                }
            }

            var overridden = new SlaDueOverridden(t.Tenant, t.Id, t.Version + 1, loaded.Now, context.Actor, metric, due, reason);
            return ValueTask.FromResult(Decision.Apply(t with { Version = t.Version + 1, UpdatedAt = loaded.Now }, overridden));
        }, cancellationToken);
    }

    /// <summary>Whether edits are refused: the ticket is closed (even where the lifecycle can still reopen it) or in a terminal
    /// status (canceled). A resolved ticket can still be edited (its classification corrected before closure).</summary>
    private static bool IsClosedToEdits(Loaded loaded) => loaded.Ticket.Status == TicketStatus.Closed || IsTerminal(loaded);

    /// <summary>The customer tier the ticket keeps (<see cref="CustomerTierAttribute"/>), or <see langword="null"/>.</summary>
    private static string? TierOf(Ticket ticket)
        => ticket.Attributes.TryGetValue(CustomerTierAttribute, out var value) && value.Kind == AttributeKind.String ? value.AsString() : null;
}
