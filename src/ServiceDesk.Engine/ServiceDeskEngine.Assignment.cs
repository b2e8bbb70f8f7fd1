using NodaTime;
using ServiceDesk.Engine.Internal;
using ServiceDesk.Events;
using ServiceDesk.Routing;
using ServiceDesk.Storage;

namespace ServiceDesk.Engine;

/// <content>Automatic assignment: choosing an agent in a group with its strategy, workload read from the store, and an
/// explanation recorded as an event.</content>
public sealed partial class ServiceDeskEngine
{
    /// <summary>How many times a round-robin choice is made again when another caller moved the group's cursor first.</summary>
    private const int CursorAttempts = 4;

    /// <summary>The open work last read per tenant, when <see cref="AutomaticAssignment.WorkloadRefreshInterval"/> is positive.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TenantId, WorkloadSnapshot> _workloads = new();

    /// <summary>Hands an agent's open work on: every open ticket assigned to <paramref name="agent"/> is assigned again
    /// within its group, excluding the agent, by the group's strategy (an <see cref="AgentAssignmentDecided"/> event with
    /// trigger <see cref="AssignmentTrigger.AgentUnavailable"/>, then <see cref="Assigned"/>); where nobody else is eligible,
    /// where the group does not assign automatically, or without <see cref="ServiceDeskEngineOptions.Assignment"/>, the ticket
    /// goes back to its group's queue, unassigned.</summary>
    /// <remarks>
    /// <para>Call it when an agent becomes absent (after adding the absence to the directory, or at once for a sudden
    /// absence: the agent is excluded either way) or leaves. Each ticket is its own command, durable on its own and
    /// authorized as <see cref="TicketAction.Assign"/>; a ticket changed meanwhile by someone else is read again and
    /// decided on its new state (through <see cref="RetryOnConflictAsync"/>, with its attempts and back-off). The context's idempotency key, if any, is not used: the
    /// command is naturally idempotent, since a ticket no longer assigned to the agent is <see cref="CommandOutcome.Unchanged"/>.</para>
    /// <para>Open tickets are those in the queues (<see cref="ITimerStore"/>); on a store without schedules, every ticket of
    /// the agent whose status is not terminal.</para>
    /// </remarks>
    /// <param name="context">The tenant and the actor (the idempotency key and expected version are ignored).</param>
    /// <param name="agent">The agent whose work is handed on.</param>
    /// <param name="cancellationToken">Cancels the hand-over between tickets; those done stay done.</param>
    /// <returns>One result per ticket, in queue order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="agent"/> is the default value.</exception>
    /// <exception cref="CommandDeniedException">The authorization policy denies the actor assigning one of the tickets; the
    /// tickets before it are handed over.</exception>
    public async Task<IReadOnlyList<CommandResult>> HandOverAgentWorkAsync(CommandContext context, AgentId agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        AgentId.ThrowIfDefault(agent);
        var tickets = await OpenTicketsOfAsync(context.Tenant, agent, cancellationToken).ConfigureAwait(false);
        var perTicket = context with { IdempotencyKey = null, ExpectedVersion = null };
        var results = new List<CommandResult>(tickets.Count);
        foreach (var id in tickets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(await HandOverAsync(perTicket, id, agent, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>One ticket of a hand-over, as its own command; a ticket changed meanwhile is decided again on its new state
    /// (<see cref="RetryOnConflictAsync"/>).</summary>
    private Task<CommandResult> HandOverAsync(CommandContext context, TicketId id, AgentId agent, CancellationToken cancellationToken)
        => RetryOnConflictAsync(ct => ExecuteAsync("Assign", context, id, null, async (loaded, decideToken) =>
        {
            var t = loaded.Ticket;
            if (t.Assignee != agent || t.AssignmentGroup is not { } group)
            {
                return Decision.Unchanged;
            }

            var events = new List<TicketEvent>();
            var (nextGroup, nextAgent) = await ChooseAgentAsync(
                t, group, AssignmentTrigger.AgentUnavailable, context.Actor, loaded.Now, t.Version, events, agent, decideToken).ConfigureAwait(false)
                ?? (group, null);
            events.Add(new Assigned(t.Tenant, t.Id, t.Version + events.Count + 1, loaded.Now, context.Actor, nextGroup, nextAgent, t.AssignmentGroup, t.Assignee));
            var next = t with { AssignmentGroup = nextGroup, Assignee = nextAgent, Version = t.Version + events.Count, UpdatedAt = loaded.Now };
            return new Decision(CommandOutcome.Applied, next, events);
        }, ct), cancellationToken: cancellationToken);

    private async Task<List<TicketId>> OpenTicketsOfAsync(TenantId tenant, AgentId agent, CancellationToken cancellationToken)
    {
        var ids = new List<TicketId>();
        string? token = null;
        if (_store is ITimerStore timers)
        {
            do
            {
                var page = await timers.QueryScheduleAsync(
                    new ScheduleQuery(tenant) { Assignee = agent, PageSize = TicketQuery.MaxPageSize, ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
                ids.AddRange(page.Items.Select(i => i.Ticket.Id));
                token = page.ContinuationToken;
            }
            while (token is not null);
            return ids;
        }

        do
        {
            var page = await _store.QueryAsync(new TicketQuery(tenant) { Assignee = agent, PageSize = TicketQuery.MaxPageSize, ContinuationToken = token }, cancellationToken)
                .ConfigureAwait(false);
            ids.AddRange(page.Items.Where(t => Options.Workflows.TryGetValue(t.Kind, out var w) && Scheduling.IsOpen(w, t.Status)).Select(t => t.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);
        return ids;
    }

    /// <summary>Chooses an agent for <paramref name="ticket"/> in <paramref name="group"/> when automatic assignment covers
    /// the group, appending the <see cref="AgentAssignmentDecided"/> event (version <paramref name="baseVersion"/> plus the
    /// events so far plus one) to <paramref name="events"/>.</summary>
    /// <returns>The group the ticket ends in and the agent chosen (or <see langword="null"/>: the group's queue); or
    /// <see langword="null"/> when the engine does not assign in the group (no settings, the group is not in the directory,
    /// or it does not assign automatically), with nothing appended.</returns>
    private async ValueTask<(GroupId Group, AgentId? Agent)?> ChooseAgentAsync(
        Ticket ticket, GroupId group, AssignmentTrigger trigger, Actor actor, Instant at, long baseVersion, List<TicketEvent> events,
        AgentId? exclude, CancellationToken cancellationToken)
    {
        if (Options.Assignment is not { } settings
            || await settings.Provider.GetDirectoryAsync(ticket.Tenant, cancellationToken).ConfigureAwait(false) is not { } directory
            || !AutomaticAssignment.Covers(directory, group))
        {
            return null;
        }

        var strategy = directory.AssignmentOf(group).Strategy;
        var snapshot = await OpenWorkAsync(settings, directory, ticket.Tenant, at, cancellationToken).ConfigureAwait(false);
        GeoPoint? site = ticket.Location is { } location && directory.Locations.TryGetValue(location.Value, out var point) ? point : null;
        var request = new AssignmentRequest(ticket, group, at)
        {
            RequiredSkills = settings.RequiredSkills?.Invoke(ticket) ?? [],
            Site = site,
        };

        var filters = Filters(settings, strategy, exclude);
        var assignments = _store as IAssignmentStore;
        for (var attempt = 1; ; attempt++)
        {
            AgentId? cursor = null;
            DecisionCursor? rotation = null;
            AgentChooser chooser;
            if (strategy == AssignmentStrategy.RoundRobin)
            {
                cursor = assignments is null ? null : await assignments.GetRoundRobinCursorAsync(ticket.Tenant, group, cancellationToken).ConfigureAwait(false);
                rotation = new DecisionCursor(cursor);
                chooser = AgentChooser.RoundRobin(rotation);
            }
            else
            {
                chooser = strategy switch
                {
                    AssignmentStrategy.LeastLoaded => AgentChooser.LeastLoaded(settings.Weights),
                    AssignmentStrategy.BestSkillMatch => AgentChooser.BestSkillMatch(settings.Weights),
                    _ => AgentChooser.Nearest(settings.Weights),
                };
            }

            var assigner = new AgentAssigner(filters, chooser, settings.Fallback, directory.Groups);
            AssignmentResult result;
            string explanation;
            lock (snapshot.Gate)
            {
                var members = snapshot.MembersOf(group);
                result = assigner.Assign(request, members);
                explanation = assigner.Explain(request, members, result);
            }

            if (rotation?.Chosen is { } chosen && assignments is not null && attempt < CursorAttempts
                && !await assignments.TryAdvanceRoundRobinCursorAsync(ticket.Tenant, group, cursor, chosen, cancellationToken).ConfigureAwait(false))
            {
                // Another instance moved the rotation between our read and our move: choose again from its position.
                continue;
            }

            if (assignments is null)
            {
                explanation += "; open work unknown (the store does not implement IAssignmentStore)";
            }

            if (request.Site is null && ticket.Location is { } unknown && strategy == AssignmentStrategy.Nearest)
            {
                explanation += $"; location {unknown} has no coordinates in the directory";
            }

            lock (snapshot.Gate)
            {
                // This engine's own choice counts at once (for a reused snapshot); the agent it leaves loses the ticket.
                if (result.Agent is { } agent && agent != ticket.Assignee)
                {
                    snapshot.Change(agent, ticket.Priority, +1);
                    if (ticket.Assignee is { } previous)
                    {
                        snapshot.Change(previous, ticket.Priority, -1);
                    }
                }
            }

            events.Add(new AgentAssignmentDecided(
                ticket.Tenant, ticket.Id, baseVersion + events.Count + 1, at, actor, trigger, result.Group, result.Agent, chooser.Name,
                result.Candidates, result.Eligible, Cut(explanation, TicketRouted.MaxExplanationLength)));
            EngineLog.AgentChosen(_logger, ticket.Id, ticket.Tenant, trigger, result.Group, result.Agent?.Value ?? "nobody", chooser.Name);
            return (result.Group, result.Agent);
        }
    }

    /// <summary>The open work of a tenant's agents as last read from the store, reused for
    /// <see cref="AutomaticAssignment.WorkloadRefreshInterval"/> (or read at every decision when it is zero).</summary>
    private async ValueTask<WorkloadSnapshot> OpenWorkAsync(
        AutomaticAssignment settings, AgentDirectory directory, TenantId tenant, Instant now, CancellationToken cancellationToken)
    {
        var interval = settings.WorkloadRefreshInterval;
        if (interval > Duration.Zero && _workloads.TryGetValue(tenant, out var cached) && cached.Directory == directory
            && now >= cached.ReadAt && now - cached.ReadAt < interval)
        {
            return cached;
        }

        var work = new Dictionary<AgentId, Workload>();
        if (_store is IAssignmentStore assignments)
        {
            foreach (var w in await assignments.GetOpenWorkAsync(tenant, cancellationToken).ConfigureAwait(false))
            {
                work[w.Agent] = new Workload(w.P1, w.P2, w.P3, w.P4, w.P5);
            }
        }

        var snapshot = new WorkloadSnapshot(directory, now, work);
        if (interval > Duration.Zero)
        {
            _workloads[tenant] = snapshot;
        }

        return snapshot;
    }

    /// <summary>One read of a tenant's open work, with the profiles of each group built from it on first use; guarded by
    /// <see cref="Gate"/>.</summary>
    private sealed class WorkloadSnapshot(AgentDirectory directory, Instant readAt, Dictionary<AgentId, Workload> work)
    {
        private readonly Dictionary<GroupId, AgentProfile[]> _groups = [];

        public Lock Gate { get; } = new();

        public AgentDirectory Directory { get; } = directory;

        public Instant ReadAt { get; } = readAt;

        /// <summary>The group's members from the directory, each with its open work.</summary>
        public AgentProfile[] MembersOf(GroupId group)
        {
            if (!_groups.TryGetValue(group, out var members))
            {
                var listed = AutomaticAssignment.MembersOf(Directory, group);
                members = new AgentProfile[listed.Count];
                for (var i = 0; i < members.Length; i++)
                {
                    var profile = listed[i];
                    members[i] = work.TryGetValue(profile.Id, out var w) ? profile.WithWorkload(w) : profile;
                }

                _groups.Add(group, members);
            }

            return members;
        }

        /// <summary>Adds (or removes) one ticket of a priority to an agent's open work and to the agent's built profiles.</summary>
        public void Change(AgentId agent, Priority priority, int delta)
        {
            var current = work.GetValueOrDefault(agent);
            var next = Shift(current, priority, delta);
            work[agent] = next;
            if (!Directory.TryGetAgent(agent, out var profile))
            {
                return;
            }

            foreach (var group in profile.Groups)
            {
                if (_groups.TryGetValue(group, out var members))
                {
                    var index = Array.FindIndex(members, m => m.Id == agent);
                    if (index >= 0)
                    {
                        members[index] = members[index].WithWorkload(next);
                    }
                }
            }
        }

        private static Workload Shift(Workload w, Priority priority, int delta)
        {
            int At(Priority p, int count) => p == priority ? Math.Max(0, count + delta) : count;
            return new Workload(At(Priority.P1Critical, w.P1), At(Priority.P2High, w.P2), At(Priority.P3Moderate, w.P3), At(Priority.P4Low, w.P4), At(Priority.P5Planning, w.P5));
        }
    }

    private static List<EligibilityFilter> Filters(AutomaticAssignment settings, AssignmentStrategy strategy, AgentId? exclude)
    {
        var filters = new List<EligibilityFilter>(8);
        if (exclude is { } agent)
        {
            filters.Add(new HandingOverFilter(agent));
        }

        filters.Add(EligibilityFilter.NotAbsent);
        filters.Add(EligibilityFilter.OnShift);
        filters.Add(EligibilityFilter.HasSkills);
        filters.Add(EligibilityFilter.UnderCapacity(settings.Weights));
        if (strategy == AssignmentStrategy.Nearest && settings.MaxDistanceKilometres is { } kilometres)
        {
            filters.Add(EligibilityFilter.WithinDistance(kilometres));
        }

        filters.AddRange(settings.ExtraFilters);
        return filters;
    }

    /// <summary>Applies automatic assignment after a command put the ticket in a group without an agent: appends the
    /// decision and, when it changes the assignment, an <see cref="Assigned"/> event; returns the ticket as assigned.</summary>
    private async ValueTask<Ticket> AssignWithinAsync(
        Ticket ticket, AssignmentTrigger trigger, Actor actor, Instant at, long baseVersion, List<TicketEvent> events, CancellationToken cancellationToken)
    {
        if (ticket.AssignmentGroup is not { } group || ticket.Assignee is not null)
        {
            return ticket;
        }

        if (await ChooseAgentAsync(ticket, group, trigger, actor, at, baseVersion, events, null, cancellationToken).ConfigureAwait(false) is not var (nextGroup, nextAgent)
            || (nextGroup == group && nextAgent is null))
        {
            return ticket;
        }

        events.Add(new Assigned(ticket.Tenant, ticket.Id, baseVersion + events.Count + 1, at, actor, nextGroup, nextAgent, group, null));
        return ticket with { AssignmentGroup = nextGroup, Assignee = nextAgent };
    }

    /// <summary>With automatic assignment configured, refuses an agent the directory does not have, or one who is not a
    /// member of a group the directory defines.</summary>
    private async ValueTask CheckAgentOfDirectoryAsync(TenantId tenant, GroupId? group, AgentId agent, string paramName, CancellationToken cancellationToken)
    {
        if (Options.Assignment is not { } settings
            || await settings.Provider.GetDirectoryAsync(tenant, cancellationToken).ConfigureAwait(false) is not { } directory)
        {
            return;
        }

        if (!directory.TryGetAgent(agent, out var profile))
        {
            throw new ArgumentException(
                $"The agent {TextPolicy.Echo(agent.Value)} is not in the agent directory ({directory.Agents.Count} agents); name an agent of the directory.", paramName);
        }

        if (group is { } g && AutomaticAssignment.MembersOf(directory, g) is { Count: > 0 } members && !profile.IsMemberOf(g))
        {
            var names = string.Join(", ", members.Take(10).Select(m => m.Id.Value)) + (members.Count > 10 ? $", … ({members.Count} in all)" : string.Empty);
            throw new ArgumentException($"The agent {TextPolicy.Echo(agent.Value)} is not a member of group {TextPolicy.Echo(g.Value)} (members: {names}).", paramName);
        }
    }

    /// <summary>Cuts text to <paramref name="max"/> characters (never inside a surrogate pair), ending it with an ellipsis when
    /// cut.</summary>
    internal static string Cut(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var length = max - 1;
        if (char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        return string.Concat(text.AsSpan(0, length), "…");
    }

    /// <summary>A round-robin cursor for one decision: reads the cursor the engine read from the store and records the
    /// choice; the engine moves the store's cursor by compare-and-set afterwards.</summary>
    private sealed class DecisionCursor(AgentId? read) : RoundRobinCursorStore
    {
        public AgentId? Chosen { get; private set; }

        public override AgentId? Read(TenantId tenant, GroupId group) => read;

        public override bool TryAdvance(TenantId tenant, GroupId group, AgentId? expected, AgentId next)
        {
            Chosen = next;
            return true;
        }
    }

    /// <summary>Removes the agent whose work is being handed over.</summary>
    private sealed class HandingOverFilter(AgentId agent) : EligibilityFilter
    {
        public override string Name => "handing-over";

        public override bool IsEligible(AgentProfile candidate, in AssignmentRequest request) => candidate.Id != agent;
    }
}
