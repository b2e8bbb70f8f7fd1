using ServiceDesk.Engine.Internal;
using ServiceDesk.Storage;

namespace ServiceDesk.Engine;

/// <summary>
/// Many commands of one tenant applied in one store transaction: bulk work such as imports, migrations from another
/// service desk and replays. Create one with <see cref="ServiceDeskEngine.BeginBatch"/>, run commands on its
/// <see cref="Engine"/> exactly as on the engine itself (same validation, same events, same SLA clocks and schedules), then
/// <see cref="CommitAsync"/>.
/// </summary>
/// <remarks>
/// <para><b>All or nothing.</b> Until <see cref="CommitAsync"/> returns, nothing is stored: the results of the batch's
/// commands are provisional. A command that throws stages nothing and the batch can go on; <see cref="CommitAsync"/> stores
/// every staged append, the next timers and the new tickets' numbers in one transaction, or throws and stores nothing (a
/// <see cref="ConcurrencyException"/> when another writer changed one of the tickets or allocated numbers meanwhile: run the
/// batch again).</para>
/// <para><b>Reads.</b> Commands in the batch see the tickets staged before them (by id and number). Queries (queues, ticket
/// pages) and the escalation sweeper read only what is stored. A batch holds at most <see cref="TicketBatch.MaxAppends"/>
/// appends (one per applied command); commit and begin another for more.</para>
/// <para>Not thread-safe: run the batch's commands one after the other. Single commands on the engine itself stay durable one
/// by one; use a batch only where losing the whole batch on a crash is acceptable (it can be run again).</para>
/// </remarks>
public sealed class ServiceDeskBatch
{
    private readonly BatchStagingStore _staging;

    internal ServiceDeskBatch(ServiceDeskEngine engine, BatchStagingStore staging)
    {
        Engine = engine;
        _staging = staging;
    }

    /// <summary>Gets the tenant every command of the batch must belong to.</summary>
    public TenantId Tenant => _staging.Tenant;

    /// <summary>Gets an engine whose commands are staged in this batch (its queries read the store).</summary>
    public ServiceDeskEngine Engine { get; }

    /// <summary>Gets the number of appends staged so far (each applied command stages one).</summary>
    public int Count => _staging.Count;

    /// <summary>Gets the earliest timer instant among the schedules staged so far (each ticket's last), or
    /// <see langword="null"/> when none has a timer. With <see cref="EscalationSweeper.GetNextDueAsync"/> (for what is
    /// stored), a host can tell whether a sweep is due before committing: while both are later than the sweep instant, a
    /// sweep would find nothing, so the batch can keep filling.</summary>
    public NodaTime.Instant? NextTimerDueAt => _staging.NextTimerDueAt();

    /// <summary>Gets the staging store behind the batch's engine.</summary>
    internal BatchStagingStore Staging => _staging;

    /// <summary>Reads tickets the batch is about to work on in one query (see <see cref="ITicketStore.GetStoredManyAsync"/>).</summary>
    internal Task PrefetchAsync(IReadOnlyList<TicketId> ids, CancellationToken cancellationToken) => _staging.PrefetchAsync(ids, cancellationToken);

    /// <summary>Stores everything staged in one transaction.</summary>
    /// <param name="cancellationToken">Cancels the commit; a cancelled commit stores nothing.</param>
    /// <returns>The stored result of each staged append, in order.</returns>
    /// <exception cref="InvalidOperationException">The batch was already committed.</exception>
    /// <exception cref="ConcurrencyException">Another writer changed a ticket of the batch, or allocated ticket numbers, after
    /// the batch read them; nothing was stored.</exception>
    /// <exception cref="StorageException">The store failed; nothing was stored.</exception>
    public Task<IReadOnlyList<AppendResult>> CommitAsync(CancellationToken cancellationToken = default) => _staging.CommitAsync(cancellationToken);
}
