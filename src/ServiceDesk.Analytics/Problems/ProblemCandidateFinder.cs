using NodaTime;
using NodaTime.Calendars;
using ServiceDesk.Events;
using ServiceDesk.Sla;

namespace ServiceDesk.Analytics;

/// <summary>
/// Finds problem candidates: incidents with the same service, configuration item, category, subcategory and symptom
/// (as chosen by <see cref="ProblemCandidateOptions.GroupBy"/>) that opened at least
/// <see cref="ProblemCandidateOptions.MinimumCount"/> times within one sliding window, ranked by count, then distinct
/// weeks, then business time lost, then key. Add incidents one at a time; <see cref="ToCandidates"/> ranks them. Writes
/// nothing: open a problem and link each incident to it with the engine's <c>LinkAsync(context, incident, problem,
/// TicketLinkType.CausedBy)</c>.
/// </summary>
/// <remarks>
/// <para><b>Memory.</b> One small entry per grouped incident (id, opening, business resolution time); histories are not kept.</para>
/// <para><b>Thread safety.</b> Not thread-safe.</para>
/// </remarks>
public sealed class ProblemCandidateFinder
{
    private readonly BusinessCalendar _calendar;
    private readonly Duration _window;
    private readonly int _minimum;
    private readonly ProblemGrouping _groupBy;
    private readonly HashSet<TicketKind> _kinds;
    private readonly Dictionary<ProblemKey, List<Entry>> _groups = [];
    private int _incidents;
    private int _ungrouped;

    /// <summary>Initializes a finder.</summary>
    /// <param name="options">The options; the calendar is required.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every fault with the value and the
    /// valid range.</exception>
    public ProblemCandidateFinder(ProblemCandidateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var faults = new List<string>();
        if (options.Calendar is null)
        {
            faults.Add("Calendar is null; give the business calendar the time lost is measured on.");
        }

        if (options.Window <= Duration.Zero)
        {
            faults.Add($"Window is {options.Window}; it must be more than zero.");
        }

        if (options.MinimumCount < 2)
        {
            faults.Add($"MinimumCount is {options.MinimumCount}; it must be at least 2 (one incident does not recur).");
        }

        if (options.GroupBy == ProblemGrouping.None || (options.GroupBy & ~(ProblemGrouping.Default | ProblemGrouping.Symptom)) != 0)
        {
            faults.Add($"GroupBy is {options.GroupBy}; combine one or more of Service, ConfigurationItem, Category, Subcategory and Symptom.");
        }
        else if (options.GroupBy.HasFlag(ProblemGrouping.Subcategory) && !options.GroupBy.HasFlag(ProblemGrouping.Category))
        {
            faults.Add($"GroupBy is {options.GroupBy}; Subcategory needs Category (a subcategory means nothing without its category).");
        }

        if (options.Kinds.Count == 0)
        {
            faults.Add("Kinds is empty; give at least one ticket kind (Incident by default).");
        }

        if (faults.Count > 0)
        {
            throw new ArgumentException("Invalid problem candidate options: " + string.Join(" ", faults), nameof(options));
        }

        _calendar = options.Calendar!;
        _window = options.Window;
        _minimum = options.MinimumCount;
        _groupBy = options.GroupBy;
        _kinds = [.. options.Kinds];
    }

    /// <summary>Gets the number of incidents added (of the kinds considered).</summary>
    public int Count => _incidents;

    /// <summary>Gets the number of incidents added without any of the grouped fields (not grouped).</summary>
    public int Ungrouped => _ungrouped;

    /// <summary>Adds one ticket; tickets of other kinds than <see cref="ProblemCandidateOptions.Kinds"/> are skipped.</summary>
    /// <param name="history">The ticket's events in order (see <see cref="TicketStatisticsAccumulator.Add"/>).</param>
    /// <param name="facts">Its service, configuration item, category and symptom.</param>
    /// <exception cref="ArgumentNullException">An argument or an event is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The history is empty or out of order; nothing of it is counted.</exception>
    public void Add(IReadOnlyList<TicketEvent> history, IncidentFacts facts)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(facts);
        TicketStatisticsAccumulator.Validate(history);
        var opened = (TicketOpened)history[0];
        if (!_kinds.Contains(opened.Kind))
        {
            return;
        }

        _incidents++;
        var key = new ProblemKey(
            _groupBy.HasFlag(ProblemGrouping.Service) ? facts.Service : null,
            _groupBy.HasFlag(ProblemGrouping.ConfigurationItem) ? facts.ConfigurationItem : null,
            _groupBy.HasFlag(ProblemGrouping.Category) ? facts.Category?.Category : null,
            _groupBy.HasFlag(ProblemGrouping.Subcategory) ? facts.Category?.Subcategory : null,
            _groupBy.HasFlag(ProblemGrouping.Symptom) ? facts.Symptom : null);
        if (key is { Service: null, ConfigurationItem: null, Category: null, Subcategory: null, Symptom: null })
        {
            _ungrouped++;
            return;
        }

        if (!_groups.TryGetValue(key, out var entries))
        {
            entries = [];
            _groups.Add(key, entries);
        }

        var resolved = ResolvedAt(history);
        entries.Add(new Entry(opened.Ticket, opened.At, resolved is { } end ? _calendar.BusinessTimeBetween(opened.At, end) : null));
    }

    /// <summary>Ranks the candidates found so far: for each key, the window of <see cref="ProblemCandidateOptions.Window"/>
    /// starting at one of its incidents' openings that holds the most incidents (the latest such window on a tie), kept when
    /// it holds at least <see cref="ProblemCandidateOptions.MinimumCount"/>.</summary>
    /// <returns>The candidates, most incidents first, then most distinct weeks, then most business time lost, then by key
    /// text (ordinal); empty when none.</returns>
    public IReadOnlyList<ProblemCandidate> ToCandidates()
    {
        var candidates = new List<ProblemCandidate>();
        var rule = WeekYearRules.Iso;
        var zone = _calendar.Zone;
        foreach (var (key, entries) in _groups)
        {
            if (entries.Count < _minimum)
            {
                continue;
            }

            entries.Sort(static (a, b) => a.Opened != b.Opened ? a.Opened.CompareTo(b.Opened) : a.Id.Value.CompareTo(b.Id.Value));

            // Two pointers: for each start i, the window [opened_i, opened_i + Window) ends before index j.
            int bestStart = 0, bestCount = 0;
            var j = 0;
            for (var i = 0; i < entries.Count; i++)
            {
                var end = entries[i].Opened + _window;
                if (j < i)
                {
                    j = i;
                }

                while (j < entries.Count && entries[j].Opened < end)
                {
                    j++;
                }

                if (j - i >= bestCount)
                {
                    (bestStart, bestCount) = (i, j - i);
                }
            }

            if (bestCount < _minimum)
            {
                continue;
            }

            var ids = new TicketId[bestCount];
            var weeks = new HashSet<(int, int)>();
            var lost = Duration.Zero;
            var unresolved = 0;
            for (var k = 0; k < bestCount; k++)
            {
                var e = entries[bestStart + k];
                ids[k] = e.Id;
                var date = e.Opened.InZone(zone).Date;
                weeks.Add((rule.GetWeekYear(date), rule.GetWeekOfWeekYear(date)));
                if (e.BusinessTime is { } t)
                {
                    lost += t;
                }
                else
                {
                    unresolved++;
                }
            }

            candidates.Add(new ProblemCandidate(key, Array.AsReadOnly(ids), entries[bestStart].Opened, entries[bestStart + bestCount - 1].Opened, weeks.Count, lost, unresolved));
        }

        candidates.Sort(static (a, b) =>
        {
            var c = b.Count.CompareTo(a.Count);
            c = c != 0 ? c : b.DistinctWeeks.CompareTo(a.DistinctWeeks);
            c = c != 0 ? c : b.BusinessTimeLost.CompareTo(a.BusinessTimeLost);
            return c != 0 ? c : string.CompareOrdinal(a.Key.ToString(), b.Key.ToString());
        });
        return candidates.AsReadOnly();
    }

    /// <summary>The final resolution: the last move from an open status into Resolved or Closed, when the ticket is still
    /// resolved or closed at the end of its history (the statistics' definition with the default statuses).</summary>
    private static Instant? ResolvedAt(IReadOnlyList<TicketEvent> history)
    {
        Instant? resolved = null;
        var done = false;
        for (var i = 1; i < history.Count; i++)
        {
            if (history[i] is not StatusChanged s)
            {
                continue;
            }

            var toResolved = s.To == TicketStatus.Resolved || s.To == TicketStatus.Closed;
            var toDone = toResolved || s.To == TicketStatus.Canceled;
            if (toResolved && (!done || resolved is null))
            {
                resolved = s.At;
            }
            else if (!toResolved)
            {
                resolved = null;
            }

            done = toDone;
        }

        return resolved;
    }

    private readonly record struct Entry(TicketId Id, Instant Opened, Duration? BusinessTime);
}
