using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>An issued invoice or credit note for one contract and month. Immutable.</summary>
/// <remarks>
/// Totals are the sums of the lines, in minor units (<see cref="NetMinorUnits"/> + <see cref="TaxMinorUnits"/> =
/// <see cref="TotalMinorUnits"/>). A credit note has the negated lines of the invoice it reverses
/// (<see cref="Reverses"/>).
/// </remarks>
public sealed class InvoiceDocument
{
    internal InvoiceDocument(
        InvoiceNumber number, Contract contract, YearMonth period, LocalDate issuedOn, InvoiceLine[] lines,
        TimeEntry[] entries, OneOffWorkId[] works, InvoiceNumber? reverses)
        : this(number, contract.Tenant, contract.Id, contract.Client, contract.ClientLegalName, period, issuedOn, contract.Currency, lines, entries, works, reverses)
    {
    }

    internal InvoiceDocument(
        InvoiceNumber number, TenantId tenant, ContractId contract, CustomerId client, string clientLegalName, YearMonth period,
        LocalDate issuedOn, Currency currency, InvoiceLine[] lines, TimeEntry[] entries, OneOffWorkId[] works, InvoiceNumber? reverses)
    {
        Number = number;
        Tenant = tenant;
        Contract = contract;
        Client = client;
        ClientLegalName = clientLegalName;
        Period = period;
        IssuedOn = issuedOn;
        Currency = currency;
        Lines = lines;
        BilledEntries = entries;
        Works = works;
        Reverses = reverses;
        NetMinorUnits = lines.Sum(l => l.NetMinorUnits);
        TaxMinorUnits = lines.Sum(l => l.TaxMinorUnits);
    }

    /// <summary>Gets the number.</summary>
    public InvoiceNumber Number { get; }

    /// <summary>Gets whether this is an invoice or a credit note.</summary>
    public InvoiceDocumentKind Kind => Number.Kind;

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

    /// <summary>Gets the issue date (in the contract's zone).</summary>
    public LocalDate IssuedOn { get; }

    /// <summary>Gets the currency.</summary>
    public Currency Currency { get; }

    /// <summary>Gets the lines.</summary>
    public IReadOnlyList<InvoiceLine> Lines { get; }

    /// <summary>Gets the time entries billed, as they were when billed (empty on credit notes).</summary>
    public IReadOnlyList<TimeEntry> BilledEntries { get; }

    /// <summary>Gets the one-off works billed (empty on credit notes).</summary>
    public IReadOnlyList<OneOffWorkId> Works { get; }

    /// <summary>Gets the invoice a credit note reverses, or <see langword="null"/>.</summary>
    public InvoiceNumber? Reverses { get; }

    /// <summary>Gets the sum of the lines' net amounts in minor units.</summary>
    public long NetMinorUnits { get; }

    /// <summary>Gets the sum of the lines' taxes in minor units.</summary>
    public long TaxMinorUnits { get; }

    /// <summary>Gets the total in minor units.</summary>
    public long TotalMinorUnits => NetMinorUnits + TaxMinorUnits;

    /// <summary>Gets the net total.</summary>
    public Money Net => Money.FromMinorUnits(NetMinorUnits, Currency);

    /// <summary>Gets the tax total.</summary>
    public Money Tax => Money.FromMinorUnits(TaxMinorUnits, Currency);

    /// <summary>Gets the total.</summary>
    public Money Total => Money.FromMinorUnits(TotalMinorUnits, Currency);

    /// <inheritdoc/>
    public override string ToString() => $"{Number} {Contract} {Period:uuuu-MM} {Total}";
}
