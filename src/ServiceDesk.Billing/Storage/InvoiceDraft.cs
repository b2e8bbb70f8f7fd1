using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>
/// A complete billing document without its number: what an invoice run hands to <see cref="IBillingStore.CommitAsync"/>,
/// which numbers it (<see cref="ToDocument"/>) in the transaction that stores it. Immutable.
/// </summary>
/// <remarks>A draft is made by <see cref="ForInvoice"/> or <see cref="CreditNoteFor"/>; its totals are the sums of its
/// lines, as on the document it becomes.</remarks>
public sealed class InvoiceDraft
{
    private readonly InvoiceLine[] _lines;
    private readonly TimeEntry[] _entries;
    private readonly OneOffWorkId[] _works;

    private InvoiceDraft(
        InvoiceDocumentKind kind, TenantId tenant, ContractId contract, CustomerId client, string clientLegalName, YearMonth period,
        LocalDate issuedOn, Currency currency, InvoiceLine[] lines, TimeEntry[] entries, OneOffWorkId[] works, InvoiceNumber? reverses)
    {
        Kind = kind;
        Tenant = tenant;
        Contract = contract;
        Client = client;
        ClientLegalName = clientLegalName;
        Period = period;
        IssuedOn = issuedOn;
        Currency = currency;
        _lines = lines;
        _entries = entries;
        _works = works;
        Reverses = reverses;
    }

    /// <summary>Gets the series the document will be numbered in.</summary>
    public InvoiceDocumentKind Kind { get; }

    /// <summary>Gets the tenant.</summary>
    public TenantId Tenant { get; }

    /// <summary>Gets the contract.</summary>
    public ContractId Contract { get; }

    /// <summary>Gets the client.</summary>
    public CustomerId Client { get; }

    /// <summary>Gets the client's legal name.</summary>
    public string ClientLegalName { get; }

    /// <summary>Gets the billing month.</summary>
    public YearMonth Period { get; }

    /// <summary>Gets the issue date.</summary>
    public LocalDate IssuedOn { get; }

    /// <summary>Gets the currency.</summary>
    public Currency Currency { get; }

    /// <summary>Gets the lines.</summary>
    public IReadOnlyList<InvoiceLine> Lines => _lines;

    /// <summary>Gets the time entries the invoice bills (empty on a credit note).</summary>
    public IReadOnlyList<TimeEntry> BilledEntries => _entries;

    /// <summary>Gets the one-off works the invoice bills (empty on a credit note).</summary>
    public IReadOnlyList<OneOffWorkId> Works => _works;

    /// <summary>Gets the invoice a credit note reverses, or <see langword="null"/> on an invoice.</summary>
    public InvoiceNumber? Reverses { get; }

    /// <summary>Makes the draft of an invoice.</summary>
    /// <param name="contract">The contract billed.</param>
    /// <param name="period">The billing month.</param>
    /// <param name="issuedOn">The issue date (in the contract's zone).</param>
    /// <param name="lines">The lines; at least one, each in the contract's currency.</param>
    /// <param name="entries">The time entries billed, each of the contract's tenant and with a distinct id.</param>
    /// <param name="works">The one-off works billed, each id once.</param>
    /// <returns>The draft.</returns>
    /// <exception cref="ArgumentNullException">An argument or an element is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">There is no line, a line has another currency, an entry is of another tenant,
    /// or an entry or work id repeats.</exception>
    public static InvoiceDraft ForInvoice(Contract contract, YearMonth period, LocalDate issuedOn, IEnumerable<InvoiceLine> lines, IEnumerable<TimeEntry> entries, IEnumerable<OneOffWorkId> works)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(works);
        InvoiceLine[] lineArray = [.. lines];
        TimeEntry[] entryArray = [.. entries];
        OneOffWorkId[] workArray = [.. works];
        if (lineArray.Length == 0)
        {
            throw new ArgumentException($"An invoice of contract {TextPolicy.Echo(contract.Id)} for {period:uuuu-MM} needs at least one line; got none.", nameof(lines));
        }

        foreach (var line in lineArray)
        {
            ArgumentNullException.ThrowIfNull(line, nameof(lines));
            if (line.Net.Currency != contract.Currency || line.Tax.Currency != contract.Currency)
            {
                throw new ArgumentException($"The line {TextPolicy.Echo(line.Description)} is in {line.Net.Currency.Code}, but contract {TextPolicy.Echo(contract.Id)} bills in {contract.Currency.Code}.", nameof(lines));
            }
        }

        var seen = new HashSet<TimeEntryId>();
        foreach (var entry in entryArray)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            if (entry.Tenant != contract.Tenant)
            {
                throw new ArgumentException($"Entry {TextPolicy.Echo(entry.Id)} is of tenant {TextPolicy.Echo(entry.Tenant)}, not of the contract's tenant {TextPolicy.Echo(contract.Tenant)}.", nameof(entries));
            }

            if (!seen.Add(entry.Id))
            {
                throw new ArgumentException($"Entry {TextPolicy.Echo(entry.Id)} is billed twice on one invoice.", nameof(entries));
            }
        }

        if (workArray.Distinct().Count() != workArray.Length)
        {
            throw new ArgumentException("A one-off work is billed twice on one invoice.", nameof(works));
        }

        return new InvoiceDraft(
            InvoiceDocumentKind.Invoice, contract.Tenant, contract.Id, contract.Client, contract.ClientLegalName, period, issuedOn,
            contract.Currency, lineArray, entryArray, workArray, null);
    }

    /// <summary>Makes the draft of the credit note that reverses an invoice: its lines negated.</summary>
    /// <param name="invoice">The invoice to reverse.</param>
    /// <param name="issuedOn">The issue date of the credit note.</param>
    /// <returns>The draft.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="invoice"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="invoice"/> is a credit note.</exception>
    public static InvoiceDraft CreditNoteFor(InvoiceDocument invoice, LocalDate issuedOn)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        if (invoice.Kind != InvoiceDocumentKind.Invoice)
        {
            throw new ArgumentException($"Only an invoice can be reversed; {invoice.Number} is a credit note.", nameof(invoice));
        }

        return new InvoiceDraft(
            InvoiceDocumentKind.CreditNote, invoice.Tenant, invoice.Contract, invoice.Client, invoice.ClientLegalName, invoice.Period,
            issuedOn, invoice.Currency, [.. invoice.Lines.Select(l => l.Negate())], [], [], invoice.Number);
    }

    /// <summary>Numbers the draft: the document as stored.</summary>
    /// <param name="sequence">The position in the tenant's series of <see cref="Kind"/>, from 1.</param>
    /// <returns>The document.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequence"/> is less than 1.</exception>
    public InvoiceDocument ToDocument(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        return new InvoiceDocument(
            new InvoiceNumber(Kind, sequence), Tenant, Contract, Client, ClientLegalName, Period, IssuedOn, Currency, _lines, _entries, _works, Reverses);
    }
}
