using System.Globalization;
using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Testing;

namespace ServiceDesk.Benchmarks.Engine;

/// <summary>
/// The escalation sweep over a store of <see cref="SweepCase.Total"/> open incidents with a stored timer each, of which
/// <see cref="SweepCase.Due"/> are due. Ticket <c>i</c> was opened <c>i</c> seconds after the first and breaches its 8-hour
/// resolution target (24x7) exactly 8 hours later; before each iteration the clock moves on so that the next
/// <see cref="SweepCase.Due"/> tickets, and only they, have breached since the last iteration. A sweep claims them
/// (<see cref="ITimerStore.ClaimDueTimersAsync"/>, batches of 100), records each breach
/// (<see cref="SlaThresholdReached"/>) and stores the ticket's next schedule; every iteration checks that exactly the due
/// tickets were claimed and breached.
/// </summary>
/// <remarks>
/// The baseline finds due work the naive way, as a periodic job without stored timers would: it pages through every
/// ticket of the tenant (<see cref="ITicketStore.QueryAsync"/>, pages of 1,000), evaluates each ticket's SLA clocks from
/// its history (<see cref="ServiceDeskEngine.GetTicketAsync"/>) and keeps those that breached since the last run; it then
/// fires them with the same sweep (so the firing cost is identical and the difference is the scan). The stores are built
/// once by direct appends (the engine's own opening of one template ticket, copied with shifted ids and times), not
/// through the engine; SQLite and PostgreSQL copy a template database per benchmark case.
/// </remarks>
[MemoryDiagnoser]
public class EngineSweepBenchmarks
{
    private static readonly Instant Base = Instant.FromUtc(2026, 3, 2, 0, 0);
    private static readonly Duration Target = Duration.FromHours(8);

    private readonly TestClock _clock = new(Base);
    private StoreLease _lease = null!;
    private ServiceDeskEngine _engine = null!;
    private EscalationSweeper _sweeper = null!;
    private int _block = -1;
    private Instant _lastRun = Instant.MinValue;

    /// <summary>Gets the cases: due count, total and adapter (PostgreSQL only when <c>SERVICEDESK_POSTGRES</c> is set).</summary>
    public static IEnumerable<SweepCase> Cases()
    {
        foreach (var adapter in EngineAdapters.Available())
        {
            if (adapter != EngineAdapters.PostgreSql)
            {
                yield return new SweepCase(adapter, 100, 10_000);
                yield return new SweepCase(adapter, 100, 100_000);
            }

            yield return new SweepCase(adapter, 1_000, 100_000);
        }
    }

    /// <summary>Gets or sets the case.</summary>
    [ParamsSource(nameof(Cases))]
    public SweepCase Case { get; set; } = new(EngineAdapters.InMemory, 100, 10_000);

    /// <summary>Gets the engine options of the sweep: a 24x7 resolution target of 8 hours, nothing else.</summary>
    public static ServiceDeskEngineOptions Options { get; } = ServiceDeskEngineOptions.CreateDefault().With(null, new SlaPolicySet([BreachPolicy()]));

    /// <summary>Builds (or copies) the store of the case.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _lease = EngineAdapters.OpenCopyAsync(Case.Adapter, $"sweep-{Case.Total}-v2", store => BuildAsync(store, Case.Total)).GetAwaiter().GetResult();
        _engine = new ServiceDeskEngine(_lease.Store, _clock, Options);
        _sweeper = new EscalationSweeper(_engine);
    }

    /// <summary>Disposes the engine and drops the store.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _lease.Dispose();
    }

    /// <summary>Moves the clock on so that the next <see cref="SweepCase.Due"/> tickets have breached.</summary>
    [IterationSetup]
    public void NextBlock()
    {
        _block++;
        if ((_block + 1) * Case.Due > Case.Total)
        {
            throw new InvalidOperationException($"All {Case.Total:N0} timers were fired after {_block} iterations; use fewer iterations.");
        }

        _lastRun = _block == 0 ? Instant.MinValue : _clock.Now;
        _clock.Reset(Base + Target + Duration.FromSeconds(((_block + 1) * Case.Due) - 1) + Duration.FromMilliseconds(500));
    }

    /// <summary>The naive sweep: scan and evaluate every ticket to find the due ones, then fire them.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> ScanAllTickets()
    {
        var now = _clock.Now;
        var found = 0;
        string? token = null;
        do
        {
            var page = await _lease.Store.QueryAsync(new TicketQuery(EngineBenchmarkData.Tenant) { PageSize = TicketQuery.MaxPageSize, ContinuationToken = token });
            foreach (var ticket in page.Items)
            {
                var view = await _engine.GetTicketAsync(ticket.Tenant, ticket.Id);
                if (view!.Clocks.Any(c => c.IsBreached && c.BreachedAt is { } at && at > _lastRun && at <= now))
                {
                    found++;
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        if (found != Case.Due)
        {
            throw new InvalidOperationException($"The scan found {found:N0} due tickets; expected {Case.Due:N0}.");
        }

        return Check(await _sweeper.SweepAllDueAsync());
    }

    /// <summary><see cref="EscalationSweeper.SweepAllDueAsync"/>: claim the due timers from the store's index and fire them.</summary>
    [Benchmark]
    public async Task<int> ClaimDueTimers() => Check(await _sweeper.SweepAllDueAsync());

    private static SlaPolicy BreachPolicy()
    {
        var calendar = new BusinessCalendarBuilder("UTC").AddDailyHours(LocalTime.Midnight, LocalTime.Midnight).Build();
        var options = new SlaPolicyOptions { Name = "breach-only" };
        options.Metrics.Add(SlaMetricOptions.Resolution(calendar, Target));
        return options.Build();
    }

    private int Check(SweepResult result) => result.Claimed == Case.Due && result.Thresholds == Case.Due && result.Failed == 0 && result.Conflicts == 0
        ? result.Claimed
        : throw new InvalidOperationException($"Block {_block}: the sweep did {result}; expected {Case.Due:N0} breaches.");

    /// <summary>Appends <paramref name="total"/> open incidents, ticket <c>i</c> opened <c>i</c> seconds after
    /// <see cref="Base"/>, each with the snapshot, events and schedule the engine writes when it opens one.</summary>
    private static async Task BuildAsync(ITicketStore store, int total)
    {
        // The template: what the engine itself stores for one incident opened at Base.
        var scratch = new InMemoryTicketStore();
        using (var engine = new ServiceDeskEngine(scratch, new TestClock(Base), Options))
        {
            await engine.OpenTicketAsync(EngineBenchmarkData.Caller, EngineBenchmarkData.Incident);
        }

        var page = await scratch.QueryAsync(new TicketQuery(EngineBenchmarkData.Tenant));
        var template = page.Items.Single();
        var history = await scratch.ReadHistoryAsync(template.Tenant, template.Id);
        // The engine's memory of the ticket (TicketAppend.DerivedState) holds instants as [unix seconds, nanoseconds]; every
        // one of the template's is Base, so each copy gets its own by replacing Base's seconds. Without it every swept ticket
        // would rebuild its memory from its history (one more read each), which engine-opened tickets never do.
        var derived = (await scratch.GetStoredAsync(template.Tenant, template.Id))?.DerivedState
            ?? throw new InvalidOperationException("The engine stored no memory for the template ticket.");
        var baseSeconds = "[" + Base.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ",";
        var schedule = await scratch.GetScheduleAsync(template.Tenant, template.Id)
            ?? throw new InvalidOperationException("The engine stored no schedule for the template ticket.");
        if (schedule.TimerDueAt != Base + Target)
        {
            throw new InvalidOperationException($"The template's timer is at {schedule.TimerDueAt}; expected the breach at {Base + Target}.");
        }

        var parallelism = store is InMemoryTicketStore ? 1 : 4;
        await Parallel.ForAsync(0, total, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, ct) =>
        {
            var shift = Duration.FromSeconds(i);
            var id = new TicketId(new Guid(i + 1, 0xbe, 0x7c, 1, 2, 3, 4, 5, 6, 7, 8));
            var number = new TicketNumber(TicketKind.Incident, i + 1);
            var ticket = template with { Id = id, Number = number, OpenedAt = template.OpenedAt + shift, UpdatedAt = template.UpdatedAt + shift };
            var events = history.Select(e => e is TicketOpened o
                ? o with { Ticket = id, At = e.At + shift, Number = number }
                : e with { Ticket = id, At = e.At + shift }).ToArray();
            var append = new TicketAppend(ticket, events, 0)
            {
                Schedule = new TicketSchedule(schedule.TimerDueAt + shift, schedule.TimerPurpose, schedule.Deadline + shift, schedule.Queued),
                DerivedState = derived.Replace(baseSeconds, "[" + (Base + shift).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ",", StringComparison.Ordinal),
            };
            await store.AppendAsync(append, ct);
        });
    }
}

/// <summary>A sweep case.</summary>
/// <param name="Adapter">The storage adapter.</param>
/// <param name="Due">Timers due per sweep.</param>
/// <param name="Total">Tickets with a timer.</param>
public sealed record SweepCase(string Adapter, int Due, int Total)
{
    /// <summary>A label short enough for BenchmarkDotNet's parameter column (20 characters), e.g. <c>Sqlite 1000/100k</c>.</summary>
    /// <returns>The label.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Adapter} {Due}/{Total / 1000}k");
}
