using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ServiceDesk.Events;

namespace ServiceDesk.Serialization;

/// <summary>
/// The JSON form of tickets and domain events that storage adapters persist and integrators read from the outbox.
/// </summary>
/// <remarks>
/// <para>Ids are strings (ticket ids in GUID <c>D</c> format), ticket numbers are their text (<c>INC0001234</c>),
/// instants are ISO-8601 UTC with up to nine fractional digits (<c>2025-03-03T09:00:00.5Z</c>), durations use NodaTime's
/// round-trip pattern (<c>0:01:30:00</c> is 1 h 30 min), enums are names, impact and urgency are their levels, and an
/// event carries its type in a <c>"type"</c> discriminator (<c>"opened"</c>, <c>"status"</c>, <c>"assigned"</c>, …).
/// Property names are camelCase. Reading validates every value exactly as the constructors do, so a corrupted row
/// fails with a clear exception instead of producing an invalid ticket.</para>
/// <para>The options are read-only and thread-safe; <see cref="CreateOptions"/> returns a mutable copy to extend.</para>
/// <para>Serialization uses metadata generated at compile time (a <see cref="JsonSerializerContext"/>), not reflection, so
/// it works unchanged in trimmed and native AOT applications. The options' <see cref="JsonSerializerOptions.TypeInfoResolver"/>
/// knows the SDK's tickets and events only: to serialize your own types with a copy from <see cref="CreateOptions"/>, add
/// your own context (or, outside trimmed and AOT applications, a <see cref="System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver"/>)
/// to its <see cref="JsonSerializerOptions.TypeInfoResolverChain"/>.</para>
/// </remarks>
public static class ServiceDeskJson
{
    /// <summary>Gets the read-only options used by the methods of this class.</summary>
    public static JsonSerializerOptions Options { get; } = Freeze(CreateOptions());

    // After Options: static initializers run in textual order.
    private static readonly JsonTypeInfo<Ticket> TicketInfo = (JsonTypeInfo<Ticket>)Options.GetTypeInfo(typeof(Ticket));
    private static readonly JsonTypeInfo<TicketEvent> EventInfo = (JsonTypeInfo<TicketEvent>)Options.GetTypeInfo(typeof(TicketEvent));

    /// <summary>Creates a new, mutable copy of the options, with every converter the SDK's types need.</summary>
    /// <returns>The options.</returns>
    public static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = false,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,

            // Stores such as PostgreSQL's jsonb reorder properties, so the "type" discriminator may come later.
            AllowOutOfOrderMetadataProperties = true,
        };
        foreach (var converter in Converters.All())
        {
            options.Converters.Add(converter);
        }

        options.TypeInfoResolver = ServiceDeskJsonContext.Default;
        return options;
    }

    /// <summary>Writes a ticket as JSON.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    public static string Serialize(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return JsonSerializer.Serialize(ticket, TicketInfo);
    }

    /// <summary>Writes an event as JSON, with its <c>"type"</c> discriminator.</summary>
    /// <param name="ticketEvent">The event.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticketEvent"/> is <see langword="null"/>.</exception>
    public static string Serialize(TicketEvent ticketEvent)
    {
        ArgumentNullException.ThrowIfNull(ticketEvent);
        return JsonSerializer.Serialize(ticketEvent, EventInfo);
    }

    /// <summary>Reads a ticket written by <see cref="Serialize(Ticket)"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The ticket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The text is not a valid ticket; the message says where and why.</exception>
    public static Ticket DeserializeTicket(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(json, TicketInfo, "ticket");
    }

    /// <summary>Reads an event written by <see cref="Serialize(TicketEvent)"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The text is not a valid event; the message says where and why.</exception>
    public static TicketEvent DeserializeEvent(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(json, EventInfo, "ticket event");
    }

    private static T Read<T>(string json, JsonTypeInfo<T> typeInfo, string what)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, typeInfo)
                ?? throw new JsonException($"The JSON text is null, not a {what}.");
        }
        catch (ArgumentException ex)
        {
            // A value failed the model's validation: report it as bad JSON, keeping the validation message.
            throw new JsonException($"The JSON text is not a valid {what}: {ex.Message}", ex);
        }
    }

    private static JsonSerializerOptions Freeze(JsonSerializerOptions options)
    {
        options.MakeReadOnly();
        return options;
    }
}
