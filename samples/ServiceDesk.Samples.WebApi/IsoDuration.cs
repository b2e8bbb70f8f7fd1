using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace ServiceDesk.Samples.WebApi;

/// <summary>
/// Writes a <see cref="Duration"/> as an ISO-8601 duration in hours, minutes and seconds (<c>"PT1H"</c>,
/// <c>"PT26H30M"</c>, <c>"-PT15M"</c>, <c>"PT0S"</c>), never in days: an SLA duration is business time, and an ISO day
/// (<c>P1D</c>) would read as a calendar day. Reads any ISO-8601 duration without years or months.
/// </summary>
internal sealed class IsoDurationConverter : JsonConverter<Duration>
{
    public override Duration Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (text is not null && PeriodPattern.NormalizingIso.Parse(text) is { Success: true } parsed && parsed.Value.Years == 0 && parsed.Value.Months == 0)
        {
            return parsed.Value.ToDuration();
        }

        throw new JsonException("expected an ISO-8601 duration such as \"PT1H\" or \"PT1H30M\".");
    }

    public override void Write(Utf8JsonWriter writer, Duration value, JsonSerializerOptions options)
        => writer.WriteStringValue(Format(value));

    public static string Format(Duration value)
    {
        if (value == Duration.Zero)
        {
            return "PT0S";
        }

        var text = new StringBuilder(value < Duration.Zero ? "-PT" : "PT");
        var ticks = Math.Abs(value.BclCompatibleTicks);
        var hours = ticks / NodaConstants.TicksPerHour;
        var minutes = ticks % NodaConstants.TicksPerHour / NodaConstants.TicksPerMinute;
        var seconds = ticks % NodaConstants.TicksPerMinute / (decimal)NodaConstants.TicksPerSecond;
        if (hours != 0)
        {
            text.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('H');
        }

        if (minutes != 0)
        {
            text.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('M');
        }

        if (seconds != 0)
        {
            text.Append(seconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('S');
        }

        return text.ToString();
    }
}
