using System.Collections.ObjectModel;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Sla;

namespace ServiceDesk.Analytics;

/// <summary>
/// Agent load per month (tickets assigned, resolved, open at month end, time logged and utilisation against a working
/// calendar) and customer-satisfaction trends (per month and per agent), in one pass over ticket histories from any store.
/// </summary>
/// <remarks>
/// <para>Memory grows with agents × months and the number of rating months, not with tickets or events: each history is
/// read once and forgotten.</para>
/// <para><b>Open at month end</b> counts a ticket for its assignee at the end of every month its history covers while it
/// is assigned and unresolved. A history is known up to its last event: a ticket still open after its last event counts
/// at every month end up to that event's month (not beyond, since nothing says what happened next), so the figure for the
/// months after the last recorded activity of a desk is not meaningful.</para>
/// <para>Not thread-safe: add from one thread, or one accumulator per thread.</para>
/// </remarks>
public sealed class AgentActivityAccumulator
{
    private readonly DateTimeZone _zone;
    private readonly BusinessCalendar? _calendar;
    private readonly HashSet<TicketStatus> _resolved;
    private readonly HashSet<TicketStatus> _canceled;
    private readonly Dictionary<(AgentId Agent, YearMonth Month), Load> _load = [];
    private readonly Dictionary<YearMonth, Csat> _csatByMonth = [];
    private readonly Dictionary<AgentId, Csat> _csatByAgent = [];
    private readonly HashSet<(AgentId, YearMonth)> _assignedThisTicket = [];
    private int _tickets;
    private int _unattributed;

    /// <summary>Initializes an empty accumulator.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">The options are invalid: no zone, or a status both resolved and canceled
    /// (the message names it).</exception>
    public AgentActivityAccumulator(AgentActivityOptions? options = null)
    {
        options ??= new AgentActivityOptions();
        _zone = options.Zone ?? throw new ArgumentException("AgentActivityOptions.Zone: a time zone is required.", nameof(options));
        _calendar = options.Calendar;
        _resolved = [.. options.ResolvedStatuses];
        _canceled = [.. options.CanceledStatuses];
        if (_resolved.Where(_canceled.Contains).Select(s => (TicketStatus?)s).FirstOrDefault() is { } both)
        {
            throw new ArgumentException($"AgentActivityOptions: status {TextPolicy.Echo(both.Name)} is both resolved and canceled.", nameof(options));
        }
    }

    /// <summary>Gets how many histories were added.</summary>
    public int Count => _tickets;

    /// <summary>Adds the history of one ticket.</summary>
    /// <param name="history">The ticket's events in order (see <see cref="TicketStatisticsAccumulator.Add"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> or an event is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The history is empty or out of order (the message names the ticket and the
    /// event); nothing of it is counted.</exception>
    public void Add(IReadOnlyList<TicketEvent> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        TicketStatisticsAccumulator.Validate(history);
        _tickets++;
        _assignedThisTicket.Clear();
        AgentId? agent = null;
        var open = true;
        Instant? openSince = history[0].At; // while assigned and open: since when (for month ends)
        for (var i = 1; i < history.Count; i++)
        {
            var e = history[i];
            switch (e)
            {
                case Assigned assigned:
                    CountOpenMonthEnds(agent, open, openSince, assigned.At);
                    agent = assigned.Agent;
                    openSince = assigned.At;
                    if (agent is { } a && _assignedThisTicket.Add((a, Month(assigned.At))))
                    {
                        Row(a, assigned.At).Assigned++;
                    }

                    break;
                case StatusChanged status:
                {
                    var ends = _resolved.Contains(status.To) || _canceled.Contains(status.To);
                    if (open && ends)
                    {
                        CountOpenMonthEnds(agent, open, openSince, status.At);
                        open = false;
                        if (agent is { } resolver && _resolved.Contains(status.To))
                        {
                            Row(resolver, status.At).Resolved++;
                        }
                    }
                    else if (!open && !ends)
                    {
                        open = true;
                        openSince = status.At;
                    }

                    break;
                }

                case TimeLogged logged:
                {
                    var row = Row(logged.Agent, logged.Started);
                    row.Logged += logged.Duration;
                    if (logged.Billable)
                    {
                        row.Billable += logged.Duration;
                    }

                    break;
                }

                case SatisfactionRated rated:
                    Rate(_csatByMonth, Month(rated.At), rated.Score);
                    if (agent is { } by)
                    {
                        Rate(_csatByAgent, by, rated.Score);
                    }
                    else
                    {
                        _unattributed++;
                    }

                    break;
            }
        }

        CountOpenMonthEnds(agent, open, openSince, history[^1].At);
    }

    /// <summary>Builds the report of everything added so far; the accumulator can go on.</summary>
    /// <returns>The report.</returns>
    public AgentActivityReport ToReport()
    {
        var load = new List<AgentMonthLoad>(_load.Count);
        foreach (var ((agent, month), row) in _load.OrderBy(p => p.Key.Agent.Value, StringComparer.Ordinal).ThenBy(p => p.Key.Month))
        {
            Duration? working = null;
            double? utilisation = null;
            if (_calendar is not null)
            {
                working = _calendar.BusinessTimeBetween(StartOf(month), StartOf(month.PlusMonths(1)));
                utilisation = working > Duration.Zero ? row.Logged / working.Value : null;
            }

            load.Add(new AgentMonthLoad(agent, month, row.Assigned, row.Resolved, row.OpenAtEnd, row.Logged, row.Billable, working, utilisation));
        }

        return new AgentActivityReport(
            _tickets,
            load.AsReadOnly(),
            [.. _csatByMonth.OrderBy(p => p.Key).Select(p => new CsatMonth(p.Key, p.Value.ToFigures()))],
            [.. _csatByAgent.OrderBy(p => p.Key.Value, StringComparer.Ordinal).Select(p => new AgentCsat(p.Key, p.Value.ToFigures()))],
            _unattributed);
    }

    /// <summary>Counts the ticket as open for <paramref name="agent"/> at every month end in (since, until].</summary>
    private void CountOpenMonthEnds(AgentId? agent, bool open, Instant? since, Instant until)
    {
        if (agent is not { } a || !open || since is not { } from)
        {
            return;
        }

        // Month ends are the first instants of the following months; one at exactly 'from' was counted before.
        for (var month = Month(from); ; month = month.PlusMonths(1))
        {
            var end = StartOf(month.PlusMonths(1));
            if (end > until)
            {
                break;
            }

            if (end > from)
            {
                Row(a, month).OpenAtEnd++;
            }
        }
    }

    /// <summary>The first instant of a month in the zone (a month's end is the next month's start).</summary>
    private Instant StartOf(YearMonth month) => month.OnDayOfMonth(1).AtStartOfDayInZone(_zone).ToInstant();

    private YearMonth Month(Instant instant)
    {
        var date = instant.InZone(_zone).Date;
        return new YearMonth(date.Year, date.Month);
    }

    private Load Row(AgentId agent, Instant at) => Row(agent, Month(at));

    private Load Row(AgentId agent, YearMonth month)
    {
        if (!_load.TryGetValue((agent, month), out var row))
        {
            _load[(agent, month)] = row = new Load();
        }

        return row;
    }

    private static void Rate<TKey>(Dictionary<TKey, Csat> by, TKey key, int score)
        where TKey : notnull
    {
        if (!by.TryGetValue(key, out var csat))
        {
            by[key] = csat = new Csat();
        }

        csat.Counts[score - 1]++;
    }

    private sealed class Load
    {
        public int Assigned;
        public int Resolved;
        public int OpenAtEnd;
        public Duration Logged;
        public Duration Billable;
    }

    private sealed class Csat
    {
        public readonly int[] Counts = new int[5];

        public CsatFigures ToFigures()
        {
            var n = 0;
            var sum = 0L;
            for (var s = 0; s < 5; s++)
            {
                n += Counts[s];
                sum += (long)Counts[s] * (s + 1);
            }

            return new CsatFigures(n, (double)sum / n, (double)(Counts[3] + Counts[4]) / n, new ReadOnlyCollection<int>([.. Counts]));
        }
    }
}
