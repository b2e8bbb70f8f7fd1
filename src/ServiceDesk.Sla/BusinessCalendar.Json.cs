using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NodaTime;
using ServiceDesk.Serialization;
using ServiceDesk.Sla.Internal;

namespace ServiceDesk.Sla;

/// <summary>The JSON form of a calendar.</summary>
public sealed partial class BusinessCalendar
{
    /// <summary>Loads a calendar from its JSON definition.</summary>
    /// <param name="json">
    /// The definition, e.g.
    /// <c>{"zone":"Europe/Moscow","week":{"mon":[["09:00","13:00"],["14:00","18:00"]],"sun":[]},
    /// "closed":["2025-01-01",{"date":"2025-12-31","from":"14:00","to":"24:00"},{"yearly":"01-07"}],
    /// "open":[{"date":"2025-11-01","hours":[["09:00","18:00"]]}]}</c>.
    /// </param>
    /// <returns>The calendar.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDefinitionException">
    /// The text is not valid JSON or the definition has faults; every fault is listed with its JSON path (unknown
    /// fields, wrong types, times other than HH:mm[:ss] from 00:00 to 24:00, 24:00 as a start, invalid dates or
    /// month-days, a closure with only one of from/to, plus every fault <see cref="BusinessCalendarBuilder.Build"/>
    /// reports).
    /// </exception>
    /// <remarks>
    /// <c>zone</c> and <c>week</c> are required; weekdays missing from <c>week</c> are closed; <c>closed</c> and
    /// <c>open</c> are optional. Zones are resolved in <see cref="DateTimeZoneProviders.Tzdb"/>; a Windows id such as <c>"Eastern Standard Time"</c> is mapped to its IANA zone. See docs/sla.md.
    /// </remarks>
    public static BusinessCalendar FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using (var document = DefinitionJson.Parse(json, "business calendar"))
        {
            var errors = new List<string>();
            var builder = new BusinessCalendarBuilder();
            new JsonReader(builder, errors).ReadRoot(document.RootElement);
            return builder.BuildCore(errors);
        }
    }

    /// <summary>Writes the calendar's JSON definition, which <see cref="FromJson(string)"/> reads back to an equal calendar.</summary>
    /// <returns>
    /// Compact JSON with <c>zone</c>, all seven weekdays in <c>week</c> (intervals ordered by start, ends at midnight
    /// written <c>24:00</c>), and <c>closed</c> and <c>open</c> when not empty, in definition order.
    /// </returns>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("zone", Zone.Id);
            writer.WriteStartObject("week");
            for (var d = 0; d < 7; d++)
            {
                writer.WritePropertyName(BusinessCalendarBuilder.DayNames[d]);
                WriteIntervals(writer, _week[d]);
            }

            writer.WriteEndObject();
            if (Closures.Count > 0)
            {
                writer.WriteStartArray("closed");
                foreach (var closure in Closures)
                {
                    if (closure.Date is { } date && closure.IsWholeDay)
                    {
                        writer.WriteStringValue(TimeText.FormatDate(date));
                        continue;
                    }

                    writer.WriteStartObject();
                    if (closure.Date is { } day)
                    {
                        writer.WriteString("date", TimeText.FormatDate(day));
                    }
                    else
                    {
                        writer.WriteString("yearly", TimeText.FormatMonthDay(closure.MonthDay!.Value));
                    }

                    if (closure.Hours is { } hours)
                    {
                        writer.WriteString("from", TimeText.Format(hours.Start, false));
                        writer.WriteString("to", TimeText.Format(hours.End, hours.EndsNextDay));
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            if (ExtraWorkingDays.Count > 0)
            {
                writer.WriteStartArray("open");
                foreach (var day in ExtraWorkingDays)
                {
                    writer.WriteStartObject();
                    writer.WriteString("date", TimeText.FormatDate(day.Date));
                    writer.WritePropertyName("hours");
                    WriteIntervals(writer, day.Hours);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteIntervals(Utf8JsonWriter writer, IEnumerable<LocalTimeInterval> intervals)
    {
        writer.WriteStartArray();
        foreach (var interval in intervals)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(TimeText.Format(interval.Start, false));
            writer.WriteStringValue(TimeText.Format(interval.End, interval.EndsNextDay));
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    /// <summary>Reads a JSON definition into a builder, collecting every fault with its path.</summary>
    private sealed class JsonReader(BusinessCalendarBuilder builder, List<string> errors)
    {
        internal void ReadRoot(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"$: expected a JSON object with \"zone\" and \"week\", found {Describe(root)}.");
                return;
            }

            var hasWeek = false;
            foreach (var property in Properties(root, "$"))
            {
                var path = DefinitionJson.Field("$", property.Name);
                switch (property.Name)
                {
                    case "zone":
                        if (property.Value.ValueKind == JsonValueKind.String)
                        {
                            builder.WithZone(property.Value.GetString()!);
                        }
                        else
                        {
                            errors.Add($"{path}: expected an IANA time zone id string such as \"Europe/London\", found {Describe(property.Value)}.");
                        }

                        break;
                    case "week":
                        hasWeek = true;
                        ReadWeek(property.Value, path);
                        break;
                    case "closed":
                        ReadClosed(property.Value, path);
                        break;
                    case "open":
                        ReadOpen(property.Value, path);
                        break;
                    default:
                        errors.Add($"{path}: unknown field; expected zone, week, closed or open.");
                        break;
                }
            }

            if (!hasWeek)
            {
                errors.Add("$.week: missing; expected an object such as {\"mon\":[[\"09:00\",\"18:00\"]], ...}.");
            }
        }

        private static string Describe(JsonElement element) => JsonFaults.Describe(element);

        private IEnumerable<JsonProperty> Properties(JsonElement element, string path) => JsonFaults.Properties(element, path, errors);

        private void ReadWeek(JsonElement week, string path)
        {
            if (week.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected an object of weekdays (mon..sun), found {Describe(week)}.");
                return;
            }

            foreach (var property in Properties(week, path))
            {
                var dayPath = DefinitionJson.Field(path, property.Name);
                var day = Array.IndexOf(BusinessCalendarBuilder.DayNames, property.Name);
                if (day < 0)
                {
                    errors.Add($"{dayPath}: unknown weekday; expected one of mon, tue, wed, thu, fri, sat, sun.");
                    continue;
                }

                foreach (var (interval, intervalPath) in ReadIntervals(property.Value, dayPath))
                {
                    builder.AddHoursAt(day, interval, intervalPath);
                }
            }
        }

        private List<(LocalTimeInterval Interval, string Path)> ReadIntervals(JsonElement array, string path)
        {
            var result = new List<(LocalTimeInterval, string)>();
            if (array.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{path}: expected an array of [\"HH:mm\",\"HH:mm\"] intervals, found {Describe(array)}.");
                return result;
            }

            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{i++}]");
                if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != 2)
                {
                    errors.Add($"{itemPath}: expected an interval [\"HH:mm\",\"HH:mm\"] (start, end), found {Describe(item)}{(item.ValueKind == JsonValueKind.Array ? $" of {item.GetArrayLength()} items" : string.Empty)}.");
                    continue;
                }

                var start = ReadTime(item[0], itemPath + "[0]", isEnd: false);
                var end = ReadTime(item[1], itemPath + "[1]", isEnd: true);
                if (start.HasValue && end.HasValue)
                {
                    result.Add((new LocalTimeInterval(start.Value, end.Value), itemPath));
                }
            }

            return result;
        }

        private LocalTime? ReadTime(JsonElement element, string path, bool isEnd)
        {
            var text = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
            if (!TimeText.TryParseTime(text, out var time, out var is24))
            {
                errors.Add(text is null
                    ? $"{path}: expected a time string, found {Describe(element)}; {TimeText.TimeExpectation}."
                    : $"{path}: {TextPolicy.Echo(text)} is not a time of day; {TimeText.TimeExpectation}.");
                return null;
            }

            if (is24 && !isEnd)
            {
                errors.Add($"{path}: \"24:00\" can only end an interval; a start must be from 00:00 to 23:59:59.");
                return null;
            }

            return time;
        }

        private LocalDate? ReadDate(JsonElement element, string path)
        {
            var text = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
            if (TimeText.TryParseDate(text, out var date))
            {
                return date;
            }

            errors.Add(text is null
                ? $"{path}: expected a date string \"YYYY-MM-DD\", found {Describe(element)}."
                : $"{path}: {TextPolicy.Echo(text)} is not a valid date; expected YYYY-MM-DD (years 0000 to 9999, a day that exists in its month).");
            return null;
        }

        private void ReadClosed(JsonElement array, string path)
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{path}: expected an array of closures, found {Describe(array)}.");
                return;
            }

            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{i++}]");
                if (item.ValueKind == JsonValueKind.String)
                {
                    if (ReadDate(item, itemPath) is { } date)
                    {
                        builder.AddClosureAt(CalendarClosure.On(date), itemPath);
                    }

                    continue;
                }

                if (item.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{itemPath}: expected \"YYYY-MM-DD\" or an object with \"date\" or \"yearly\" (and optional \"from\"/\"to\"), found {Describe(item)}.");
                    continue;
                }

                ReadClosureObject(item, itemPath);
            }
        }

        private void ReadClosureObject(JsonElement item, string path)
        {
            LocalDate? date = null;
            AnnualDate? yearly = null;
            LocalTime? from = null;
            LocalTime? to = null;
            bool hasDate = false, hasYearly = false, hasFrom = false, hasTo = false, faulted = false;
            foreach (var property in Properties(item, path))
            {
                var propertyPath = DefinitionJson.Field(path, property.Name);
                switch (property.Name)
                {
                    case "date":
                        hasDate = true;
                        date = ReadDate(property.Value, propertyPath);
                        faulted |= date is null;
                        break;
                    case "yearly":
                        hasYearly = true;
                        var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                        if (TimeText.TryParseMonthDay(text, out var monthDay))
                        {
                            yearly = monthDay;
                        }
                        else
                        {
                            faulted = true;
                            errors.Add(text is null
                                ? $"{propertyPath}: expected a month-day string \"MM-DD\", found {Describe(property.Value)}."
                                : $"{propertyPath}: {TextPolicy.Echo(text)} is not a valid month-day; expected MM-DD from 01-01 to 12-31 (02-29 applies in leap years only).");
                        }

                        break;
                    case "from":
                        hasFrom = true;
                        from = ReadTime(property.Value, propertyPath, isEnd: false);
                        faulted |= from is null;
                        break;
                    case "to":
                        hasTo = true;
                        to = ReadTime(property.Value, propertyPath, isEnd: true);
                        faulted |= to is null;
                        break;
                    default:
                        faulted = true;
                        errors.Add($"{propertyPath}: unknown field; a closure has \"date\" or \"yearly\", and optionally \"from\" and \"to\".");
                        break;
                }
            }

            if (hasDate == hasYearly)
            {
                faulted = true;
                errors.Add($"{path}: give exactly one of \"date\" (YYYY-MM-DD, one-off) or \"yearly\" (MM-DD, every year).");
            }

            if (hasFrom != hasTo)
            {
                faulted = true;
                errors.Add($"{path}: give both \"from\" and \"to\" for a partial-day closure, or neither for a whole day.");
            }

            if (faulted)
            {
                return;
            }

            var hours = hasFrom ? new LocalTimeInterval(from!.Value, to!.Value) : (LocalTimeInterval?)null;
            var closure = (date, yearly, hours) switch
            {
                ({ } d, _, { } h) => CalendarClosure.On(d, h),
                ({ } d, _, null) => CalendarClosure.On(d),
                (null, { } y, { } h) => CalendarClosure.Yearly(y, h),
                _ => CalendarClosure.Yearly(yearly!.Value),
            };
            builder.AddClosureAt(closure, path);
        }

        private void ReadOpen(JsonElement array, string path)
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{path}: expected an array of extra working days, found {Describe(array)}.");
                return;
            }

            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{i++}]");
                if (item.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{itemPath}: expected an object {{\"date\":\"YYYY-MM-DD\",\"hours\":[[\"09:00\",\"18:00\"]]}}, found {Describe(item)}.");
                    continue;
                }

                LocalDate? date = null;
                List<(LocalTimeInterval Interval, string Path)>? hours = null;
                var faulted = false;
                foreach (var property in Properties(item, itemPath))
                {
                    var propertyPath = DefinitionJson.Field(itemPath, property.Name);
                    switch (property.Name)
                    {
                        case "date":
                            date = ReadDate(property.Value, propertyPath);
                            faulted |= date is null;
                            break;
                        case "hours":
                            var before = errors.Count;
                            hours = ReadIntervals(property.Value, propertyPath);
                            faulted |= errors.Count > before;
                            break;
                        default:
                            faulted = true;
                            errors.Add($"{propertyPath}: unknown field; an extra working day has \"date\" and \"hours\".");
                            break;
                    }
                }

                if (!item.TryGetProperty("date", out _))
                {
                    faulted = true;
                    errors.Add($"{itemPath}.date: missing; expected \"YYYY-MM-DD\".");
                }

                if (hours is null)
                {
                    faulted = true;
                    errors.Add($"{itemPath}.hours: missing; expected [[\"09:00\",\"18:00\"], ...].");
                }

                if (!faulted)
                {
                    builder.AddExtraWorkingDayAt(new ExtraWorkingDay(date!.Value, hours!.Select(h => h.Interval)), itemPath);
                }
            }
        }
    }
}
