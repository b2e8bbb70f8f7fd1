using NodaTime;
using NodaTime.Text;
using ServiceDesk.Engine;

namespace ServiceDesk.Samples.WebApi;

/// <summary>
/// A request value the API refuses: a 400 whose <c>detail</c> is <see cref="Exception.Message"/> and whose
/// <c>path</c> (a body field such as <c>$.impact</c>) or <c>parameter</c> (a route or query parameter such as
/// <c>id</c>) names the value as the client sent it.
/// </summary>
public sealed class RequestValueException : Exception
{
    /// <summary>Initializes the exception.</summary>
    /// <param name="name">The JSON path of a body field (<c>$.impact</c>) or the name of a route or query parameter.</param>
    /// <param name="message">What is wrong and what is accepted, naming the bad value.</param>
    public RequestValueException(string name, string message)
        : base(message)
    {
        Name = name;
    }

    /// <summary>Gets the JSON path of the body field or the name of the route or query parameter.</summary>
    public string Name { get; }

    /// <summary>Gets whether <see cref="Name"/> is a JSON path into the body (it starts with <c>$</c>).</summary>
    public bool IsBodyPath => Name.StartsWith('$');
}

/// <summary>Turns request text into domain values; bad text is a <see cref="RequestValueException"/> naming the value
/// and the field or parameter as the client sent it (a 400).</summary>
internal static class Parse
{
    public static TicketId Ticket(string id)
        => Guid.TryParse(id, out var guid) && guid != Guid.Empty
            ? new TicketId(guid)
            : throw new RequestValueException("id", $"'{id}' is not a ticket id (a GUID such as 0b9e8c1e-6c2b-4c3e-9d4f-1a2b3c4d5e6f).");

    public static Impact Impact(int level)
        => level is >= 1 and <= 3
            ? new Impact(level)
            : throw new RequestValueException("$.impact", $"{level} is not an impact; use 1 (high), 2 (medium) or 3 (low).");

    public static Urgency Urgency(int level)
        => level is >= 1 and <= 3
            ? new Urgency(level)
            : throw new RequestValueException("$.urgency", $"{level} is not an urgency; use 1 (high), 2 (medium) or 3 (low).");

    public static Instant Instant(string text, string path)
        => InstantPattern.ExtendedIso.Parse(text) is { Success: true } result
            ? result.Value
            : throw new RequestValueException(path, $"'{text}' is not an ISO instant (e.g. 2026-03-02T09:30:00Z).");

    public static YearMonth Month(string text)
        => YearMonthPattern.Iso.Parse(text) is { Success: true } result
            ? result.Value
            : throw new RequestValueException("month", $"'{text}' is not a month (yyyy-MM, e.g. 2026-03).");

    public static string Required(string? text, string path)
        => string.IsNullOrWhiteSpace(text)
            ? throw new RequestValueException(path, $"{path[2..]} is required.")
            : text;

    public static CommandContext Agent(string tenant, string agent, string? idempotencyKey)
        => new(new TenantId(tenant), Actor.OfAgent(new AgentId(Required(agent, "$.agent")))) { IdempotencyKey = idempotencyKey };
}
