using System.Globalization;
using System.Text;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace ServiceDesk.Billing;

/// <summary>
/// The JSON form in which storage adapters persist time entries, one-off works and billing documents. Written and read by
/// hand (no reflection, so trimming and native AOT are safe), camelCase, instants ISO-8601 UTC, durations NodaTime's
/// round-trip pattern, money as a decimal string with its currency, months <c>uuuu-MM</c>.
/// </summary>
/// <remarks>Reading validates every value as the constructors do: a corrupt row fails with <see cref="JsonException"/>
/// (or the constructor's <see cref="ArgumentException"/>) instead of producing an invalid record. Thread-safe.</remarks>
public static class BillingJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>Writes a time entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(TimeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Write(w => WriteEntry(w, entry));
    }

    /// <summary>Reads a time entry written by <see cref="Serialize(TimeEntry)"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="JsonException">The text is not a time entry.</exception>
    public static TimeEntry DeserializeTimeEntry(string json) => Read(json, ReadEntry);

    /// <summary>Writes a one-off work.</summary>
    /// <param name="work">The work.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(OneOffWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Write(w => WriteWork(w, work));
    }

    /// <summary>Reads a one-off work written by <see cref="Serialize(OneOffWork)"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The work.</returns>
    /// <exception cref="JsonException">The text is not a one-off work.</exception>
    public static OneOffWork DeserializeOneOffWork(string json) => Read(json, ReadWork);

    /// <summary>Writes a billing document (invoice or credit note) with its lines and billed records.</summary>
    /// <param name="document">The document.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(InvoiceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("number", document.Number.ToString());
            w.WriteString("tenant", document.Tenant.Value);
            w.WriteString("contract", document.Contract.Value);
            w.WriteString("client", document.Client.Value);
            w.WriteString("clientLegalName", document.ClientLegalName);
            w.WriteString("period", Month(document.Period));
            w.WriteString("issuedOn", LocalDatePattern.Iso.Format(document.IssuedOn));
            w.WriteString("currency", document.Currency.Code);
            w.WriteNumber("minorUnits", document.Currency.MinorUnits);
            if (document.Reverses is { } reverses)
            {
                w.WriteString("reverses", reverses.ToString());
            }

            w.WriteStartArray("lines");
            foreach (var l in document.Lines)
            {
                w.WriteStartObject();
                w.WriteString("kind", l.Kind.ToString());
                w.WriteString("description", l.Description);
                w.WriteString("quantity", Decimal(l.Quantity));
                w.WriteString("unit", l.Unit);
                w.WriteString("unitPrice", Decimal(l.UnitPrice.Amount));
                w.WriteString("net", Decimal(l.Net.Amount));
                w.WriteString("taxRate", Decimal(l.TaxRate));
                w.WriteString("tax", Decimal(l.Tax.Amount));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("entries");
            foreach (var e in document.BilledEntries)
            {
                WriteEntry(w, e);
            }

            w.WriteEndArray();
            w.WriteStartArray("works");
            foreach (var id in document.Works)
            {
                w.WriteStringValue(id.Value);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Reads a document written by <see cref="Serialize(InvoiceDocument)"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The document.</returns>
    /// <exception cref="JsonException">The text is not a billing document.</exception>
    public static InvoiceDocument DeserializeDocument(string json) => Read(json, e =>
    {
        var currency = new Currency(Str(e, "currency"), Int(e, "minorUnits"));
        var lines = e.GetProperty("lines").EnumerateArray().Select(l => new InvoiceLine(
            Enum<InvoiceLineKind>(l, "kind"),
            Str(l, "description"),
            Dec(l, "quantity"),
            Str(l, "unit"),
            new Money(Dec(l, "unitPrice"), currency),
            new Money(Dec(l, "net"), currency),
            Dec(l, "taxRate"),
            new Money(Dec(l, "tax"), currency))).ToArray();
        var entries = e.GetProperty("entries").EnumerateArray().Select(ReadEntry).ToArray();
        var works = e.GetProperty("works").EnumerateArray().Select(w => new OneOffWorkId(w.GetString() ?? throw new JsonException("A work id is null."))).ToArray();
        return new InvoiceDocument(
            ParseNumber(Str(e, "number")),
            new TenantId(Str(e, "tenant")),
            new ContractId(Str(e, "contract")),
            new CustomerId(Str(e, "client")),
            Str(e, "clientLegalName"),
            ParseMonth(Str(e, "period")),
            Parse(LocalDatePattern.Iso, Str(e, "issuedOn")),
            currency,
            lines,
            entries,
            works,
            OptStr(e, "reverses") is { } r ? ParseNumber(r) : null);
    });

    /// <summary>Formats a month as <c>uuuu-MM</c>, the form adapters index it by.</summary>
    /// <param name="period">The month.</param>
    /// <returns>The text.</returns>
    public static string Month(YearMonth period) => YearMonthPattern.Iso.Format(period);

    /// <summary>Parses a month written by <see cref="Month"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The month.</returns>
    /// <exception cref="JsonException">The text is not a month.</exception>
    public static YearMonth ParseMonth(string text) => Parse(YearMonthPattern.Iso, text);

    /// <summary>Parses a document number written by <see cref="InvoiceNumber.ToString"/> (<c>INV-000042</c>, <c>CN-000007</c>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The number.</returns>
    /// <exception cref="JsonException">The text is not a document number.</exception>
    public static InvoiceNumber ParseNumber(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (kind, digits) = text.StartsWith("INV-", StringComparison.Ordinal) ? (InvoiceDocumentKind.Invoice, text[4..])
            : text.StartsWith("CN-", StringComparison.Ordinal) ? (InvoiceDocumentKind.CreditNote, text[3..])
            : throw new JsonException($"{TextPolicy.Echo(text)} is not a document number (INV-000001 or CN-000001).");
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && sequence > 0
            ? new InvoiceNumber(kind, sequence)
            : throw new JsonException($"{TextPolicy.Echo(text)} is not a document number (INV-000001 or CN-000001).");
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static T Read<T>(string json, Func<JsonElement, T> read)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        try
        {
            return read(document.RootElement);
        }
        catch (KeyNotFoundException ex)
        {
            throw new JsonException($"A required property is missing: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException($"A property has the wrong JSON type: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new JsonException($"A value is malformed: {ex.Message}", ex);
        }
    }

    private static void WriteEntry(Utf8JsonWriter w, TimeEntry e)
    {
        w.WriteStartObject();
        w.WriteString("id", e.Id.Value);
        w.WriteString("tenant", e.Tenant.Value);
        w.WriteString("contract", e.Contract.Value);
        w.WriteString("ticket", e.Ticket.ToString());
        w.WriteString("agent", e.Agent.Value);
        w.WriteString("activity", e.Activity);
        w.WriteString("start", InstantPattern.ExtendedIso.Format(e.Start));
        w.WriteString("duration", DurationPattern.Roundtrip.Format(e.Duration));
        w.WriteBoolean("billable", e.Billable);
        w.WriteString("approval", e.Approval.ToString());
        Opt(w, "notes", e.Notes);
        Opt(w, "role", e.Role);
        Opt(w, "priority", e.Priority?.ToString());
        Opt(w, "service", e.Service?.Value);
        Opt(w, "configurationItem", e.ConfigurationItem?.Value);
        Opt(w, "supersedes", e.Supersedes?.Value);
        w.WriteEndObject();
    }

    private static TimeEntry ReadEntry(JsonElement e) => new(
        new TimeEntryId(Str(e, "id")),
        new TenantId(Str(e, "tenant")),
        new ContractId(Str(e, "contract")),
        TicketId.Parse(Str(e, "ticket")),
        new AgentId(Str(e, "agent")),
        Str(e, "activity"),
        Parse(InstantPattern.ExtendedIso, Str(e, "start")),
        Parse(DurationPattern.Roundtrip, Str(e, "duration")))
    {
        Billable = e.GetProperty("billable").GetBoolean(),
        Approval = Enum<ApprovalState>(e, "approval"),
        Notes = OptStr(e, "notes"),
        Role = OptStr(e, "role"),
        Priority = OptStr(e, "priority") is { } p ? ParseEnum<Priority>(p, "priority") : null,
        Service = OptStr(e, "service") is { } s ? new ServiceId(s) : null,
        ConfigurationItem = OptStr(e, "configurationItem") is { } c ? new ConfigurationItemId(c) : null,
        Supersedes = OptStr(e, "supersedes") is { } id ? new TimeEntryId(id) : null,
    };

    private static void WriteWork(Utf8JsonWriter w, OneOffWork work)
    {
        w.WriteStartObject();
        w.WriteString("id", work.Id.Value);
        w.WriteString("contract", work.Contract.Value);
        w.WriteString("itemCode", work.ItemCode);
        w.WriteString("quantity", Decimal(work.Quantity));
        w.WriteString("performedAt", InstantPattern.ExtendedIso.Format(work.PerformedAt));
        Opt(w, "ticket", work.Ticket?.ToString());
        Opt(w, "service", work.Service?.Value);
        Opt(w, "description", work.Description);
        Opt(w, "supersedes", work.Supersedes?.Value);
        w.WriteEndObject();
    }

    private static OneOffWork ReadWork(JsonElement e) => new(
        new OneOffWorkId(Str(e, "id")),
        new ContractId(Str(e, "contract")),
        Str(e, "itemCode"),
        Dec(e, "quantity"),
        Parse(InstantPattern.ExtendedIso, Str(e, "performedAt")))
    {
        Ticket = OptStr(e, "ticket") is { } t ? TicketId.Parse(t) : null,
        Service = OptStr(e, "service") is { } s ? new ServiceId(s) : null,
        Description = OptStr(e, "description"),
        Supersedes = OptStr(e, "supersedes") is { } id ? new OneOffWorkId(id) : null,
    };

    private static void Opt(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static string Decimal(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Str(JsonElement e, string name)
        => e.GetProperty(name).GetString() ?? throw new JsonException($"The property '{name}' is null.");

    private static string? OptStr(JsonElement e, string name)
        => e.TryGetProperty(name, out var p) && p.ValueKind != JsonValueKind.Null ? p.GetString() : null;

    private static int Int(JsonElement e, string name) => e.GetProperty(name).GetInt32();

    private static decimal Dec(JsonElement e, string name)
        => decimal.TryParse(Str(e, name), NumberStyles.Number, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw new JsonException($"The property '{name}' is not a decimal number.");

    private static T Enum<T>(JsonElement e, string name)
        where T : struct, Enum
        => ParseEnum<T>(Str(e, name), name);

    private static T ParseEnum<T>(string text, string name)
        where T : struct, Enum
        => System.Enum.TryParse<T>(text, ignoreCase: false, out var value) && System.Enum.IsDefined(value) && !char.IsDigit(text[0]) && text[0] != '-'
            ? value
            : throw new JsonException($"The property '{name}' has the unknown value {TextPolicy.Echo(text)}.");

    private static T Parse<T>(IPattern<T> pattern, string text)
    {
        var result = pattern.Parse(text);
        return result.Success ? result.Value : throw new JsonException($"{TextPolicy.Echo(text)} is malformed: {result.Exception.Message}");
    }
}
