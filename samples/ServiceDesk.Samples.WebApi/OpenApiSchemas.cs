using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NodaTime;

namespace ServiceDesk.Samples.WebApi;

/// <summary>Describes the NodaTime values of the API in the OpenAPI document as the strings they are written as:
/// <see cref="Duration"/> as an ISO-8601 duration (<c>format: duration</c>, e.g. <c>PT1H</c>) and <see cref="Instant"/>
/// as an ISO date-time, instead of the structs' properties.</summary>
internal static class OpenApiSchemas
{
    public static Task DescribeNodaTimeAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        var nullable = Nullable.GetUnderlyingType(type) is not null;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(Duration))
        {
            AsString(schema, nullable, "duration", "An ISO-8601 duration in hours, minutes and seconds (business time for SLA clocks), e.g. PT8H30M.", "PT1H");
        }
        else if (type == typeof(Instant))
        {
            AsString(schema, nullable, "date-time", "An instant in UTC, ISO-8601.", "2026-03-02T09:30:00Z");
        }

        return Task.CompletedTask;
    }

    private static void AsString(OpenApiSchema schema, bool nullable, string format, string description, string example)
    {
        schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        schema.Format = format;
        schema.Description ??= description;
        schema.Example = JsonValue.Create(example);
        schema.Properties?.Clear();
        schema.Required?.Clear();
    }
}
