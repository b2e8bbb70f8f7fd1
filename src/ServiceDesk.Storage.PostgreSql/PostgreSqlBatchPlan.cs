using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Serialization;

namespace ServiceDesk.Storage.PostgreSql;

/// <summary>
/// Checks the appends of one transaction (a batch, or a single append) in order against the rows the transaction read and
/// locked, plus the appends before each one, exactly as <see cref="ITicketStore.AppendAsync"/> checks one append; and
/// collects what the accepted appends write, merged per ticket, so that the writes take a fixed number of round trips.
/// </summary>
/// <remarks>Throws the first rejection (<see cref="ConcurrencyException"/>, <see cref="ArgumentException"/>); the caller
/// then rolls the transaction back. Not thread-safe; one instance per transaction.</remarks>
internal sealed class PostgreSqlBatchPlan
{
    private readonly TenantId _tenant;
    private readonly IReadOnlyDictionary<Guid, StoredRow> _stored;
    private readonly IReadOnlyDictionary<string, (Guid Id, long Version)> _numberHolders;
    private readonly IReadOnlyDictionary<string, (Guid Ticket, string Snapshot, string? Fingerprint)> _storedKeys;
    private readonly Dictionary<TicketId, Ticket> _pendingTickets = [];
    private readonly Dictionary<TicketNumber, TicketId> _pendingNumbers = [];
    private readonly Dictionary<string, AppendResult> _pendingKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<TicketId, TicketWrite> _tickets = [];
    private readonly List<TicketWrite> _order = [];

    private PostgreSqlBatchPlan(
        TenantId tenant,
        IReadOnlyDictionary<Guid, StoredRow> stored,
        IReadOnlyDictionary<string, (Guid Id, long Version)> numberHolders,
        IReadOnlyDictionary<string, (Guid Ticket, string Snapshot, string? Fingerprint)> storedKeys)
    {
        _tenant = tenant;
        _stored = stored;
        _numberHolders = numberHolders;
        _storedKeys = storedKeys;
    }

    /// <summary>Gets one result per append, in order.</summary>
    public IReadOnlyList<AppendResult> Results { get; private set; } = [];

    /// <summary>Gets the tickets the accepted appends write, in the order of their first append, with their final state.</summary>
    public IReadOnlyList<TicketWrite> Tickets => _order;

    /// <summary>Gets every event of the accepted appends, in batch order.</summary>
    public List<TicketEvent> Events { get; } = [];

    /// <summary>Gets the idempotency keys the accepted appends record, with the snapshot each produced.</summary>
    public List<(string Key, Ticket Ticket, string? Fingerprint)> Keys { get; } = [];

    /// <summary>Checks the appends in order; see the class remarks.</summary>
    /// <param name="tenant">The tenant of every append.</param>
    /// <param name="appends">The appends.</param>
    /// <param name="stored">The rows of the appends' tickets that exist, locked: version and identity.</param>
    /// <param name="numberHolders">The tickets that hold the numbers of the new tickets, by number text.</param>
    /// <param name="storedKeys">The applied idempotency keys among the appends' keys, locked.</param>
    /// <returns>The plan.</returns>
    public static PostgreSqlBatchPlan Check(
        TenantId tenant,
        IReadOnlyList<TicketAppend> appends,
        IReadOnlyDictionary<Guid, StoredRow> stored,
        IReadOnlyDictionary<string, (Guid Id, long Version)> numberHolders,
        IReadOnlyDictionary<string, (Guid Ticket, string Snapshot, string? Fingerprint)> storedKeys)
    {
        var plan = new PostgreSqlBatchPlan(tenant, stored, numberHolders, storedKeys);
        var results = new AppendResult[appends.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = plan.CheckOne(appends[i]);
        }

        plan.Results = Array.AsReadOnly(results);
        return plan;
    }

    private AppendResult CheckOne(TicketAppend append)
    {
        var ticket = append.Ticket;
        if (append.IdempotencyKey is { } key)
        {
            if (_pendingKeys.TryGetValue(key, out var applied))
            {
                IdempotencyConflictException.ThrowIfConflict(_tenant, key, applied, ticket.Id, append.IdempotencyFingerprint);
                return applied with { IsReplay = true };
            }

            if (_storedKeys.TryGetValue(key, out var stored))
            {
                // ThrowIfConflict compares the ticket the key was applied to (the replay's snapshot) and the fingerprints.
                var replay = new AppendResult(PostgreSqlRows.ReadTicket(stored.Snapshot, "idempotency_keys", _tenant.Value, $"key {TextPolicy.Echo(key)}"), IsReplay: true) { IdempotencyFingerprint = stored.Fingerprint };
                IdempotencyConflictException.ThrowIfConflict(_tenant, key, replay, ticket.Id, append.IdempotencyFingerprint);
                return replay;
            }
        }

        var actual = CurrentVersion(ticket.Id);
        if (actual != append.ExpectedVersion)
        {
            throw new ConcurrencyException(_tenant, ticket.Id, append.ExpectedVersion, actual);
        }

        if (actual == 0)
        {
            // The number's holder, at its version as the batch so far left it.
            if (_pendingNumbers.TryGetValue(ticket.Number, out var pendingHolder))
            {
                throw new ConcurrencyException(_tenant, ticket.Id, append.ExpectedVersion, _pendingTickets[pendingHolder].Version);
            }

            if (_numberHolders.TryGetValue(ticket.Number.ToString(), out var storedHolder))
            {
                var version = _pendingTickets.TryGetValue(new TicketId(storedHolder.Id), out var changed) ? changed.Version : storedHolder.Version;
                throw new ConcurrencyException(_tenant, ticket.Id, append.ExpectedVersion, version);
            }

            _pendingNumbers.Add(ticket.Number, ticket.Id);
        }
        else
        {
            ThrowIfIdentityChanged(ticket);
        }

        var result = new AppendResult(ticket, IsReplay: false);
        _pendingTickets[ticket.Id] = ticket;
        if (!_tickets.TryGetValue(ticket.Id, out var write))
        {
            write = new TicketWrite(append.ExpectedVersion == 0, append.ExpectedVersion);
            _tickets.Add(ticket.Id, write);
            _order.Add(write);
        }

        write.Final = ticket;
        write.DerivedState = append.DerivedState;
        write.Schedule = append.Schedule ?? write.Schedule;
        Events.AddRange(append.Events);
        if (append.IdempotencyKey is { } newKey)
        {
            _pendingKeys.Add(newKey, result with { IdempotencyFingerprint = append.IdempotencyFingerprint });
            Keys.Add((newKey, ticket, append.IdempotencyFingerprint));
        }

        return result;
    }

    private long CurrentVersion(TicketId id)
        => _pendingTickets.TryGetValue(id, out var pending) ? pending.Version : _stored.TryGetValue(id.Value, out var row) ? row.Version : 0;

    private void ThrowIfIdentityChanged(Ticket next)
    {
        var (number, openedAt) = _pendingTickets.TryGetValue(next.Id, out var pending)
            ? (pending.Number.ToString(), pending.OpenedAt)
            : (_stored[next.Id.Value].Number, _stored[next.Id.Value].OpenedAt);
        if (number != next.Number.ToString() || openedAt != next.OpenedAt)
        {
            throw new ArgumentException(
                $"Ticket {next.Id} was opened as {number} at {openedAt}; a later version cannot change its number, kind or opening instant (got {next.Number} at {next.OpenedAt}).",
                "append");
        }
    }

    /// <summary>A stored ticket row as the transaction read it.</summary>
    /// <param name="Version">The version.</param>
    /// <param name="Number">The number, as text.</param>
    /// <param name="OpenedAt">The opening instant.</param>
    public sealed record StoredRow(long Version, string Number, Instant OpenedAt);

    /// <summary>What the accepted appends write to one ticket: its final snapshot and derived state (those of its last
    /// append), and its last schedule, if any append carried one.</summary>
    /// <param name="isNew">Whether the first append opened the ticket (an insert) rather than changed it (an update).</param>
    /// <param name="storedVersion">The version of the stored row an update expects; 0 for a new ticket.</param>
    public sealed class TicketWrite(bool isNew, long storedVersion)
    {
        /// <summary>Gets whether the first append opened the ticket (an insert) rather than changed it (an update).</summary>
        public bool IsNew { get; } = isNew;

        /// <summary>Gets the version of the stored row an update expects; 0 for a new ticket.</summary>
        public long StoredVersion { get; } = storedVersion;

        /// <summary>Gets or sets the final snapshot.</summary>
        public Ticket Final { get; set; } = null!;

        /// <summary>Gets or sets the derived state of the ticket's last append.</summary>
        public string? DerivedState { get; set; }

        /// <summary>Gets or sets the last schedule any of the ticket's appends carried, or <see langword="null"/>.</summary>
        public TicketSchedule? Schedule { get; set; }
    }
}
