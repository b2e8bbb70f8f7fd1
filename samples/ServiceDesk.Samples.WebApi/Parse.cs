using NodaTime;
using NodaTime.Text;
using ServiceDesk.Engine;

namespace ServiceDesk.Samples.WebApi;

/// <summary>Turns request text into domain values; bad text is an <see cref="ArgumentException"/> naming the value (a 400).</summary>
internal static class Parse
{
    public static TicketId Ticket(string id)
        => Guid.TryParse(id, out var guid) && guid != Guid.Empty ? new TicketId(guid) : throw new ArgumentException($"'{id}' is not a ticket id (a GUID).", nameof(id));

    public static T Enum<T>(string text, string name)
        where T : struct, System.Enum
        => System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !int.TryParse(text, out _)
            ? value
            : throw new ArgumentException($"'{text}' is not a valid {name}; use one of {string.Join(", ", System.Enum.GetNames<T>())}.", name);

    public static Instant Instant(string text, string name)
        => InstantPattern.ExtendedIso.Parse(text) is { Success: true } result
            ? result.Value
            : throw new ArgumentException($"'{text}' is not an ISO instant (e.g. 2026-03-02T09:30:00Z).", name);

    public static YearMonth Month(string text)
        => YearMonthPattern.Iso.Parse(text) is { Success: true } result
            ? result.Value
            : throw new ArgumentException($"'{text}' is not a month (yyyy-MM).", "month");

    public static CommandContext Agent(string tenant, string agent, string? idempotencyKey)
        => new(new TenantId(tenant), Actor.OfAgent(new AgentId(agent))) { IdempotencyKey = idempotencyKey };
}
