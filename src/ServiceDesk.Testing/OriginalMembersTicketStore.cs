using ServiceDesk.Events;
using ServiceDesk.Storage;

namespace ServiceDesk.Testing;

/// <summary>
/// A store that implements only the members <see cref="ITicketStore"/> had before derived state, reading several tickets at
/// once and batches, delegating them to another store: every later member runs on the interface's default implementation.
/// Use it to test code against an adapter written for the original contract (the engine then rebuilds each ticket's memory
/// from its history), or as a baseline that measures what the newer members save.
/// </summary>
/// <remarks>Every member is virtual, so a test can count or alter calls. To also pass through a newer member, derive, re-list
/// <see cref="ITicketStore"/> among the derived class's interfaces and implement that member. Thread-safe as the inner store is.</remarks>
/// <param name="inner">The store to delegate to.</param>
public class OriginalMembersTicketStore(ITicketStore inner) : ITicketStore
{
    /// <summary>Gets the store delegated to.</summary>
    public ITicketStore Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public virtual Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
        => Inner.AllocateNumberAsync(tenant, kind, cancellationToken);

    /// <inheritdoc />
    public virtual Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
        => Inner.GetAsync(tenant, id, cancellationToken);

    /// <inheritdoc />
    public virtual Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default)
        => Inner.GetByNumberAsync(tenant, number, cancellationToken);

    /// <inheritdoc />
    public virtual Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default)
        => Inner.AppendAsync(append, cancellationToken);

    /// <inheritdoc />
    public virtual Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default)
        => Inner.FindAppliedAsync(tenant, idempotencyKey, cancellationToken);

    /// <inheritdoc />
    public virtual Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default)
        => Inner.QueryAsync(query, cancellationToken);

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
        => Inner.ReadHistoryAsync(tenant, id, cancellationToken);
}
