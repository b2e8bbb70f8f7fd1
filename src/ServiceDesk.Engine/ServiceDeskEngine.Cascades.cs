using ServiceDesk.Engine.Internal;
using ServiceDesk.Storage;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine;

/// <content>Cascades fired by the engine in the source command's own transaction (see docs/processes.md).</content>
public sealed partial class ServiceDeskEngine
{
    /// <summary>
    /// Decides the cascades a transition asked for: each target (read in one query per <see cref="StoredTicket.MaxGetMany"/>)
    /// gets the cascade's trigger fired by the system with the cascade's reason and notes, on its own workflow; the
    /// decisions that succeed are committed with the source's append, in one transaction.
    /// </summary>
    /// <remarks>
    /// <para><b>Exactly once.</b> The source's append carries the command's expected version and idempotency key, and each
    /// target's append its own loaded version, all in one <see cref="ITicketBatchStore.AppendBatchAsync"/>. A retry with the
    /// key finds the source already moved (the transition is rejected) and replays; a second instance racing the same
    /// command conflicts on the source's (or a target's) version, and re-decided on the new state its transition is
    /// rejected. So a target is changed by a source event exactly once, without an outbox checkpoint.</para>
    /// <para>A target whose workflow refuses the trigger (already resolved, closed, canceled, a guard unmet) is left alone
    /// and logged (<c>CascadeSkipped</c>). The targets' own cascades are not followed: one level per command.</para>
    /// </remarks>
    private async Task<IReadOnlyList<(Loaded Loaded, Decision Decision)>> CascadeAsync(
        Loaded source, IReadOnlyList<CascadeAction> cascades, CancellationToken cancellationToken)
    {
        if (cascades.Count == 0 || !AppendsTogether)
        {
            return [];
        }

        var tenant = source.Ticket.Tenant;
        var ids = cascades.Select(c => c.Target).Distinct().ToArray();
        var stored = new Dictionary<TicketId, StoredTicket>(ids.Length);
        for (var offset = 0; offset < ids.Length; offset += StoredTicket.MaxGetMany)
        {
            var chunk = ids.AsSpan(offset, Math.Min(StoredTicket.MaxGetMany, ids.Length - offset)).ToArray();
            foreach (var s in await _store.GetStoredManyAsync(tenant, chunk, cancellationToken).ConfigureAwait(false))
            {
                stored[s.Ticket.Id] = s;
            }
        }

        var companions = new List<(Loaded, Decision)>(ids.Length);
        var done = new HashSet<TicketId>();
        foreach (var cascade in cascades)
        {
            if (!done.Add(cascade.Target) || !stored.TryGetValue(cascade.Target, out var s))
            {
                continue;
            }

            var workflow = Options.GetWorkflow(s.Ticket.Kind);
            var policy = PolicyOf(s.Ticket);
            var memory = await MemoryOfAsync(s, workflow, policy, cancellationToken).ConfigureAwait(false);
            var target = new Loaded(s.Ticket, memory, workflow, policy, Later(source.Now, s.Ticket.UpdatedAt));
            var fired = workflow.TryFire(target.Ticket, cascade.Trigger, new TransitionContext(Actor.System, target.Now)
            {
                Reason = cascade.Reason,
                Notes = cascade.Notes,
                StatusSince = StatusSince(target),
                Links = await LoadLinksAsync(target, cancellationToken).ConfigureAwait(false),
                Approvals = memory.Approval?.ToSet(),
            });
            if (!fired.Succeeded)
            {
                EngineLog.CascadeSkipped(_logger, source.Ticket.Number, tenant, cascade.Trigger.Name, cascade.Target, string.Join("; ", fired.UnmetGuards));
                continue;
            }

            _metrics.RecordTransition(cascade.Trigger.Name, CommandOutcome.Applied);
            EngineLog.CascadeApplied(_logger, source.Ticket.Number, tenant, cascade.Trigger.Name, target.Ticket.Number, cascade.LinkType);
            companions.Add((target, new Decision(CommandOutcome.Applied, fired.Ticket, fired.Events)));
        }

        return companions;
    }
}
