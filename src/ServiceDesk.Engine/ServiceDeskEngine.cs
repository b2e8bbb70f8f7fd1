using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using ServiceDesk.Engine.Internal;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine;

/// <summary>
/// The service desk engine: turns commands (open, transition, assign, comment, change priority, link, set attribute,
/// log time, rate) into validated, routed, SLA-clocked tickets stored through an <see cref="ITicketStore"/>, and answers
/// queries with the tickets' live SLA clocks.
/// </summary>
/// <remarks>
/// <para><b>Pipeline.</b> Every command on an existing ticket loads the ticket and its history, computes the new snapshot
/// and events with the pure packages (Workflow, Routing, Sla), and appends them with the loaded version as expected
/// version and the command's idempotency key. Nothing is stored unless the whole command is valid.</para>
/// <para><b>Results and exceptions.</b> A rejected transition is a <see cref="CommandResult"/> with its unmet guards.
/// Bad input throws at once (<see cref="ArgumentException"/> and its subtypes) and stores nothing; an unknown ticket or
/// one of another tenant throws <see cref="TicketNotFoundException"/>; a lost race or a stale
/// <see cref="CommandContext.ExpectedVersion"/> throws <see cref="ConcurrencyException"/> (see
/// <see cref="RetryOnConflictAsync"/>); store failures surface as the store's <see cref="StorageException"/>.</para>
/// <para><b>Time.</b> The engine reads time only from its <see cref="IClock"/>; an event is never dated before the
/// ticket's <see cref="Ticket.UpdatedAt"/>, so a ticket's history stays in time order even if clocks of several hosts
/// disagree slightly.</para>
/// <para>The engine keeps no per-ticket state and is thread-safe; share one per store. Dispose it to release the meter it
/// created when no <see cref="IMeterFactory"/> was given.</para>
/// </remarks>
public sealed partial class ServiceDeskEngine : IDisposable
{
    /// <summary>The name of the engine's meter: <c>ServiceDesk.Engine</c>.</summary>
    public const string MeterName = "ServiceDesk.Engine";

    /// <summary>The name of the engine's <see cref="ActivitySource"/>: <c>ServiceDesk.Engine</c>. Listen to it (for example
    /// <c>AddSource(ServiceDeskEngine.ActivitySourceName)</c> in OpenTelemetry) for one span per command and per sweep; see
    /// docs/engine.md for the span names and tags.</summary>
    public const string ActivitySourceName = "ServiceDesk.Engine";

    /// <summary>The custom attribute in which the engine records the SLA policy chosen when the ticket was opened:
    /// <c>sla.policy</c>. Attributes whose key starts with <c>sla.</c> are reserved for the engine.</summary>
    public const string SlaPolicyAttribute = "sla.policy";

    /// <summary>The custom attribute in which the engine keeps the requester's customer tier (<c>sla.tier</c>): set at opening
    /// from <see cref="OpenTicketRequest.CustomerTier"/> and changed by <see cref="ChangeClassificationAsync"/>, so SLA
    /// policy re-selection by tier needs no tier from the caller. Reserved like every <c>sla.</c> key.</summary>
    public const string CustomerTierAttribute = "sla.tier";

    /// <summary>The default number of attempts of <see cref="RetryOnConflictAsync"/>: 5.</summary>
    public const int DefaultMaxAttempts = 5;

    /// <summary>The largest number of attempts <see cref="RetryOnConflictAsync"/> accepts: 100.</summary>
    public const int MaxAttempts = 100;

    private readonly ITicketStore _store;
    private readonly IClock _clock;
    private readonly ILogger _logger;
    private readonly EngineMetrics _metrics;
    private readonly bool _ownsMetrics = true;
    private readonly EngineTelemetry _telemetry;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes an engine.</summary>
    /// <param name="store">Where tickets are stored.</param>
    /// <param name="clock">The source of the current instant.</param>
    /// <param name="options">The workflows, priority matrix, routing rules and SLA policies.</param>
    /// <param name="logger">The logger; <see cref="NullLogger{T}"/> when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>ServiceDesk.Engine</c> meter; when <see langword="null"/> the engine creates
    /// (and disposes) its own <see cref="Meter"/>.</param>
    /// <param name="timeProvider">Times the waits of <see cref="RetryOnConflictAsync"/> between attempts;
    /// <see cref="TimeProvider.System"/> when <see langword="null"/>. The engine never reads the current instant from it: that
    /// is <paramref name="clock"/>'s job.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/>, <paramref name="clock"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public ServiceDeskEngine(
        ITicketStore store,
        IClock clock,
        ServiceDeskEngineOptions options,
        ILogger<ServiceDeskEngine>? logger = null,
        IMeterFactory? meterFactory = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _clock = clock;
        Options = options;
        _logger = logger ?? (ILogger)NullLogger<ServiceDeskEngine>.Instance;
        _metrics = new EngineMetrics(meterFactory);
        _telemetry = new EngineTelemetry(_metrics);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    private ServiceDeskEngine(ServiceDeskEngine parent, ITicketStore store)
    {
        _store = store;
        _clock = parent._clock;
        Options = parent.Options;
        _logger = parent._logger;
        _metrics = parent._metrics;
        _telemetry = parent._telemetry;
        _timeProvider = parent._timeProvider;
        _ownsMetrics = false;
    }

    /// <summary>Begins a batch: many commands of one tenant stored in one transaction (see <see cref="ServiceDeskBatch"/>).</summary>
    /// <param name="tenant">The tenant of every command in the batch.</param>
    /// <returns>The batch.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value.</exception>
    /// <exception cref="NotSupportedException">The engine's store does not implement <see cref="ITicketBatchStore"/> (every
    /// shipped adapter does).</exception>
    public ServiceDeskBatch BeginBatch(TenantId tenant)
    {
        TenantId.ThrowIfDefault(tenant);
        var batches = _store as ITicketBatchStore
            ?? throw new NotSupportedException($"The engine's store ({_store.GetType().Name}) does not implement ITicketBatchStore, so it cannot apply batches; run the commands one by one.");
        var staging = new BatchStagingStore(batches, tenant);
        return new ServiceDeskBatch(new ServiceDeskEngine(this, staging), staging);
    }

    /// <summary>Gets the definitions the engine runs on.</summary>
    public ServiceDeskEngineOptions Options { get; }

    /// <summary>Gets the meter the engine records on (named <see cref="MeterName"/>).</summary>
    public Meter Meter => _metrics.Meter;

    /// <summary>
    /// Runs a command and, when it throws <see cref="ConcurrencyException"/> because another writer changed the ticket
    /// first, runs it again, up to <paramref name="maxAttempts"/> times in all.
    /// </summary>
    /// <typeparam name="T">The command's result type.</typeparam>
    /// <param name="command">The command, e.g. <c>ct =&gt; engine.CommentAsync(context, id, CommentVisibility.Public, text, ct)</c>.
    /// Each engine command loads the ticket afresh, so each attempt is re-decided on the current ticket (a transition that
    /// a concurrent writer made impossible comes back rejected, not applied to a stale state).</param>
    /// <param name="maxAttempts">The number of attempts, 1 to 100; default 5. With N writers racing on one ticket, N
    /// attempts always suffice, since every round has a winner.</param>
    /// <param name="cancellationToken">Cancels the command and the waits between attempts.</param>
    /// <returns>The result of the first attempt that did not conflict.</returns>
    /// <remarks>Do not set <see cref="CommandContext.ExpectedVersion"/> in a retried command: a stale expected version
    /// conflicts on every attempt. Keep the same <see cref="CommandContext.IdempotencyKey"/> across attempts: a conflicting
    /// append does not consume its key. Between attempts the helper waits a few milliseconds (random, growing with the attempt)
    /// on the engine's <see cref="TimeProvider"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="command"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAttempts"/> is outside 1 to 100.</exception>
    /// <exception cref="ConcurrencyException">The last attempt conflicted too.</exception>
    public async Task<T> RetryOnConflictAsync<T>(Func<CancellationToken, Task<T>> command, int maxAttempts = DefaultMaxAttempts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (maxAttempts is < 1 or > MaxAttempts)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAttempts), maxAttempts, $"The number of attempts must be between 1 and {MaxAttempts}.");
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await command(cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyException ex) when (attempt < maxAttempts)
            {
                _metrics.Conflicts.Add(1);
                EngineLog.ConcurrencyRetry(_logger, attempt, maxAttempts, ex.Ticket, ex.ExpectedVersion, ex.ActualVersion);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, attempt * 3)), _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Releases the meter the engine created, if it created one, and the engine's activity source.</summary>
    public void Dispose()
    {
        if (_ownsMetrics)
        {
            _telemetry.Dispose();
            _metrics.Dispose();
        }
    }

    /// <summary>Gets the engine's tracing (for the sweeper).</summary>
    internal EngineTelemetry Telemetry => _telemetry;

    private static Instant Later(Instant a, Instant b) => a > b ? a : b;

    /// <summary>A deterministic ticket id for an opening with an idempotency key, so a retried opening names the same ticket.</summary>
    private static TicketId DeriveId(TenantId tenant, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(tenant.Value + "\n" + key));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new TicketId(new Guid(bytes, bigEndian: true));
    }

    private SlaPolicy? PolicyOf(Ticket ticket)
    {
        if (Options.SlaPolicies is not { } set
            || !ticket.Attributes.TryGetValue(SlaPolicyAttribute, out var value)
            || value.Kind != AttributeKind.String)
        {
            return null;
        }

        var name = value.AsString();
        return set.Policies.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
    }

    private async Task<Loaded> LoadAsync(CommandContext context, TicketId id, CancellationToken cancellationToken)
    {
        var stored = await _store.GetStoredAsync(context.Tenant, id, cancellationToken).ConfigureAwait(false)
            ?? throw new TicketNotFoundException(context.Tenant, id);
        var ticket = stored.Ticket;
        if (context.ExpectedVersion is { } expected && expected != ticket.Version)
        {
            throw new ConcurrencyException(context.Tenant, id, expected, ticket.Version);
        }

        var workflow = Options.GetWorkflow(ticket.Kind);
        var policy = PolicyOf(ticket);
        var memory = await MemoryOfAsync(stored, workflow, policy, cancellationToken).ConfigureAwait(false);
        return new Loaded(ticket, memory, workflow, policy, Later(_clock.GetCurrentInstant(), ticket.UpdatedAt));
    }

    /// <summary>The ticket's memory: the stored one when it is of this schema, ticket version and policy definition, otherwise
    /// rebuilt from the history (the history is the source of truth; the rebuilt memory is written with the next append).</summary>
    private async Task<TicketMemory> MemoryOfAsync(StoredTicket stored, WorkflowDefinition workflow, SlaPolicy? policy, CancellationToken cancellationToken)
    {
        if (TicketMemoryJson.TryRead(stored, policy, out _) is { } memory)
        {
            return memory;
        }

        var history = await ReadHistoryUpToAsync(stored.Ticket, cancellationToken).ConfigureAwait(false);
        _metrics.MemoryRebuilds.Add(1);
        return TicketMemory.Rebuild(stored.Ticket, history, workflow, policy);
    }

    /// <summary>Reads a ticket's history up to its snapshot's version (a later append may already have added events).</summary>
    private async Task<TicketEvent[]> ReadHistoryUpToAsync(Ticket ticket, CancellationToken cancellationToken)
    {
        var history = await _store.ReadHistoryAsync(ticket.Tenant, ticket.Id, cancellationToken).ConfigureAwait(false);
        return [.. history.Where(e => e.Version <= ticket.Version)];
    }

    private async Task<CommandResult> ExecuteAsync(
        string command,
        CommandContext context,
        TicketId id,
        string? fingerprint,
        Func<Loaded, CancellationToken, ValueTask<Decision>> decide,
        CancellationToken cancellationToken,
        string? trigger = null,
        TicketAction? action = null)
    {
        using var telemetry = _telemetry.StartCommand(command, context.Tenant, id, trigger);
        try
        {
            var loaded = await LoadAsync(context, id, cancellationToken).ConfigureAwait(false);
            Authorize(command, action ?? ActionOf(command), context, loaded.Ticket, trigger is null ? null : new WorkflowTrigger(trigger));
            var decision = await decide(loaded, cancellationToken).ConfigureAwait(false);
            return telemetry.Complete(await CommitAsync(command, context.IdempotencyKey, fingerprint, loaded, decision, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (telemetry.Fail(ex))
        {
            throw; // Fail records the exception and returns false, so this is never reached.
        }
        catch (CommandDeniedException denied)
        {
            EngineLog.CommandDenied(_logger, command, denied.Actor.ToString(), id, context.Tenant, denied.Message);
            throw;
        }
    }

    /// <summary>Asks <see cref="ServiceDeskEngineOptions.Authorization"/> (for an opening, about the ticket not yet numbered); throws <see cref="CommandDeniedException"/> when it
    /// denies (the caller logs it).</summary>
    private void Authorize(string command, TicketAction action, CommandContext context, Ticket ticket, WorkflowTrigger? trigger)
    {
        var answer = Options.Authorization.Authorize(new TicketAuthorizationArguments(context, action, ticket, trigger));
        if (!answer.IsAllowed)
        {
            throw action == TicketAction.Open
                ? new CommandDeniedException(context.Actor, command, answer.Reason!)
                : new CommandDeniedException(context.Actor, command, ticket.Number, answer.Reason!);
        }
    }

    private static TicketAction ActionOf(string command) => command switch
    {
        "Transition" => TicketAction.Transition,
        "Assign" => TicketAction.Assign,
        "Comment" => TicketAction.Comment,
        "ChangePriority" => TicketAction.ChangePriority,
        "Link" => TicketAction.Link,
        "SetAttribute" => TicketAction.SetAttribute,
        "LogTime" => TicketAction.LogTime,
        "RateSatisfaction" => TicketAction.RateSatisfaction,
        "RequestApproval" or "RequestChangeAuthorization" => TicketAction.RequestApproval,
        "ScheduleChange" => TicketAction.SetAttribute,
        "Approve" or "RejectApproval" => TicketAction.DecideApproval,
        "WithdrawApproval" => TicketAction.WithdrawApproval,
        "ConfirmResolution" => TicketAction.ConfirmResolution,
        "RejectResolution" => TicketAction.RejectResolution,
        "DeclareMajorIncident" or "ClearMajorIncident" => TicketAction.MajorIncident,
        "ChangeClassification" => TicketAction.EditClassification,
        "OverrideSlaDue" or "ClearSlaDueOverride" => TicketAction.OverrideSlaDue,
        _ => throw new InvalidOperationException($"Command {command} has no authorization action."),
    };

    /// <summary>
    /// The one commit path of opening, commands and the sweeper: folds the decision's events into a copy of the loaded memory,
    /// evaluates the clocks once after it, computes the schedule and appends ticket, events, schedule and memory in one store
    /// call at the loaded version (0 for an opening).
    /// </summary>
    private async Task<CommandResult> CommitAsync(
        string command, string? idempotencyKey, string? fingerprint, Loaded loaded, Decision decision, CancellationToken cancellationToken)
    {
        var current = loaded.Ticket;
        if (decision.Outcome != CommandOutcome.Applied)
        {
            if (idempotencyKey is { } key && !decision.OpensFollowUp && await FindReplayAsync(current, key, fingerprint, cancellationToken).ConfigureAwait(false) is { } first)
            {
                EngineLog.CommandReplayed(_logger, command, current.Id, current.Tenant);
                return new CommandResult(CommandOutcome.Replayed, first, []) { SlaPolicy = loaded.Policy?.Name };
            }

            EngineLog.CommandApplied(_logger, command, current.Number, current.Tenant, decision.Outcome, current.Version);
            return new CommandResult(decision.Outcome, current, [])
            {
                UnmetGuards = decision.UnmetGuards,
                ChangeConflicts = decision.ChangeConflicts,
                SlaPolicy = loaded.Policy?.Name,
                NextSlaTimerAt = TicketView.Min(loaded.Before, static c => c.NextTimerAt),
            };
        }

        var (append, after) = Prepare(loaded, decision, idempotencyKey, fingerprint);
        AppendResult stored;
        IReadOnlyList<Ticket> cascaded = [];
        if (decision.Companions.Count == 0)
        {
            stored = await _store.AppendAsync(append, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var appends = new List<TicketAppend>(decision.Companions.Count + 1) { append };
            foreach (var (companionLoaded, companion) in decision.Companions)
            {
                appends.Add(Prepare(companionLoaded, companion, null, null).Append);
            }

            var results = await AppendTogetherAsync(appends, cancellationToken).ConfigureAwait(false);
            stored = results[0];
            cascaded = [.. results.Skip(1).Select(r => r.Ticket)];
        }

        if (stored.IsReplay)
        {
            EngineLog.CommandReplayed(_logger, command, current.Id, current.Tenant);
            return new CommandResult(CommandOutcome.Replayed, stored.Ticket, []) { SlaPolicy = PolicyOf(stored.Ticket)?.Name };
        }

        if (!loaded.IsNew && decision.CountsBreaches)
        {
            CountBreaches(loaded, stored.Ticket, after);
        }

        EngineLog.CommandApplied(_logger, command, stored.Ticket.Number, stored.Ticket.Tenant, CommandOutcome.Applied, stored.Ticket.Version);
        return new CommandResult(CommandOutcome.Applied, stored.Ticket, append.Events)
        {
            Cascades = decision.Cascades,
            Cascaded = cascaded,
            ChangeConflicts = decision.ChangeConflicts,
            SlaPolicy = decision.Reselected is { } reselected ? reselected.Policy.Name : loaded.Policy?.Name,
            NextSlaTimerAt = TicketView.Min(after, static c => c.NextTimerAt),
        };
    }

    /// <summary>The append of one ticket's decision: its events folded into a copy of the loaded memory, the clocks evaluated
    /// once after them, the schedule and the memory to store.</summary>
    private (TicketAppend Append, IReadOnlyList<SlaClockState> After) Prepare(Loaded loaded, Decision decision, string? idempotencyKey, string? fingerprint)
    {
        var next = decision.Ticket!;
        TicketMemory memory;
        var policy = decision.Reselected is { } reselected ? reselected.Policy : loaded.Policy;
        if (decision.Reselected is { } rebuilt)
        {
            memory = rebuilt.Memory;
        }
        else if (loaded.IsNew)
        {
            memory = TicketMemory.Rebuild(next, decision.Events, loaded.Workflow, loaded.Policy);
        }
        else
        {
            memory = loaded.Memory.Clone();
            foreach (var e in decision.Events)
            {
                memory.Apply(e, loaded.Workflow);
            }
        }

        var after = memory.Evaluate(loaded.Now);
        var append = new TicketAppend(next, decision.Events, loaded.IsNew ? 0 : loaded.Ticket.Version, idempotencyKey)
        {
            IdempotencyFingerprint = fingerprint,
            Schedule = Scheduling.Compute(next, loaded.Workflow, policy, after, Options, memory),
            DerivedState = TicketMemoryJson.Write(memory),
        };
        return (append, after);
    }

    /// <summary>Whether the store can append to several tickets atomically, so a command may change linked tickets in its own
    /// transaction (links recorded on both sides, cascades fired): a batch store, or a batch's staging store (committed as a
    /// whole anyway).</summary>
    private bool AppendsTogether => _store is ITicketBatchStore or BatchStagingStore;

    /// <summary>Appends to several tickets in one transaction (the first is the command's own ticket).</summary>
    private async Task<IReadOnlyList<AppendResult>> AppendTogetherAsync(List<TicketAppend> appends, CancellationToken cancellationToken)
    {
        if (_store is ITicketBatchStore batches)
        {
            return await batches.AppendBatchAsync(new TicketBatch(appends, null), cancellationToken).ConfigureAwait(false);
        }

        // A batch's staging store: every append is staged and committed with the batch, all or nothing.
        var results = new List<AppendResult>(appends.Count);
        foreach (var append in appends)
        {
            results.Add(await _store.AppendAsync(append, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Loads another ticket of the command's tenant (a link's other side, a cascade's target) with its memory, for a
    /// decision committed with the command's own.</summary>
    private async Task<Loaded?> LoadOtherAsync(TenantId tenant, TicketId id, Instant now, CancellationToken cancellationToken)
    {
        if (await _store.GetStoredAsync(tenant, id, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }

        var ticket = stored.Ticket;
        var workflow = Options.GetWorkflow(ticket.Kind);
        var policy = PolicyOf(ticket);
        var memory = await MemoryOfAsync(stored, workflow, policy, cancellationToken).ConfigureAwait(false);
        return new Loaded(ticket, memory, workflow, policy, Later(now, ticket.UpdatedAt));
    }

    /// <summary>Compares the clocks before a command with <paramref name="after"/> (evaluated at the same instant); counts the
    /// clocks the command stopped in breach, unless the sweeper already recorded (and counted) that breach.</summary>
    private void CountBreaches(Loaded loaded, Ticket next, IReadOnlyList<SlaClockState> after)
    {
        if (loaded.Policy is null)
        {
            return;
        }

        IReadOnlyList<SlaClockState>? before = null;
        foreach (var clock in after)
        {
            if (clock.Stage != SlaStage.Breached || loaded.Memory.IsRecorded(clock.Metric, clock.Cycle, Scheduling.Breach))
            {
                continue;
            }

            before ??= loaded.Before;
            if (before.FirstOrDefault(b => string.Equals(b.Metric, clock.Metric, StringComparison.Ordinal)) is not { Stage: SlaStage.Breached })
            {
                _metrics.RecordBreach(clock.Metric);
                EngineLog.SlaBreached(_logger, next.Number, next.Tenant, clock.Metric, clock.Cycle);
            }
        }
    }

    /// <summary>Whether <paramref name="key"/> was already applied to this ticket: its first result, or <see langword="null"/>.</summary>
    private async Task<Ticket?> FindReplayAsync(Ticket current, string key, string? fingerprint, CancellationToken cancellationToken)
    {
        var applied = await _store.FindAppliedAsync(current.Tenant, key, cancellationToken).ConfigureAwait(false);
        if (applied is null)
        {
            return null;
        }

        IdempotencyConflictException.ThrowIfConflict(current.Tenant, key, applied, current.Id, fingerprint);
        return applied.Ticket;
    }

    /// <summary>A loaded ticket: its snapshot and memory, workflow, SLA policy, and the command's instant. For an opening,
    /// <see cref="IsNew"/> is set, the ticket is the one being opened and the memory is empty.</summary>
    private sealed record Loaded(Ticket Ticket, TicketMemory Memory, WorkflowDefinition Workflow, SlaPolicy? Policy, Instant Now)
    {
        private IReadOnlyList<SlaClockState>? _before;

        public bool IsNew { get; init; }

        /// <summary>Gets the clocks before the command, at <see cref="Now"/> (evaluated at most once).</summary>
        public IReadOnlyList<SlaClockState> Before => _before ??= IsNew ? [] : Memory.Evaluate(Now);
    }

    /// <summary>What a command decided: apply a snapshot and events, or nothing (unchanged, rejected).</summary>
    private sealed record Decision(CommandOutcome Outcome, Ticket? Ticket, IReadOnlyList<TicketEvent> Events)
    {
        public IReadOnlyList<UnmetGuard> UnmetGuards { get; init; } = [];

        public IReadOnlyList<CascadeAction> Cascades { get; init; } = [];

        /// <summary>Gets the conflicts of a change's planned window the decision reports (freezes, collisions).</summary>
        public IReadOnlyList<ChangeConflict> ChangeConflicts { get; init; } = [];

        /// <summary>Gets the decisions on other tickets stored in the same transaction (a link's incoming side, cascades).</summary>
        public IReadOnlyList<(Loaded Loaded, Decision Decision)> Companions { get; init; } = [];

        /// <summary>Gets a value indicating whether breaches the decision causes are counted by the commit (the sweeper counts
        /// the breaches it records itself).</summary>
        public bool CountsBreaches { get; init; } = true;

        /// <summary>Gets a value indicating whether a <see cref="CommandOutcome.NewLinkedTicketRequired"/> decision opens the
        /// follow-up (whose opening checks the idempotency key itself).</summary>
        public bool OpensFollowUp { get; init; }

        /// <summary>Gets the SLA policy selected again by the decision and the memory rebuilt for it (history and the decision's
        /// events folded under the new policy), or <see langword="null"/> when the policy stays.</summary>
        public (SlaPolicy Policy, TicketMemory Memory)? Reselected { get; init; }

        public static Decision Unchanged { get; } = new(CommandOutcome.Unchanged, null, []);

        public static Decision Apply(Ticket ticket, params TicketEvent[] events) => new(CommandOutcome.Applied, ticket, events);
    }
}
