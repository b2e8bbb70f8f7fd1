namespace ServiceDesk.Storage;

/// <summary>
/// A ticket store that can apply many appends of one tenant in one atomic transaction (bulk work: imports, migrations from
/// another service desk, replays), allocating the new tickets' numbers in the same transaction.
/// </summary>
/// <remarks>
/// <para>Every shipped adapter implements it. A batch is all or nothing: each append is checked exactly as
/// <see cref="ITicketStore.AppendAsync"/> checks it (expected version, identity, idempotency key), in order, seeing the
/// appends before it in the batch; the first failure (<see cref="ConcurrencyException"/>, <see cref="ArgumentException"/>,
/// <see cref="StorageException"/>, cancellation) rolls back the whole batch and is thrown. An append whose idempotency key
/// was already applied (by an earlier transaction or earlier in the batch) to the same ticket is a replay: it stores
/// nothing and its result has <see cref="AppendResult.IsReplay"/> set; the rest of the batch proceeds.</para>
/// <para><b>Numbers.</b> A batch that opens tickets allocates their numbers without a transaction per number: the writer
/// reads the last number with <see cref="GetLastNumberAsync"/>, numbers the new tickets after it and passes a
/// <see cref="NumberAdvance"/> per kind; the store advances the sequence only if it is still where the writer read it, and
/// otherwise throws <see cref="ConcurrencyException"/> and stores nothing. Numbers stay gapless and unique.</para>
/// </remarks>
public interface ITicketBatchStore : ITicketStore
{
    /// <summary>Reads the last number allocated for a kind of ticket in a tenant (0 when none).</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="kind">The kind.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The last sequence number allocated, or 0.</returns>
    /// <exception cref="ArgumentException">The tenant is the default value, or the kind is undefined.</exception>
    Task<long> GetLastNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default);

    /// <summary>Applies a batch atomically.</summary>
    /// <param name="batch">The appends and number advances.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancelled batch stores nothing.</param>
    /// <returns>One result per append, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is <see langword="null"/>.</exception>
    /// <exception cref="ConcurrencyException">An append's expected version is stale, a new ticket reuses an id or number, or a
    /// number advance does not start where the sequence is; nothing was stored.</exception>
    /// <exception cref="ArgumentException">An append changes a ticket's identity, or reuses another ticket's idempotency key;
    /// nothing was stored.</exception>
    Task<IReadOnlyList<AppendResult>> AppendBatchAsync(TicketBatch batch, CancellationToken cancellationToken = default);
}

/// <summary>Moves a tenant's number sequence of one kind from <see cref="ExpectedLast"/> to <see cref="NewLast"/> in a batch.</summary>
/// <param name="Kind">The kind of ticket.</param>
/// <param name="ExpectedLast">The last number as the writer read it (0 when none was allocated).</param>
/// <param name="NewLast">The last number after the batch: more than <see cref="ExpectedLast"/>.</param>
public readonly record struct NumberAdvance(TicketKind Kind, long ExpectedLast, long NewLast);

/// <summary>Appends of one tenant to apply atomically (see <see cref="ITicketBatchStore"/>).</summary>
public sealed class TicketBatch
{
    /// <summary>The most appends in one batch: 10,000.</summary>
    public const int MaxAppends = 10_000;

    /// <summary>Initializes a batch.</summary>
    /// <param name="appends">1 to <see cref="MaxAppends"/> appends, all of one tenant, applied in order.</param>
    /// <param name="numbers">The number advances (at most one per kind), or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="appends"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">No appends or too many, or an advance does not move forward or is out
    /// of the range of ticket numbers.</exception>
    /// <exception cref="ArgumentException">The appends belong to different tenants, or two advances name the same kind.</exception>
    public TicketBatch(IReadOnlyList<TicketAppend> appends, IReadOnlyList<NumberAdvance>? numbers = null)
    {
        ArgumentNullException.ThrowIfNull(appends);
        if (appends.Count is < 1 or > MaxAppends)
        {
            throw new ArgumentOutOfRangeException(nameof(appends), appends.Count, $"A batch holds 1 to {MaxAppends:N0} appends; got {appends.Count:N0}.");
        }

        var copy = new TicketAppend[appends.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = appends[i] ?? throw new ArgumentNullException(nameof(appends), $"appends[{i}] is null.");
            if (copy[i].Tenant != copy[0].Tenant)
            {
                throw new ArgumentException(
                    $"appends[{i}] belongs to tenant '{copy[i].Tenant}' but appends[0] to '{copy[0].Tenant}'; a batch holds one tenant's appends.", nameof(appends));
            }
        }

        var advances = numbers is null ? [] : numbers.ToArray();
        for (var i = 0; i < advances.Length; i++)
        {
            var a = advances[i];
            _ = TicketNumber.PrefixOf(a.Kind);
            if (a.ExpectedLast < 0 || a.NewLast <= a.ExpectedLast || a.NewLast > TicketNumber.MaxSequence)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(numbers), a, $"numbers[{i}] must move forward within 0 to {TicketNumber.MaxSequence:N0}: {a.ExpectedLast} -> {a.NewLast}.");
            }

            for (var j = 0; j < i; j++)
            {
                if (advances[j].Kind == a.Kind)
                {
                    throw new ArgumentException($"numbers[{j}] and numbers[{i}] both advance {a.Kind}; give one advance per kind.", nameof(numbers));
                }
            }
        }

        Appends = Array.AsReadOnly(copy);
        Numbers = Array.AsReadOnly(advances);
    }

    /// <summary>Gets the tenant of every append.</summary>
    public TenantId Tenant => Appends[0].Tenant;

    /// <summary>Gets the appends, in order.</summary>
    public IReadOnlyList<TicketAppend> Appends { get; }

    /// <summary>Gets the number advances.</summary>
    public IReadOnlyList<NumberAdvance> Numbers { get; }
}
