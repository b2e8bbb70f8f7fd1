using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime.Text;
using ServiceDesk.Serialization;
using ServiceDesk.Storage;

namespace ServiceDesk.Notifications.Webhooks;

/// <summary>
/// The JSON body of a webhook delivery, version <see cref="CurrentVersion"/>: an envelope naming the event, its tenant,
/// ticket and version, and the event itself as <see cref="Data"/> in the ServiceDesk event format.
/// </summary>
/// <remarks>
/// <para><b>Versioning.</b> <see cref="Version"/> changes only when the envelope changes incompatibly; new envelope fields
/// and new event fields may appear in the same version, so receivers ignore fields they do not know.</para>
/// <para><b>Identity.</b> <see cref="Id"/> (<c>{tenant}:{ticket}:{ticket version}</c>, also sent as the
/// <c>ServiceDesk-Delivery</c> header) is the same on every attempt of one event: deliveries are at least once, so
/// receivers deduplicate by it.</para>
/// <para>Write it with <see cref="ToUtf8Bytes"/> and read it with <see cref="Parse"/>: both use source-generated
/// System.Text.Json metadata (camelCase names), so they are trimming and AOT safe.</para>
/// </remarks>
/// <param name="Version">The envelope version: 1.</param>
/// <param name="Id">The delivery id, stable across attempts.</param>
/// <param name="Type">The event type, e.g. <c>opened</c>, <c>status</c>, <c>escalated</c> (the <c>type</c> of
/// <see cref="Data"/>).</param>
/// <param name="Tenant">The tenant.</param>
/// <param name="Ticket">The ticket id.</param>
/// <param name="TicketVersion">The ticket version the event produced.</param>
/// <param name="OccurredAt">When the event happened, ISO-8601 UTC.</param>
/// <param name="Position">The event's outbox position (increasing; for diagnostics).</param>
/// <param name="Data">The event, as ServiceDesk.Core serializes events.</param>
public sealed record WebhookPayload(
    int Version, string Id, string Type, string Tenant, Guid Ticket, long TicketVersion, string OccurredAt, long Position, JsonElement Data)
{
    /// <summary>The envelope version this library writes: 1.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Builds the payload of an outbox message.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    public static WebhookPayload FromMessage(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var e = message.Event;
        using var document = JsonDocument.Parse(ServiceDeskJson.Serialize(e));
        var data = document.RootElement.Clone();
        var type = data.TryGetProperty("type", out var t) && t.GetString() is { } name ? name : e.GetType().Name;
        return new WebhookPayload(
            CurrentVersion,
            string.Create(CultureInfo.InvariantCulture, $"{e.Tenant.Value}:{e.Ticket.Value:D}:{e.Version}"),
            type,
            e.Tenant.Value,
            e.Ticket.Value,
            e.Version,
            InstantPattern.ExtendedIso.Format(e.At),
            message.Position,
            data);
    }

    /// <summary>Serializes the payload to UTF-8 JSON bytes (the exact bytes that are signed and posted).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToUtf8Bytes() => JsonSerializer.SerializeToUtf8Bytes(this, WebhookJsonContext.Default.WebhookPayload);

    /// <summary>Reads a payload from a request body.</summary>
    /// <param name="body">The UTF-8 JSON body.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="JsonException">The body is not a payload.</exception>
    public static WebhookPayload Parse(ReadOnlySpan<byte> body)
        => JsonSerializer.Deserialize(body, WebhookJsonContext.Default.WebhookPayload) ?? throw new JsonException("The webhook body is JSON null.");
}

/// <summary>The source-generated JSON metadata of <see cref="WebhookPayload"/> (camelCase property names).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
