using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ServiceDesk.Serialization;

namespace ServiceDesk.Engine.Internal;

/// <summary>
/// The canonical JSON of an <see cref="OpenTicketRequest"/> for its idempotency fingerprint: <see cref="ServiceDeskJson"/>'s
/// options and converters, with metadata generated at compile time (no reflection, so trimming and native AOT work).
/// </summary>
/// <remarks>The text must not change between versions: a stored fingerprint of a retried opening is compared with the
/// fingerprint of the retry, so a different text would turn a replay into a conflict. A golden test pins it.</remarks>
internal static class EngineJson
{
    private static readonly JsonTypeInfo<OpenTicketRequest> OpenTicketRequestInfo = CreateInfo();

    /// <summary>The request as JSON.</summary>
    public static string Serialize(OpenTicketRequest request) => JsonSerializer.Serialize(request, OpenTicketRequestInfo);

    private static JsonTypeInfo<OpenTicketRequest> CreateInfo()
    {
        var options = ServiceDeskJson.CreateOptions();
        options.TypeInfoResolverChain.Insert(0, EngineJsonContext.Default);
        options.MakeReadOnly();
        return (JsonTypeInfo<OpenTicketRequest>)options.GetTypeInfo(typeof(OpenTicketRequest));
    }
}

/// <summary>Metadata for <see cref="EngineJson"/>; the generation options repeat those of <see cref="ServiceDeskJson.CreateOptions"/>.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    GenerationMode = JsonSourceGenerationMode.Metadata,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(OpenTicketRequest))]
internal sealed partial class EngineJsonContext : JsonSerializerContext;
