using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using NodaTime;
using ServiceDesk.Events;

namespace ServiceDesk.Storage.InMemory;

/// <summary>
/// The reference <see cref="ITicketStore"/>: keeps tickets, their histories, number sequences and idempotency keys in
/// memory, and passes the whole conformance suite of ServiceDesk.Testing.
/// </summary>
/// <remarks>
/// <para><b>Use.</b> Tests, samples, and single-process hosts that can lose their data on exit. Nothing is persisted;
/// each instance is an independent store (there is no static state), so a test can create one per case.</para>
/// <para><b>Thread safety.</b> Every member is thread-safe. Each tenant has its own lock, held only for the in-memory
/// work of one call (never across an <c>await</c>), so tenants never wait for each other and an append is atomic:
/// readers see all of its events and its snapshot, or none of them.</para>
/// <para><b>Results.</b> Members complete synchronously and return completed tasks. Lists they return are read-only
/// copies; tickets and events are immutable records, so nothing returned is a view into the store.</para>
/// <para><b>Identity.</b> A later version of a ticket keeps the number and opening instant of its first version: an
/// append that changes <see cref="Ticket.Number"/> or <see cref="Ticket.OpenedAt"/> is rejected with an
/// <see cref="ArgumentException"/>, because the number index and the paging order rely on them.</para>
/// <para><b>Cost.</b> Reads by id or number are O(1); an append is O(events) plus O(log n) for a new ticket; a query
/// page is O(log n + tickets scanned); a history read copies the ticket's events.</para>
/// </remarks>
public sealed class InMemoryTicketStore : ITicketStore
{
    private readonly ConcurrentDictionary<TenantId, TenantData> _tenants = new();

    /// <summary>Initializes a new, empty store.</summary>
    public InMemoryTicketStore()
    {
    }

    /// <inheritdoc />
    public Task<TicketNumber> AllocateNumberAsync(TenantId tenant, TicketKind kind, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        _ = TicketNumber.PrefixOf(kind);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TicketNumber>(cancellationToken);
        }

        var data = Tenant(tenant);
        lock (data.Gate)
        {
            var next = data.LastNumbers.GetValueOrDefault(kind) + 1;
            var number = new TicketNumber(kind, next);
            data.LastNumbers[kind] = next;
            return Task.FromResult(number);
        }
    }

    /// <inheritdoc />
    public Task<Ticket?> GetAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<Ticket?>(cancellationToken);
        }

        if (!_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<Ticket?>(null);
        }

        lock (data.Gate)
        {
            return Task.FromResult(data.Tickets.GetValueOrDefault(id)?.Current);
        }
    }

    /// <inheritdoc />
    public Task<Ticket?> GetByNumberAsync(TenantId tenant, TicketNumber number, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        if (number.IsDefault)
        {
            throw new ArgumentException("default(TicketNumber) numbers nothing; pass a number such as INC0000001.", nameof(number));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<Ticket?>(cancellationToken);
        }

        if (!_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<Ticket?>(null);
        }

        lock (data.Gate)
        {
            var ticket = data.Numbers.TryGetValue(number, out var id) ? data.Tickets[id].Current : null;
            return Task.FromResult(ticket);
        }
    }

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(TicketAppend append, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(append);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AppendResult>(cancellationToken);
        }

        try
        {
            return Task.FromResult(Append(Tenant(append.Tenant), append));
        }
        catch (ConcurrencyException ex)
        {
            return Task.FromException<AppendResult>(ex);
        }
        catch (ArgumentException ex)
        {
            return Task.FromException<AppendResult>(ex);
        }
    }

    /// <inheritdoc />
    public Task<AppendResult?> FindAppliedAsync(TenantId tenant, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketAppend.ValidateIdempotencyKey(idempotencyKey);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AppendResult?>(cancellationToken);
        }

        if (!_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<AppendResult?>(null);
        }

        lock (data.Gate)
        {
            return Task.FromResult(data.AppliedKeys.TryGetValue(idempotencyKey, out var applied) ? applied with { IsReplay = true } : null);
        }
    }

    /// <inheritdoc />
    public Task<TicketPage> QueryAsync(TicketQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TicketPage>(cancellationToken);
        }

        if (!_tenants.TryGetValue(query.Tenant, out var data))
        {
            return Task.FromResult(new TicketPage(ReadOnlyCollection<Ticket>.Empty, null));
        }

        var items = new List<Ticket>(Math.Min(query.PageSize, 64));
        var more = false;
        lock (data.Gate)
        {
            IEnumerable<OrderKey> keys = data.Order;
            if (query.Cursor is { } cursor)
            {
                // Start the scan at the cursor (O(log n)); the cursor's own ticket, if still there, is skipped below.
                var from = new OrderKey(cursor.OpenedAt, cursor.Id);
                keys = data.Order.Count == 0 || OrderKeyComparer.Instance.Compare(from, data.Order.Max) >= 0
                    ? []
                    : data.Order.GetViewBetween(from, data.Order.Max);
            }

            foreach (var key in keys)
            {
                var ticket = data.Tickets[key.Id].Current;
                if (!query.Matches(ticket) || !query.IsAfterCursor(ticket))
                {
                    continue;
                }

                if (items.Count == query.PageSize)
                {
                    more = true;
                    break;
                }

                items.Add(ticket);
            }
        }

        var token = more ? TicketCursor.After(items[^1]).ToToken() : null;
        return Task.FromResult(new TicketPage(items.AsReadOnly(), token));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TicketEvent>> ReadHistoryAsync(TenantId tenant, TicketId id, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        TicketId.ThrowIfDefault(id);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<TicketEvent>>(cancellationToken);
        }

        if (!_tenants.TryGetValue(tenant, out var data))
        {
            return Task.FromResult<IReadOnlyList<TicketEvent>>(ReadOnlyCollection<TicketEvent>.Empty);
        }

        lock (data.Gate)
        {
            IReadOnlyList<TicketEvent> history = data.Tickets.TryGetValue(id, out var entry)
                ? entry.History.ToArray().AsReadOnly()
                : ReadOnlyCollection<TicketEvent>.Empty;
            return Task.FromResult(history);
        }
    }

    private static AppendResult Append(TenantData data, TicketAppend append)
    {
        var ticket = append.Ticket;
        lock (data.Gate)
        {
            if (append.IdempotencyKey is { } key && data.AppliedKeys.TryGetValue(key, out var applied))
            {
                return applied.Ticket.Id == ticket.Id
                    ? applied with { IsReplay = true }
                    : throw new ArgumentException(
                        $"Idempotency key '{key}' of tenant '{data.Tenant}' was already used for ticket {applied.Ticket.Id}; a key identifies one command on one ticket, so it cannot be reused for ticket {ticket.Id}.",
                        nameof(append));
            }

            data.Tickets.TryGetValue(ticket.Id, out var entry);
            var actual = entry?.Current.Version ?? 0;
            if (actual != append.ExpectedVersion)
            {
                throw new ConcurrencyException(data.Tenant, ticket.Id, append.ExpectedVersion, actual);
            }

            if (entry is null)
            {
                if (data.Numbers.TryGetValue(ticket.Number, out var holder))
                {
                    throw new ConcurrencyException(data.Tenant, ticket.Id, append.ExpectedVersion, data.Tickets[holder].Current.Version);
                }

                entry = new Entry(ticket);
                data.Tickets.Add(ticket.Id, entry);
                data.Numbers.Add(ticket.Number, ticket.Id);
                data.Order.Add(new OrderKey(ticket.OpenedAt, ticket.Id));
            }
            else
            {
                ThrowIfIdentityChanged(entry.Current, ticket);
                entry.Current = ticket;
            }

            entry.History.AddRange(append.Events);
            var result = new AppendResult(ticket, IsReplay: false);
            if (append.IdempotencyKey is { } newKey)
            {
                data.AppliedKeys.Add(newKey, result);
            }

            return result;
        }
    }

    private static void ThrowIfIdentityChanged(Ticket stored, Ticket next)
    {
        if (next.Number != stored.Number || next.OpenedAt != stored.OpenedAt)
        {
            throw new ArgumentException(
                $"Ticket {stored.Id} was opened as {stored.Number} at {stored.OpenedAt}; a later version cannot change its number or opening instant (got {next.Number} at {next.OpenedAt}).",
                "append");
        }
    }

    private TenantData Tenant(TenantId tenant) => _tenants.GetOrAdd(tenant, static t => new TenantData(t));

    /// <summary>Everything of one tenant, guarded by <see cref="Gate"/>.</summary>
    private sealed class TenantData(TenantId tenant)
    {
        public TenantId Tenant { get; } = tenant;

        public Lock Gate { get; } = new();

        public Dictionary<TicketId, Entry> Tickets { get; } = [];

        public Dictionary<TicketNumber, TicketId> Numbers { get; } = [];

        public Dictionary<TicketKind, long> LastNumbers { get; } = [];

        public Dictionary<string, AppendResult> AppliedKeys { get; } = new(StringComparer.Ordinal);

        /// <summary>Every ticket in paging order: opening instant, then id.</summary>
        public SortedSet<OrderKey> Order { get; } = new(OrderKeyComparer.Instance);
    }

    private sealed class Entry(Ticket current)
    {
        public Ticket Current { get; set; } = current;

        public List<TicketEvent> History { get; } = [];
    }

    private readonly record struct OrderKey(Instant OpenedAt, TicketId Id);

    private sealed class OrderKeyComparer : IComparer<OrderKey>
    {
        public static readonly OrderKeyComparer Instance = new();

        public int Compare(OrderKey x, OrderKey y) => TicketCursor.Compare(x.OpenedAt, x.Id, y.OpenedAt, y.Id);
    }
}
