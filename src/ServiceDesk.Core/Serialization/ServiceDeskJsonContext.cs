using System.Text.Json;
using System.Text.Json.Serialization;
using ServiceDesk.Events;

namespace ServiceDesk.Serialization;

/// <summary>
/// The serialization metadata of tickets and events, generated at compile time so that <see cref="ServiceDeskJson"/>
/// needs no reflection (trimming and native AOT).
/// </summary>
/// <remarks>
/// Metadata only (no fast-path writers): values go through the converters of <see cref="ServiceDeskJson.Options"/>
/// exactly as the reflection-based resolver did, so the JSON is byte for byte what earlier versions stored. The derived
/// event types come from the <see cref="JsonDerivedTypeAttribute"/>s on <see cref="TicketEvent"/>; the generation
/// options repeat those of <see cref="ServiceDeskJson.CreateOptions"/>.
/// </remarks>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    GenerationMode = JsonSourceGenerationMode.Metadata,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(Ticket))]
[JsonSerializable(typeof(TicketEvent))]
internal sealed partial class ServiceDeskJsonContext : JsonSerializerContext;
