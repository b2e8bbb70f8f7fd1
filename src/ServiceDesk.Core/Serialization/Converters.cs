using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;
using ServiceDesk.Events;

namespace ServiceDesk.Serialization;

/// <summary>The converters behind <see cref="ServiceDeskJson"/>.</summary>
internal static class Converters
{
    public static IEnumerable<JsonConverter> All()
    {
        yield return new TextConverter<TenantId>(s => new TenantId(s), v => v.Value);
        yield return new TextConverter<AgentId>(s => new AgentId(s), v => v.Value);
        yield return new TextConverter<GroupId>(s => new GroupId(s), v => v.Value);
        yield return new TextConverter<CustomerId>(s => new CustomerId(s), v => v.Value);
        yield return new TextConverter<ContractId>(s => new ContractId(s), v => v.Value);
        yield return new TextConverter<ServiceId>(s => new ServiceId(s), v => v.Value);
        yield return new TextConverter<ConfigurationItemId>(s => new ConfigurationItemId(s), v => v.Value);
        yield return new TextConverter<LocationId>(s => new LocationId(s), v => v.Value);
        yield return new TextConverter<TicketId>(TicketId.Parse, v => v.ToString());
        yield return new TextConverter<TicketNumber>(TicketNumber.Parse, v => v.ToString());
        yield return new TextConverter<TicketStatus>(s => new TicketStatus(s), v => v.Name);
        yield return new TextConverter<Instant>(s => Parse(InstantPattern.ExtendedIso, s), v => InstantPattern.ExtendedIso.Format(v));
        yield return new TextConverter<Duration>(s => Parse(DurationPattern.Roundtrip, s), v => DurationPattern.Roundtrip.Format(v));
        yield return new TextConverter<LocalDate>(s => Parse(LocalDatePattern.Iso, s), v => LocalDatePattern.Iso.Format(v));
        yield return new LevelConverter<Impact>(l => new Impact(l), v => v.Level);
        yield return new LevelConverter<Urgency>(l => new Urgency(l), v => v.Level);
        yield return new ActorConverter();
        yield return AttributeValueConverter.Instance;
        yield return new CustomAttributesConverter();

        // Enums are their names, never numbers; one generic converter per enum keeps this free of runtime code generation.
        yield return Names<TicketKind>();
        yield return Names<Priority>();
        yield return Names<Channel>();
        yield return Names<ActorKind>();
        yield return Names<AttributeKind>();
        yield return Names<CommentVisibility>();
        yield return Names<TicketLinkType>();
        yield return Names<EscalationKind>();
        yield return Names<ApprovalOutcome>();
        yield return Names<AssignmentTrigger>();
    }

    private static JsonStringEnumConverter<T> Names<T>()
        where T : struct, Enum
        => new(namingPolicy: null, allowIntegerValues: false);

    private static T Parse<T>(IPattern<T> pattern, string text)
    {
        var result = pattern.Parse(text);
        return result.Success ? result.Value : throw new JsonException(result.Exception.Message);
    }

    private static string ReadString(ref Utf8JsonReader reader, string what)
        => reader.TokenType == JsonTokenType.String
            ? reader.GetString()!
            : throw new JsonException($"Expected a string for {what}; got {reader.TokenType}.");

    private sealed class TextConverter<T> : JsonConverter<T>
    {
        private readonly Func<string, T> _parse;
        private readonly Func<T, string> _format;

        public TextConverter(Func<string, T> parse, Func<T, string> format)
        {
            _parse = parse;
            _format = format;
        }

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = ReadString(ref reader, typeof(T).Name);
            try
            {
                return _parse(text);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                throw new JsonException($"{TextPolicy.Echo(text)} is not a valid {typeof(T).Name}: {ex.Message}", ex);
            }
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
            => writer.WriteStringValue(_format(value) ?? throw new JsonException($"default({typeof(T).Name}) cannot be written."));
    }

    private sealed class LevelConverter<T> : JsonConverter<T>
    {
        private readonly Func<int, T> _create;
        private readonly Func<T, int> _level;

        public LevelConverter(Func<int, T> create, Func<T, int> level)
        {
            _create = create;
            _level = level;
        }

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var level))
            {
                throw new JsonException($"Expected an integer level for {typeof(T).Name}; got {reader.TokenType}.");
            }

            try
            {
                return _create(level);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new JsonException(ex.Message, ex);
            }
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
            => writer.WriteNumberValue(_level(value));
    }

    private sealed class ActorConverter : JsonConverter<Actor>
    {
        public override Actor Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = ReadString(ref reader, nameof(Actor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var kind = colon > 0 ? text[..colon] : string.Empty;
            var id = colon > 0 ? text[(colon + 1)..] : string.Empty;
            try
            {
                return kind switch
                {
                    "System" => Actor.System,
                    "Agent" => Actor.OfAgent(new AgentId(id)),
                    "Requester" => Actor.OfRequester(id),
                    "Integration" => Actor.OfIntegration(id),
                    _ => throw new JsonException($"{TextPolicy.Echo(text)} is not an actor: expected System:system, Agent:<id>, Requester:<contact> or Integration:<name>."),
                };
            }
            catch (ArgumentException ex)
            {
                throw new JsonException($"{TextPolicy.Echo(text)} is not a valid actor: {ex.Message}", ex);
            }
        }

        public override void Write(Utf8JsonWriter writer, Actor value, JsonSerializerOptions options)
        {
            if (value.IsDefault)
            {
                throw new JsonException("default(Actor) cannot be written.");
            }

            writer.WriteStringValue(value.ToString());
        }
    }

    private sealed class AttributeValueConverter : JsonConverter<AttributeValue>
    {
        public static readonly AttributeValueConverter Instance = new();

        public override AttributeValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"Expected an object {{\"kind\":…,\"value\":…}} for an attribute value; got {reader.TokenType}.");
            }

            string? kind = null;
            JsonElement? value = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "kind":
                        kind = ReadString(ref reader, "attribute kind");
                        break;
                    case "value":
                        value = JsonElement.ParseValue(ref reader);
                        break;
                    default:
                        throw new JsonException($"Unknown attribute value field {TextPolicy.Echo(name)}; expected kind and value.");
                }
            }

            if (kind is null || value is not { } v)
            {
                throw new JsonException("An attribute value needs both kind and value.");
            }

            try
            {
                return kind switch
                {
                    "String" => AttributeValue.FromString(v.GetString()!),
                    "Integer" => AttributeValue.FromInteger(v.GetInt64()),
                    "Decimal" => AttributeValue.FromDecimal(v.GetDecimal()),
                    "Boolean" => AttributeValue.FromBoolean(v.GetBoolean()),
                    "Instant" => AttributeValue.FromInstant(Parse(InstantPattern.ExtendedIso, v.GetString()!)),
                    "Date" => AttributeValue.FromDate(Parse(LocalDatePattern.Iso, v.GetString()!)),
                    _ => throw new JsonException($"{TextPolicy.Echo(kind)} is not an attribute kind; expected String, Integer, Decimal, Boolean, Instant or Date."),
                };
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
            {
                throw new JsonException($"The {kind} attribute value {v.GetRawText()} is invalid: {ex.Message}", ex);
            }
        }

        public override void Write(Utf8JsonWriter writer, AttributeValue value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("kind", value.Kind.ToString());
            writer.WritePropertyName("value");
            switch (value.Kind)
            {
                case AttributeKind.String:
                    writer.WriteStringValue(value.AsString());
                    break;
                case AttributeKind.Integer:
                    writer.WriteNumberValue(value.AsInteger());
                    break;
                case AttributeKind.Decimal:
                    writer.WriteNumberValue(value.AsDecimal());
                    break;
                case AttributeKind.Boolean:
                    writer.WriteBooleanValue(value.AsBoolean());
                    break;
                case AttributeKind.Instant:
                case AttributeKind.Date:
                    writer.WriteStringValue(value.ToString());
                    break;
                default:
                    throw new JsonException("default(AttributeValue) cannot be written.");
            }

            writer.WriteEndObject();
        }
    }

    private sealed class CustomAttributesConverter : JsonConverter<CustomAttributes>
    {
        public override CustomAttributes Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"Expected an object for custom attributes; got {reader.TokenType}.");
            }

            var valueConverter = AttributeValueConverter.Instance;
            var result = CustomAttributes.Empty;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var key = reader.GetString()!;
                reader.Read();
                var value = valueConverter.Read(ref reader, typeof(AttributeValue), options);
                try
                {
                    result = result.With(key, value);
                }
                catch (ArgumentException ex)
                {
                    throw new JsonException(ex.Message, ex);
                }
            }

            return result;
        }

        public override void Write(Utf8JsonWriter writer, CustomAttributes value, JsonSerializerOptions options)
        {
            var valueConverter = AttributeValueConverter.Instance;
            writer.WriteStartObject();
            foreach (var key in value.Keys.Order(StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                valueConverter.Write(writer, value[key], options);
            }

            writer.WriteEndObject();
        }
    }

}
