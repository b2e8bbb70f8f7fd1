using NodaTime;
using ServiceDesk.Engine.Internal;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine;

/// <content>Commands.</content>
public sealed partial class ServiceDeskEngine
{
    /// <summary>
    /// Opens a ticket: validates the request, derives the priority from the matrix, routes it with the routing rules,
    /// selects and records the SLA policy, allocates the number and appends <see cref="TicketOpened"/> (then
    /// <see cref="Assigned"/> when a group is set, and <see cref="AttributeChanged"/> for <see cref="SlaPolicyAttribute"/>
    /// when a policy applies).
    /// </summary>
    /// <param name="context">The tenant, the actor and the idempotency key.</param>
    /// <param name="request">What to open.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The applied result (or, for a retried key, the replayed one).</returns>
    /// <remarks>
    /// <para>Routing: an explicit <see cref="OpenTicketRequest.AssignmentGroup"/> wins over the rules' group; the rules may
    /// set or raise the priority and name the SLA policy. Otherwise the policy is selected from the SLA policy set by its
    /// precedence with the ticket's kind, priority, contract, service and customer tier. The policy stays with the ticket;
    /// later priority changes re-target its metrics.</para>
    /// <para>Idempotency: with a key, the ticket id is derived from the tenant and the key, so a retry names the same ticket
    /// and is replayed; a number is allocated only when no ticket with that id exists yet (two retries racing may leave a
    /// gap in the numbers, never a duplicate ticket).</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument, or a required field of <paramref name="request"/>, is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A field is invalid (blank subject, default impact, an assignee without a group, a
    /// reserved attribute), or the engine has no workflow for the kind; nothing is stored and no number is allocated.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A field is too long, or impact or urgency is outside the matrix.</exception>
    public async Task<CommandResult> OpenTicketAsync(CommandContext context, OpenTicketRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        using var telemetry = _telemetry.StartCommand("OpenTicket", context.Tenant);
        try
        {
            return telemetry.Complete(await OpenCoreAsync(context, request, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (telemetry.Fail(ex))
        {
            throw; // Fail records the exception and returns false, so this is never reached.
        }
    }

    /// <summary>Fires a workflow trigger on a ticket (start, hold, resume, resolve, close, reopen, cancel, approve, ...).</summary>
    /// <param name="context">The tenant, the actor, the actor's roles, the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="trigger">The trigger.</param>
    /// <param name="reason">The reason (hold reason, resolution or closure code), if the transition asks for one.</param>
    /// <param name="notes">Notes (e.g. resolution notes), recorded as a public comment after the status change.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>
    /// <see cref="CommandOutcome.Applied"/> with the <see cref="StatusChanged"/> (and <see cref="CommentAdded"/>) events and
    /// the cascades to fire on linked tickets; or <see cref="CommandOutcome.Rejected"/> /
    /// <see cref="CommandOutcome.NewLinkedTicketRequired"/> with the unmet guards, storing nothing.
    /// </returns>
    /// <remarks>The workflow sees the time the ticket entered its status (from the history) and the tickets this one links
    /// to (its outgoing links, loaded from the store) for its time and link guards.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="ticket"/> or <paramref name="trigger"/> is the default value, or
    /// the reason or notes are blank or too long.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">The ticket is not at <see cref="CommandContext.ExpectedVersion"/>, or changed
    /// while the command ran.</exception>
    public Task<CommandResult> TransitionAsync(
        CommandContext context,
        TicketId ticket,
        WorkflowTrigger trigger,
        string? reason = null,
        string? notes = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        if (trigger.IsDefault)
        {
            throw new ArgumentException("default(WorkflowTrigger) is not a trigger; create one with new WorkflowTrigger(name).", nameof(trigger));
        }

        _ = new TransitionContext(context.Actor, default) { Reason = reason, Notes = notes }; // validates reason and notes now
        return TransitionCoreAsync(
            "Transition", context, ticket, trigger, reason, notes, CommandFingerprint.Of(context, "Transition", trigger.Name, reason, notes), null, cancellationToken);
    }

    /// <summary>Fires a trigger through the one pipeline, with the ticket's stored approval and links; opens the follow-up
    /// ticket when the workflow asks for one.</summary>
    private async Task<CommandResult> TransitionCoreAsync(
        string command,
        CommandContext context,
        TicketId ticket,
        WorkflowTrigger trigger,
        string? reason,
        string? notes,
        string? fingerprint,
        Action<string, CommandContext, Ticket>? authorize,
        CancellationToken cancellationToken)
    {
        var result = await ExecuteAsync(command, context, ticket, fingerprint, async (loaded, ct) =>
        {
            authorize?.Invoke(command, context, loaded.Ticket);
            var links = await LoadLinksAsync(loaded, ct).ConfigureAwait(false);
            var transition = new TransitionContext(context.Actor, loaded.Now)
            {
                Roles = context.Roles,
                Reason = reason,
                Notes = notes,
                StatusSince = StatusSince(loaded),
                Links = links,
                Approvals = loaded.Memory.Approval?.ToSet(),
            };
            var result = loaded.Workflow.TryFire(loaded.Ticket, trigger, transition);
            var outcome = result.Outcome switch
            {
                TransitionOutcome.Transitioned => CommandOutcome.Applied,
                TransitionOutcome.NewLinkedTicketRequired => CommandOutcome.NewLinkedTicketRequired,
                _ => CommandOutcome.Rejected,
            };
            _metrics.RecordTransition(trigger.Name, outcome);
            if (result.Succeeded)
            {
                EngineLog.Transitioned(_logger, loaded.Ticket.Number, loaded.Ticket.Tenant, trigger.Name, result.From, result.To);
                return new Decision(outcome, result.Ticket, result.Events)
                {
                    Cascades = result.Cascades,
                    Companions = await CascadeAsync(loaded, result.Cascades, ct).ConfigureAwait(false),
                };
            }

            EngineLog.TransitionRejected(_logger, loaded.Ticket.Number, loaded.Ticket.Tenant, trigger.Name, outcome, string.Join("; ", result.UnmetGuards));
            return new Decision(outcome, null, [])
            {
                UnmetGuards = result.UnmetGuards,
                OpensFollowUp = outcome == CommandOutcome.NewLinkedTicketRequired,
            };
        }, cancellationToken, trigger.Name).ConfigureAwait(false);

        return result.Outcome == CommandOutcome.NewLinkedTicketRequired
            ? await OpenFollowUpAsync(context, result, fingerprint, cancellationToken).ConfigureAwait(false)
            : result;
    }

    /// <summary>Assigns (or reassigns) a ticket to a group and, optionally, an agent in it.</summary>
    /// <param name="context">The tenant, the actor, the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="group">The group.</param>
    /// <param name="agent">The agent, or <see langword="null"/> for the group's queue; with
    /// <see cref="ServiceDeskEngineOptions.Assignment"/> covering the group, <see langword="null"/> lets the engine choose an
    /// agent by the group's strategy (an <see cref="AgentAssignmentDecided"/> event with trigger
    /// <see cref="AssignmentTrigger.Reassigned"/> explains the choice).</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with an <see cref="Assigned"/> event carrying the previous group and agent (after the assignment
    /// decision, when the engine chose), or <see cref="CommandOutcome.Unchanged"/> when the ticket is already so
    /// assigned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> AssignAsync(CommandContext context, TicketId ticket, GroupId group, AgentId? agent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        GroupId.ThrowIfDefault(group);
        if (agent is { } a)
        {
            AgentId.ThrowIfDefault(a, nameof(agent));
        }

        return ExecuteAsync("Assign", context, ticket, CommandFingerprint.Of(context, "Assign", group.Value, agent?.Value), async (loaded, ct) =>
        {
            var t = loaded.Ticket;
            if (agent is { } named)
            {
                await CheckAgentOfDirectoryAsync(t.Tenant, group, named, nameof(agent), ct).ConfigureAwait(false);
            }

            if (t.AssignmentGroup == group && t.Assignee == agent && agent is not null)
            {
                return Decision.Unchanged;
            }

            var events = new List<TicketEvent>();
            var (nextGroup, nextAgent) = (group, agent);
            if (agent is null
                && await ChooseAgentAsync(t, group, AssignmentTrigger.Reassigned, context.Actor, loaded.Now, t.Version, events, null, ct).ConfigureAwait(false) is var (chosenGroup, chosenAgent))
            {
                (nextGroup, nextAgent) = (chosenGroup, chosenAgent);
            }

            if (t.AssignmentGroup == nextGroup && t.Assignee == nextAgent)
            {
                // Already so assigned (automatic assignment, if any, chose the agent the ticket has): nothing to record.
                return Decision.Unchanged;
            }

            events.Add(new Assigned(t.Tenant, t.Id, t.Version + events.Count + 1, loaded.Now, context.Actor, nextGroup, nextAgent, t.AssignmentGroup, t.Assignee));
            return new Decision(CommandOutcome.Applied, t with { AssignmentGroup = nextGroup, Assignee = nextAgent, Version = t.Version + events.Count, UpdatedAt = loaded.Now }, events);
        }, cancellationToken);
    }

    /// <summary>Adds a comment: a public reply or an internal note, by an agent, the requester, the system or an integration.</summary>
    /// <param name="context">The tenant, the actor, the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="visibility">Public (visible to the requester) or internal.</param>
    /// <param name="text">The text: 1 to <see cref="Ticket.MaxDescriptionLength"/> characters, not blank; stored verbatim.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with a <see cref="CommentAdded"/> event and, after a public reply by the requester, the status change
    /// of <see cref="ServiceDeskEngineOptions.CallerReplyTrigger"/> when the workflow permits it (a caller reply resumes a
    /// ticket held for the caller).</returns>
    /// <remarks>For the SLA clocks, a public agent reply stops first response and answers next response; a public
    /// requester reply starts next response.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> or <paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket id is the default value, the text is blank, the visibility is undefined,
    /// or the requester writes an internal note.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The text is too long.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> CommentAsync(
        CommandContext context, TicketId ticket, CommentVisibility visibility, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        ArgumentNullException.ThrowIfNull(text);
        if (!Enum.IsDefined(visibility))
        {
            throw new ArgumentOutOfRangeException(nameof(visibility), visibility, "The visibility is Public or Internal.");
        }

        if (visibility == CommentVisibility.Internal && context.Actor.Kind == ActorKind.Requester)
        {
            throw new ArgumentException("A requester cannot write internal notes; use CommentVisibility.Public.", nameof(visibility));
        }

        CheckText(text, Ticket.MaxDescriptionLength, nameof(text));
        return ExecuteAsync("Comment", context, ticket, CommandFingerprint.Of(context, "Comment", visibility.ToString(), text), (loaded, _) =>
        {
            var t = loaded.Ticket;
            var comment = new CommentAdded(t.Tenant, t.Id, t.Version + 1, loaded.Now, context.Actor, visibility, text);
            var commented = t with { Version = t.Version + 1, UpdatedAt = loaded.Now };
            if (visibility == CommentVisibility.Public && context.Actor.Kind == ActorKind.Requester && Options.CallerReplyTrigger is { } reply)
            {
                var fired = loaded.Workflow.TryFire(
                    commented, reply, new TransitionContext(context.Actor, loaded.Now) { Roles = context.Roles, StatusSince = StatusSince(loaded) });
                if (fired.Succeeded)
                {
                    _metrics.RecordTransition(reply.Name, CommandOutcome.Applied);
                    EngineLog.Transitioned(_logger, t.Number, t.Tenant, reply.Name, fired.From, fired.To);
                    return ValueTask.FromResult(new Decision(CommandOutcome.Applied, fired.Ticket, [comment, .. fired.Events]) { Cascades = fired.Cascades });
                }
            }

            return ValueTask.FromResult(Decision.Apply(commented, comment));
        }, cancellationToken, action: visibility == CommentVisibility.Internal ? TicketAction.CommentInternal : TicketAction.Comment);
    }

    /// <summary>Changes impact and urgency; the priority follows from the engine's matrix.</summary>
    /// <param name="context">The tenant, the actor, the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="impact">The new impact.</param>
    /// <param name="urgency">The new urgency.</param>
    /// <param name="reason">Why, if given: up to 100 characters.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with a <see cref="PriorityChanged"/> event, or <see cref="CommandOutcome.Unchanged"/> when impact and
    /// urgency are already these.</returns>
    /// <remarks>The SLA policy chosen at opening stays; its metrics re-target by their per-priority targets and their
    /// priority-change rule (<see cref="SlaMetric.PriorityChange"/>).</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket id, impact or urgency is the default value, or the reason is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Impact or urgency is outside the matrix, or the reason is too long.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> ChangePriorityAsync(
        CommandContext context, TicketId ticket, Impact impact, Urgency urgency, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        if (impact.IsDefault || urgency.IsDefault)
        {
            throw new ArgumentException("Impact and urgency must be levels 1 to 9, not default values.", impact.IsDefault ? nameof(impact) : nameof(urgency));
        }

        var priority = Options.PriorityMatrix.Calculate(impact, urgency);
        if (reason is not null)
        {
            CheckText(reason, Ticket.MaxHoldReasonLength, nameof(reason));
        }

        return ExecuteAsync("ChangePriority", context, ticket, CommandFingerprint.Of(context, "ChangePriority", impact.ToString(), urgency.ToString(), reason), (loaded, _) =>
        {
            var t = loaded.Ticket;
            if (t.Impact == impact && t.Urgency == urgency && t.Priority == priority)
            {
                return ValueTask.FromResult(Decision.Unchanged);
            }

            var version = t.Version + 1;
            var changed = new PriorityChanged(t.Tenant, t.Id, version, loaded.Now, context.Actor, t.Priority, priority, impact, urgency, reason);
            return ValueTask.FromResult(Decision.Apply(
                t with { Impact = impact, Urgency = urgency, Priority = priority, Version = version, UpdatedAt = loaded.Now }, changed));
        }, cancellationToken);
    }

    /// <summary>Links a ticket to another ticket of the same tenant ("this ticket <paramref name="linkType"/> the other").</summary>
    /// <param name="context">The tenant, the actor, the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="other">The other ticket; it must exist in the tenant.</param>
    /// <param name="linkType">How they are linked.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with a <see cref="TicketLinked"/> event, or <see cref="CommandOutcome.Unchanged"/> when the same link exists.</returns>
    /// <remarks>On a store that implements <see cref="ITicketBatchStore"/> (every shipped adapter) the other ticket records the
    /// incoming side, a <see cref="TicketLinkedFrom"/>, in the same transaction (<see cref="CommandResult.Cascaded"/>), so the
    /// workflow sees the link from both tickets: a problem sees the incidents it caused, a major incident its children, and
    /// cascades reach them. The other ticket's version changes too, so a writer racing on it conflicts and retries.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An id is the default value or both are the same ticket.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="linkType"/> is undefined.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket, or no <paramref name="other"/>.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> LinkAsync(
        CommandContext context, TicketId ticket, TicketId other, TicketLinkType linkType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        TicketId.ThrowIfDefault(other);
        if (other == ticket)
        {
            throw new ArgumentException($"Ticket {ticket} cannot be linked to itself.", nameof(other));
        }

        if (!Enum.IsDefined(linkType))
        {
            throw new ArgumentOutOfRangeException(nameof(linkType), linkType, $"Valid link types: {string.Join(", ", Enum.GetNames<TicketLinkType>())}.");
        }

        return ExecuteAsync("Link", context, ticket, CommandFingerprint.Of(context, "Link", other.ToString(), linkType.ToString()), async (loaded, ct) =>
        {
            var target = await LoadOtherAsync(context.Tenant, other, loaded.Now, ct).ConfigureAwait(false)
                ?? throw new TicketNotFoundException(context.Tenant, other);
            if (loaded.Memory.HasLink(other, linkType))
            {
                return Decision.Unchanged;
            }

            var t = loaded.Ticket;
            var linked = new TicketLinked(t.Tenant, t.Id, t.Version + 1, loaded.Now, context.Actor, other, linkType);
            var decision = Decision.Apply(t with { Version = t.Version + 1, UpdatedAt = loaded.Now }, linked);
            if (!AppendsTogether || target.Memory.HasIncomingLink(t.Id, linkType))
            {
                return decision;
            }

            // The incoming side, on the other ticket, in the same transaction: the other ticket now knows who links to it.
            var o = target.Ticket;
            var from = new TicketLinkedFrom(o.Tenant, o.Id, o.Version + 1, target.Now, context.Actor, t.Id, linkType);
            return decision with { Companions = [(target, Decision.Apply(o with { Version = o.Version + 1, UpdatedAt = target.Now }, from))] };
        }, cancellationToken);
    }

    /// <summary>Sets or removes a custom attribute.</summary>
    /// <param name="context">The tenant, the actor, the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="key">The key: 1 to 64 ASCII letters, digits, '_', '-' or '.', starting with a letter; keys starting
    /// with <c>sla.</c> are reserved for the engine.</param>
    /// <param name="value">The value, or <see langword="null"/> to remove the attribute.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with an <see cref="AttributeChanged"/> event, or <see cref="CommandOutcome.Unchanged"/> when the
    /// attribute already has this value (or is already absent).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> or <paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The key is invalid or reserved, or the value is the default value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The ticket would have more than <see cref="CustomAttributes.MaxCount"/> attributes.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> SetAttributeAsync(
        CommandContext context, TicketId ticket, string key, AttributeValue? value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        ArgumentNullException.ThrowIfNull(key);
        if (key.StartsWith("sla.", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Attribute keys starting with 'sla.' are reserved for the engine; got {TextPolicy.Echo(key)}.", nameof(key));
        }

        if (value is { Kind: 0 })
        {
            throw new ArgumentException("default(AttributeValue) is not a value; use null to remove the attribute.", nameof(value));
        }

        _ = CustomAttributes.Empty.With(key, value ?? AttributeValue.FromBoolean(true)); // validates the key now
        return ExecuteAsync("SetAttribute", context, ticket, CommandFingerprint.Of(context, "SetAttribute", key, value is { } v ? v.Kind + ":" + v.ToString() : null), (loaded, _) =>
        {
            var t = loaded.Ticket;
            var has = t.Attributes.TryGetValue(key, out var existing);
            if (value is { } v ? has && existing.Equals(v) : !has)
            {
                return ValueTask.FromResult(Decision.Unchanged);
            }

            var attributes = value is { } set ? t.Attributes.With(key, set) : t.Attributes.Without(key);
            var changed = new AttributeChanged(t.Tenant, t.Id, t.Version + 1, loaded.Now, context.Actor, key, value);
            return ValueTask.FromResult(Decision.Apply(t with { Attributes = attributes, Version = t.Version + 1, UpdatedAt = loaded.Now }, changed));
        }, cancellationToken);
    }

    /// <summary>Records time an agent spent on a ticket, as a <see cref="TimeLogged"/> event (billing reads these events).</summary>
    /// <param name="context">The tenant, the actor, the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="agent">Who worked.</param>
    /// <param name="started">When the work started.</param>
    /// <param name="duration">How long: more than zero, at most 24 hours.</param>
    /// <param name="billable">Whether the time is billable.</param>
    /// <param name="activity">The activity (e.g. <c>remote-support</c>), up to 100 characters, if any.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with a <see cref="TimeLogged"/> event.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An id is the default value or the activity is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The duration is not in (0, 24 h], the start is outside <see cref="TimeLogged.MinStarted"/> to <see cref="TimeLogged.MaxStarted"/>, or the activity is too long.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> LogTimeAsync(
        CommandContext context,
        TicketId ticket,
        AgentId agent,
        Instant started,
        Duration duration,
        bool billable,
        string? activity = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        AgentId.ThrowIfDefault(agent);
        if (duration <= Duration.Zero || duration > TimeLogged.MaxDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A time entry must last more than zero and at most 24 hours.");
        }

        if (started < TimeLogged.MinStarted || started >= TimeLogged.MaxStarted)
        {
            throw new ArgumentOutOfRangeException(
                nameof(started), started, $"A time entry starts from {TimeLogged.MinStarted} to before {TimeLogged.MaxStarted}; got {started}.");
        }

        if (activity is not null)
        {
            CheckText(activity, Ticket.MaxHoldReasonLength, nameof(activity));
        }

        return ExecuteAsync("LogTime", context, ticket, CommandFingerprint.Of(context, "LogTime", agent.Value, started.ToString(), duration.ToString(), billable ? "billable" : "not billable", activity), (loaded, _) =>
        {
            var t = loaded.Ticket;
            var logged = new TimeLogged(t.Tenant, t.Id, t.Version + 1, loaded.Now, context.Actor, agent, started, duration, billable, activity);
            return ValueTask.FromResult(Decision.Apply(t with { Version = t.Version + 1, UpdatedAt = loaded.Now }, logged));
        }, cancellationToken);
    }

    /// <summary>Records the requester's satisfaction with the handling of a ticket.</summary>
    /// <param name="context">The tenant, the actor, the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="score">The score, 1 to 5.</param>
    /// <param name="comment">A comment, up to 32,000 characters, if any.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with a <see cref="SatisfactionRated"/> event; a later rating adds another event.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket id is the default value or the comment is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The score is outside 1 to 5, or the comment is too long.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> RateSatisfactionAsync(
        CommandContext context, TicketId ticket, int score, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        if (score is < 1 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "A satisfaction score must be between 1 and 5.");
        }

        if (comment is not null)
        {
            CheckText(comment, Ticket.MaxDescriptionLength, nameof(comment));
        }

        return ExecuteAsync("RateSatisfaction", context, ticket, CommandFingerprint.Of(context, "RateSatisfaction", score.ToString(System.Globalization.CultureInfo.InvariantCulture), comment), (loaded, _) =>
        {
            var t = loaded.Ticket;
            if (t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed || loaded.Memory.ResolutionCycle == 0)
            {
                return ValueTask.FromResult(Refuse("resolved", $"the ticket is resolved or closed; it is {t.Status}"));
            }

            if (loaded.Memory.RatedCycle == loaded.Memory.ResolutionCycle)
            {
                return ValueTask.FromResult(Refuse("rated", "the requester has not rated this resolution yet; a rating is taken once per resolution"));
            }

            var rated = new SatisfactionRated(t.Tenant, t.Id, t.Version + 1, loaded.Now, context.Actor, score, comment);
            return ValueTask.FromResult(Decision.Apply(t with { Version = t.Version + 1, UpdatedAt = loaded.Now }, rated));
        }, cancellationToken);
    }

    private static void CheckText(string text, int maxLength, string paramName)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException($"{paramName} must not be empty or whitespace; it must be 1 to {maxLength} characters.", paramName);
        }

        if (text.Length > maxLength)
        {
            throw new ArgumentOutOfRangeException(paramName, text.Length, $"{paramName} is {text.Length} characters long; the maximum is {maxLength}.");
        }
    }

    private static Instant StatusSince(Loaded loaded) => loaded.Memory.StatusSince ?? loaded.Ticket.OpenedAt;

    /// <summary>The ticket's outgoing and incoming links with the linked tickets' current kind and status, read in one query
    /// per <see cref="StoredTicket.MaxGetMany"/> links.</summary>
    private async Task<IReadOnlyList<LinkedTicket>> LoadLinksAsync(Loaded loaded, CancellationToken cancellationToken)
    {
        var links = loaded.Memory.Links;
        var incoming = loaded.Memory.IncomingLinks;
        if (links.Count == 0 && incoming.Count == 0)
        {
            return [];
        }

        var ids = links.Select(l => l.Other).Concat(incoming.Select(l => l.Other)).Distinct().ToArray();

        var found = new Dictionary<TicketId, Ticket>(links.Count);
        for (var offset = 0; offset < ids.Length; offset += StoredTicket.MaxGetMany)
        {
            var chunk = ids.AsSpan(offset, Math.Min(StoredTicket.MaxGetMany, ids.Length - offset)).ToArray();
            foreach (var other in await _store.GetManyAsync(loaded.Ticket.Tenant, chunk, cancellationToken).ConfigureAwait(false))
            {
                found[other.Id] = other;
            }
        }

        var result = new List<LinkedTicket>(links.Count + incoming.Count);
        foreach (var (id, type) in links)
        {
            if (found.TryGetValue(id, out var other))
            {
                result.Add(new LinkedTicket(other.Id, other.Kind, other.Status, type, LinkDirection.Outgoing));
            }
        }

        foreach (var (id, type) in incoming)
        {
            if (found.TryGetValue(id, out var other))
            {
                result.Add(new LinkedTicket(other.Id, other.Kind, other.Status, type, LinkDirection.Incoming));
            }
        }

        return result;
    }

    private async Task<CommandResult> OpenCoreAsync(
        CommandContext context, OpenTicketRequest request, CancellationToken cancellationToken, TicketId? followUpOf = null, string? followUpFingerprint = null)
    {
        var workflow = Options.GetWorkflow(request.Kind);
        if (request.Attributes is null)
        {
            throw new ArgumentNullException(nameof(request), "OpenTicketRequest.Attributes is null; use CustomAttributes.Empty.");
        }

        if (request.Attributes.Keys.Any(k => k.StartsWith("sla.", StringComparison.Ordinal)))
        {
            throw new ArgumentException("Attribute keys starting with 'sla.' are reserved for the engine.", nameof(request));
        }

        var tenant = context.Tenant;
        var now = _clock.GetCurrentInstant();
        var id = context.IdempotencyKey is { } key ? DeriveId(tenant, key) : TicketId.New();

        // Every field is validated here, before a number is allocated (the placeholder number is never stored).
        var ticket = new Ticket
        {
            Tenant = tenant,
            Id = id,
            Number = new TicketNumber(request.Kind, TicketNumber.MaxSequence),
            Kind = request.Kind,
            Subject = request.Subject,
            Description = request.Description,
            Status = workflow.Initial,
            Impact = request.Impact,
            Urgency = request.Urgency,
            Priority = Priority.P5Planning,
            Channel = request.Channel,
            Requester = request.Requester,
            Category = request.Category,
            Service = request.Service,
            ConfigurationItem = request.ConfigurationItem,
            Location = request.Location,
            Contract = request.Contract,
            AssignmentGroup = request.AssignmentGroup,
            Assignee = request.Assignee,
            Attributes = request.Attributes,
            OpenedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        ticket = ticket with { Priority = Options.PriorityMatrix.Calculate(request.Impact, request.Urgency) };
        if (request.CustomerTier is { } tier)
        {
            CheckText(tier, Routing.RoutingCondition.MaxTierLength, nameof(request.CustomerTier));
        }

        var decision = Options.RoutingRules?.Decide(ticket, request.CustomerTier);
        var group = request.AssignmentGroup ?? decision?.Group;
        ticket = ticket with { Priority = decision?.Priority ?? ticket.Priority, AssignmentGroup = group };
        if (request.CustomerTier is { } storedTier)
        {
            // Kept in the snapshot, as the request's own attributes are; an edit of it is an AttributeChanged event.
            ticket = ticket with { Attributes = ticket.Attributes.With(CustomerTierAttribute, AttributeValue.FromString(storedTier)) };
        }

        ticket.Validate();
        if (request.Assignee is { } named)
        {
            await CheckAgentOfDirectoryAsync(tenant, group, named, nameof(request), cancellationToken).ConfigureAwait(false);
        }

        try
        {
            Authorize("OpenTicket", TicketAction.Open, context, ticket, null);
        }
        catch (CommandDeniedException denied)
        {
            EngineLog.CommandDenied(_logger, "OpenTicket", denied.Actor.ToString(), id, tenant, denied.Message);
            throw;
        }

        // A retried opening (same key, so same id) replays without allocating a number or choosing an agent; the same key with
        // another request, or a key applied to another ticket, is a conflict (checked before any number is allocated).
        var fingerprint = followUpOf is null ? CommandFingerprint.Of(context, request) : followUpFingerprint;
        if (context.IdempotencyKey is { } openKey
            && await _store.FindAppliedAsync(tenant, openKey, cancellationToken).ConfigureAwait(false) is { } applied)
        {
            IdempotencyConflictException.ThrowIfConflict(tenant, openKey, applied, id, fingerprint);
            EngineLog.CommandReplayed(_logger, "OpenTicket", id, tenant);
            return new CommandResult(CommandOutcome.Replayed, applied.Ticket, []) { SlaPolicy = PolicyOf(applied.Ticket)?.Name };
        }

        var policy = SelectPolicy(ticket, request.CustomerTier, decision?.SlaPolicy);
        var opened = new TicketOpened(tenant, id, 1, now, context.Actor, ticket.Number, ticket.Kind, ticket.Subject, ticket.Priority, ticket.Channel);
        var events = new List<TicketEvent> { opened };
        if (decision is { IsMatch: true })
        {
            // The rules' group, tags and explanation stay in the ticket's history.
            events.Add(new TicketRouted(tenant, id, events.Count + 1, now, Actor.System, decision.Group, RoutedTags(decision.Tags), Cut(decision.Explain(), TicketRouted.MaxExplanationLength)));
        }

        if (group is not null)
        {
            if (ticket.Assignee is null
                && await ChooseAgentAsync(ticket, group.Value, AssignmentTrigger.Opened, context.Actor, now, 0, events, null, cancellationToken).ConfigureAwait(false) is var (chosenGroup, chosenAgent))
            {
                group = chosenGroup;
                ticket = ticket with { AssignmentGroup = chosenGroup, Assignee = chosenAgent };
            }

            events.Add(new Assigned(tenant, id, events.Count + 1, now, context.Actor, group, ticket.Assignee));
        }

        if (policy is not null)
        {
            var name = AttributeValue.FromString(policy.Name);
            events.Add(new AttributeChanged(tenant, id, events.Count + 1, now, Actor.System, SlaPolicyAttribute, name));
            ticket = ticket with { Attributes = ticket.Attributes.With(SlaPolicyAttribute, name) };
        }

        if (followUpOf is { } source)
        {
            events.Add(new TicketLinked(tenant, id, events.Count + 1, now, context.Actor, source, TicketLinkType.FollowUpOf));
        }

        // The key is stored in the opening's own transaction, so a ticket with the key's id exists only if the key was
        // applied; should one exist anyway, the append reports it as a ConcurrencyException.
        var number = await _store.AllocateNumberAsync(tenant, request.Kind, cancellationToken).ConfigureAwait(false);
        ticket = ticket with { Number = number, Version = events.Count };
        events[0] = opened with { Number = number };

        var loaded = new Loaded(ticket, new TicketMemory(), workflow, policy, now) { IsNew = true };
        var result = await CommitAsync("OpenTicket", context.IdempotencyKey, fingerprint, loaded, new Decision(CommandOutcome.Applied, ticket, events), cancellationToken)
            .ConfigureAwait(false);
        if (result.Outcome == CommandOutcome.Applied)
        {
            _metrics.RecordOpened(request.Kind);
            EngineLog.TicketOpened(_logger, number, id, tenant, ticket.Priority, group, policy?.Name);
        }

        return result;
    }

    /// <summary>The rules' tags as a routing event stores them: at most <see cref="TicketRouted.MaxTags"/>, each cut to
    /// <see cref="TicketRouted.MaxTagLength"/> characters, without duplicates.</summary>
    private static string[] RoutedTags(IReadOnlyList<string> tags)
        => [.. tags.Select(t => Cut(t, TicketRouted.MaxTagLength)).Distinct(StringComparer.Ordinal).Take(TicketRouted.MaxTags)];

    private SlaPolicy? SelectPolicy(Ticket ticket, string? customerTier, string? routedPolicy)
    {
        if (Options.SlaPolicies is not { } set)
        {
            return null;
        }

        if (routedPolicy is not null)
        {
            if (set.Policies.FirstOrDefault(p => string.Equals(p.Name, routedPolicy, StringComparison.Ordinal)) is { } named)
            {
                return named;
            }

            EngineLog.UnknownSlaPolicy(_logger, routedPolicy);
        }

        return set.Select(new SlaTicketContext(ticket.Kind, ticket.Priority)
        {
            CustomerTier = customerTier,
            Contract = ticket.Contract?.Value,
            Service = ticket.Service?.Value,
        });
    }
}
