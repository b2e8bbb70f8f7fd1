using System.Diagnostics;
using NodaTime;
using ServiceDesk.Billing;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Storage.PostgreSql;
using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Workflow;
using ServiceDesk.Workflow.Replay;

namespace ServiceDesk.Samples.Replay;

/// <summary>The store a replay writes to.</summary>
public enum ReplayStore
{
    /// <summary>The embedded SQLite store (a file, recreated per run).</summary>
    Sqlite = 0,

    /// <summary>PostgreSQL (a fresh tenant per run).</summary>
    Postgres = 1,

    /// <summary>The in-memory store, for comparison (nothing is kept after the run).</summary>
    InMemory = 2,
}

/// <summary>What to replay and how.</summary>
public sealed record ReplaySettings
{
    /// <summary>Gets the ServiceNow export to replay (CSV or .csv.gz).</summary>
    public required string EventsPath { get; init; }

    /// <summary>Gets the store; SQLite by default.</summary>
    public ReplayStore Store { get; init; } = ReplayStore.Sqlite;

    /// <summary>Gets the SQLite database file; deleted and recreated. Default <c>./out/replay.db</c>.</summary>
    public string SqlitePath { get; init; } = Path.Combine("out", "replay.db");

    /// <summary>Gets the PostgreSQL connection string (required with <see cref="ReplayStore.Postgres"/>).</summary>
    public string? Connection { get; init; }

    /// <summary>Gets the first opening date to replay (inclusive), if any.</summary>
    public LocalDate? From { get; init; }

    /// <summary>Gets the last opening date to replay (inclusive), if any.</summary>
    public LocalDate? To { get; init; }

    /// <summary>Gets the number of incidents to replay (the first N), if limited.</summary>
    public int? Limit { get; init; }

    /// <summary>Gets the simulated interval between escalation sweeps; 15 minutes by default.</summary>
    public Duration SweepInterval { get; init; } = Duration.FromMinutes(15);

    /// <summary>Gets the resolution targets by priority; <see cref="ReplaySetup.DefaultTargets"/> when <see langword="null"/>.</summary>
    public IReadOnlyDictionary<Priority, Duration>? Targets { get; init; }

    /// <summary>Gets how many commands are stored per transaction (a <see cref="ServiceDeskBatch"/>); 1 stores each command on
    /// its own. Default 1,000. Batches are committed before every escalation sweep, so the sweeper sees every change.</summary>
    public int BatchSize { get; init; } = 1_000;

    /// <summary>Gets how many issues the report keeps (all are counted).</summary>
    public int MaxIssuesKept { get; init; } = 200;
}

/// <summary>Progress of a replay.</summary>
/// <param name="Phase">What is running.</param>
/// <param name="Done">Steps done in the phase.</param>
/// <param name="Total">Steps in the phase.</param>
/// <param name="Simulated">The simulated instant, during the replay phase.</param>
public readonly record struct ReplayProgress(string Phase, long Done, long Total, Instant? Simulated);

/// <summary>A settable clock: the replay moves it to each event's instant.</summary>
public sealed class SimulatedClock(Instant start) : IClock
{
    /// <summary>Gets or sets the current simulated instant.</summary>
    public Instant Now { get; set; } = start;

    /// <inheritdoc />
    public Instant GetCurrentInstant() => Now;
}

/// <summary>
/// Replays a ServiceNow incident log through the whole stack in simulated time: the engine on a real store opens,
/// routes, assigns and transitions the tickets, runs their SLA clocks, the escalation sweeper fires due timers, and the
/// time logged is invoiced per contract and month.
/// </summary>
/// <remarks>
/// Every incident becomes two kinds of actions on one simulated timeline: its opening at <c>opened_at</c> and one action
/// per log event at <c>sys_updated_at</c> (clamped so an incident's times never go backwards). The actions of all
/// incidents are applied in time order; before an action, the sweeper runs once per sweep interval boundary that has
/// passed, with the clock at that boundary. Not thread-safe; run one replay per instance.
/// </remarks>
public sealed class ReplayRunner(ReplaySettings settings)
{
    private readonly List<LogIssue> _issues = [];
    private int _issueCount;

    /// <summary>Gets the settings.</summary>
    public ReplaySettings Settings { get; } = settings ?? throw new ArgumentNullException(nameof(settings));

    /// <summary>Runs the replay.</summary>
    /// <param name="progress">Receives progress, if given.</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>The report.</returns>
    /// <exception cref="LogFormatException">The log is missing or lacks required columns.</exception>
    /// <exception cref="StorageException">The store failed.</exception>
    public async Task<ReplayReport> RunAsync(IProgress<ReplayProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var total = Stopwatch.StartNew();
        progress?.Report(new ReplayProgress("Reading the log", 0, 100, null));
        var log = ServiceNowLog.Read(Settings.EventsPath, Settings.From, Settings.To, Settings.Limit,
            progress is null ? null : percent => progress.Report(new ReplayProgress("Reading the log", percent, 100, null)));
        foreach (var issue in log.Issues)
        {
            AddIssue(issue);
        }

        var calendar = ReplaySetup.Calendar();
        var contracts = ReplaySetup.Contracts(calendar);
        var workflows = new Dictionary<TicketKind, WorkflowDefinition>(ServiceDeskEngineOptions.CreateDefault().Workflows)
        {
            [TicketKind.Incident] = IncidentLifecycle.Create(UciIncidentMapping.Options),
        };
        var options = new ServiceDeskEngineOptions(workflows) { PriorityMatrix = ReplaySetup.Matrix() }
            .With(ReplaySetup.Routing(), ReplaySetup.SlaPolicies(calendar, Settings.Targets))
            .With(ReplaySetup.Escalation(calendar));

        var actions = Timeline(log.Incidents);
        var start = actions.Count > 0 ? actions[0].At : Instant.FromUtc(2016, 1, 1, 0, 0);
        var clock = new SimulatedClock(start);
        var (store, storeName, tenant) = await OpenStoreAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var engine = new ServiceDeskEngine(store, clock, options);
            var replay = new Replay(this, engine, tenant, calendar, contracts, log.Incidents)
            {
                Histories = store as ITicketHistoryStream,

                // The invoices come from the durable ledger on the replay's own database (SQLite or PostgreSQL); the
                // in-memory ticket store has no billing tables, so a run on it uses an in-memory billing store.
                Billing = store as IBillingStore ?? new InMemoryBillingStore(),
            };
            var replayWatch = Stopwatch.StartNew();
            EscalationSweeper? sweeper = null;
            string? notice = null;
            if (store is ITimerStore)
            {
                // Timers swept into an open batch stay leased until it commits; a day of simulated time outlasts most
                // batches, so a leased timer is not claimed again (and decided again on the batch's view) at every sweep.
                sweeper = new EscalationSweeper(engine, new EscalationSweeperOptions { BatchSize = ITimerStore.MaxClaim, LeaseDuration = Duration.FromDays(1) });
            }
            else
            {
                notice = $"Escalations skipped: the {storeName} store does not implement ITimerStore yet, so the escalation sweeper cannot run on it.";
            }

            var nextSweep = start + Settings.SweepInterval;
            var sweeps = 0;
            var sweepTotals = default(SweepResult);
            var sweepWatch = new Stopwatch();
            var batching = Settings.BatchSize > 1 && store is ITicketBatchStore;
            ServiceDeskBatch? batch = null;
            Instant? storedNextDue = null;
            async Task CommitAsync()
            {
                if (batch is not null)
                {
                    await batch.CommitAsync(cancellationToken).ConfigureAwait(false);
                    batch = null;
                    replay.Commands = engine;
                    if (sweeper is not null)
                    {
                        storedNextDue = await sweeper.GetNextDueAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            static Instant? Earlier(Instant? a, Instant? b) => a is null ? b : b is null ? a : a < b ? a : b;

            for (var i = 0; i < actions.Count; i++)
            {
                var action = actions[i];
                if (sweeper is not null && nextSweep <= action.At)
                {
                    // A sweep instant passes; the sweep runs only if a timer is due by then, stored or staged in the batch
                    // (otherwise it would find nothing), so batches keep filling between the rare instants that matter.
                    sweepWatch.Start();
                    while (nextSweep <= action.At)
                    {
                        if (!batching)
                        {
                            // Every command was stored on its own: ask the store what is due now.
                            storedNextDue = await sweeper.GetNextDueAsync(cancellationToken).ConfigureAwait(false);
                        }

                        if (Earlier(storedNextDue, batch?.NextTimerDueAt) is { } due && due <= nextSweep)
                        {
                            clock.Now = nextSweep;
                            if (batch is null)
                            {
                                sweepTotals += await sweeper.SweepAllDueAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                            }
                            else
                            {
                                // Swept into the open batch: what the timers record is stored with the batch's next commit.
                                sweepTotals += await sweeper.SweepAllDueAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
                                if (batch.Count >= TicketBatch.MaxAppends - Settings.BatchSize)
                                {
                                    await CommitAsync().ConfigureAwait(false);
                                }
                            }

                            sweeps++;
                            storedNextDue = await sweeper.GetNextDueAsync(cancellationToken).ConfigureAwait(false);
                        }

                        nextSweep += Settings.SweepInterval;
                    }

                    sweepWatch.Stop();
                }

                clock.Now = action.At;
                if (batching && batch is null)
                {
                    batch = engine.BeginBatch(tenant);
                    replay.Commands = batch.Engine;
                }

                await replay.ApplyAsync(action, cancellationToken).ConfigureAwait(false);
                if (batch is not null && batch.Count >= Settings.BatchSize)
                {
                    await CommitAsync().ConfigureAwait(false);
                }

                if (progress is not null && (i % 500 == 0 || i == actions.Count - 1))
                {
                    progress.Report(new ReplayProgress("Replaying", i + 1, actions.Count, action.At));
                }
            }

            await CommitAsync().ConfigureAwait(false);
            if (sweeper is not null && actions.Count > 0)
            {
                clock.Now = actions[^1].At;
                sweepTotals += await sweeper.SweepAllDueAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                sweeps++;
            }

            replayWatch.Stop();
            var end = clock.Now;
            var report = await replay.ReportAsync(progress, start, end, cancellationToken).ConfigureAwait(false);
            return report with
            {
                Source = Settings.EventsPath,
                Store = storeName,
                Rows = log.Rows,
                IssueCount = _issueCount,
                Issues = [.. _issues],
                Simulated = new Interval(start, end),
                EscalationsRan = sweeper is not null,
                EscalationNotice = notice,
                Sweeps = sweeps,
                SweepTotals = sweepTotals,
                ReplayElapsed = replayWatch.Elapsed,
                SweepElapsed = sweepWatch.Elapsed,
                Elapsed = total.Elapsed,
            };
        }
        finally
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                (store as IDisposable)?.Dispose();
            }
        }
    }

    private void AddIssue(LogIssue issue)
    {
        _issueCount++;
        if (_issues.Count < Settings.MaxIssuesKept)
        {
            _issues.Add(issue);
        }
    }

    private async Task<(ITicketStore Store, string Name, TenantId Tenant)> OpenStoreAsync(CancellationToken cancellationToken)
    {
        if (Settings.Store == ReplayStore.Postgres)
        {
            if (string.IsNullOrWhiteSpace(Settings.Connection))
            {
                throw new ArgumentException("--store postgres needs --connection <connection string>.", nameof(Settings));
            }

            var store = await PostgreSqlTicketStore.OpenAsync(Settings.Connection, cancellationToken).ConfigureAwait(false);

            // A fresh tenant per run, so a run never mixes with an earlier one in the same database.
            var tenant = new TenantId("uci-" + Guid.NewGuid().ToString("N")[..12]);
            return (store, "PostgreSQL", tenant);
        }

        if (Settings.Store == ReplayStore.InMemory)
        {
            return (new InMemoryTicketStore(), "in-memory", ReplaySetup.Tenant);
        }

        var path = Path.GetFullPath(Settings.SqlitePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            File.Delete(file);
        }

        var sqlite = await SqliteTicketStore.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        return (sqlite, $"SQLite ({path})", ReplaySetup.Tenant);
    }

    /// <summary>The actions of all incidents in simulated time order: an opening (event index -1) and one per event.</summary>
    private static List<Action> Timeline(IReadOnlyList<LogIncident> incidents)
    {
        var actions = new List<Action>(incidents.Sum(i => i.Events.Count + 1));
        for (var n = 0; n < incidents.Count; n++)
        {
            var incident = incidents[n];
            var at = incident.OpenedAt;
            actions.Add(new Action(at, n, -1));
            for (var e = 0; e < incident.Events.Count; e++)
            {
                var t = incident.Events[e].At;
                at = t > at ? t : at;
                actions.Add(new Action(at, n, e));
            }
        }

        actions.Sort(static (a, b) =>
        {
            var c = a.At.CompareTo(b.At);
            c = c != 0 ? c : a.Incident.CompareTo(b.Incident);
            return c != 0 ? c : a.Event.CompareTo(b.Event);
        });
        return actions;
    }

    /// <summary>One step of the timeline.</summary>
    private readonly record struct Action(Instant At, int Incident, int Event);

    /// <summary>An incident being replayed.</summary>
    private sealed class Live(LogIncident incident, int contract)
    {
        public LogIncident Incident { get; } = incident;

        public int Contract { get; } = contract;

        public Ticket? Ticket { get; set; }

        public string? LogGroup { get; set; }

        public string? LogAgent { get; set; }

        public Instant Since { get; set; }

        public int Impact { get; set; }

        public int Urgency { get; set; }

        public bool Reassigned { get; set; }
    }

    /// <summary>The state of one run.</summary>
    private sealed class Replay(
        ReplayRunner runner, ServiceDeskEngine engine, TenantId tenant, BusinessCalendar calendar,
        IReadOnlyList<Contract> contracts, IReadOnlyList<LogIncident> incidents)
    {
        private static readonly Duration MinEntry = Duration.FromMinutes(15);
        private static readonly Actor ImportAgent = Actor.OfAgent(new AgentId("servicenow-import"));
        private static readonly Duration MaxEntry = Duration.FromHours(4);
        private readonly Live?[] _live = new Live?[incidents.Count];
        private readonly List<(TimeLogged Logged, int Contract)> _time = [];
        private int _events;
        private int _commands;
        private int _applied;
        private int _rejected;
        private int _resolvedBeforeClose;
        private int _reassignments;
        private readonly Dictionary<string, int> _refused = new(StringComparer.Ordinal);

        /// <summary>Gets or sets the engine the commands run on: the engine itself, or a batch's engine.</summary>
        public ServiceDeskEngine Commands { get; set; } = engine;

        /// <summary>Gets or sets the billing store the invoices are issued in (durable on SQLite and PostgreSQL).</summary>
        public IBillingStore Billing { get; set; } = new InMemoryBillingStore();

        /// <summary>Gets or sets the store's history stream, when it has one (the report then reads every history in one query).</summary>
        public ITicketHistoryStream? Histories { get; set; }

        public async Task ApplyAsync(Action action, CancellationToken cancellationToken)
        {
            var incident = incidents[action.Incident];
            if (action.Event < 0)
            {
                await OpenAsync(action.Incident, incident, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (_live[action.Incident] is not { Ticket: not null } live)
            {
                return; // its opening failed and was reported
            }

            var row = incident.Events[action.Event];
            try
            {
                await ApplyRowAsync(live, row, action.At, cancellationToken).ConfigureAwait(false);
                _events++;
            }
            catch (ArgumentException ex)
            {
                runner.AddIssue(new LogIssue(row.Line, $"{incident.Number}: the engine refused the row: {ex.Message}; row skipped"));
            }
        }

        private async Task OpenAsync(int index, LogIncident incident, CancellationToken cancellationToken)
        {
            var first = incident.Events[0];
            var contract = ReplaySetup.ContractFor(incident.Caller, contracts.Count);
            var live = _live[index] = new Live(incident, contract) { Impact = first.Impact, Urgency = first.Urgency, Since = incident.OpenedAt };
            var group = first.Group is { } g ? new GroupId(ReplaySetup.Slug(g)) : (GroupId?)null;
            var request = new OpenTicketRequest(
                TicketKind.Incident,
                $"{incident.Number}: {incident.Category ?? "no category"} / {incident.Subcategory ?? "no subcategory"}",
                new Requester(new CustomerId(ReplaySetup.Slug(incident.Caller)), incident.Caller),
                new Impact(first.Impact),
                new Urgency(first.Urgency))
            {
                Channel = incident.Channel switch
                {
                    "Email" => Channel.Email,
                    "Self service" => Channel.Portal,
                    "Direct opening" => Channel.Api,
                    _ => Channel.Phone,
                },
                Category = incident.Category is { } c ? new TicketCategory(c, incident.Subcategory) : null,
                Location = incident.Location is { } l ? new LocationId(ReplaySetup.Slug(l)) : null,
                Contract = contracts[contract].Id,
                CustomerTier = contracts[contract].Tier.ToString(),
                AssignmentGroup = group,
                Assignee = group is not null && first.Agent is { } a ? new AgentId(ReplaySetup.Slug(a)) : null,
            };
            try
            {
                _commands++;
                var opened = await Commands.OpenTicketAsync(new CommandContext(tenant, UciIncidentMapping.ActorOf(first.UpdatedBy)), request, cancellationToken).ConfigureAwait(false);
                live.Ticket = opened.Ticket;
                live.LogGroup = first.Group;
                live.LogAgent = first.Group is null ? null : first.Agent;
            }
            catch (ArgumentException ex)
            {
                runner.AddIssue(new LogIssue(first.Line, $"{incident.Number}: the engine refused the opening: {ex.Message}; incident skipped"));
            }
        }

        private async Task ApplyRowAsync(Live live, LogEvent row, Instant at, CancellationToken cancellationToken)
        {
            var actor = UciIncidentMapping.ActorOf(row.UpdatedBy);
            if (actor.Kind == ActorKind.System && ReferenceEquals(row, live.Incident.Events[0]) && row.State != "Closed")
            {
                // The audit trail starts mid-life: the first row shows where the incident already was, not a move the
                // auto-close account made. The move there from New is attributed to an import agent (only agents may hold).
                actor = ImportAgent;
            }

            var context = new CommandContext(tenant, actor);
            var id = live.Ticket!.Id;
            if (row.Impact != live.Impact || row.Urgency != live.Urgency)
            {
                _commands++;
                Track(live, await Commands.ChangePriorityAsync(context, id, new Impact(row.Impact), new Urgency(row.Urgency), "priority changed in the log", cancellationToken).ConfigureAwait(false));
                (live.Impact, live.Urgency) = (row.Impact, row.Urgency);
            }

            if (row.Group is { } group && (!string.Equals(group, live.LogGroup, StringComparison.Ordinal) || !string.Equals(row.Agent, live.LogAgent, StringComparison.Ordinal)))
            {
                _commands++;
                if (live.LogGroup is { } previous && !string.Equals(previous, group, StringComparison.Ordinal))
                {
                    _reassignments++;
                    live.Reassigned = true;
                }

                var agent = row.Agent is { } a ? new AgentId(ReplaySetup.Slug(a)) : (AgentId?)null;
                Track(live, await Commands.AssignAsync(context, id, new GroupId(ReplaySetup.Slug(group)), agent, cancellationToken).ConfigureAwait(false));
                (live.LogGroup, live.LogAgent) = (group, row.Agent);
            }

            var (status, reason) = UciIncidentMapping.Map(row.State)!.Value;
            var ticket = live.Ticket!;
            if (ticket.Status == status && ticket.HoldReason == reason)
            {
                return;
            }

            var from = ticket.Status;
            var result = await TransitionAsync(live, status, reason, actor, at, cancellationToken).ConfigureAwait(false);
            if (result.Outcome == CommandOutcome.Rejected && status == TicketStatus.Closed && ticket.Status != TicketStatus.Resolved)
            {
                // The log closes an incident it never resolved; the lifecycle needs a resolution first.
                var resolved = await TransitionAsync(live, TicketStatus.Resolved, null, actor, at, cancellationToken).ConfigureAwait(false);
                if (resolved.Outcome == CommandOutcome.Applied)
                {
                    _resolvedBeforeClose++;
                    await LogTimeAsync(live, from, row, actor, at, cancellationToken).ConfigureAwait(false);
                    result = await TransitionAsync(live, status, reason, actor, at, cancellationToken).ConfigureAwait(false);
                    from = TicketStatus.Resolved;
                }
            }

            if (result.Outcome == CommandOutcome.Applied)
            {
                await LogTimeAsync(live, from, row, actor, at, cancellationToken).ConfigureAwait(false);
                return;
            }

            _rejected++;
            var (trigger, _) = UciIncidentMapping.Decide(live.Ticket!, status, reason, actor, at, live.Since);
            var kind = $"{live.Ticket!.Status}{(live.Ticket.HoldReason is { } r ? "(" + r + ")" : string.Empty)} -> {status}{(reason is { } t ? "(" + t + ")" : string.Empty)} by {trigger}: "
                + (result.Outcome == CommandOutcome.NewLinkedTicketRequired ? "new linked ticket required" : string.Join(", ", result.UnmetGuards.Select(g => g.Name).Distinct()));
            _refused[kind] = _refused.GetValueOrDefault(kind) + 1;
        }

        private async Task<CommandResult> TransitionAsync(Live live, TicketStatus status, string? reason, Actor actor, Instant at, CancellationToken cancellationToken)
        {
            var (trigger, transition) = UciIncidentMapping.Decide(live.Ticket!, status, reason, actor, at, live.Since);
            _commands++;
            var result = await Commands.TransitionAsync(new CommandContext(tenant, actor), live.Ticket!.Id, trigger, transition.Reason, transition.Notes, cancellationToken).ConfigureAwait(false);
            if (result.Outcome == CommandOutcome.Applied)
            {
                _applied++;
                live.Since = at;
                Track(live, result);
            }
            return result;
        }

        /// <summary>Work time for leaving a working state (New or In progress) by an agent: a quarter of the business time
        /// spent in the state, rounded up to the minute, at least 15 minutes and at most 4 hours, ending at the event.</summary>
        private async Task LogTimeAsync(Live live, TicketStatus from, LogEvent row, Actor actor, Instant at, CancellationToken cancellationToken)
        {
            if ((from != TicketStatus.New && from != TicketStatus.InProgress) || actor.Kind != ActorKind.Agent)
            {
                return;
            }

            var business = calendar.BusinessTimeBetween(live.Since <= at ? live.Since : at, at);
            var minutes = (long)Math.Ceiling(business.TotalMinutes / 4);
            var duration = Duration.FromMinutes(Math.Clamp(minutes, (long)MinEntry.TotalMinutes, (long)MaxEntry.TotalMinutes));
            var agent = row.Agent is { } a ? new AgentId(ReplaySetup.Slug(a)) : new AgentId(actor.Id);
            _commands++;
            var result = await Commands.LogTimeAsync(new CommandContext(tenant, actor), live.Ticket!.Id, agent, at - duration, duration, billable: true, "support", cancellationToken).ConfigureAwait(false);
            Track(live, result);
            foreach (var e in result.Events)
            {
                if (e is TimeLogged logged)
                {
                    _time.Add((logged, live.Contract));
                }
            }
        }

        private static void Track(Live live, CommandResult result)
        {
            if (result.Outcome == CommandOutcome.Applied && result.Ticket is { } t)
            {
                live.Ticket = t;
            }
        }

        public async Task<ReplayReport> ReportAsync(IProgress<ReplayProgress>? progress, Instant start, Instant end, CancellationToken cancellationToken)
        {
            var sla = new Dictionary<Priority, (int Met, int Breached, int Open)>();
            var wall = new List<Duration>();
            var business = new List<Duration>();
            var levels = new SortedDictionary<int, int>();
            var functional = 0;
            var reassignedTickets = 0;
            var logReassignments = 0;
            var groups = new Dictionary<string, (int Tickets, int Assignments)>(StringComparer.Ordinal);
            var ticketsPerContract = new int[contracts.Count];
            var opened = _live.Where(l => l?.Ticket is not null).Select(l => l!).ToList();
            var analytics = new ReplayAnalyticsCollector(calendar, runner.Settings.Targets ?? ReplaySetup.DefaultTargets, end);
            var done = 0;
            var byId = opened.ToDictionary(l => l.Ticket!.Id);

            // Every history in one streamed query where the store can (ITicketHistoryStream), else one read per ticket.
            var histories = Histories is { } stream ? stream.StreamHistoriesAsync(tenant, cancellationToken: cancellationToken) : ReadEachAsync(opened, cancellationToken);
            await foreach (var history in histories.ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!byId.TryGetValue(history[0].Ticket, out var live))
                {
                    continue;
                }

                ticketsPerContract[live.Contract]++;
                logReassignments += live.Incident.Events[^1].ReassignmentCount;
                var view = await Commands.GetTicketAsync(tenant, live.Ticket!.Id, cancellationToken).ConfigureAwait(false);
                if (view?.Clocks.FirstOrDefault(c => c.Metric == ReplaySetup.Metric) is { } resolution)
                {
                    var (met, breached, open) = sla.GetValueOrDefault(view.Ticket.Priority);
                    switch (resolution.Stage)
                    {
                        case SlaStage.Met:
                            met++;
                            break;
                        case SlaStage.Breached:
                            breached++;
                            break;
                        default:
                            open++;
                            break;
                    }

                    sla[view.Ticket.Priority] = (met, breached, open);
                    if (resolution.Stage is SlaStage.Met or SlaStage.Breached)
                    {
                        wall.Add(resolution.WallElapsed);
                        business.Add(resolution.Elapsed);
                    }
                }

                // The same two reads feed the analytics accumulators: no second pass over the store.
                analytics.Add(view?.Ticket ?? live.Ticket, history, live.Incident.Events[0].Impact, live.Incident.Category);
                var seen = new HashSet<GroupId>();
                var fired = new HashSet<int>();
                foreach (var e in history)
                {
                    switch (e)
                    {
                        case Escalated x when fired.Add(x.Level):
                            levels[x.Level] = levels.GetValueOrDefault(x.Level) + 1;
                            break;
                        case Assigned { Group: { } g } x:
                            if (x.Actor.Kind == ActorKind.System && g == ReplaySetup.SecondLine)
                            {
                                functional++;
                            }

                            var (tickets, assignments) = groups.GetValueOrDefault(g.Value);
                            groups[g.Value] = (seen.Add(g) ? tickets + 1 : tickets, assignments + 1);
                            break;
                    }
                }

                reassignedTickets += live.Reassigned ? 1 : 0;
                if (++done % 500 == 0 || done == opened.Count)
                {
                    progress?.Report(new ReplayProgress("Reading clocks and histories", done, opened.Count, null));
                }
            }

            // A level fires once per ticket and records one Escalated event per action, so tickets are counted per level.
            var rules = new Dictionary<int, string> { [1] = "warn-75", [2] = "breach-to-2nd-line", [3] = "overdue-150" };
            progress?.Report(new ReplayProgress("Invoicing", 0, contracts.Count, null));
            var invoices = await InvoiceAsync(end, ticketsPerContract, cancellationToken).ConfigureAwait(false);
            progress?.Report(new ReplayProgress("Invoicing", contracts.Count, contracts.Count, null));
            return new ReplayReport
            {
                Source = string.Empty,
                Store = string.Empty,
                Rows = 0,
                Incidents = opened.Count,
                Events = _events,
                IssueCount = 0,
                Issues = [],
                Commands = _commands,
                TransitionsApplied = _applied,
                TransitionsRejected = _rejected,
                ResolvedBeforeClose = _resolvedBeforeClose,
                RefusedTransitions = [.. _refused.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => (r.Key, r.Value))],
                Simulated = default,
                Sla = [.. sla.OrderBy(s => s.Key).Select(s => new SlaRow(s.Key, s.Value.Met, s.Value.Breached, s.Value.Open))],
                WallResolution = DurationStats.Of(wall),
                BusinessResolution = DurationStats.Of(business),
                EscalationsRan = false,
                Sweeps = 0,
                SweepTotals = default,
                EscalationsByLevel = [.. levels.Select(l => (l.Key, rules.GetValueOrDefault(l.Key, "?"), l.Value))],
                FunctionalEscalations = functional,
                Reassignments = _reassignments,
                ReassignedTickets = reassignedTickets,
                LogReassignmentCount = logReassignments,
                BusiestGroups = [.. groups.OrderByDescending(g => g.Value.Tickets).ThenBy(g => g.Key, StringComparer.Ordinal).Take(10).Select(g => new GroupRow(g.Key, g.Value.Tickets, g.Value.Assignments))],
                Contracts = invoices,
                Analytics = analytics.ToAnalytics(start, end),
                Elapsed = default,
                ReplayElapsed = default,
                SweepElapsed = default,
            };
        }

        /// <summary>The histories of <paramref name="opened"/> read one by one, for a store that cannot stream them.</summary>
        private async IAsyncEnumerable<IReadOnlyList<TicketEvent>> ReadEachAsync(
            List<Live> opened, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var live in opened)
            {
                var history = await Commands.GetHistoryAsync(tenant, live.Ticket!.Id, cancellationToken).ConfigureAwait(false);
                if (history.Count > 0)
                {
                    yield return history;
                }
            }
        }

        /// <summary>Stores the logged time as billing entries and runs every month's invoices through the durable ledger:
        /// numbers come from the store, in the transactions that store the invoices.</summary>
        private async Task<List<ContractRow>> InvoiceAsync(Instant end, int[] ticketsPerContract, CancellationToken cancellationToken)
        {
            var ledger = new DurableLedger(Billing, contracts);
            var rows = new List<ContractRow>();
            var lastMonth = YearMonthOf(end);
            for (var c = 0; c < contracts.Count; c++)
            {
                var contract = contracts[c];
                var entries = _time
                    .Where(t => t.Contract == c)
                    .Select((t, i) => TimeEntry.FromEvent(t.Logged, new TimeEntryId($"{contract.Id.Value}-{t.Logged.Ticket.Value:N}-{t.Logged.Version}"), contract.Id))
                    .ToList();
                // As logged (the contracts bill without approval), up to 10,000 a transaction; stored once, so a rerun on the
                // same file is a no-op.
                foreach (var chunk in entries.Chunk(IBillingStore.MaxEntriesPerAdd))
                {
                    await Billing.AddTimeEntriesAsync(chunk, cancellationToken).ConfigureAwait(false);
                }

                var months = new List<(YearMonth, decimal)>();
                decimal net = 0, tax = 0, total = 0, lines = 0;
                var count = 0;
                var current = contract.GetMonth(end);
                for (var month = YearMonthOf(contract.Start.AtStartOfDayInZone(contract.Zone).ToInstant()); month <= lastMonth && month <= current; month = month.PlusMonths(1))
                {
                    var run = await ledger.RunAsync(contract, month, end, cancellationToken).ConfigureAwait(false);
                    if (run.Invoice is { } invoice)
                    {
                        count++;
                        net += invoice.Net.Amount;
                        tax += invoice.Tax.Amount;
                        total += invoice.Total.Amount;
                        lines += invoice.Lines.Sum(l => l.Net.Amount + l.Tax.Amount);
                        months.Add((month, invoice.Net.Amount));
                    }
                }

                rows.Add(new ContractRow(
                    contract.Id.Value, contract.ClientLegalName, Describe(contract), ticketsPerContract[c], entries.Count,
                    Duration.FromTicks(entries.Sum(e => e.Duration.BclCompatibleTicks)), count, net, tax, total, lines, months));
            }

            return rows;
        }

        private static YearMonth YearMonthOf(Instant instant)
        {
            var date = instant.InUtc().Date;
            return new YearMonth(date.Year, date.Month);
        }

        private static string Describe(Contract contract)
        {
            var parts = new List<string>();
            if (contract.Subscription is { } s)
            {
                parts.Add($"subscription {s.Fee.Amount:N0}/month, {s.IncludedTime.TotalHours:N0} h included{(s.RolloverUnused ? " (rollover)" : string.Empty)}");
            }

            foreach (var b in contract.PrepaidBundles)
            {
                parts.Add($"bundle {b.Time.TotalHours:N0} h for {b.Price?.Amount:N0}");
            }

            if (contract.TimeAndMaterials is { } tm)
            {
                parts.Add($"T&M {tm.DefaultHourlyRate?.Amount:N0}/h{(tm.AfterHoursMultiplier != 1 ? $", after hours x{tm.AfterHoursMultiplier}" : string.Empty)}");
            }

            return string.Join("; ", parts);
        }
    }
}
