using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using NodaTime;
using ServiceDesk.Billing;

namespace ServiceDesk.Storage;

/// <summary>
/// <see cref="IBillingStore"/> in SQL that SQLite and PostgreSQL both run (one source file, compiled into both adapter
/// packages). The adapter supplies connections, its write transaction (SQLite <c>BEGIN IMMEDIATE</c>, PostgreSQL read
/// committed), its commit (SQLite checks the file was not moved) and its failure mapping.
/// </summary>
/// <remarks>
/// <para><b>Numbers.</b> A commit first guards the current-invoice row of every (contract, month) it changes, in the order
/// given: a conditional insert (<c>ON CONFLICT DO NOTHING</c>) when it expects none, a conditional update when it expects an
/// invoice. No row changed means another writer got there first: <see cref="BillingConcurrencyException"/>, and the
/// transaction is rolled back. Only then does it take numbers, one counter update per series (credit notes first, then
/// invoices) that advances by the batch's count: the counter row stays locked until the transaction ends, so concurrent
/// commits take consecutive ranges, and a rolled-back commit gives its range back. Guards before counters, in a fixed order,
/// means two writers never wait for each other in a cycle.</para>
/// <para><b>Round trips.</b> When the driver supports <see cref="DbBatch"/> (Npgsql), a commit sends its guards as one batch
/// and its documents, current invoices and index rows as another, so a commit of 200 contracts costs a few round trips
/// instead of one per statement; SQLite runs the same statements one by one, in process.</para>
/// </remarks>
internal sealed class SqlBillingStore
{
    private const string InvoiceKind = "Invoice";
    private const string CreditNoteKind = "CreditNote";

    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly Func<DbConnection, CancellationToken, Task<DbTransaction>> _beginWrite;
    private readonly Func<DbConnection, DbTransaction, CancellationToken, Task> _commit;
    private readonly Func<string, Func<Task<object?>>, Task<object?>> _guarded;
    private readonly string _name;
    private readonly string? _agentLockSql;
    private readonly string _entries;
    private readonly string _works;
    private readonly string _numbers;
    private readonly string _documents;
    private readonly string _current;
    private readonly string _billed;

    public SqlBillingStore(
        string name,
        string tablePrefix,
        Func<CancellationToken, Task<DbConnection>> open,
        Func<DbConnection, CancellationToken, Task<DbTransaction>> beginWrite,
        Func<DbConnection, DbTransaction, CancellationToken, Task> commit,
        Func<string, Func<Task<object?>>, Task<object?>> guarded,
        string? agentLockSql = null)
    {
        _name = name;
        _agentLockSql = agentLockSql;
        _open = open;
        _beginWrite = beginWrite;
        _commit = commit;
        _guarded = guarded;
        _entries = tablePrefix + "billing_entries";
        _works = tablePrefix + "billing_works";
        _numbers = tablePrefix + "billing_numbers";
        _documents = tablePrefix + "billing_documents";
        _current = tablePrefix + "billing_current";
        _billed = tablePrefix + "billing_billed";
    }

    public async Task<bool> AddTimeEntryAsync(TimeEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        return await Write("store a time entry", (c, t) => AddEntryAsync(c, t, entry, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> AddTimeEntriesAsync(IReadOnlyList<TimeEntry> entries, CancellationToken cancellationToken)
    {
        TimeEntryBatch.Validate(entries);
        cancellationToken.ThrowIfCancellationRequested();
        return await Write("store time entries", async (c, t) =>
        {
            var stored = 0;
            foreach (var entry in entries)
            {
                stored += await AddEntryAsync(c, t, entry, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }

            return stored;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks and stores an entry in one write transaction: first the adapter's lock of the (tenant, agent) when it has
    /// one (PostgreSQL: a transaction-scoped advisory lock; SQLite needs none, its write transaction is <c>BEGIN IMMEDIATE</c>),
    /// then the agent's current overlapping entries are read, then the entry is inserted unless one of them blocks it.</summary>
    public async Task<TimeEntry?> AddTimeEntryUnlessOverlappingAsync(TimeEntry entry, CancellationToken cancellationToken)
    {
        TimeEntryBatch.CheckOverlapCandidate(entry);
        cancellationToken.ThrowIfCancellationRequested();
        return await Write<TimeEntry?>("store a time entry", async (c, t) =>
        {
            if (_agentLockSql is not null)
            {
                await Execute(c, t, _agentLockSql, cancellationToken, ("key", $"servicedesk-billing-agent:{_entries}:{entry.Tenant.Value}:{entry.Agent.Value}")).ConfigureAwait(false);
            }

            var (ss, sn) = Split(entry.Start);
            var (es, en) = Split(entry.End);
            var overlapping = await List(c, t, $"""
                SELECT id, entry FROM {_entries}
                WHERE tenant = @tenant AND agent = @agent AND superseded_by IS NULL
                  AND (start_s < @es OR (start_s = @es AND start_ns < @en))
                  AND (end_s > @ss OR (end_s = @ss AND end_ns > @sn));
                """,
                r => ReadEntry(r.GetString(1), entry.Tenant, r.GetString(0)), cancellationToken,
                ("tenant", entry.Tenant.Value), ("agent", entry.Agent.Value), ("ss", ss), ("sn", sn), ("es", es), ("en", en)).ConfigureAwait(false);
            if (ByStart(overlapping).FirstOrDefault(entry.ConflictsWith) is { } blocking)
            {
                return blocking;
            }

            await AddEntryAsync(c, t, entry, cancellationToken).ConfigureAwait(false);
            return null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores one entry in an open write transaction (see <see cref="AddTimeEntryAsync"/>).</summary>
    private async Task<bool> AddEntryAsync(DbConnection c, DbTransaction t, TimeEntry entry, CancellationToken cancellationToken)
    {
        var json = BillingJson.Serialize(entry);

        var (ss, sn) = Split(entry.Start);
        var (es, en) = Split(entry.End);
        var inserted = await Execute(c, t, $"""
            INSERT INTO {_entries} (tenant, id, contract, agent, start_s, start_ns, end_s, end_ns, approval, superseded_by, entry)
            VALUES (@tenant, @id, @contract, @agent, @ss, @sn, @es, @en, @approval, NULL, @entry)
            ON CONFLICT (tenant, id) DO NOTHING;
            """, cancellationToken,
            ("tenant", entry.Tenant.Value), ("id", entry.Id.Value), ("contract", entry.Contract.Value), ("agent", entry.Agent.Value),
            ("ss", ss), ("sn", sn), ("es", es), ("en", en), ("approval", entry.Approval.ToString()), ("entry", json)).ConfigureAwait(false);
        if (inserted == 0)
        {
            var stored = await Scalar(c, t, $"SELECT entry FROM {_entries} WHERE tenant = @tenant AND id = @id;", cancellationToken, ("tenant", entry.Tenant.Value), ("id", entry.Id.Value)).ConfigureAwait(false) as string;
            var existing = ReadEntry(stored!, entry.Tenant, entry.Id.Value);
            return existing with { Approval = entry.Approval } == entry
                ? false
                : throw new ArgumentException($"Time entry {TextPolicy.Echo(entry.Id)} is already stored with other content; record a correction (a new entry that supersedes it) instead.", nameof(entry));
        }

        if (entry.Supersedes is { } original)
        {
            string? contract = null;
            string? supersededBy = null;
            if (original != entry.Id)
            {
                await using var read = Command(c, t, $"SELECT contract, superseded_by FROM {_entries} WHERE tenant = @tenant AND id = @id;", ("tenant", entry.Tenant.Value), ("id", original.Value));
                await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    contract = reader.GetString(0);
                    supersededBy = reader.IsDBNull(1) ? null : reader.GetString(1);
                }
            }

            if (contract != entry.Contract.Value)
            {
                throw new ArgumentException($"Time entry {TextPolicy.Echo(entry.Id)} supersedes {TextPolicy.Echo(original)}, which is not another stored entry of contract {TextPolicy.Echo(entry.Contract)}.", nameof(entry));
            }

            var marked = supersededBy is null
                ? await Execute(c, t, $"UPDATE {_entries} SET superseded_by = @by WHERE tenant = @tenant AND id = @id AND superseded_by IS NULL;", cancellationToken,
                    ("by", entry.Id.Value), ("tenant", entry.Tenant.Value), ("id", original.Value)).ConfigureAwait(false)
                : 0;
            if (marked == 0)
            {
                throw new InvalidOperationException($"Time entry {TextPolicy.Echo(original)} is already corrected by {TextPolicy.Echo(supersededBy ?? "another entry")}; correct that entry instead.");
            }
        }

        return true;
    }

    public async Task<TimeEntry?> GetTimeEntryAsync(TenantId tenant, TimeEntryId id, CancellationToken cancellationToken)
    {
        TenantId.ThrowIfDefault(tenant);
        CheckId(id);
        cancellationToken.ThrowIfCancellationRequested();
        return await Read<TimeEntry?>("read a time entry", async c =>
            await Scalar(c, null, $"SELECT entry FROM {_entries} WHERE tenant = @tenant AND id = @id;", cancellationToken, ("tenant", tenant.Value), ("id", id.Value)).ConfigureAwait(false) is string json
                ? ReadEntry(json, tenant, id.Value)
                : null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TimeEntry>> ListTimeEntriesAsync(TenantId tenant, ContractId? contract, Instant before, CancellationToken cancellationToken)
    {
        TenantId.ThrowIfDefault(tenant);
        if (contract is { } id)
        {
            ContractId.ThrowIfDefault(id);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var (bs, bn) = Split(before);
        var where = contract is null ? string.Empty : " AND contract = @contract";
        return await Read<IReadOnlyList<TimeEntry>>("list time entries", c => List(
            c, $"SELECT id, entry FROM {_entries} WHERE tenant = @tenant{where} AND (start_s < @bs OR (start_s = @bs AND start_ns < @bn));",
            r => ReadEntry(r.GetString(1), tenant, r.GetString(0)), cancellationToken,
            ("tenant", tenant.Value), ("contract", contract?.Value), ("bs", bs), ("bn", bn)), cancellationToken).ConfigureAwait(false) is var list
            ? ByStart(list)
            : [];
    }

    public async Task<IReadOnlyList<TimeEntry>> ListAgentTimeEntriesAsync(TenantId tenant, AgentId agent, Interval interval, CancellationToken cancellationToken)
    {
        TenantId.ThrowIfDefault(tenant);
        AgentId.ThrowIfDefault(agent);
        cancellationToken.ThrowIfCancellationRequested();
        var (fs, fn) = Split(interval.Start);
        var (ts, tn) = Split(interval.End);
        return await Read<IReadOnlyList<TimeEntry>>("list an agent's time entries", c => List(
            c, $"""
            SELECT id, entry FROM {_entries}
            WHERE tenant = @tenant AND agent = @agent AND superseded_by IS NULL
              AND (start_s < @ts OR (start_s = @ts AND start_ns < @tn))
              AND (end_s > @fs OR (end_s = @fs AND end_ns > @fn));
            """,
            r => ReadEntry(r.GetString(1), tenant, r.GetString(0)), cancellationToken,
            ("tenant", tenant.Value), ("agent", agent.Value), ("fs", fs), ("fn", fn), ("ts", ts), ("tn", tn)), cancellationToken).ConfigureAwait(false) is var list
            ? ByStart(list)
            : [];
    }

    public async Task<TimeEntry?> SetApprovalAsync(TenantId tenant, TimeEntryId id, ApprovalState approval, CancellationToken cancellationToken)
    {
        TenantId.ThrowIfDefault(tenant);
        CheckId(id);
        if (!Enum.IsDefined(approval))
        {
            throw new ArgumentException($"The approval state {(int)approval} is not defined; valid: Pending, Approved, Rejected.", nameof(approval));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return await Write<TimeEntry?>("set a time entry's approval", async (c, t) =>
        {
            if (await Scalar(c, t, $"SELECT entry FROM {_entries} WHERE tenant = @tenant AND id = @id;", cancellationToken, ("tenant", tenant.Value), ("id", id.Value)).ConfigureAwait(false) is not string json)
            {
                return null;
            }

            if (approval != ApprovalState.Approved
                && await Scalar(c, t, $"SELECT invoice FROM {_billed} WHERE tenant = @tenant AND entry = @id AND invoice IS NOT NULL;", cancellationToken, ("tenant", tenant.Value), ("id", id.Value)).ConfigureAwait(false) is { } invoice and not DBNull)
            {
                throw new InvalidOperationException($"Time entry {TextPolicy.Echo(id)} is on the current invoice {new InvoiceNumber(InvoiceDocumentKind.Invoice, Convert.ToInt64(invoice, CultureInfo.InvariantCulture))}; it stays approved (record a correction instead).");
            }

            var changed = ReadEntry(json, tenant, id.Value).WithApproval(approval);
            await Execute(c, t, $"UPDATE {_entries} SET approval = @approval, entry = @entry WHERE tenant = @tenant AND id = @id;", cancellationToken,
                ("approval", approval.ToString()), ("entry", BillingJson.Serialize(changed)), ("tenant", tenant.Value), ("id", id.Value)).ConfigureAwait(false);
            return changed;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> AddOneOffWorkAsync(TenantId tenant, OneOffWork work, CancellationToken cancellationToken)
    {
        TenantId.ThrowIfDefault(tenant);
        ArgumentNullException.ThrowIfNull(work);
        cancellationToken.ThrowIfCancellationRequested();
        var json = BillingJson.Serialize(work);
        return await Write<bool>("store a one-off work", async (c, t) =>
        {
            var (ps, pn) = Split(work.PerformedAt);
            var inserted = await Execute(c, t, $"""
                INSERT INTO {_works} (tenant, id, contract, ticket, performed_s, performed_ns, work)
                VALUES (@tenant, @id, @contract, @ticket, @ps, @pn, @work)
                ON CONFLICT (tenant, id) DO NOTHING;
                """, cancellationToken,
                ("tenant", tenant.Value), ("id", work.Id.Value), ("contract", work.Contract.Value), ("ticket", work.Ticket?.ToString()),
                ("ps", ps), ("pn", pn), ("work", json)).ConfigureAwait(false);
            if (inserted == 1)
            {
                return true;
            }

            var stored = (string)(await Scalar(c, t, $"SELECT work FROM {_works} WHERE tenant = @tenant AND id = @id;", cancellationToken, ("tenant", tenant.Value), ("id", work.Id.Value)).ConfigureAwait(false))!;
            return ReadWork(stored, tenant, work.Id.Value) == work
                ? false
                : throw new ArgumentException($"One-off work {TextPolicy.Echo(work.Id)} is already stored with other content; record a correction instead.", nameof(work));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OneOffWork>> ListOneOffWorksAsync(TenantId tenant, ContractId? contract, TicketId? ticket, CancellationToken cancellationToken)
    {
        TenantId.ThrowIfDefault(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        var where = (contract is null ? string.Empty : " AND contract = @contract") + (ticket is null ? string.Empty : " AND ticket = @ticket");
        return await Read<IReadOnlyList<OneOffWork>>("list one-off works", c => List(
            c, $"SELECT id, work FROM {_works} WHERE tenant = @tenant{where};",
            r => ReadWork(r.GetString(1), tenant, r.GetString(0)), cancellationToken,
            ("tenant", tenant.Value), ("contract", contract?.Value), ("ticket", ticket?.ToString())), cancellationToken).ConfigureAwait(false) is var list
            ? [.. list.OrderBy(w => w.PerformedAt).ThenBy(w => w.Id)]
            : [];
    }

    public async Task<IReadOnlyList<InvoiceCommitResult>> CommitAsync(IReadOnlyList<InvoiceCommit> commits, CancellationToken cancellationToken)
    {
        var tenant = InvoiceCommit.CheckBatch(commits);
        cancellationToken.ThrowIfCancellationRequested();
        if (tenant is not { } tenantId)
        {
            return [];
        }

        // Serialized before the transaction: only the numbers are filled in inside it.
        return await Write<IReadOnlyList<InvoiceCommitResult>>($"commit {commits.Count:N0} invoice decisions", async (c, t) =>
        {
            // 1. Guard every (contract, month), in order (one round trip when the driver batches statements).
            var guards = new Statements(c, t);
            foreach (var commit in commits)
            {
                var period = BillingJson.Month(commit.Period);
                if (commit.ExpectedCurrent is not { } expected)
                {
                    guards.Add($"INSERT INTO {_current} (tenant, period, contract, invoice) VALUES (@tenant, @period, @contract, 0) ON CONFLICT (tenant, period, contract) DO NOTHING;",
                        ("tenant", tenantId.Value), ("period", period), ("contract", commit.Contract.Value));
                }
                else
                {
                    guards.Add($"UPDATE {_current} SET invoice = 0 WHERE tenant = @tenant AND period = @period AND contract = @contract AND invoice = @expected;",
                        ("tenant", tenantId.Value), ("period", period), ("contract", commit.Contract.Value), ("expected", expected.Sequence));
                }
            }

            var guarded = await guards.RunAsync(stopAtFirst: affected => affected != 1, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < guarded.Count; i++)
            {
                if (guarded[i] != 1)
                {
                    var commit = commits[i];
                    var actual = await Scalar(c, t, $"SELECT invoice FROM {_current} WHERE tenant = @tenant AND period = @period AND contract = @contract;", cancellationToken,
                        ("tenant", tenantId.Value), ("period", BillingJson.Month(commit.Period)), ("contract", commit.Contract.Value)).ConfigureAwait(false);
                    throw new BillingConcurrencyException(
                        tenantId, commit.Contract, commit.Period, commit.ExpectedCurrent,
                        actual is null or DBNull ? null : new InvoiceNumber(InvoiceDocumentKind.Invoice, Convert.ToInt64(actual, CultureInfo.InvariantCulture)));
                }
            }

            // 2. Take the numbers: credit notes, then invoices, one counter update each.
            var credits = commits.Count(x => x.CreditNote is not null);
            var invoices = commits.Count(x => x.Invoice is not null);
            var nextCredit = credits == 0 ? 0 : await Allocate(c, t, tenantId, CreditNoteKind, credits, cancellationToken).ConfigureAwait(false);
            var nextInvoice = invoices == 0 ? 0 : await Allocate(c, t, tenantId, InvoiceKind, invoices, cancellationToken).ConfigureAwait(false);

            // 3. Store the documents, the current invoices and the index (one round trip when the driver batches statements).
            var writes = new Statements(c, t);
            var results = new InvoiceCommitResult[commits.Count];
            for (var i = 0; i < commits.Count; i++)
            {
                var commit = commits[i];
                var period = BillingJson.Month(commit.Period);
                InvoiceDocument? credit = null;
                InvoiceDocument? invoice = null;
                if (commit.CreditNote is { } cn)
                {
                    credit = cn.ToDocument(nextCredit++);
                    var reversed = commit.ExpectedCurrent!.Value.Sequence;
                    InsertDocument(writes, credit, reversed);
                    writes.Add($"UPDATE {_documents} SET reversed_by = @by WHERE tenant = @tenant AND kind = '{InvoiceKind}' AND sequence = @sequence;",
                        ("by", credit.Number.Sequence), ("tenant", tenantId.Value), ("sequence", reversed));
                    writes.Add($"UPDATE {_billed} SET invoice = NULL WHERE tenant = @tenant AND invoice = @sequence;",
                        ("tenant", tenantId.Value), ("sequence", reversed));
                }

                if (commit.Invoice is { } inv)
                {
                    invoice = inv.ToDocument(nextInvoice++);
                    InsertDocument(writes, invoice, null);
                    writes.Add($"UPDATE {_current} SET invoice = @invoice WHERE tenant = @tenant AND period = @period AND contract = @contract;",
                        ("invoice", invoice.Number.Sequence), ("tenant", tenantId.Value), ("period", period), ("contract", commit.Contract.Value));
                    foreach (var e in invoice.BilledEntries)
                    {
                        writes.Add($"""
                            INSERT INTO {_billed} (tenant, entry, contract, invoice, invoice_contract, invoice_period, snapshot)
                            VALUES (@tenant, @entry, @contract, @invoice, @contract, @period, @snapshot)
                            ON CONFLICT (tenant, entry) DO UPDATE SET invoice = excluded.invoice, invoice_contract = excluded.invoice_contract, invoice_period = excluded.invoice_period;
                            """, ("tenant", tenantId.Value), ("entry", e.Id.Value), ("contract", commit.Contract.Value), ("invoice", invoice.Number.Sequence), ("period", period), ("snapshot", BillingJson.Serialize(e)));
                    }
                }
                else
                {
                    writes.Add($"DELETE FROM {_current} WHERE tenant = @tenant AND period = @period AND contract = @contract;",
                        ("tenant", tenantId.Value), ("period", period), ("contract", commit.Contract.Value));
                }

                results[i] = new InvoiceCommitResult(credit, invoice);
            }

            await writes.RunAsync(stopAtFirst: null, cancellationToken).ConfigureAwait(false);
            return results;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<InvoiceDocument>> GetCurrentInvoicesAsync(TenantId tenant, YearMonth period, ContractId? contract, CancellationToken cancellationToken)
    {
        TenantId.ThrowIfDefault(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        var where = contract is null ? string.Empty : " AND c.contract = @contract";
        return await Read<IReadOnlyList<InvoiceDocument>>("read current invoices", c => List(
            c, $"""
            SELECT d.sequence, d.document FROM {_current} c
            JOIN {_documents} d ON d.tenant = c.tenant AND d.kind = '{InvoiceKind}' AND d.sequence = c.invoice
            WHERE c.tenant = @tenant AND c.period = @period{where}
            """,
            r => ReadDocument(r.GetString(1), tenant, r.GetInt64(0)), cancellationToken,
            ("tenant", tenant.Value), ("period", BillingJson.Month(period)), ("contract", contract?.Value)), cancellationToken).ConfigureAwait(false) is var list
            ? [.. list.OrderBy(d => d.Contract.Value, StringComparer.Ordinal)]
            : [];
    }

    public async Task<IReadOnlyList<StoredInvoiceDocument>> ListDocumentsAsync(TenantId tenant, InvoiceDocumentKind kind, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        TenantId.ThrowIfDefault(tenant);
        var kindText = KindText(kind);
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, IBillingStore.MaxList);
        cancellationToken.ThrowIfCancellationRequested();
        return await Read<IReadOnlyList<StoredInvoiceDocument>>("list billing documents", c => List(
            c, $"SELECT sequence, document, reversed_by FROM {_documents} WHERE tenant = @tenant AND kind = @kind AND sequence > @after ORDER BY sequence LIMIT @max;",
            r => new StoredInvoiceDocument(
                ReadDocument(r.GetString(1), tenant, r.GetInt64(0)),
                r.IsDBNull(2) ? null : new InvoiceNumber(InvoiceDocumentKind.CreditNote, r.GetInt64(2))),
            cancellationToken,
            ("tenant", tenant.Value), ("kind", kindText), ("after", afterSequence), ("max", (long)maxCount)), cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> GetLastNumberAsync(TenantId tenant, InvoiceDocumentKind kind, CancellationToken cancellationToken)
    {
        TenantId.ThrowIfDefault(tenant);
        var kindText = KindText(kind);
        cancellationToken.ThrowIfCancellationRequested();
        return await Read<long>("read the last document number", async c =>
            await Scalar(c, null, $"SELECT last FROM {_numbers} WHERE tenant = @tenant AND kind = @kind;", cancellationToken, ("tenant", tenant.Value), ("kind", kindText)).ConfigureAwait(false) is { } last and not DBNull
                ? Convert.ToInt64(last, CultureInfo.InvariantCulture)
                : 0L, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<BilledEntry>> GetBilledEntriesAsync(TenantId tenant, ContractId? contract, CancellationToken cancellationToken)
    {
        TenantId.ThrowIfDefault(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        var where = contract is null ? string.Empty : " AND contract = @contract";
        return await Read<IReadOnlyList<BilledEntry>>("read the billed-entry index", c => List(
            c, $"SELECT entry, snapshot, invoice, invoice_contract, invoice_period FROM {_billed} WHERE tenant = @tenant{where};",
            r => new BilledEntry(
                ReadEntry(r.GetString(1), tenant, r.GetString(0)),
                r.IsDBNull(2) ? null : new InvoiceNumber(InvoiceDocumentKind.Invoice, r.GetInt64(2)),
                new ContractId(r.GetString(3)),
                BillingJson.ParseMonth(r.GetString(4))),
            cancellationToken,
            ("tenant", tenant.Value), ("contract", contract?.Value)), cancellationToken).ConfigureAwait(false) is var list
            ? [.. list.OrderBy(b => b.Snapshot.Id)]
            : [];
    }

    /// <summary>Orders entries by start and then id (ordinal), whatever the database's collation.</summary>
    private static IReadOnlyList<TimeEntry> ByStart(IReadOnlyList<TimeEntry> list) => [.. list.OrderBy(e => e.Start).ThenBy(e => e.Id)];

    private static string KindText(InvoiceDocumentKind kind) => kind switch
    {
        InvoiceDocumentKind.Invoice => InvoiceKind,
        InvoiceDocumentKind.CreditNote => CreditNoteKind,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Valid: Invoice, CreditNote."),
    };

    private static void CheckId(TimeEntryId id)
    {
        if (id.IsDefault)
        {
            throw new ArgumentException("default(TimeEntryId) identifies nothing.", nameof(id));
        }
    }

    private static (long Seconds, long Nanos) Split(Instant instant)
    {
        var seconds = instant.ToUnixTimeSeconds();
        return (seconds, (instant - Instant.FromUnixTimeSeconds(seconds)).ToInt64Nanoseconds());
    }

    private async Task<long> Allocate(DbConnection c, DbTransaction t, TenantId tenant, string kind, int count, CancellationToken cancellationToken)
    {
        var last = Convert.ToInt64(await Scalar(c, t, $"""
            INSERT INTO {_numbers} AS n (tenant, kind, last) VALUES (@tenant, @kind, @count)
            ON CONFLICT (tenant, kind) DO UPDATE SET last = n.last + @count
            RETURNING last;
            """, cancellationToken, ("tenant", tenant.Value), ("kind", kind), ("count", (long)count)).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return last - count + 1;
    }

    private void InsertDocument(Statements writes, InvoiceDocument document, long? reverses)
        => writes.Add($"""
            INSERT INTO {_documents} (tenant, kind, sequence, contract, period, reverses, reversed_by, document)
            VALUES (@tenant, @kind, @sequence, @contract, @period, @reverses, NULL, @document);
            """,
            ("tenant", document.Tenant.Value), ("kind", KindText(document.Kind)), ("sequence", document.Number.Sequence), ("contract", document.Contract.Value),
            ("period", BillingJson.Month(document.Period)), ("reverses", reverses), ("document", BillingJson.Serialize(document)));

    private async Task<T> Read<T>(string operation, Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
        => (T)(await _guarded(operation, async () =>
        {
            await using var connection = await _open(cancellationToken).ConfigureAwait(false);
            return await read(connection).ConfigureAwait(false);
        }).ConfigureAwait(false))!;

    private async Task<T> Write<T>(string operation, Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken)
        => (T)(await _guarded(operation, async () =>
        {
            await using var connection = await _open(cancellationToken).ConfigureAwait(false);
            await using var transaction = await _beginWrite(connection, cancellationToken).ConfigureAwait(false);
            var result = await write(connection, transaction).ConfigureAwait(false);
            await _commit(connection, transaction, cancellationToken).ConfigureAwait(false);
            return result;
        }).ConfigureAwait(false))!;

    private static DbCommand Command(DbConnection c, DbTransaction? t, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            if (!sql.Contains("@" + name, StringComparison.Ordinal))
            {
                // Optional filters: a parameter the statement does not use is not sent.
                continue;
            }

            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }

        return command;
    }

    private static async Task<int> Execute(DbConnection c, DbTransaction? t, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(c, t, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> Scalar(DbConnection c, DbTransaction? t, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(c, t, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Task<IReadOnlyList<T>> List<T>(DbConnection c, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
        => List(c, null, sql, read, cancellationToken, parameters);

    private static async Task<IReadOnlyList<T>> List<T>(DbConnection c, DbTransaction? t, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(c, t, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(read(reader));
        }

        return list;
    }

    private TimeEntry ReadEntry(string json, TenantId tenant, string key)
        => Corrupt(() => BillingJson.DeserializeTimeEntry(json), "time entry", tenant, key);

    private OneOffWork ReadWork(string json, TenantId tenant, string key)
        => Corrupt(() => BillingJson.DeserializeOneOffWork(json), "one-off work", tenant, key);

    private InvoiceDocument ReadDocument(string json, TenantId tenant, long sequence)
        => Corrupt(() => BillingJson.DeserializeDocument(json), "billing document", tenant, sequence.ToString(CultureInfo.InvariantCulture));

    private T Corrupt<T>(Func<T> read, string what, TenantId tenant, string key)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw new StorageException($"The {_name} billing store holds a {what} ({TextPolicy.Echo(key)}) of tenant {TextPolicy.Echo(tenant)} that does not read: {ex.Message}", ex);
        }
    }

    /// <summary>Statements of one transaction sent together: as one <see cref="DbBatch"/> (one round trip) when the driver
    /// supports batches (Npgsql), else one by one (SQLite, in process, where a statement costs no round trip).</summary>
    private sealed class Statements(DbConnection connection, DbTransaction transaction)
    {
        private readonly List<(string Sql, (string Name, object? Value)[] Parameters)> _statements = [];

        public void Add(string sql, params (string Name, object? Value)[] parameters) => _statements.Add((sql, parameters));

        /// <summary>Runs the statements in order and returns the rows each affected. One by one, it stops after the first
        /// statement for which <paramref name="stopAtFirst"/> is true (the rest would be rolled back anyway); a batch runs all.</summary>
        public async Task<IReadOnlyList<int>> RunAsync(Func<int, bool>? stopAtFirst, CancellationToken cancellationToken)
        {
            var affected = new List<int>(_statements.Count);
            if (_statements.Count == 0)
            {
                return affected;
            }

            if (!connection.CanCreateBatch)
            {
                foreach (var (sql, parameters) in _statements)
                {
                    var rows = await Execute(connection, transaction, sql, cancellationToken, parameters).ConfigureAwait(false);
                    affected.Add(rows);
                    if (stopAtFirst?.Invoke(rows) == true)
                    {
                        break;
                    }
                }

                return affected;
            }

            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var (sql, parameters) in _statements)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = sql;
                foreach (var (name, value) in parameters)
                {
                    if (sql.Contains("@" + name, StringComparison.Ordinal) && !command.Parameters.Contains(name))
                    {
                        var p = command.CreateParameter();
                        p.ParameterName = name;
                        p.Value = value ?? DBNull.Value;
                        command.Parameters.Add(p);
                    }
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            foreach (var command in batch.BatchCommands)
            {
                affected.Add(command.RecordsAffected);
            }

            return affected;
        }
    }
}
