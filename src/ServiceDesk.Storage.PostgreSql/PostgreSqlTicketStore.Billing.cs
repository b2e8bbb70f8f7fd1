using NodaTime;
using ServiceDesk.Billing;

namespace ServiceDesk.Storage.PostgreSql;

/// <content>The billing store (<see cref="IBillingStore"/>) in the same schema: tables <c>billing_*</c> of migration 6,
/// each write in one read-committed transaction. A commit guards the current-invoice rows it changes before it takes
/// numbers from the locked counter rows, so concurrent instances never share or skip a number, and a conflict is a
/// <see cref="BillingConcurrencyException"/> with nothing stored.</content>
public sealed partial class PostgreSqlTicketStore : IBillingStore
{
    private SqlBillingStore BillingSql => field ??= new SqlBillingStore(
        $"PostgreSQL (schema \"{Schema}\")",
        "\"" + Schema + "\".",
        async ct => await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false),
        async (connection, ct) => await connection.BeginTransactionAsync(ct).ConfigureAwait(false),
        (_, transaction, ct) => transaction.CommitAsync(ct),
        (operation, action) => Guarded(operation, action),
        "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0));");

    /// <inheritdoc />
    public Task<bool> AddTimeEntryAsync(TimeEntry entry, CancellationToken cancellationToken = default)
        => BillingSql.AddTimeEntryAsync(entry, cancellationToken);

    /// <inheritdoc />
    public Task<TimeEntry?> AddTimeEntryUnlessOverlappingAsync(TimeEntry entry, CancellationToken cancellationToken = default)
        => BillingSql.AddTimeEntryUnlessOverlappingAsync(entry, cancellationToken);

    /// <inheritdoc />
    public Task<int> AddTimeEntriesAsync(IReadOnlyList<TimeEntry> entries, CancellationToken cancellationToken = default)
        => BillingSql.AddTimeEntriesAsync(entries, cancellationToken);

    /// <inheritdoc />
    public Task<TimeEntry?> GetTimeEntryAsync(TenantId tenant, TimeEntryId id, CancellationToken cancellationToken = default)
        => BillingSql.GetTimeEntryAsync(tenant, id, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<TimeEntry>> ListTimeEntriesAsync(TenantId tenant, ContractId? contract, Instant before, CancellationToken cancellationToken = default)
        => BillingSql.ListTimeEntriesAsync(tenant, contract, before, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<TimeEntry>> ListAgentTimeEntriesAsync(TenantId tenant, AgentId agent, Interval interval, CancellationToken cancellationToken = default)
        => BillingSql.ListAgentTimeEntriesAsync(tenant, agent, interval, cancellationToken);

    /// <inheritdoc />
    public Task<TimeEntry?> SetApprovalAsync(TenantId tenant, TimeEntryId id, ApprovalState approval, CancellationToken cancellationToken = default)
        => BillingSql.SetApprovalAsync(tenant, id, approval, cancellationToken);

    /// <inheritdoc />
    public Task<bool> AddOneOffWorkAsync(TenantId tenant, OneOffWork work, CancellationToken cancellationToken = default)
        => BillingSql.AddOneOffWorkAsync(tenant, work, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<OneOffWork>> ListOneOffWorksAsync(TenantId tenant, ContractId? contract = null, TicketId? ticket = null, CancellationToken cancellationToken = default)
        => BillingSql.ListOneOffWorksAsync(tenant, contract, ticket, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<InvoiceCommitResult>> CommitAsync(IReadOnlyList<InvoiceCommit> commits, CancellationToken cancellationToken = default)
        => BillingSql.CommitAsync(commits, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<InvoiceDocument>> GetCurrentInvoicesAsync(TenantId tenant, YearMonth period, ContractId? contract = null, CancellationToken cancellationToken = default)
        => BillingSql.GetCurrentInvoicesAsync(tenant, period, contract, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredInvoiceDocument>> ListDocumentsAsync(TenantId tenant, InvoiceDocumentKind kind, long afterSequence = 0, int maxCount = 1_000, CancellationToken cancellationToken = default)
        => BillingSql.ListDocumentsAsync(tenant, kind, afterSequence, maxCount, cancellationToken);

    /// <inheritdoc />
    public Task<long> GetLastNumberAsync(TenantId tenant, InvoiceDocumentKind kind, CancellationToken cancellationToken = default)
        => BillingSql.GetLastNumberAsync(tenant, kind, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<BilledEntry>> GetBilledEntriesAsync(TenantId tenant, ContractId? contract = null, CancellationToken cancellationToken = default)
        => BillingSql.GetBilledEntriesAsync(tenant, contract, cancellationToken);
}
