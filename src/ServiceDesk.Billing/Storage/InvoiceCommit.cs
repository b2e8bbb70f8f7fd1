using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>
/// What one invoice decision stores for a contract and month, all or nothing: an optional credit note reversing the
/// current invoice, an optional new invoice, the new current invoice and the billed-entry index.
/// </summary>
/// <remarks>
/// <para>The commit is checked against <see cref="ExpectedCurrent"/>: when the stored current invoice of the contract
/// and month is another one (another instance committed first), <see cref="IBillingStore.CommitAsync"/> throws
/// <see cref="BillingConcurrencyException"/> and stores nothing.</para>
/// <para>A credit note is given exactly when there is an expected current invoice, and reverses it; an invoice without
/// a credit note is a first invoice; a credit note without an invoice cancels the month's billing.</para>
/// </remarks>
public sealed class InvoiceCommit
{
    /// <summary>Initializes a commit.</summary>
    /// <param name="expectedCurrent">The current invoice the decision was made against, or <see langword="null"/> for none.</param>
    /// <param name="creditNote">The credit note reversing <paramref name="expectedCurrent"/>; required exactly when it is given.</param>
    /// <param name="invoice">The new invoice, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">Neither draft is given; a draft is of the wrong kind; the credit note does not
    /// reverse <paramref name="expectedCurrent"/>; or the drafts differ in tenant, contract or month.</exception>
    public InvoiceCommit(InvoiceNumber? expectedCurrent, InvoiceDraft? creditNote, InvoiceDraft? invoice)
    {
        var first = creditNote ?? invoice ?? throw new ArgumentException("A commit stores a credit note, an invoice or both; got neither.", nameof(invoice));
        if (expectedCurrent is { Kind: not InvoiceDocumentKind.Invoice })
        {
            throw new ArgumentException($"The expected current document {expectedCurrent} is not an invoice.", nameof(expectedCurrent));
        }

        if (creditNote is not null && (creditNote.Kind != InvoiceDocumentKind.CreditNote || creditNote.Reverses != expectedCurrent))
        {
            throw new ArgumentException($"The credit note must reverse the expected current invoice {(expectedCurrent?.ToString() ?? "(none)")}; it reverses {(creditNote.Reverses?.ToString() ?? "(none)")}.", nameof(creditNote));
        }

        if (creditNote is null && expectedCurrent is not null)
        {
            throw new ArgumentException($"Replacing the current invoice {expectedCurrent} needs a credit note that reverses it.", nameof(creditNote));
        }

        if (invoice is not null && invoice.Kind != InvoiceDocumentKind.Invoice)
        {
            throw new ArgumentException("The invoice draft is a credit note.", nameof(invoice));
        }

        if (creditNote is not null && invoice is not null
            && (creditNote.Tenant != invoice.Tenant || creditNote.Contract != invoice.Contract || creditNote.Period != invoice.Period))
        {
            throw new ArgumentException("The credit note and the invoice are of different tenants, contracts or months.", nameof(invoice));
        }

        ExpectedCurrent = expectedCurrent;
        CreditNote = creditNote;
        Invoice = invoice;
        Tenant = first.Tenant;
        Contract = first.Contract;
        Period = first.Period;
    }

    /// <summary>Checks the arguments of <see cref="IBillingStore.CommitAsync"/> as every adapter must: not null, 1 to
    /// <see cref="IBillingStore.MaxCommits"/> commits, one tenant, each (contract, month) once.</summary>
    /// <param name="commits">The commits.</param>
    /// <returns>The tenant of the commits, or <see langword="null"/> when there are none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="commits"/> or an element is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">More than 1,000 commits, two tenants, or a repeated (contract, month).</exception>
    public static TenantId? CheckBatch(IReadOnlyList<InvoiceCommit> commits)
    {
        ArgumentNullException.ThrowIfNull(commits);
        if (commits.Count > IBillingStore.MaxCommits)
        {
            throw new ArgumentException($"One call commits at most {IBillingStore.MaxCommits} contracts; got {commits.Count}.", nameof(commits));
        }

        TenantId? tenant = null;
        var seen = new HashSet<(ContractId, YearMonth)>();
        foreach (var c in commits)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(commits));
            tenant ??= c.Tenant;
            if (c.Tenant != tenant)
            {
                throw new ArgumentException($"All commits of one call are of one tenant; got {TextPolicy.Echo(tenant.Value)} and {TextPolicy.Echo(c.Tenant)}.", nameof(commits));
            }

            if (!seen.Add((c.Contract, c.Period)))
            {
                throw new ArgumentException($"Contract {TextPolicy.Echo(c.Contract)} for {c.Period:uuuu-MM} appears more than once in one call.", nameof(commits));
            }
        }

        return tenant;
    }

    /// <summary>Gets the tenant.</summary>
    public TenantId Tenant { get; }

    /// <summary>Gets the contract.</summary>
    public ContractId Contract { get; }

    /// <summary>Gets the billing month.</summary>
    public YearMonth Period { get; }

    /// <summary>Gets the current invoice the decision was made against, or <see langword="null"/>.</summary>
    public InvoiceNumber? ExpectedCurrent { get; }

    /// <summary>Gets the credit note to issue, or <see langword="null"/>.</summary>
    public InvoiceDraft? CreditNote { get; }

    /// <summary>Gets the invoice to issue, or <see langword="null"/>.</summary>
    public InvoiceDraft? Invoice { get; }
}

/// <summary>The documents a commit issued, numbered.</summary>
/// <param name="CreditNote">The credit note, or <see langword="null"/>.</param>
/// <param name="Invoice">The invoice (now current), or <see langword="null"/>.</param>
public sealed record InvoiceCommitResult(InvoiceDocument? CreditNote, InvoiceDocument? Invoice);

/// <summary>An entry of the billed-entry index: the entry as first billed and the current invoice it is on.</summary>
/// <param name="Snapshot">The entry as it was when first billed (to detect edits).</param>
/// <param name="Invoice">The current invoice the entry is on, or <see langword="null"/> when that invoice was reversed.</param>
/// <param name="Contract">The contract of the invoice it was last billed on.</param>
/// <param name="Period">The month of the invoice it was last billed on.</param>
public sealed record BilledEntry(TimeEntry Snapshot, InvoiceNumber? Invoice, ContractId Contract, YearMonth Period);

/// <summary>A stored billing document and whether it has been reversed.</summary>
/// <param name="Document">The document.</param>
/// <param name="ReversedBy">The credit note that reversed this invoice, or <see langword="null"/> (always for a credit note).</param>
public sealed record StoredInvoiceDocument(InvoiceDocument Document, InvoiceNumber? ReversedBy)
{
    /// <summary>Gets the status: <see cref="InvoiceStatus.Current"/>, <see cref="InvoiceStatus.Reversed"/> or <see cref="InvoiceStatus.CreditNote"/>.</summary>
    public InvoiceStatus Status => Document.Kind == InvoiceDocumentKind.CreditNote
        ? InvoiceStatus.CreditNote
        : ReversedBy is null ? InvoiceStatus.Current : InvoiceStatus.Reversed;
}

/// <summary>The status of a stored billing document.</summary>
public enum InvoiceStatus
{
    /// <summary>An invoice that is the current one of its contract and month.</summary>
    Current = 0,

    /// <summary>An invoice reversed by a credit note.</summary>
    Reversed = 1,

    /// <summary>A credit note (final).</summary>
    CreditNote = 2,
}

/// <summary>
/// Thrown by <see cref="IBillingStore.CommitAsync"/> when the current invoice of a contract and month is not the one the
/// commit expected: another instance invoiced it first. Nothing was stored and no number was used; reload and decide again
/// (<see cref="DurableLedger"/> does).
/// </summary>
public sealed class BillingConcurrencyException : InvalidOperationException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="contract">The contract.</param>
    /// <param name="period">The month.</param>
    /// <param name="expected">The current invoice the commit expected, or <see langword="null"/>.</param>
    /// <param name="actual">The current invoice stored, or <see langword="null"/>.</param>
    public BillingConcurrencyException(TenantId tenant, ContractId contract, YearMonth period, InvoiceNumber? expected, InvoiceNumber? actual)
        : base($"The current invoice of contract {TextPolicy.Echo(contract)} of tenant {TextPolicy.Echo(tenant)} for {period:uuuu-MM} is {(actual?.ToString() ?? "none")}, but the commit expected {(expected?.ToString() ?? "none")}. Nothing was stored; reload and invoice again.")
    {
        Tenant = tenant;
        Contract = contract;
        Period = period;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Gets the tenant.</summary>
    public TenantId Tenant { get; }

    /// <summary>Gets the contract.</summary>
    public ContractId Contract { get; }

    /// <summary>Gets the month.</summary>
    public YearMonth Period { get; }

    /// <summary>Gets the current invoice the commit expected.</summary>
    public InvoiceNumber? Expected { get; }

    /// <summary>Gets the current invoice stored.</summary>
    public InvoiceNumber? Actual { get; }
}
