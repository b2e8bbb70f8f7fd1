using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Analytics;

/// <summary>What <see cref="QueueSimulation.Run"/> simulates: a first-come-first-served queue of contacts answered by
/// <see cref="Agents"/> agents, with Poisson arrivals and exponential handle times (the queue Erlang C describes), and
/// what Erlang C cannot: callers who give up (<see cref="MeanPatience"/>) and agents who work only when a business
/// calendar is open (<see cref="Calendar"/>).</summary>
/// <remarks>Every value is checked by <see cref="QueueSimulation.Run"/>, which lists every fault at once.</remarks>
public sealed class QueueSimulationOptions
{
    /// <summary>The most contacts one run simulates: 10,000,000.</summary>
    public const int MaxContacts = 10_000_000;

    /// <summary>Gets or sets the number of agents, 1 to 10,000.</summary>
    public int Agents { get; set; }

    /// <summary>Gets or sets the mean number of contacts arriving per hour, more than zero (at any instant, open or not).</summary>
    public double ArrivalsPerHour { get; set; }

    /// <summary>Gets or sets the mean handle time, more than zero and at most one day.</summary>
    public Duration AverageHandleTime { get; set; }

    /// <summary>Gets or sets the answer time of the service level, zero or more.</summary>
    public Duration AnswerWithin { get; set; }

    /// <summary>Gets or sets the mean time a caller waits before giving up (exponentially distributed), more than zero;
    /// <see langword="null"/> (the default): nobody gives up.</summary>
    public Duration? MeanPatience { get; set; }

    /// <summary>Gets or sets the calendar whose open hours the agents work; <see langword="null"/> (the default): always.
    /// A contact arriving while closed waits for the next opening (and may give up meanwhile); a contact in service at
    /// closing is finished.</summary>
    public BusinessCalendar? Calendar { get; set; }

    /// <summary>Gets or sets the instant the simulation starts at (it matters only with a <see cref="Calendar"/>).</summary>
    public Instant Start { get; set; }

    /// <summary>Gets or sets how many contacts are counted, 1,000 to <see cref="MaxContacts"/>; default 200,000.</summary>
    public int Contacts { get; set; } = 200_000;

    /// <summary>Gets or sets how many contacts are simulated first and not counted (warm-up), 0 to
    /// <see cref="MaxContacts"/>; default 5,000.</summary>
    public int WarmUp { get; set; } = 5_000;

    /// <summary>Gets or sets the seed of the random numbers: the same options give the same result.</summary>
    public int Seed { get; set; } = 1;
}

/// <summary>What a simulated queue did (see <see cref="QueueSimulation.Run"/> for the definitions).</summary>
/// <param name="Contacts">The contacts counted (after the warm-up).</param>
/// <param name="Answered">Contacts an agent took.</param>
/// <param name="Abandoned">Contacts that gave up before an agent took them.</param>
/// <param name="ServiceLevel">Contacts answered within <see cref="QueueSimulationOptions.AnswerWithin"/> over all
/// counted contacts (abandoned ones included, as not answered in time), 0 to 1.</param>
/// <param name="ProbabilityOfWaiting">The share of counted contacts that did not reach an agent at once.</param>
/// <param name="AverageSpeedOfAnswer">The mean wait of answered contacts.</param>
/// <param name="AbandonmentRate">Abandoned / contacts.</param>
public sealed record QueueSimulationResult(
    int Contacts, int Answered, int Abandoned, double ServiceLevel, double ProbabilityOfWaiting, Duration AverageSpeedOfAnswer, double AbandonmentRate);

/// <summary>
/// A discrete-event simulation of a contact queue: it cross-checks <see cref="ErlangC"/> where both apply (always open, no
/// abandonment: they agree within 0.01 on the service level, see docs/analytics.md) and covers what the formula cannot, a
/// business calendar and callers who give up.
/// </summary>
/// <remarks>Contacts arrive one after another (exponential gaps of mean 1 / <see cref="QueueSimulationOptions.ArrivalsPerHour"/>);
/// each goes to the agent who frees up first; it is taken at the later of its arrival and that agent's free instant (moved
/// to the calendar's next opening when closed then); if that is later than the contact's patience allows, it abandons and
/// the agent stays free. Deterministic for a seed. Cost: O(contacts × log agents), plus a calendar lookup per contact with
/// a calendar.</remarks>
public static class QueueSimulation
{
    /// <summary>Runs the simulation.</summary>
    /// <param name="options">What to simulate.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range; every fault is listed with the value and the range.</exception>
    public static QueueSimulationResult Run(QueueSimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var random = new Random(options.Seed);
        double Exponential(double mean) => -mean * Math.Log(1 - random.NextDouble());

        var free = new PriorityQueue<int, double>(options.Agents);
        for (var i = 0; i < options.Agents; i++)
        {
            free.Enqueue(i, 0);
        }

        var handle = options.AverageHandleTime.TotalSeconds;
        var meanGap = 3600 / options.ArrivalsPerHour;
        var within = options.AnswerWithin.TotalSeconds;
        var patience = options.MeanPatience?.TotalSeconds;
        var calendar = options.Calendar;
        var start = options.Start;
        double clock = 0, waitSum = 0;
        int answered = 0, abandoned = 0, inTime = 0, waited = 0;
        var total = options.WarmUp + options.Contacts;
        for (var c = 0; c < total; c++)
        {
            clock += Exponential(meanGap);
            var gives = patience is { } p ? Exponential(p) : double.PositiveInfinity;
            free.TryDequeue(out var agent, out var freeAt);
            var taken = Math.Max(clock, freeAt);
            if (calendar is not null)
            {
                var at = start + Duration.FromSeconds(taken);
                var open = calendar.NextOpen(at);
                taken += (open - at).TotalSeconds;
            }

            var wait = taken - clock;
            var counted = c >= options.WarmUp;
            if (wait > gives)
            {
                free.Enqueue(agent, freeAt);
                if (counted)
                {
                    abandoned++;
                    waited++;
                }

                continue;
            }

            free.Enqueue(agent, taken + Exponential(handle));
            if (!counted)
            {
                continue;
            }

            answered++;
            waitSum += wait;
            if (wait <= within)
            {
                inTime++;
            }

            if (wait > 0)
            {
                waited++;
            }
        }

        var n = options.Contacts;
        return new QueueSimulationResult(
            n, answered, abandoned, (double)inTime / n, (double)waited / n,
            answered == 0 ? Duration.Zero : Duration.FromSeconds(waitSum / answered), (double)abandoned / n);
    }

    private static void Validate(QueueSimulationOptions o)
    {
        var faults = new List<string>();
        if (o.Agents is < 1 or > 10_000)
        {
            faults.Add($"Agents: {o.Agents} is outside 1 to 10,000");
        }

        if (!double.IsFinite(o.ArrivalsPerHour) || o.ArrivalsPerHour <= 0 || o.ArrivalsPerHour > 1e7)
        {
            faults.Add($"ArrivalsPerHour: {o.ArrivalsPerHour} must be more than zero and at most 10,000,000");
        }

        if (o.AverageHandleTime <= Duration.Zero || o.AverageHandleTime > Duration.FromDays(1))
        {
            faults.Add($"AverageHandleTime: {o.AverageHandleTime} must be more than zero and at most one day");
        }

        if (o.AnswerWithin < Duration.Zero)
        {
            faults.Add($"AnswerWithin: {o.AnswerWithin} must be zero or more");
        }

        if (o.MeanPatience is { } patience && (patience <= Duration.Zero || patience > Duration.FromDays(365)))
        {
            faults.Add($"MeanPatience: {patience} must be more than zero and at most 365 days");
        }

        if (o.Contacts is < 1_000 or > QueueSimulationOptions.MaxContacts)
        {
            faults.Add($"Contacts: {o.Contacts} is outside 1,000 to {QueueSimulationOptions.MaxContacts:N0}");
        }

        if (o.WarmUp is < 0 or > QueueSimulationOptions.MaxContacts)
        {
            faults.Add($"WarmUp: {o.WarmUp} is outside 0 to {QueueSimulationOptions.MaxContacts:N0}");
        }

        if (o.Calendar is { } calendar && !OpensAfter(calendar, o.Start))
        {
            faults.Add($"Calendar: it is never open after Start ({o.Start}), so no contact would ever be answered");
        }

        if (faults.Count > 0)
        {
            throw new ArgumentException("Queue simulation options are invalid: " + string.Join("; ", faults) + ".", "options");
        }
    }

    private static bool OpensAfter(BusinessCalendar calendar, Instant start)
    {
        try
        {
            return calendar.IsOpen(calendar.NextOpen(start));
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
