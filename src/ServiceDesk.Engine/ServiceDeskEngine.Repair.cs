using ServiceDesk.Engine.Internal;
using ServiceDesk.Events;
using ServiceDesk.Storage;

namespace ServiceDesk.Engine;

/// <summary>Settings of <see cref="ServiceDeskEngine.RepairSlasAsync"/>.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>member</term><description>default</description></listheader>
/// <item><term><see cref="PageSize"/></term><description>200 tickets read (and, on a store with batches, stored) at a time (1 to 1,000)</description></item>
/// <item><term><see cref="IncludeClosed"/></term><description><see langword="false"/>: only tickets with work left (not terminal, clocks not stopped)</description></item>
/// <item><term><see cref="ContinuationToken"/></term><description><see langword="null"/>: from the first ticket</description></item>
/// </list>
/// </remarks>
public sealed record SlaRepairOptions
{
    private readonly int _pageSize = 200;

    /// <summary>Gets how many tickets are read at a time, 1 to 1,000; default 200. On a store that implements
    /// <see cref="ITicketBatchStore"/>, the repairs of one page are stored in one transaction.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1 to 1,000.</exception>
    public int PageSize
    {
        get => _pageSize;
        init => _pageSize = value is < 1 or > TicketQuery.MaxPageSize
            ? throw new ArgumentOutOfRangeException(nameof(PageSize), value, $"The page size must be between 1 and {TicketQuery.MaxPageSize:N0}.")
            : value;
    }

    /// <summary>Gets a value indicating whether resolved, closed and cancelled tickets are re-evaluated too (their met and
    /// breached figures may change); default <see langword="false"/>.</summary>
    public bool IncludeClosed { get; init; }

    /// <summary>Gets where to resume: the <see cref="SlaRepairProgress.ContinuationToken"/> last reported by an interrupted
    /// repair; <see langword="null"/> starts from the first ticket. Starting over is safe too: tickets already repaired are
    /// skipped.</summary>
    public string? ContinuationToken { get; init; }
}

/// <summary>Progress of an SLA repair, reported after each page.</summary>
/// <param name="Scanned">Tickets looked at so far.</param>
/// <param name="Repaired">Tickets whose clocks, deadline and timer were recomputed (each with an <see cref="SlaRepaired"/> event).</param>
/// <param name="UpToDate">Tickets whose stored state already came from the definitions in force.</param>
/// <param name="Skipped">Tickets without an SLA policy, of a kind the engine has no workflow for, or closed (unless
/// <see cref="SlaRepairOptions.IncludeClosed"/>).</param>
/// <param name="ContinuationToken">Where to resume after this page, or <see langword="null"/> when the repair is complete.</param>
public readonly record struct SlaRepairProgress(long Scanned, long Repaired, long UpToDate, long Skipped, string? ContinuationToken);

/// <content>SLA repair after a change of definitions.</content>
public sealed partial class ServiceDeskEngine
{
    /// <summary>
    /// Re-evaluates a tenant's tickets under the calendars and SLA policies the engine runs on now ("repair SLAs" after a
    /// definition change): each ticket whose stored SLA state was computed with another definition of its policy (told by
    /// <see cref="Sla.SlaPolicy.Fingerprint"/>) gets its clocks rebuilt from its history, its deadline, queue position and next
    /// timer rewritten, and an <see cref="SlaRepaired"/> event naming both definitions.
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="options">Page size, closed tickets, where to resume; defaults when <see langword="null"/>.</param>
    /// <param name="progress">Receives progress after each page, with the token to resume from.</param>
    /// <param name="cancellationToken">Cancels the repair between tickets; what was stored stays stored.</param>
    /// <returns>The totals; <see cref="SlaRepairProgress.ContinuationToken"/> is <see langword="null"/>.</returns>
    /// <remarks>
    /// <para><b>Idempotent and resumable.</b> A ticket already at the definitions in force is left alone, so running the repair
    /// again changes nothing, and a repair interrupted by a crash can start over or resume from the last reported token.</para>
    /// <para><b>Escalations.</b> The levels already fired are read from the history, so a repaired ticket never fires a level
    /// twice; thresholds that the new definitions put in the past are recorded (and their escalations fired) by the next sweep.</para>
    /// <para><b>Concurrency.</b> Each repair is appended at the version read; a ticket changed meanwhile by a command was already
    /// re-evaluated by it (every command rebuilds stale state) and is counted as up to date on a retry.</para>
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value, or the continuation token is not one.</exception>
    /// <exception cref="StorageException">The store failed; repairs already stored stay stored.</exception>
    public async Task<SlaRepairProgress> RepairSlasAsync(
        TenantId tenant, SlaRepairOptions? options = null, IProgress<SlaRepairProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        options ??= new SlaRepairOptions();
        var query = new TicketQuery(tenant) { PageSize = options.PageSize, ContinuationToken = options.ContinuationToken };
        var totals = default(SlaRepairProgress);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await _store.QueryAsync(query, cancellationToken).ConfigureAwait(false);
            var (repaired, upToDate, skipped) = await RepairPageAsync(tenant, page.Items, options.IncludeClosed, cancellationToken).ConfigureAwait(false);
            totals = new SlaRepairProgress(
                totals.Scanned + page.Items.Count, totals.Repaired + repaired, totals.UpToDate + upToDate, totals.Skipped + skipped, page.ContinuationToken);
            progress?.Report(totals);
            if (page.ContinuationToken is null)
            {
                return totals;
            }

            query = query with { ContinuationToken = page.ContinuationToken };
        }
    }

    private async Task<(int Repaired, int UpToDate, int Skipped)> RepairPageAsync(
        TenantId tenant, IReadOnlyList<Ticket> tickets, bool includeClosed, CancellationToken cancellationToken)
    {
        if (_store is ITicketBatchStore && tickets.Count > 1)
        {
            var batch = BeginBatch(tenant);
            var counts = (0, 0, 0);
            foreach (var ticket in tickets)
            {
                counts = Add(counts, await batch.Engine.RepairTicketAsync(tenant, ticket.Id, includeClosed, cancellationToken).ConfigureAwait(false));
            }

            try
            {
                await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
                return counts;
            }
            catch (ConcurrencyException)
            {
                // A command changed one of the page's tickets meanwhile: repair the page ticket by ticket instead.
                _metrics.Conflicts.Add(1);
            }
        }

        var total = (0, 0, 0);
        foreach (var ticket in tickets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var outcome = await RetryOnConflictAsync(
                ct => RepairTicketAsync(tenant, ticket.Id, includeClosed, ct), cancellationToken: cancellationToken).ConfigureAwait(false);
            total = Add(total, outcome);
        }

        return total;

        static (int, int, int) Add((int, int, int) a, RepairOutcome outcome) => outcome switch
        {
            RepairOutcome.Repaired => (a.Item1 + 1, a.Item2, a.Item3),
            RepairOutcome.UpToDate => (a.Item1, a.Item2 + 1, a.Item3),
            _ => (a.Item1, a.Item2, a.Item3 + 1),
        };
    }

    private async Task<RepairOutcome> RepairTicketAsync(TenantId tenant, TicketId id, bool includeClosed, CancellationToken cancellationToken)
    {
        var stored = await _store.GetStoredAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (stored is null || !Options.Workflows.TryGetValue(stored.Ticket.Kind, out var workflow) || PolicyOf(stored.Ticket) is not { } policy)
        {
            return RepairOutcome.Skipped;
        }

        var ticket = stored.Ticket;
        if (!includeClosed && !Scheduling.IsOpen(workflow, ticket.Status))
        {
            return RepairOutcome.Skipped;
        }

        if (TicketMemoryJson.TryRead(stored, policy, out var from) is not null)
        {
            return RepairOutcome.UpToDate;
        }

        var history = await ReadHistoryUpToAsync(ticket, cancellationToken).ConfigureAwait(false);
        var memory = TicketMemory.Rebuild(ticket, history, workflow, policy);
        var loaded = new Loaded(ticket, memory, workflow, policy, Later(_clock.GetCurrentInstant(), ticket.UpdatedAt));
        var repaired = new SlaRepaired(
            ticket.Tenant, ticket.Id, ticket.Version + 1, loaded.Now, Actor.System, policy.Name, from is { Length: > 0 and <= 64 } ? from : null, policy.Fingerprint);
        var next = ticket with { Version = ticket.Version + 1, UpdatedAt = loaded.Now };
        await CommitAsync("RepairSla", null, null, loaded, new Decision(CommandOutcome.Applied, next, [repaired]) { CountsBreaches = false }, cancellationToken)
            .ConfigureAwait(false);
        return RepairOutcome.Repaired;
    }

    private enum RepairOutcome
    {
        Skipped = 0,
        UpToDate = 1,
        Repaired = 2,
    }
}
