using System.Diagnostics.CodeAnalysis;
using ServiceDesk.Sla;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>The calendars handed to <c>AddEscalation(calendars =&gt; …)</c>: a name that was not added (or whose file
/// failed to load) reads as a fault naming it and the known ones, not a bare <see cref="KeyNotFoundException"/>.</summary>
internal sealed class CalendarLookup(IReadOnlyDictionary<string, BusinessCalendar> calendars) : IReadOnlyDictionary<string, BusinessCalendar>
{
    public IEnumerable<string> Keys => calendars.Keys;

    public IEnumerable<BusinessCalendar> Values => calendars.Values;

    public int Count => calendars.Count;

    public BusinessCalendar this[string key]
        => calendars.TryGetValue(key, out var calendar)
            ? calendar
            : throw new KeyNotFoundException(
                $"no calendar {TextPolicy.Echo(key)} is loaded (known: {(calendars.Count == 0 ? "none" : string.Join(", ", calendars.Keys.Order(StringComparer.Ordinal)))}); "
                + "add it with AddCalendar or AddCalendars, and check the faults above for a calendar file that failed to load");

    public bool ContainsKey(string key) => calendars.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out BusinessCalendar value) => calendars.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, BusinessCalendar>> GetEnumerator() => calendars.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
