namespace ServiceDesk.Billing;

/// <summary>The kind of a billing document.</summary>
public enum InvoiceDocumentKind
{
    /// <summary>An invoice.</summary>
    Invoice = 0,

    /// <summary>A credit note that reverses an invoice.</summary>
    CreditNote = 1,
}

/// <summary>The number of a billing document: its series (one per kind) and its position in the series.</summary>
/// <param name="Kind">The series: invoices and credit notes are numbered separately.</param>
/// <param name="Sequence">The position, from 1, without gaps per tenant and series.</param>
public readonly record struct InvoiceNumber(InvoiceDocumentKind Kind, long Sequence)
{
    /// <summary>Formats as <c>INV-000042</c> or <c>CN-000007</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
        => (Kind == InvoiceDocumentKind.CreditNote ? "CN-" : "INV-") + Sequence.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Hands out document numbers without gaps, per tenant and series.</summary>
/// <remarks>
/// <para>An implementation backed by a database must take the number in the same transaction that stores the
/// document, so that a failed save does not leave a gap. <see cref="InvoiceLedger"/> asks for a number only once a
/// document is complete and is stored right away.</para>
/// <para>An abstract class rather than an interface so that members can be added with default behaviour later.</para>
/// </remarks>
public abstract class InvoiceNumberSequence
{
    /// <summary>Takes the next number of a tenant's series.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="kind">The series.</param>
    /// <returns>The next number: 1 for the first document, then one more each time.</returns>
    public abstract long Next(TenantId tenant, InvoiceDocumentKind kind);

    /// <summary>Gets the last number handed out in a tenant's series, or 0 if none.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="kind">The series.</param>
    /// <returns>The last number.</returns>
    public abstract long Current(TenantId tenant, InvoiceDocumentKind kind);
}

/// <summary>An in-memory <see cref="InvoiceNumberSequence"/>: thread-safe, starting at 1 for each tenant and series.</summary>
public sealed class InMemoryInvoiceNumberSequence : InvoiceNumberSequence
{
    private readonly Dictionary<(TenantId, InvoiceDocumentKind), long> _last = [];
    private readonly Lock _lock = new();

    /// <inheritdoc/>
    public override long Next(TenantId tenant, InvoiceDocumentKind kind)
    {
        TenantId.ThrowIfDefault(tenant);
        lock (_lock)
        {
            var next = checked(_last.GetValueOrDefault((tenant, kind)) + 1);
            _last[(tenant, kind)] = next;
            return next;
        }
    }

    /// <inheritdoc/>
    public override long Current(TenantId tenant, InvoiceDocumentKind kind)
    {
        lock (_lock)
        {
            return _last.GetValueOrDefault((tenant, kind));
        }
    }
}
