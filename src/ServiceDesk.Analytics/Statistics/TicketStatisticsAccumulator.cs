using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Sla;

namespace ServiceDesk.Analytics;

/// <summary>
/// Collects ticket statistics one history at a time, in one pass; <see cref="ToReport"/> summarizes what was added.
/// </summary>
/// <remarks>
/// <para><b>Memory.</b> Bounded by the number of resolved and of responded tickets (one 8-byte duration each per figure,
/// twice with a calendar, for exact percentiles) plus one counter per calendar day; a history is not kept after <see cref="Add"/>.</para>
/// <para><b>Thread safety.</b> Not thread-safe: use one accumulator per thread, or <see cref="TicketStatistics"/>.</para>
/// </remarks>
public sealed class TicketStatisticsAccumulator
{
    private readonly BusinessCalendar? _calendar;
    private readonly DateTimeZone _zone;
    private readonly HashSet<TicketStatus> _resolved;
    private readonly HashSet<TicketStatus> _closed;
    private readonly HashSet<TicketStatus> _canceled;
    private readonly List<long> _wall = [];
    private readonly List<long> _business = [];
    private readonly List<long> _responseWall = [];
    private readonly List<long> _responseBusiness = [];
    private readonly int[] _arrivals = new int[168];
    private readonly Dictionary<LocalDate, int> _backlogDelta = [];
    private readonly List<GroupId> _groups = [];
    private LocalDate _firstDay;
    private LocalDate _lastDay;
    private bool _anyDay;
    private int _tickets;
    private int _resolvedTickets;
    private int _resolvedOnce;
    private int _reopenedTickets;
    private int _reopens;
    private int _fcr;
    private int _reassignments;
    private int _ticketsReassigned;
    private int _pingPongs;
    private int _ticketsWithPingPong;

    /// <summary>Initializes an accumulator.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">A status is in more than one of the resolved, closed and canceled sets.</exception>
    public TicketStatisticsAccumulator(TicketStatisticsOptions? options = null)
    {
        options ??= new TicketStatisticsOptions();
        _calendar = options.Calendar;
        _zone = options.Zone ?? _calendar?.Zone ?? DateTimeZone.Utc;
        _resolved = [.. options.ResolvedStatuses];
        _closed = [.. options.ClosedStatuses];
        _canceled = [.. options.CanceledStatuses];
        foreach (var status in _resolved.Concat(_closed).Concat(_canceled))
        {
            if (status.IsDefault)
            {
                throw new ArgumentException("default(TicketStatus) is not a status.", nameof(options));
            }

            if ((_resolved.Contains(status) ? 1 : 0) + (_closed.Contains(status) ? 1 : 0) + (_canceled.Contains(status) ? 1 : 0) > 1)
            {
                throw new ArgumentException($"Status {TextPolicy.Echo(status.Name)} is in more than one of the resolved, closed and canceled sets.", nameof(options));
            }
        }
    }

    /// <summary>Gets the number of histories added.</summary>
    public int Count => _tickets;

    /// <summary>Adds the history of one ticket.</summary>
    /// <param name="history">The ticket's events in order: a <see cref="TicketOpened"/> with version 1 first, then versions
    /// 2, 3, … without gaps, all of the same tenant and ticket, at non-decreasing instants.</param>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> or an event is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The history is empty or out of order (the message names the ticket and the
    /// event); nothing of it is counted.</exception>
    public void Add(IReadOnlyList<TicketEvent> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        Validate(history);

        var opened = (TicketOpened)history[0];
        var local = opened.At.InZone(_zone).LocalDateTime;
        _arrivals[(((int)local.DayOfWeek - 1) * 24) + local.Hour]++;
        Touch(local.Date, +1);

        var done = false;
        var resolvedOnce = false;
        Instant? completion = null;
        var reopens = 0;
        var reassignments = 0;
        var pingPongs = 0;
        GroupId? group = null;
        Instant? firstResponse = null;
        _groups.Clear();
        for (var i = 1; i < history.Count; i++)
        {
            switch (history[i])
            {
                case StatusChanged s:
                {
                    var toResolved = _resolved.Contains(s.To) || _closed.Contains(s.To);
                    var toDone = toResolved || _canceled.Contains(s.To);
                    if (!done && toDone)
                    {
                        done = true;
                        completion = toResolved ? s.At : null;
                        resolvedOnce |= toResolved;
                        Touch(Day(s.At), -1);
                    }
                    else if (done && !toDone)
                    {
                        done = false;
                        if (completion is not null)
                        {
                            reopens++;
                        }

                        completion = null;
                        Touch(Day(s.At), +1);
                    }
                    else if (done && toDone && completion is null && toResolved)
                    {
                        // Canceled, then resolved or closed: resolved from now on.
                        completion = s.At;
                        resolvedOnce = true;
                        Touch(Day(s.At), 0);
                    }
                    else if (done && toDone && !toResolved)
                    {
                        // Resolved or closed, then canceled: no longer resolved.
                        completion = null;
                        Touch(Day(s.At), 0);
                    }
                    else
                    {
                        Touch(Day(s.At), 0);
                    }

                    break;
                }

                case Assigned a:
                {
                    if (firstResponse is null && a.Agent is not null)
                    {
                        firstResponse = a.At;
                    }

                    if (a.Group is { } next && next != group)
                    {
                        if (group is not null)
                        {
                            reassignments++;
                            if (_groups.Contains(next))
                            {
                                pingPongs++;
                            }
                        }

                        _groups.Add(next);
                    }

                    group = a.Group ?? group;
                    Touch(Day(a.At), 0);
                    break;
                }

                case CommentAdded c:
                    if (firstResponse is null && c.Visibility == CommentVisibility.Public && c.Actor.Kind == ActorKind.Agent)
                    {
                        firstResponse = c.At;
                    }

                    Touch(Day(c.At), 0);
                    break;

                default:
                    Touch(Day(history[i].At), 0);
                    break;
            }
        }

        if (firstResponse is { } responded)
        {
            _responseWall.Add((responded - opened.At).BclCompatibleTicks);
            if (_calendar is not null)
            {
                _responseBusiness.Add(_calendar.BusinessTimeBetween(opened.At, responded).BclCompatibleTicks);
            }
        }

        _tickets++;
        if (resolvedOnce)
        {
            _resolvedOnce++;
        }

        if (reopens > 0)
        {
            _reopenedTickets++;
            _reopens += reopens;
        }

        if (reassignments > 0)
        {
            _ticketsReassigned++;
            _reassignments += reassignments;
        }

        if (pingPongs > 0)
        {
            _ticketsWithPingPong++;
            _pingPongs += pingPongs;
        }

        if (done && completion is { } end)
        {
            _resolvedTickets++;
            _wall.Add((end - opened.At).BclCompatibleTicks);
            if (_calendar is not null)
            {
                _business.Add(_calendar.BusinessTimeBetween(opened.At, end).BclCompatibleTicks);
            }

            if (reopens == 0 && reassignments == 0)
            {
                _fcr++;
            }
        }
    }

    /// <summary>Summarizes the histories added so far; the accumulator can go on collecting afterwards.</summary>
    /// <returns>The report; with no history, zero counts, empty summaries and rates, zero arrivals and an empty backlog.
    /// A calendar that is never open while tickets are handled gives business times of zero, not an error.</returns>
    public TicketStatisticsReport ToReport()
    {
        var backlog = new List<BacklogDay>();
        if (_tickets > 0)
        {
            var open = 0;
            for (var day = _firstDay; day <= _lastDay; day = day.PlusDays(1))
            {
                open += _backlogDelta.GetValueOrDefault(day);
                backlog.Add(new BacklogDay(day, open));
            }
        }

        return new TicketStatisticsReport(
            _tickets,
            _resolvedTickets,
            DurationSummary.OfTicks([.. _wall]),
            _calendar is null ? null : DurationSummary.OfTicks([.. _business]),
            _resolvedOnce,
            _reopenedTickets,
            _reopens,
            _fcr,
            _reassignments,
            _ticketsReassigned,
            _pingPongs,
            _ticketsWithPingPong,
            Array.AsReadOnly((int[])_arrivals.Clone()),
            backlog.AsReadOnly())
        {
            Responded = _responseWall.Count,
            FirstResponseTime = DurationSummary.OfTicks([.. _responseWall]),
            FirstResponseBusinessTime = _calendar is null ? null : DurationSummary.OfTicks([.. _responseBusiness]),
        };
    }

    private LocalDate Day(Instant at) => at.InZone(_zone).Date;

    private void Touch(LocalDate day, int delta)
    {
        if (!_anyDay)
        {
            _firstDay = _lastDay = day;
            _anyDay = true;
        }
        else if (day < _firstDay)
        {
            _firstDay = day;
        }
        else if (day > _lastDay)
        {
            _lastDay = day;
        }

        if (delta != 0)
        {
            _backlogDelta[day] = _backlogDelta.GetValueOrDefault(day) + delta;
        }
    }

    /// <summary>Checks that a history is one ticket's events in version and time order; shared by every accumulator.</summary>
    internal static void Validate(IReadOnlyList<TicketEvent> history)
    {
        if (history.Count == 0)
        {
            throw new ArgumentException("A ticket history must have at least its TicketOpened event; this one is empty.", nameof(history));
        }

        if (history[0] is not TicketOpened first)
        {
            ArgumentNullException.ThrowIfNull(history[0], nameof(history));
            throw new ArgumentException(
                $"The history of ticket {TextPolicy.Echo(history[0].Ticket.ToString())} must start with TicketOpened, not {history[0].GetType().Name}.",
                nameof(history));
        }

        for (var i = 1; i < history.Count; i++)
        {
            var e = history[i];
            ArgumentNullException.ThrowIfNull(e, nameof(history));
            var previous = history[i - 1];
            string? fault = null;
            if (e.Ticket != first.Ticket || e.Tenant != first.Tenant)
            {
                fault = $"belongs to ticket {TextPolicy.Echo(e.Ticket.ToString())} of tenant {TextPolicy.Echo(e.Tenant.ToString())}";
            }
            else if (e.Version != previous.Version + 1)
            {
                fault = $"has version {e.Version} after version {previous.Version}";
            }
            else if (e.At < previous.At)
            {
                fault = $"happened at {TextPolicy.Echo(e.At)}, before the previous event at {TextPolicy.Echo(previous.At)}";
            }

            if (fault is not null)
            {
                throw new ArgumentException(
                    $"The history of ticket {TextPolicy.Echo(first.Ticket.ToString())} of tenant {TextPolicy.Echo(first.Tenant.ToString())} is out of order: event {i} ({e.GetType().Name}) {fault}.",
                    nameof(history));
            }
        }
    }
}
