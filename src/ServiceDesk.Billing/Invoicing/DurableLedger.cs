using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>
/// From logged work to stored invoices: records time entries and one-off works (validated, with the contract's approval
/// rule) and runs the invoices of a tenant for a month over an <see cref="IBillingStore"/>, as one call.
/// </summary>
/// <remarks>
/// <para><b>The run.</b> <see cref="RunAsync(TenantId, YearMonth, Instant, CancellationToken)"/> reads the tenant's
/// entries, works, billed-entry index and current invoices once, decides every contract with the same pure calculation as
/// <see cref="InvoiceLedger"/>, and commits the documents <see cref="BatchSize"/> contracts per transaction, each number
/// taken in the transaction that stores its document.</para>
/// <para><b>Idempotent and resumable.</b> A rerun with the same data issues nothing (<see cref="InvoiceRunOutcome.Unchanged"/>);
/// changed data or terms reverse the current invoice with a credit note and issue a corrected one. A run killed mid-way
/// has committed whole batches only, so running it again finishes the remaining contracts: each contract ends with one
/// current invoice for the month and the numbers have no gaps.</para>
/// <para><b>Concurrent runs.</b> Two instances may run the same tenant and month at once: a commit whose expected current
/// invoice was replaced fails with <see cref="BillingConcurrencyException"/> and stores nothing; the ledger then decides
/// the batch's contracts again one by one from fresh data (which usually finds them <see cref="InvoiceRunOutcome.Unchanged"/>).</para>
/// <para>Thread-safe: it holds only the immutable contract catalogue. It reads no clock: pass <c>now</c>.</para>
/// </remarks>
public sealed class DurableLedger
{
    /// <summary>How often a contract is decided again after a concurrency conflict before the run gives up: 8.</summary>
    public const int MaxAttempts = 8;

    private readonly IBillingStore _store;
    private readonly TimeEntryValidationOptions? _validation;
    private readonly Dictionary<TenantId, SortedDictionary<ContractId, Contract>> _contracts = [];
    private readonly int _batchSize = 200;

    /// <summary>Initializes a ledger over a store.</summary>
    /// <param name="store">The billing store.</param>
    /// <param name="contracts">The contracts (definitions from code or configuration); each (tenant, id) once.</param>
    /// <param name="validation">Time-entry validation settings, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException">An argument or a contract is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A contract appears twice.</exception>
    public DurableLedger(IBillingStore store, IEnumerable<Contract> contracts, TimeEntryValidationOptions? validation = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(contracts);
        _store = store;
        _validation = validation;
        foreach (var c in contracts)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(contracts));
            if (!_contracts.TryGetValue(c.Tenant, out var byId))
            {
                _contracts[c.Tenant] = byId = new SortedDictionary<ContractId, Contract>(Comparer<ContractId>.Create(static (a, b) => string.CompareOrdinal(a.Value, b.Value)));
            }

            if (!byId.TryAdd(c.Id, c))
            {
                throw new ArgumentException($"Contract {TextPolicy.Echo(c.Id)} of tenant {TextPolicy.Echo(c.Tenant)} appears more than once.", nameof(contracts));
            }
        }
    }

    /// <summary>Gets or sets how many contracts' documents one transaction commits: 1 to <see cref="IBillingStore.MaxCommits"/>; default 200.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1 to 1,000.</exception>
    public int BatchSize
    {
        get => _batchSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, IBillingStore.MaxCommits);
            _batchSize = value;
        }
    }

    /// <summary>Gets the store.</summary>
    public IBillingStore Store => _store;

    /// <summary>Records logged time: validates it, auto-approves it when its contract does not require approval, and stores it.
    /// A correction is an entry that <see cref="TimeEntry.Supersedes"/> the original.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="now">The current instant (an entry may not end after it, beyond the validation tolerance).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry as stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The contract is unknown, or the entry overlaps another entry of the agent that
    /// it does not supersede; the message names the values.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The duration is not positive or too long, the entry ends in the future,
    /// or it starts outside the contract's term; the message names the value and the valid range.</exception>
    /// <remarks>Nothing is stored when it throws. Storing the same entry again is a no-op.</remarks>
    public async Task<TimeEntry> RecordTimeAsync(TimeEntry entry, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var contract = Find(entry.Tenant, entry.Contract);
        var options = _validation ?? new TimeEntryValidationOptions();
        var report = TimeEntryValidator.Validate([entry], now, options);
        foreach (var fault in report.Faults)
        {
            switch (fault.Kind)
            {
                case TimeEntryFaultKind.NonPositiveDuration or TimeEntryFaultKind.DurationTooLong:
                    throw new ArgumentOutOfRangeException(nameof(entry), entry.Duration,
                        $"Time entry {TextPolicy.Echo(entry.Id)}: the duration {entry.Duration} is outside the valid range: more than 0 and at most {options.MaxDuration}.");
                case TimeEntryFaultKind.InFuture:
                    throw new ArgumentOutOfRangeException(nameof(entry), entry.End,
                        $"Time entry {TextPolicy.Echo(entry.Id)}: it ends at {entry.End}, after the latest valid end {now + options.FutureTolerance} (now plus the tolerance {options.FutureTolerance}).");
                case TimeEntryFaultKind.StartOutOfRange:
                    throw new ArgumentOutOfRangeException(nameof(entry), entry.Start, $"Time entry {TextPolicy.Echo(entry.Id)}: {fault.Message}");
            }
        }

        var date = contract.GetDate(entry.Start);
        if (date < contract.Start || (contract.End is { } end && date > end && !contract.Renewal.AutoRenew))
        {
            throw new ArgumentOutOfRangeException(nameof(entry), date,
                $"Time entry {TextPolicy.Echo(entry.Id)} starts on {Iso(date)}, outside the term of contract {TextPolicy.Echo(contract.Id)}: {Term(contract)}.");
        }

        // The check and the insert are one atomic step in the store, so two instances cannot both record overlapping time.
        var stored = !contract.RequireApproval && entry.Approval == ApprovalState.Pending ? entry.WithApproval(ApprovalState.Approved) : entry;
        if (await _store.AddTimeEntryUnlessOverlappingAsync(stored, cancellationToken).ConfigureAwait(false) is { } other)
        {
            throw new ArgumentException(
                $"Time entry {TextPolicy.Echo(entry.Id)} ({entry.Start} to {entry.End}) overlaps entry {TextPolicy.Echo(other.Id)} ({other.Start} to {other.End}) of agent {TextPolicy.Echo(entry.Agent)}; an agent's entries may not overlap (correct the other entry, or start at or after {other.End}).",
                nameof(entry));
        }

        return stored;
    }

    /// <summary>Approves, rejects or resubmits a time entry.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="id">The entry.</param>
    /// <param name="approval">The new state.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry as stored now.</returns>
    /// <exception cref="ArgumentException">The tenant has no such entry.</exception>
    /// <exception cref="InvalidOperationException">The entry is on a current invoice and the state is not approved.</exception>
    public async Task<TimeEntry> SetApprovalAsync(TenantId tenant, TimeEntryId id, ApprovalState approval, CancellationToken cancellationToken = default)
        => await _store.SetApprovalAsync(tenant, id, approval, cancellationToken).ConfigureAwait(false)
            ?? throw new ArgumentException($"Tenant {TextPolicy.Echo(tenant)} has no time entry {TextPolicy.Echo(id)}.", nameof(id));

    /// <summary>Records a one-off work from the contract's price list.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="work">The work.</param>
    /// <param name="now">The current instant (a work may not be performed after it).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when stored; <see langword="false"/> when it was already stored.</returns>
    /// <exception cref="ArgumentException">The contract is unknown, or the item is not in its price list.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The quantity is negative, or the work is performed after
    /// <paramref name="now"/> or outside the contract's term.</exception>
    public Task<bool> RecordWorkAsync(TenantId tenant, OneOffWork work, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var contract = Find(tenant, work.Contract);
        if (work.Quantity < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(work), work.Quantity, $"One-off work {TextPolicy.Echo(work.Id)}: the quantity {work.Quantity} is negative; valid: 0 (a cancelling correction) or more.");
        }

        if (contract.PriceList is not { } prices || !prices.TryGetItem(work.ItemCode, out _))
        {
            throw new ArgumentException(
                $"One-off work {TextPolicy.Echo(work.Id)}: the item {TextPolicy.Echo(work.ItemCode)} is not in the price list of contract {TextPolicy.Echo(contract.Id)} (valid: {Codes(contract)}).",
                nameof(work));
        }

        var date = contract.GetDate(work.PerformedAt);
        if (work.PerformedAt > now || date < contract.Start || (contract.End is { } end && date > end && !contract.Renewal.AutoRenew))
        {
            throw new ArgumentOutOfRangeException(nameof(work), work.PerformedAt,
                $"One-off work {TextPolicy.Echo(work.Id)} is performed at {work.PerformedAt}; valid: not after now ({now}) and within the term of contract {TextPolicy.Echo(contract.Id)}, {Term(contract)}.");
        }

        return _store.AddOneOffWorkAsync(tenant, work, cancellationToken);
    }

    /// <summary>Runs the invoices of every contract of a tenant for a month.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="period">The month; not after the current month of any contract run (at <paramref name="now"/>, in its zone).</param>
    /// <param name="now">The current instant: validation and issue dates.</param>
    /// <param name="cancellationToken">Cancels the run between batches (committed batches stay).</param>
    /// <returns>What was done, per contract.</returns>
    /// <exception cref="ArgumentException">The ledger has no contract of <paramref name="tenant"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> has not begun for a contract; nothing is stored.</exception>
    /// <exception cref="Storage.StorageException">The store failed; batches committed before stay, and a rerun completes the month.</exception>
    public async Task<InvoiceRunReport> RunAsync(TenantId tenant, YearMonth period, Instant now, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfDefault(tenant);
        if (!_contracts.TryGetValue(tenant, out var all))
        {
            throw new ArgumentException($"The ledger has no contract of tenant {TextPolicy.Echo(tenant)}; pass the tenant's contracts to the constructor.", nameof(tenant));
        }

        var current = (await _store.GetCurrentInvoicesAsync(tenant, period, null, cancellationToken).ConfigureAwait(false)).ToDictionary(d => d.Contract);
        var contracts = all.Values.Where(c => c.IsInForce(period) || current.ContainsKey(c.Id)).ToList();
        foreach (var c in contracts)
        {
            CheckPeriod(c, period, now);
        }

        var runs = new List<InvoiceRun>(contracts.Count);
        if (contracts.Count == 0)
        {
            return new InvoiceRunReport(tenant, period, runs, 0);
        }

        var before = contracts.Max(c => c.GetMonthInterval(period).End);
        var entries = (await _store.ListTimeEntriesAsync(tenant, null, before, cancellationToken).ConfigureAwait(false)).ToLookup(e => e.Contract);
        var works = (await _store.ListOneOffWorksAsync(tenant, null, null, cancellationToken).ConfigureAwait(false)).ToLookup(w => w.Contract);
        var billed = (await _store.GetBilledEntriesAsync(tenant, null, cancellationToken).ConfigureAwait(false)).ToLookup(b => b.Snapshot.Contract);
        var retried = 0;
        foreach (var chunk in contracts.Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var decided = new (Contract Contract, InvoicePlan Plan, InvoiceDocument? Existing, InvoiceCommit? Commit)[chunk.Length];
            var commits = new List<InvoiceCommit>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                var c = chunk[i];
                var end = c.GetMonthInterval(period).End;
                current.TryGetValue(c.Id, out var existing);
                var plan = Plan(c, period, [.. entries[c.Id].Where(e => e.Start < end)], [.. works[c.Id]], billed[c.Id], existing, now);
                var commit = Commit(c, period, plan, existing, now);
                decided[i] = (c, plan, existing, commit);
                if (commit is not null)
                {
                    commits.Add(commit);
                }
            }

            IReadOnlyList<InvoiceCommitResult> results;
            try
            {
                results = commits.Count == 0 ? [] : await _store.CommitAsync(commits, cancellationToken).ConfigureAwait(false);
            }
            catch (BillingConcurrencyException)
            {
                // Another instance committed some of these contracts first: decide each again from fresh data.
                foreach (var d in decided)
                {
                    runs.Add(d.Commit is null
                        ? Result(d.Plan, d.Existing, null)
                        : await RunAsync(d.Contract, period, now, cancellationToken).ConfigureAwait(false));
                }

                retried += commits.Count;
                continue;
            }

            var next = 0;
            foreach (var d in decided)
            {
                runs.Add(Result(d.Plan, d.Existing, d.Commit is null ? null : results[next++]));
            }
        }

        return new InvoiceRunReport(tenant, period, runs, retried);
    }

    /// <summary>Runs the invoice of one contract for a month, reading only that contract's data and committing it alone
    /// (retrying from fresh data after a concurrency conflict).</summary>
    /// <param name="contract">The contract; one of the ledger's.</param>
    /// <param name="period">The month; from the contract's start month to its current month at <paramref name="now"/>.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="ArgumentException">The contract is not one of the ledger's.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is outside the valid range.</exception>
    /// <exception cref="BillingConcurrencyException">Other instances kept winning for <see cref="MaxAttempts"/> attempts.</exception>
    public async Task<InvoiceRun> RunAsync(Contract contract, YearMonth period, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contract);
        if (!ReferenceEquals(Find(contract.Tenant, contract.Id), contract))
        {
            throw new ArgumentException($"Contract {TextPolicy.Echo(contract.Id)} is not the ledger's definition of that contract.", nameof(contract));
        }

        CheckPeriod(contract, period, now);
        var end = contract.GetMonthInterval(period).End;
        for (var attempt = 1; ; attempt++)
        {
            var entries = await _store.ListTimeEntriesAsync(contract.Tenant, contract.Id, end, cancellationToken).ConfigureAwait(false);
            var works = await _store.ListOneOffWorksAsync(contract.Tenant, contract.Id, null, cancellationToken).ConfigureAwait(false);
            var billed = await _store.GetBilledEntriesAsync(contract.Tenant, contract.Id, cancellationToken).ConfigureAwait(false);
            var existing = (await _store.GetCurrentInvoicesAsync(contract.Tenant, period, contract.Id, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            var plan = Plan(contract, period, [.. entries], [.. works], billed, existing, now);
            if (Commit(contract, period, plan, existing, now) is not { } commit)
            {
                return Result(plan, existing, null);
            }

            try
            {
                var results = await _store.CommitAsync([commit], cancellationToken).ConfigureAwait(false);
                return Result(plan, existing, results[0]);
            }
            catch (BillingConcurrencyException) when (attempt < MaxAttempts)
            {
                // Decide again from what the other instance stored.
            }
        }
    }

    private static void CheckPeriod(Contract contract, YearMonth period, Instant now)
    {
        var first = contract.Start.ToYearMonth();
        var last = contract.GetMonth(now);
        if (period < first || period > last)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period,
                $"The month {period:uuuu-MM} cannot be invoiced for contract {TextPolicy.Echo(contract.Id)}; valid: {first:uuuu-MM} (its start month) to {last:uuuu-MM} (its current month at {now}).");
        }
    }

    private InvoicePlan Plan(Contract contract, YearMonth period, TimeEntry[] entries, OneOffWork[] works, IEnumerable<BilledEntry> billed, InvoiceDocument? existing, Instant now)
        => InvoicePlanner.Plan(contract, period, entries, works, billed, existing, now, _validation);

    private static InvoiceCommit? Commit(Contract contract, YearMonth period, InvoicePlan plan, InvoiceDocument? existing, Instant now)
    {
        var (credit, invoice) = plan.Drafts(contract, period, existing, now);
        return credit is null && invoice is null ? null : new InvoiceCommit(existing?.Number, credit, invoice);
    }

    private static InvoiceRun Result(InvoicePlan plan, InvoiceDocument? existing, InvoiceCommitResult? committed)
        => committed is null
            ? new InvoiceRun(plan.Outcome, plan.Outcome == InvoiceRunOutcome.Unchanged ? existing : null, null, plan.Statement)
            : new InvoiceRun(plan.Outcome, committed.Invoice, committed.CreditNote, plan.Statement);

    private Contract Find(TenantId tenant, ContractId id)
    {
        TenantId.ThrowIfDefault(tenant);
        if (_contracts.TryGetValue(tenant, out var byId) && byId.TryGetValue(id, out var contract))
        {
            return contract;
        }

        var known = byId is null ? "none" : string.Join(", ", byId.Keys.Take(5).Select(k => TextPolicy.Echo(k))) + (byId.Count > 5 ? $", … ({byId.Count} in all)" : string.Empty);
        throw new ArgumentException($"Contract {TextPolicy.Echo(id)} is not a contract of tenant {TextPolicy.Echo(tenant)} in this ledger (valid: {known}).", nameof(id));
    }

    private static string Iso(LocalDate date) => NodaTime.Text.LocalDatePattern.Iso.Format(date);

    private static string Term(Contract contract)
        => Iso(contract.Start) + " to " + (contract.End is { } end && !contract.Renewal.AutoRenew ? Iso(end) : "open-ended");

    private static string Codes(Contract contract)
        => contract.PriceList is { Items.Count: > 0 } list
            ? string.Join(", ", list.Items.Take(8).Select(i => TextPolicy.Echo(i.Code))) + (list.Items.Count > 8 ? $", … ({list.Items.Count} in all)" : string.Empty)
            : "the contract has no price list";
}

/// <summary>What <see cref="DurableLedger.RunAsync(TenantId, YearMonth, Instant, CancellationToken)"/> did.</summary>
public sealed class InvoiceRunReport
{
    internal InvoiceRunReport(TenantId tenant, YearMonth period, IReadOnlyList<InvoiceRun> runs, int retried)
    {
        Tenant = tenant;
        Period = period;
        Runs = runs;
        Retried = retried;
    }

    /// <summary>Gets the tenant.</summary>
    public TenantId Tenant { get; }

    /// <summary>Gets the month.</summary>
    public YearMonth Period { get; }

    /// <summary>Gets one run per contract invoiced, by contract id (ordinal).</summary>
    public IReadOnlyList<InvoiceRun> Runs { get; }

    /// <summary>Gets how many contracts were decided again after another instance committed first.</summary>
    public int Retried { get; }

    /// <summary>Counts the runs with an outcome.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>The count.</returns>
    public int Count(InvoiceRunOutcome outcome) => Runs.Count(r => r.Outcome == outcome);
}
