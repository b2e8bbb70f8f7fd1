using System.Globalization;
using NodaTime;
using ServiceDesk.Engine.Internal;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine;

/// <content>ITIL processes: approvals, customer confirmation, follow-ups and major incidents (see docs/processes.md).</content>
public sealed partial class ServiceDeskEngine
{
    private static readonly WorkflowTrigger RequestApprovalTrigger = ServiceRequestLifecycle.RequestApproval;
    private static readonly WorkflowTrigger ApproveTrigger = ServiceRequestLifecycle.Approve;
    private static readonly WorkflowTrigger RejectTrigger = ServiceRequestLifecycle.Reject;

    /// <summary>Asks named agents or an approver group to approve a ticket, and, where the workflow permits
    /// <c>RequestApproval</c> (a submitted service request), moves the ticket to awaiting approval in the same command.</summary>
    /// <param name="context">The tenant, the actor (an agent or the system), the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="request">Who is asked, by what rule, and by when.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with an <see cref="ApprovalRequested"/> event (its <see cref="ApprovalRequested.Approval"/> is the
    /// number to decide) and, when fired, the status change; <see cref="CommandOutcome.Rejected"/> (nothing stored) while
    /// another approval of the ticket is pending or when the ticket is in a terminal status.</returns>
    /// <remarks>The approval is part of the ticket's stored state: <see cref="TransitionAsync"/> hands the latest approval to
    /// the workflow's approval guards, so a service request or a normal change proceeds only once it is granted, whoever
    /// fires the trigger.</remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The request names no approver and no group, or both, names an approver twice, or
    /// gives a group a rule other than Any.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Too many approvers, n of m with n above m, or a due time outside
    /// (0, 3,650 days].</exception>
    /// <exception cref="CommandDeniedException">The actor is not an agent or the system.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> RequestApprovalAsync(
        CommandContext context, TicketId ticket, ApprovalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        TicketId.ThrowIfDefault(ticket);
        var required = request.Validate();
        var approvers = request.Approvers.Select(a => a.Value).ToArray();
        var fingerprint = CommandFingerprint.Of(
            context, "RequestApproval", string.Join('\n', approvers), request.ApproverGroup?.Value, request.Rule.ToString(), request.DueIn?.ToString());
        return ExecuteAsync("RequestApproval", context, ticket, fingerprint, (loaded, _) =>
            ValueTask.FromResult(AskApproval(loaded, context, "RequestApproval", request, required, approvers, RequestApprovalTrigger)), cancellationToken);
    }

    /// <summary>The decision of asking for an approval (shared by <see cref="RequestApprovalAsync"/> and the CAB of
    /// <see cref="RequestChangeAuthorizationAsync"/>): stores <see cref="ApprovalRequested"/> and fires <paramref name="fire"/>
    /// where the workflow permits it. The due time is business time on the calendar, or wall-clock time when
    /// <paramref name="wallClock"/> (the emergency CAB).</summary>
    private Decision AskApproval(
        Loaded loaded, CommandContext context, string command, ApprovalRequest request, int required, string[] approvers, WorkflowTrigger fire,
        bool wallClock = false)
    {
        var t = loaded.Ticket;
        if (context.Actor.Kind is not (ActorKind.Agent or ActorKind.System))
        {
            throw new CommandDeniedException(context.Actor, command, t.Number, "approval is asked by an agent or the system");
        }

        if (IsTerminal(loaded))
        {
            return Refuse("open", $"the ticket is open; it is {t.Status}");
        }

        if (loaded.Memory.Approval is { Outcome: ApprovalOutcome.Pending } pending)
        {
            return Refuse("approval", $"no other approval is pending; approval {pending.Number} is (withdraw it first)");
        }

        var number = loaded.Memory.ApprovalCount + 1;
        Instant? due = request.DueIn is not { } d ? null
            : wallClock ? loaded.Now + d
            : Options.BusinessCalendar?.AddBusinessTime(loaded.Now, d) ?? loaded.Now + d;
        var requested = new ApprovalRequested(
            t.Tenant, t.Id, t.Version + 1, loaded.Now, context.Actor, number, approvers, request.ApproverGroup, required, due);
        var next = t with { Version = t.Version + 1, UpdatedAt = loaded.Now };
        var events = new List<TicketEvent> { requested };
        var asked = new ApprovalMemory(number, approvers, request.ApproverGroup, required, due);
        next = FireIfPermitted(loaded, context, next, fire, asked.ToSet(), events);
        return new Decision(CommandOutcome.Applied, next, events);
    }

    /// <summary>Approves a pending approval as one of its approvers; when this decision meets the approval's rule, fires the
    /// workflow's <c>Approve</c> in the same command where it is permitted (a service request awaiting approval, a change
    /// being authorized).</summary>
    /// <param name="context">The tenant, the actor (an approver: an agent asked by name, or a member of the group asked, by
    /// <see cref="CommandContext.Groups"/>), the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="approval">The approval's number (<see cref="ApprovalRequested.Approval"/>).</param>
    /// <param name="comment">A comment, up to 32,000 characters, if any.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with an <see cref="ApprovalDecided"/> event (and the status change when fired);
    /// <see cref="CommandOutcome.Rejected"/>, storing nothing, when the approval is no longer pending (decided, withdrawn or
    /// superseded: a late decision in a race) or this approver already decided it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket has no approval of that number, or the comment is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="approval"/> is less than 1, or the comment is too long.</exception>
    /// <exception cref="CommandDeniedException">The actor was not asked to decide this approval.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> ApproveAsync(
        CommandContext context, TicketId ticket, int approval, string? comment = null, CancellationToken cancellationToken = default)
        => DecideAsync(context, ticket, approval, approved: true, comment, cancellationToken);

    /// <summary>Rejects a pending approval as one of its approvers; when the approval's rule can then no longer be met, fires
    /// the workflow's <c>Reject</c> in the same command where it is permitted (a service request is rejected, a change
    /// canceled).</summary>
    /// <param name="context">See <see cref="ApproveAsync"/>.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="approval">The approval's number.</param>
    /// <param name="comment">Why, up to 32,000 characters, if given.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>See <see cref="ApproveAsync"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket has no approval of that number, or the comment is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="approval"/> is less than 1, or the comment is too long.</exception>
    /// <exception cref="CommandDeniedException">The actor was not asked to decide this approval.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> RejectApprovalAsync(
        CommandContext context, TicketId ticket, int approval, string? comment = null, CancellationToken cancellationToken = default)
        => DecideAsync(context, ticket, approval, approved: false, comment, cancellationToken);

    /// <summary>Withdraws a pending approval: its decisions no longer count, no more are taken, and a new approval may be
    /// asked. The ticket's status does not change.</summary>
    /// <param name="context">The tenant, the actor (an agent or the system), the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="approval">The approval's number.</param>
    /// <param name="reason">Why, up to 100 characters, if given.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with an <see cref="ApprovalWithdrawn"/> event; <see cref="CommandOutcome.Rejected"/> when the approval
    /// is no longer pending.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket has no approval of that number, or the reason is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="approval"/> is less than 1, or the reason is too long.</exception>
    /// <exception cref="CommandDeniedException">The actor is not an agent or the system.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> WithdrawApprovalAsync(
        CommandContext context, TicketId ticket, int approval, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        ArgumentOutOfRangeException.ThrowIfLessThan(approval, 1);
        if (reason is not null)
        {
            CheckText(reason, Ticket.MaxHoldReasonLength, nameof(reason));
        }

        var fingerprint = CommandFingerprint.Of(context, "WithdrawApproval", approval.ToString(CultureInfo.InvariantCulture), reason);
        return ExecuteAsync("WithdrawApproval", context, ticket, fingerprint, (loaded, _) =>
        {
            var t = loaded.Ticket;
            if (context.Actor.Kind is not (ActorKind.Agent or ActorKind.System))
            {
                throw new CommandDeniedException(context.Actor, "WithdrawApproval", t.Number, "approval is withdrawn by an agent or the system");
            }

            var current = ApprovalOf(loaded, approval);
            if (current.Number != approval || current.Outcome != ApprovalOutcome.Pending)
            {
                return ValueTask.FromResult(NotPending(current, approval));
            }

            var withdrawn = new ApprovalWithdrawn(t.Tenant, t.Id, t.Version + 1, loaded.Now, context.Actor, approval, reason);
            return ValueTask.FromResult(Decision.Apply(t with { Version = t.Version + 1, UpdatedAt = loaded.Now }, withdrawn));
        }, cancellationToken);
    }

    /// <summary>Gets a ticket's latest approval, pending or not.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The approval, or <see langword="null"/> when none was ever asked.</returns>
    /// <exception cref="ArgumentException">An id is the default value.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    public async Task<ApprovalView?> GetApprovalAsync(TenantId tenant, TicketId ticket, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(ticket);
        var loaded = await LoadAsync(new CommandContext(tenant, Actor.System), ticket, cancellationToken).ConfigureAwait(false);
        return loaded.Memory.Approval is not { } a
            ? null
            : new ApprovalView(a.Number, a.Approvers, a.Group, a.Rule, a.DueAt, a.Outcome, [.. a.Decisions.Select(d => new ApprovalDecision(d.Approver, d.Approved))]);
    }

    /// <summary>The requester confirms that a resolved ticket is solved: fires
    /// <see cref="ServiceDeskEngineOptions.ConfirmResolutionTrigger"/> (<c>Close</c>), which also ends its auto-close timer.</summary>
    /// <param name="context">The tenant, the actor (the ticket's requester: <see cref="Actor.OfRequester"/> with the
    /// requester's contact or e-mail), the idempotency key and the expected version.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with the status change; <see cref="CommandOutcome.Rejected"/> when the workflow does not permit it
    /// now (the ticket is not resolved).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket id is the default value.</exception>
    /// <exception cref="CommandDeniedException">The actor is not the ticket's requester.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> ConfirmResolutionAsync(CommandContext context, TicketId ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        return TransitionCoreAsync(
            "ConfirmResolution", context, ticket, Options.ConfirmResolutionTrigger, null, null,
            CommandFingerprint.Of(context, "ConfirmResolution"), RequireRequester, cancellationToken);
    }

    /// <summary>The requester rejects a resolution: fires <see cref="ServiceDeskEngineOptions.RejectResolutionTrigger"/>
    /// (<c>Reopen</c>) with the reason as a public comment, which cancels the auto-close timer. When the workflow answers that
    /// a new linked ticket is required (a closed incident past its reopen window), the follow-up ticket is opened in the same
    /// command (see <see cref="TransitionAsync"/>).</summary>
    /// <param name="context">See <see cref="ConfirmResolutionAsync"/>.</param>
    /// <param name="ticket">The ticket.</param>
    /// <param name="reason">Why the resolution does not solve it: 1 to 32,000 characters, recorded as a public comment.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with the status change and the comment; <see cref="CommandOutcome.NewLinkedTicketRequired"/> with
    /// <see cref="CommandResult.FollowUp"/>; or <see cref="CommandOutcome.Rejected"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> or <paramref name="reason"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket id is the default value or the reason is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The reason is too long.</exception>
    /// <exception cref="CommandDeniedException">The actor is not the ticket's requester.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> RejectResolutionAsync(CommandContext context, TicketId ticket, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reason);
        TicketId.ThrowIfDefault(ticket);
        CheckText(reason, Ticket.MaxDescriptionLength, nameof(reason));
        return TransitionCoreAsync(
            "RejectResolution", context, ticket, Options.RejectResolutionTrigger, null, reason,
            CommandFingerprint.Of(context, "RejectResolution", reason), RequireRequester, cancellationToken);
    }

    /// <summary>Declares an incident a major incident (<see cref="Ticket.IsMajorIncident"/>), as the escalation action
    /// <c>DeclareMajorIncident</c> does.</summary>
    /// <param name="context">The tenant, the actor (an agent or the system), the idempotency key and the expected version.</param>
    /// <param name="ticket">The incident.</param>
    /// <param name="reason">Why, up to 100 characters, if given.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with a <see cref="MajorIncidentChanged"/> event; <see cref="CommandOutcome.Unchanged"/> when it
    /// already is one; <see cref="CommandOutcome.Rejected"/> when the ticket is in a terminal or stopped status.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket is not an incident, or the reason is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The reason is too long.</exception>
    /// <exception cref="CommandDeniedException">The actor is not an agent or the system.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> DeclareMajorIncidentAsync(CommandContext context, TicketId ticket, string? reason = null, CancellationToken cancellationToken = default)
        => SetMajorIncidentAsync(context, ticket, declared: true, reason, cancellationToken);

    /// <summary>Clears a major-incident declaration.</summary>
    /// <param name="context">See <see cref="DeclareMajorIncidentAsync"/>.</param>
    /// <param name="ticket">The incident.</param>
    /// <param name="reason">Why, up to 100 characters, if given.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>Applied with a <see cref="MajorIncidentChanged"/> event; <see cref="CommandOutcome.Unchanged"/> when it is not
    /// one; <see cref="CommandOutcome.Rejected"/> when the ticket is in a terminal or stopped status.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The ticket is not an incident, or the reason is blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The reason is too long.</exception>
    /// <exception cref="CommandDeniedException">The actor is not an agent or the system.</exception>
    /// <exception cref="TicketNotFoundException">The tenant has no such ticket.</exception>
    /// <exception cref="ConcurrencyException">See <see cref="TransitionAsync"/>.</exception>
    public Task<CommandResult> ClearMajorIncidentAsync(CommandContext context, TicketId ticket, string? reason = null, CancellationToken cancellationToken = default)
        => SetMajorIncidentAsync(context, ticket, declared: false, reason, cancellationToken);

    private Task<CommandResult> SetMajorIncidentAsync(CommandContext context, TicketId ticket, bool declared, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        if (reason is not null)
        {
            CheckText(reason, Ticket.MaxHoldReasonLength, nameof(reason));
        }

        var command = declared ? "DeclareMajorIncident" : "ClearMajorIncident";
        return ExecuteAsync(command, context, ticket, CommandFingerprint.Of(context, command, reason), (loaded, _) =>
        {
            var t = loaded.Ticket;
            if (context.Actor.Kind is not (ActorKind.Agent or ActorKind.System))
            {
                throw new CommandDeniedException(context.Actor, command, t.Number, "major incidents are declared and cleared by an agent or the system");
            }

            if (t.Kind != TicketKind.Incident)
            {
                throw new ArgumentException($"Ticket {t.Number} is a {t.Kind}; only incidents are major incidents.", nameof(ticket));
            }

            if (t.IsMajorIncident == declared)
            {
                return ValueTask.FromResult(Decision.Unchanged);
            }

            if (!Scheduling.IsOpen(loaded.Workflow, t.Status))
            {
                return ValueTask.FromResult(Refuse("open", $"the incident is open; it is {t.Status}"));
            }

            var changed = new MajorIncidentChanged(t.Tenant, t.Id, t.Version + 1, loaded.Now, context.Actor, declared, reason);
            return ValueTask.FromResult(Decision.Apply(t with { IsMajorIncident = declared, Version = t.Version + 1, UpdatedAt = loaded.Now }, changed));
        }, cancellationToken);
    }

    private Task<CommandResult> DecideAsync(
        CommandContext context, TicketId ticket, int approval, bool approved, string? comment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        TicketId.ThrowIfDefault(ticket);
        ArgumentOutOfRangeException.ThrowIfLessThan(approval, 1);
        if (comment is not null)
        {
            CheckText(comment, Ticket.MaxDescriptionLength, nameof(comment));
        }

        var command = approved ? "Approve" : "RejectApproval";
        var fingerprint = CommandFingerprint.Of(context, command, approval.ToString(CultureInfo.InvariantCulture), comment);
        return ExecuteAsync(command, context, ticket, fingerprint, async (loaded, ct) =>
        {
            var t = loaded.Ticket;
            var current = ApprovalOf(loaded, approval);
            if (current.Number != approval)
            {
                return NotPending(current, approval);
            }

            var actor = context.Actor;
            var asked = actor.Kind == ActorKind.Agent
                && (current.Group is { } group ? context.Groups.Contains(group) : current.Approvers.Contains(actor.Id, StringComparer.Ordinal));
            if (!asked)
            {
                var who = current.Group is { } g
                    ? "a member of group " + TextPolicy.Echo(g.Value)
                    : "one of " + string.Join(", ", current.Approvers.Select(TextPolicy.Echo));
                throw new CommandDeniedException(actor, command, t.Number, $"approval {approval} was asked of {who}, not of {TextPolicy.Echo(actor.Id)}");
            }

            if (current.Outcome != ApprovalOutcome.Pending)
            {
                return NotPending(current, approval);
            }

            if (current.HasDecided(actor.Id))
            {
                return Refuse("approver", $"{TextPolicy.Echo(actor.Id)} has not decided approval {approval} yet; a decision is final");
            }

            var set = current.ToSet(actor.Id, approved)!;
            var outcome = set.Evaluate(current.Rule) switch
            {
                ApprovalStatus.Granted => ApprovalOutcome.Granted,
                ApprovalStatus.Denied => ApprovalOutcome.Denied,
                _ => ApprovalOutcome.Pending,
            };
            var decided = new ApprovalDecided(t.Tenant, t.Id, t.Version + 1, loaded.Now, actor, approval, approved, comment, outcome);
            var next = t with { Version = t.Version + 1, UpdatedAt = loaded.Now };
            var events = new List<TicketEvent> { decided };
            if (outcome != ApprovalOutcome.Pending)
            {
                next = FireIfPermitted(loaded, context, next, outcome == ApprovalOutcome.Granted ? ApproveTrigger : RejectTrigger, set, events);
            }

            // A change being authorized: the freezes and collisions of its window are reported to the approver who authorized it.
            IReadOnlyList<ChangeConflict> conflicts = outcome == ApprovalOutcome.Granted && t.Kind == TicketKind.Change && ChangeLifecycle.WindowOf(next) is { } window
                ? await FindChangeConflictsAsync(next, window, ct).ConfigureAwait(false)
                : [];
            return new Decision(CommandOutcome.Applied, next, events) { ChangeConflicts = conflicts };
        }, cancellationToken);
    }

    /// <summary>Fires <paramref name="trigger"/> on <paramref name="ticket"/> when the workflow permits it now, appending its
    /// events; returns the ticket after it (or unchanged).</summary>
    private Ticket FireIfPermitted(Loaded loaded, CommandContext context, Ticket ticket, WorkflowTrigger trigger, ApprovalSet? approvals, List<TicketEvent> events)
    {
        var fired = loaded.Workflow.TryFire(ticket, trigger, new TransitionContext(context.Actor, loaded.Now)
        {
            Roles = context.Roles,
            StatusSince = StatusSince(loaded),
            Approvals = approvals,
        });
        if (!fired.Succeeded)
        {
            return ticket;
        }

        _metrics.RecordTransition(trigger.Name, CommandOutcome.Applied);
        EngineLog.Transitioned(_logger, ticket.Number, ticket.Tenant, trigger.Name, fired.From, fired.To);
        events.AddRange(fired.Events);
        return fired.Ticket;
    }

    /// <summary>The ticket's latest approval when <paramref name="approval"/> names one that was asked; throws for a number
    /// that was never asked.</summary>
    private static ApprovalMemory ApprovalOf(Loaded loaded, int approval)
    {
        var memory = loaded.Memory;
        if (approval > memory.ApprovalCount || memory.Approval is not { } latest)
        {
            throw new ArgumentException(
                $"Ticket {loaded.Ticket.Number} has no approval {approval}; {(memory.ApprovalCount == 0 ? "no approval was asked" : $"approvals 1 to {memory.ApprovalCount} were asked")}.",
                nameof(approval));
        }

        return latest;
    }

    private static Decision NotPending(ApprovalMemory latest, int approval) => latest.Number != approval
        ? Refuse("approval", $"approval {approval} is the latest; approval {latest.Number} superseded it")
        : Refuse("approval", $"approval {approval} is pending; it is {latest.Outcome}");

    private static Decision Refuse(string name, string description)
        => new(CommandOutcome.Rejected, null, []) { UnmetGuards = [new UnmetGuard(name, description)] };

    private static bool IsTerminal(Loaded loaded)
        => !loaded.Workflow.HasState(loaded.Ticket.Status) || loaded.Workflow.GetState(loaded.Ticket.Status).IsTerminal;

    /// <summary>Denies anyone but the ticket's requester (by contact or e-mail, case-insensitive).</summary>
    private static void RequireRequester(string command, CommandContext context, Ticket ticket)
    {
        var actor = context.Actor;
        var own = actor.Kind == ActorKind.Requester
            && (string.Equals(actor.Id, ticket.Requester.Contact, StringComparison.OrdinalIgnoreCase)
                || string.Equals(actor.Id, ticket.Requester.Email, StringComparison.OrdinalIgnoreCase));
        if (!own)
        {
            throw new CommandDeniedException(actor, command, ticket.Number, "only the ticket's requester confirms or rejects its resolution");
        }
    }

    /// <summary>Opens the follow-up ticket a workflow asked for (<see cref="CommandOutcome.NewLinkedTicketRequired"/>): a copy
    /// of the source's subject, description, requester, classification and group, linked <see cref="TicketLinkType.FollowUpOf"/>
    /// the source in its opening append. With an idempotency key its id is derived from the key, so a retry replays.</summary>
    private async Task<CommandResult> OpenFollowUpAsync(
        CommandContext context, CommandResult refused, string? fingerprint, CancellationToken cancellationToken)
    {
        var source = refused.Ticket;
        if (context.IdempotencyKey is { } key
            && await _store.FindAppliedAsync(source.Tenant, key, cancellationToken).ConfigureAwait(false) is { } applied)
        {
            // The key was applied: to the source (the command succeeded earlier, before the window closed) or to the follow-up.
            var expected = applied.Ticket.Id == source.Id ? source.Id : DeriveId(source.Tenant, key);
            IdempotencyConflictException.ThrowIfConflict(source.Tenant, key, applied, expected, fingerprint);
            EngineLog.CommandReplayed(_logger, "FollowUp", source.Id, source.Tenant);
            return applied.Ticket.Id == source.Id
                ? new CommandResult(CommandOutcome.Replayed, applied.Ticket, [])
                : new CommandResult(CommandOutcome.Replayed, source, []) { FollowUp = applied.Ticket };
        }

        var prefix = $"Follow-up of {source.Number}: ";
        var subject = Cut(prefix + source.Subject, Ticket.MaxSubjectLength);

        var attributes = source.Attributes;
        foreach (var k in source.Attributes.Keys.Where(k => k.StartsWith("sla.", StringComparison.Ordinal)).ToArray())
        {
            attributes = attributes.Without(k);
        }

        var request = new OpenTicketRequest(source.Kind, subject, source.Requester, source.Impact, source.Urgency)
        {
            Description = source.Description,
            Channel = source.Channel,
            Category = source.Category,
            Service = source.Service,
            ConfigurationItem = source.ConfigurationItem,
            Location = source.Location,
            Contract = source.Contract,
            AssignmentGroup = source.AssignmentGroup,
            Attributes = attributes,
        };
        var opened = await OpenCoreAsync(context, request, cancellationToken, source.Id, fingerprint).ConfigureAwait(false);
        EngineLog.FollowUpOpened(_logger, opened.Ticket.Number, source.Number, source.Tenant);
        return new CommandResult(CommandOutcome.NewLinkedTicketRequired, source, [])
        {
            UnmetGuards = refused.UnmetGuards,
            SlaPolicy = refused.SlaPolicy,
            FollowUp = opened.Ticket,
        };
    }
}
