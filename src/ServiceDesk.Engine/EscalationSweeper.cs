using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using ServiceDesk.Engine.Internal;
using ServiceDesk.Storage;

namespace ServiceDesk.Engine;

/// <summary>Settings of an <see cref="EscalationSweeper"/>.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>member</term><description>default</description></listheader>
/// <item><term><see cref="BatchSize"/></term><description>100 timers per claim (1 to 1,000)</description></item>
/// <item><term><see cref="LeaseDuration"/></term><description>1 minute (more than zero, at most a day)</description></item>
/// <item><term><see cref="PollInterval"/></term><description>10 seconds between sweeps when nothing is due (more than zero, at most an hour)</description></item>
/// </list>
/// <para>Every property validates its value when set.</para>
/// </remarks>
public sealed record EscalationSweeperOptions
{
    private readonly int _batchSize = 100;
    private readonly Duration _lease = Duration.FromMinutes(1);
    private readonly Duration _poll = Duration.FromSeconds(10);

    /// <summary>Gets how many due timers one sweep claims, 1 to 1,000; default 100.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1 to 1,000.</exception>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = value is < 1 or > ITimerStore.MaxClaim
            ? throw new ArgumentOutOfRangeException(nameof(BatchSize), value, $"The batch size must be between 1 and {ITimerStore.MaxClaim:N0}.")
            : value;
    }

    /// <summary>Gets how long a claim holds its timers: a sweeper that dies mid-batch delays them by at most this; default 1
    /// minute, more than zero and at most one day.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside that range.</exception>
    public Duration LeaseDuration
    {
        get => _lease;
        init => _lease = value <= Duration.Zero || value > Duration.FromDays(1)
            ? throw new ArgumentOutOfRangeException(nameof(LeaseDuration), value, "The lease must be more than zero and at most one day.")
            : value;
    }

    /// <summary>Gets the longest a hosted worker waits before sweeping again when the last sweep was not full; default 10
    /// seconds, more than zero and at most one hour. A worker that knows the next due timer
    /// (<see cref="EscalationSweeper.GetNextDueAsync"/>) wakes for it earlier.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside that range.</exception>
    public Duration PollInterval
    {
        get => _poll;
        init => _poll = value <= Duration.Zero || value > Duration.FromHours(1)
            ? throw new ArgumentOutOfRangeException(nameof(PollInterval), value, "The poll interval must be more than zero and at most one hour.")
            : value;
    }
}

/// <summary>What one sweep did.</summary>
/// <param name="Claimed">Timers claimed.</param>
/// <param name="Escalations">Escalation levels fired.</param>
/// <param name="Thresholds">SLA thresholds (warnings and breaches) recorded.</param>
/// <param name="Rescheduled">Timers that had nothing to record and were moved to their next instant.</param>
/// <param name="Conflicts">Timers whose ticket another writer changed first (they are decided again by a later sweep,
/// on the new state, if still due).</param>
/// <param name="Failed">Timers whose processing threw; they were released for a retry and the failure was logged.</param>
public readonly record struct SweepResult(int Claimed, int Escalations, int Thresholds, int Rescheduled, int Conflicts, int Failed)
{
    /// <summary>Adds two results.</summary>
    /// <param name="a">The first.</param>
    /// <param name="b">The second.</param>
    /// <returns>The sums.</returns>
    public static SweepResult operator +(SweepResult a, SweepResult b) => new(
        a.Claimed + b.Claimed, a.Escalations + b.Escalations, a.Thresholds + b.Thresholds,
        a.Rescheduled + b.Rescheduled, a.Conflicts + b.Conflicts, a.Failed + b.Failed);

    /// <summary>Adds two results.</summary>
    /// <param name="other">The other result.</param>
    /// <returns>The sums.</returns>
    public SweepResult Add(SweepResult other) => this + other;
}

/// <summary>
/// Fires due timers: claims them from the engine's store in batches with a lease, records the SLA thresholds and breaches
/// they reach, applies the escalation rules of <see cref="ServiceDeskEngineOptions.Escalation"/> (functional: move to
/// another group; hierarchical and notifications: an <see cref="Events.Escalated"/> event for integrators to deliver from
/// the outbox; priority raises), and stores each ticket's next timer.
/// </summary>
/// <remarks>
/// <para><b>Exactly once.</b> Any number of sweepers, in any number of processes, may run on one store. The store hands a
/// due timer to one claim at a time; and what a timer fires is appended at the ticket version the sweeper read, with the
/// marks of the levels already fired taken from the ticket's history, so even a sweeper that outlives its lease cannot
/// fire a level twice: its append conflicts and the next sweep decides again on the new state.</para>
/// <para><b>Time.</b> A sweep reads the engine's <see cref="IClock"/> once and treats every timer as fired at that instant
/// (events are dated no earlier than the ticket's last update). Notifications of business-hours rules are recorded when
/// fired; deferring their delivery is up to the integrator reading the outbox.</para>
/// <para>Thread-safe; a sweeper keeps no state between sweeps.</para>
/// </remarks>
public sealed class EscalationSweeper
{
    private readonly ServiceDeskEngine _engine;
    private readonly ITimerStore _timers;
    private readonly ILogger _logger;

    /// <summary>Initializes a sweeper over an engine's store.</summary>
    /// <param name="engine">The engine; its store must implement <see cref="ITimerStore"/> (every shipped adapter does).</param>
    /// <param name="options">The batch size and lease; defaults when <see langword="null"/>.</param>
    /// <param name="logger">The logger; <see cref="NullLogger{T}"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="engine"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The engine's store does not implement <see cref="ITimerStore"/>.</exception>
    public EscalationSweeper(ServiceDeskEngine engine, EscalationSweeperOptions? options = null, ILogger<EscalationSweeper>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _timers = engine.Store as ITimerStore
            ?? throw new ArgumentException(
                $"The engine's store ({engine.Store.GetType().Name}) does not implement ITimerStore, so it has no timers to sweep.", nameof(engine));
        _engine = engine;
        Options = options ?? new EscalationSweeperOptions();
        _logger = logger ?? (ILogger)NullLogger<EscalationSweeper>.Instance;
    }

    /// <summary>Gets the batch size and lease.</summary>
    public EscalationSweeperOptions Options { get; }

    /// <summary>Claims one batch of due timers and processes them.</summary>
    /// <param name="cancellationToken">Cancels the sweep; timers already claimed keep their lease until it expires.</param>
    /// <returns>What the sweep did; <see cref="SweepResult.Claimed"/> equal to the batch size means more may be due.</returns>
    /// <remarks>Traced as one <c>servicedesk.sweep</c> span and one <c>servicedesk.engine.sweep.duration</c> measurement
    /// (see docs/engine.md).</remarks>
    /// <exception cref="StorageException">The store failed to claim.</exception>
    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken = default)
    {
        using var telemetry = _engine.Telemetry.StartSweep();
        try
        {
            return telemetry.Complete(await SweepCoreAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (telemetry.Fail(ex))
        {
            throw; // Fail records the exception and returns false, so this is never reached.
        }
    }

    /// <summary>Gets the earliest instant at which a sweep could find a due timer (see
    /// <see cref="ITimerStore.GetNextTimerDueAsync"/>), so that a host can sleep until then instead of polling.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The instant, on the timeline of the engine's <see cref="IClock"/> (it may be in the past: something is due
    /// now); or <see langword="null"/> when nothing is pending or the store cannot tell, in which case poll at
    /// <see cref="EscalationSweeperOptions.PollInterval"/>.</returns>
    /// <remarks>A command may store an earlier timer after the answer, so never sleep longer than
    /// <see cref="EscalationSweeperOptions.PollInterval"/>.</remarks>
    /// <exception cref="StorageException">The store failed.</exception>
    public Task<Instant?> GetNextDueAsync(CancellationToken cancellationToken = default)
        => _timers.GetNextTimerDueAsync(cancellationToken);

    private async Task<SweepResult> SweepCoreAsync(CancellationToken cancellationToken)
    {
        var now = _engine.Clock.GetCurrentInstant();
        var leases = await _timers.ClaimDueTimersAsync(now, Options.BatchSize, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        var result = new SweepResult(leases.Count, 0, 0, 0, 0, 0);
        if (_engine.Store is ITicketBatchStore && leases.Count > 1)
        {
            // One transaction per tenant for what the timers record; a conflict falls back to one append per timer.
            foreach (var group in leases.GroupBy(l => l.Tenant))
            {
                result += await SweepTenantAsync(group.Key, [.. group], now, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            foreach (var lease in leases)
            {
                result += await FireOneAsync(_engine, lease, now, cancellationToken).ConfigureAwait(false);
            }
        }

        _engine.TimersFired(leases.Count);
        EngineLog.SweepCompleted(_logger, result.Claimed, result.Escalations, result.Thresholds, result.Rescheduled, result.Conflicts, result.Failed);
        return result;
    }

    /// <summary>Fires one tenant's timers on a batch: timers with something to record are staged and stored in one transaction
    /// (timers with nothing to record are completed at once); if the batch conflicts, the staged timers are fired one by one.</summary>
    private async Task<SweepResult> SweepTenantAsync(TenantId tenant, TimerLease[] leases, Instant now, CancellationToken cancellationToken)
    {
        var batch = _engine.BeginBatch(tenant);
        await batch.PrefetchAsync([.. leases.Select(l => l.Ticket)], cancellationToken).ConfigureAwait(false);
        var staged = new List<(TimerLease Lease, ServiceDeskEngine.TimerOutcome Outcome)>();
        var result = default(SweepResult);
        foreach (var lease in leases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var outcome = await batch.Engine.FireTimerAsync(lease, now, cancellationToken, _timers.CompleteTimerAsync).ConfigureAwait(false);
                if (outcome.Staged)
                {
                    staged.Add((lease, outcome));
                }
                else
                {
                    result += Count(outcome);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                result += await FailedAsync(lease, ex).ConfigureAwait(false);
            }
        }

        if (staged.Count == 0)
        {
            return result;
        }

        try
        {
            await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (_, outcome) in staged)
            {
                _engine.RecordFired(outcome);
                result += Count(outcome);
            }

            return result;
        }
        catch (ConcurrencyException)
        {
            // A command changed one of the tickets meanwhile; nothing of the batch was stored and the leases still hold.
            foreach (var (lease, _) in staged)
            {
                result += await FireOneAsync(_engine, lease, now, cancellationToken).ConfigureAwait(false);
            }

            return result;
        }
    }

    private async Task<SweepResult> FireOneAsync(ServiceDeskEngine engine, TimerLease lease, Instant now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var outcome = await engine.FireTimerAsync(lease, now, cancellationToken).ConfigureAwait(false);
            engine.RecordFired(outcome);
            return Count(outcome);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return await FailedAsync(lease, ex).ConfigureAwait(false);
        }
    }

    private async Task<SweepResult> FailedAsync(TimerLease lease, Exception ex)
    {
        EngineLog.SweepFailed(_logger, ex, lease.Ticket, lease.Tenant);
        try
        {
            await _timers.ReleaseTimerAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StorageException)
        {
            // The lease expires on its own.
        }

        return new SweepResult(0, 0, 0, 0, 0, 1);
    }

    private static SweepResult Count(ServiceDeskEngine.TimerOutcome outcome)
        => new(0, outcome.Escalations, outcome.Thresholds, outcome.Rescheduled, outcome.Conflicts, 0);

    /// <summary>
    /// Sweeps into a batch: processes the timers due at the clock's now (those stored, claimed with a lease as
    /// <see cref="SweepAsync(CancellationToken)"/> does, and those staged in <paramref name="batch"/>), staging what the
    /// batch's tenant's timers record in <paramref name="batch"/>, so bulk work (an import, a replay) need not commit before
    /// each sweep.
    /// </summary>
    /// <param name="batch">A batch begun on this sweeper's engine (or another engine on the same store), not committed.</param>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>What the sweep did. <see cref="SweepResult.Claimed"/> counts the stored timers claimed and the staged timers
    /// due. What the batch's timers recorded is provisional until <see cref="ServiceDeskBatch.CommitAsync"/> stores it; their
    /// escalation and breach metrics are recorded then.</returns>
    /// <remarks>
    /// <para><b>What is staged and what is stored.</b> A timer of the batch's tenant is decided on the batch's view of its
    /// ticket (so a ticket the batch resolved no longer escalates), and what it records is staged: the commit stores it with
    /// the ticket's new schedule, which ends the lease. A timer with nothing to record is completed on the store at once
    /// when its ticket is not in the batch, and rescheduled in the batch when it is (its stored timer then keeps its lease
    /// until the commit: were the batch dropped, the lease expires and the stored timer is claimed again, so nothing is
    /// lost). Timers of other tenants are processed and stored one by one, as by <see cref="SweepAsync(CancellationToken)"/>.</para>
    /// <para><b>Room.</b> A sweep stages at most as many timers as the batch has room for (see
    /// <see cref="TicketBatch.MaxAppends"/>) and at most <see cref="EscalationSweeperOptions.BatchSize"/> stored ones: commit
    /// and sweep again when <see cref="SweepResult.Claimed"/> comes back full.</para>
    /// <para><b>Concurrency.</b> A batch is for one writer doing bulk work. Another instance's sweeper never gets a stored
    /// timer this sweep leased; a command or sweep elsewhere that changes a ticket of the batch meanwhile makes the commit
    /// throw <see cref="ConcurrencyException"/> and store nothing, as for any batch.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="batch"/> was begun on an engine with another store.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="batch"/> was already committed.</exception>
    /// <exception cref="StorageException">The store failed to claim timers.</exception>
    public async Task<SweepResult> SweepAsync(ServiceDeskBatch batch, CancellationToken cancellationToken = default)
    {
        CheckBatch(batch);
        return (await SweepBatchTracedAsync(batch, cancellationToken).ConfigureAwait(false)).Result;
    }

    /// <summary>Sweeps into a batch (see <see cref="SweepAsync(ServiceDeskBatch, CancellationToken)"/>) until the store has no
    /// more timers due now, the batch is full, or <paramref name="maxBatches"/> sweeps ran.</summary>
    /// <param name="batch">A batch begun on an engine with this sweeper's store, not committed.</param>
    /// <param name="maxBatches">The most sweeps, 1 or more; default 1,000.</param>
    /// <param name="cancellationToken">Cancels the sweeps.</param>
    /// <returns>The totals.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="batch"/> was begun on an engine with another store.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatches"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="batch"/> was already committed.</exception>
    /// <exception cref="StorageException">The store failed to claim timers.</exception>
    public async Task<SweepResult> SweepAllDueAsync(ServiceDeskBatch batch, int maxBatches = 1_000, CancellationToken cancellationToken = default)
    {
        CheckBatch(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatches, 1);
        var total = default(SweepResult);
        for (var i = 0; i < maxBatches; i++)
        {
            var sweep = await SweepBatchTracedAsync(batch, cancellationToken).ConfigureAwait(false);
            total += sweep.Result;
            if (!sweep.More)
            {
                break;
            }
        }

        return total;
    }

    private void CheckBatch(ServiceDeskBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!ReferenceEquals(batch.Staging.Inner, _engine.Store))
        {
            throw new ArgumentException(
                $"The batch (tenant {TextPolicy.Echo(batch.Tenant)}) was begun on an engine with another store; sweep it with a sweeper of that store's engine.",
                nameof(batch));
        }

        if (batch.Staging.IsClosed)
        {
            throw new InvalidOperationException("The batch was committed; begin a new batch to sweep into.");
        }
    }

    /// <summary>One sweep into a batch in its own span (as <see cref="SweepAsync(CancellationToken)"/>).</summary>
    private async Task<(SweepResult Result, bool More)> SweepBatchTracedAsync(ServiceDeskBatch batch, CancellationToken cancellationToken)
    {
        using var telemetry = _engine.Telemetry.StartSweep();
        try
        {
            var sweep = await SweepBatchCoreAsync(batch, cancellationToken).ConfigureAwait(false);
            telemetry.Complete(sweep.Result);
            return sweep;
        }
        catch (Exception ex) when (telemetry.Fail(ex))
        {
            throw; // Fail records the exception and returns false, so this is never reached.
        }
    }

    /// <summary>One sweep into a batch; <c>More</c> tells whether the store may have more timers due now.</summary>
    private async Task<(SweepResult Result, bool More)> SweepBatchCoreAsync(ServiceDeskBatch batch, CancellationToken cancellationToken)
    {
        var staging = batch.Staging;
        var now = _engine.Clock.GetCurrentInstant();
        var room = TicketBatch.MaxAppends - staging.Count;
        if (room <= 0)
        {
            return (default, false);
        }

        var ask = Math.Min(Options.BatchSize, room);
        var leases = await _timers.ClaimDueTimersAsync(now, ask, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        var result = new SweepResult(leases.Count, 0, 0, 0, 0, 0);
        var mine = new List<TimerLease>(leases.Count);
        var unstaged = new List<TicketId>(leases.Count);
        foreach (var lease in leases)
        {
            if (lease.Tenant != batch.Tenant)
            {
                result += await FireOneAsync(_engine, lease, now, cancellationToken).ConfigureAwait(false);
                continue;
            }

            mine.Add(lease);
            if (!staging.IsStaged(lease.Ticket))
            {
                unstaged.Add(lease.Ticket);
            }
        }

        if (unstaged.Count > 0)
        {
            await batch.PrefetchAsync(unstaged, cancellationToken).ConfigureAwait(false);
        }

        var swept = new HashSet<TicketId>();
        foreach (var lease in mine)
        {
            swept.Add(lease.Ticket);
            result += await FireIntoAsync(batch, lease, now, cancellationToken).ConfigureAwait(false);
        }

        // The batch's own timers due now: its tickets' staged schedules, which no store claim can see.
        foreach (var (ticket, dueAt, purpose) in staging.DueTimers(now))
        {
            if (staging.Count >= TicketBatch.MaxAppends)
            {
                break;
            }

            if (swept.Add(ticket))
            {
                result += new SweepResult(1, 0, 0, 0, 0, 0);
                result += await FireIntoAsync(batch, new TimerLease(batch.Tenant, ticket, dueAt, purpose, Guid.Empty, now), now, cancellationToken).ConfigureAwait(false);
            }
        }

        _engine.TimersFired(result.Claimed);
        EngineLog.SweepCompleted(_logger, result.Claimed, result.Escalations, result.Thresholds, result.Rescheduled, result.Conflicts, result.Failed);
        return (result, leases.Count == ask && staging.Count < TicketBatch.MaxAppends);
    }

    /// <summary>Fires one timer of the batch's tenant on the batch's engine.</summary>
    private async Task<SweepResult> FireIntoAsync(ServiceDeskBatch batch, TimerLease lease, Instant now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var staging = batch.Staging;
        try
        {
            var outcome = await batch.Engine.FireTimerAsync(
                lease,
                now,
                cancellationToken,
                (l, schedule, ct) => staging.IsStaged(l.Ticket) ? staging.RescheduleAsync(l.Ticket, schedule) : _timers.CompleteTimerAsync(l, schedule, ct))
                .ConfigureAwait(false);
            if (outcome.Staged)
            {
                staging.OnCommitted(() => _engine.RecordFired(outcome));
            }

            return Count(outcome);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (lease.Token == Guid.Empty)
            {
                // A staged timer: nothing to release; the next sweep looks at it again.
                EngineLog.SweepFailed(_logger, ex, lease.Ticket, lease.Tenant);
                return new SweepResult(0, 0, 0, 0, 0, 1);
            }

            return await FailedAsync(lease, ex).ConfigureAwait(false);
        }
    }

    /// <summary>Sweeps batch after batch until a batch comes back less than full (everything due now is processed), or
    /// <paramref name="maxBatches"/> batches were swept.</summary>
    /// <param name="maxBatches">The most batches, 1 or more; default 1,000.</param>
    /// <param name="cancellationToken">Cancels the sweeps.</param>
    /// <returns>The totals.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatches"/> is less than 1.</exception>
    public async Task<SweepResult> SweepAllDueAsync(int maxBatches = 1_000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatches, 1);
        var total = default(SweepResult);
        for (var i = 0; i < maxBatches; i++)
        {
            var batch = await SweepAsync(cancellationToken).ConfigureAwait(false);
            total += batch;
            if (batch.Claimed < Options.BatchSize || batch.Failed == batch.Claimed)
            {
                break;
            }
        }

        return total;
    }
}
