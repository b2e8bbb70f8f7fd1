using System.Text;
using BenchmarkDotNet.Attributes;
using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Routing;
using ServiceDesk.Storage;
using ServiceDesk.Testing;

namespace ServiceDesk.Benchmarks.Engine;

/// <summary>
/// Automatic assignment among 10,000 agents of one least-loaded group, with their open work (20,000 open assigned
/// tickets, priorities mixed) read from the store at every decision.
/// </summary>
/// <remarks>
/// <para><c>Decision</c> is what the engine does to choose: read the open work (<see cref="IAssignmentStore.GetOpenWorkAsync"/>,
/// one grouped query over the partial index of open assigned tickets), run the filters and the chooser over the group's
/// 10,000 members, and write the explanation. <c>NaiveDecision</c> is the same choice made the way a product without that
/// query would: page through the tenant's queue (<see cref="ITimerStore.QueryScheduleAsync"/>, pages of 1,000 tickets with
/// their snapshots), count open tickets per agent with LINQ and pick the least loaded with LINQ (both agree, checked in
/// setup). <c>AssignCommand</c> is the whole engine command (<see cref="ServiceDeskEngine.AssignAsync"/> to the group
/// without an agent): load, decide, append the decision and the assignment.</para>
/// </remarks>
[MemoryDiagnoser]
public class EngineAssignmentBenchmarks
{
    private const int AgentCount = 10_000;
    private const int OpenTickets = 20_000;
    private static readonly GroupId Desk = new("desk");
    private static readonly TenantId Tenant = new("bench");

    private readonly TestClock _clock = new(Instant.FromUtc(2026, 3, 2, 9, 0));
    private StoreLease _lease = null!;
    private ServiceDeskEngine _engine = null!;
    private ServiceDeskEngine _cachedEngine = null!;
    private AgentProfile[] _members = null!;
    private AutomaticAssignment _settings = null!;
    private AgentAssigner _assigner = null!;
    private TicketId _ticket;
    private Ticket _sample = null!;

    /// <summary>Gets or sets the store adapter (PostgreSQL only when <c>SERVICEDESK_POSTGRES</c> is set).</summary>
    [ParamsSource(nameof(Adapters))]
    public string Adapter { get; set; } = EngineAdapters.Sqlite;

    /// <summary>Gets the adapters.</summary>
    public static IEnumerable<string> Adapters() => EngineAdapters.Available();

    /// <summary>Builds the directory and the store.</summary>
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var json = new StringBuilder("""{ "groups": [ { "id": "desk", "tier": 1, "strategy": "leastLoaded" }, { "id": "manual", "tier": 1, "automatic": false } ], "agents": [""");
        for (var i = 0; i < AgentCount; i++)
        {
            json.Append(i == 0 ? string.Empty : ",")
                .Append("{ \"id\": \"agent-").Append(i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture))
                .Append("\", \"groups\": [\"desk\"], \"capacity\": 40 }");
        }

        _settings = new AutomaticAssignment(AgentDirectory.FromJson(json.Append("] }").ToString()));
        _assigner = new AgentAssigner(
            [EligibilityFilter.NotAbsent, EligibilityFilter.OnShift, EligibilityFilter.HasSkills, EligibilityFilter.UnderCapacity(_settings.Weights)],
            AgentChooser.LeastLoaded(_settings.Weights));
        _lease = await EngineAdapters.OpenEmptyAsync(Adapter);
        var factory = new TicketFactory(Tenant, _clock);
        var queued = new TicketSchedule(null, null, null, queued: true);
        var appends = new List<TicketAppend>();
        for (var i = 0; i < OpenTickets; i++)
        {
            // Agent k gets 2 tickets, except every 7th agent (1) and every 11th (3), so loads differ.
            var agent = new AgentId("agent-" + ((i * 7919) % AgentCount).ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
            var priority = (Priority)(1 + (i % 5));
            var open = factory.Open(configure: t => t with { AssignmentGroup = Desk, Assignee = agent, Priority = priority });
            appends.Add(new TicketAppend(open.Ticket, open.Events, open.ExpectedVersion) { Schedule = queued });
            if (appends.Count == 5_000)
            {
                await ((ITicketBatchStore)_lease.Store).AppendBatchAsync(new TicketBatch(appends));
                appends.Clear();
            }
        }

        var target = factory.Open(configure: t => t with { AssignmentGroup = new GroupId("manual") });
        await _lease.Store.AppendAsync(new TicketAppend(target.Ticket, target.Events, target.ExpectedVersion) { Schedule = queued });
        _ticket = target.Ticket.Id;
        _sample = target.Ticket with { AssignmentGroup = Desk };
        _engine = new ServiceDeskEngine(_lease.Store, _clock, ServiceDeskEngineOptions.CreateDefault().With(_settings));
        _cachedEngine = new ServiceDeskEngine(
            _lease.Store, _clock, ServiceDeskEngineOptions.CreateDefault().With(new AutomaticAssignment(_settings.Directory!) { WorkloadRefreshInterval = Duration.FromSeconds(1) }));
        var work = (await ((IAssignmentStore)_lease.Store).GetOpenWorkAsync(Tenant)).ToDictionary(w => w.Agent);
        _members = [.. _settings.MembersOf(Desk).Select(a => work.TryGetValue(a.Id, out var w) ? a.WithWorkload(new Workload(w.P1, w.P2, w.P3, w.P4, w.P5)) : a)];

        var decided = await Decision();
        var naive = await NaiveDecision();
        if (decided != naive)
        {
            throw new InvalidOperationException($"The engine's decision ({decided}) and the naive one ({naive}) disagree.");
        }
    }

    /// <summary>Drops the store.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _cachedEngine.Dispose();
        _lease.Dispose();
    }

    /// <summary>Paging the queue and counting with LINQ.</summary>
    /// <returns>The agent chosen.</returns>
    [Benchmark(Baseline = true)]
    public async Task<AgentId?> NaiveDecision()
    {
        var open = new List<Ticket>();
        string? token = null;
        do
        {
            var page = await ((ITimerStore)_lease.Store).QueryScheduleAsync(new ScheduleQuery(Tenant) { PageSize = TicketQuery.MaxPageSize, ContinuationToken = token });
            open.AddRange(page.Items.Select(i => i.Ticket));
            token = page.ContinuationToken;
        }
        while (token is not null);

        var weights = _settings.Weights;
        var load = open.Where(t => t.Assignee is not null).GroupBy(t => t.Assignee!.Value).ToDictionary(g => g.Key, g => g.Sum(t => (long)weights[t.Priority]));
        return _settings.MembersOf(Desk)
            .Where(a => load.GetValueOrDefault(a.Id) + weights[_sample.Priority] <= a.Capacity)
            .OrderBy(a => load.GetValueOrDefault(a.Id)).ThenBy(a => a.Id.Value, StringComparer.Ordinal)
            .Select(a => (AgentId?)a.Id).FirstOrDefault();
    }

    /// <summary>What the engine does to choose with open work read at every decision (the default): the open work from
    /// the store, the group's profiles with it, the filters and chooser, the explanation.</summary>
    /// <returns>The agent chosen.</returns>
    [Benchmark]
    public async Task<AgentId?> Decision()
    {
        var work = await ((IAssignmentStore)_lease.Store).GetOpenWorkAsync(Tenant);
        var workloads = new Dictionary<AgentId, Workload>(work.Count);
        foreach (var w in work)
        {
            workloads[w.Agent] = new Workload(w.P1, w.P2, w.P3, w.P4, w.P5);
        }

        var directory = _settings.MembersOf(Desk);
        var members = new AgentProfile[directory.Count];
        for (var i = 0; i < members.Length; i++)
        {
            members[i] = workloads.TryGetValue(directory[i].Id, out var load) ? directory[i].WithWorkload(load) : directory[i];
        }

        return Choose(members);
    }

    /// <summary>The same choice with the open work already read (what <see cref="AutomaticAssignment.WorkloadRefreshInterval"/>
    /// reuses between reads): the filters, the chooser and the explanation over 10,000 profiles.</summary>
    /// <returns>The agent chosen.</returns>
    [Benchmark]
    public AgentId? DecisionReusingOpenWork() => Choose(_members);

    private AgentId? Choose(AgentProfile[] members)
    {
        var request = new AssignmentRequest(_sample, Desk, _clock.Now);
        var result = _assigner.Assign(request, members);
        _ = _assigner.Explain(request, members, result);
        return result.Agent;
    }

    /// <summary>The engine's assign command with open work reused for one second (the test clock stands still, so it is
    /// read once): load, decide, append.</summary>
    /// <returns>The agent chosen.</returns>
    [Benchmark]
    public async Task<AgentId?> AssignCommandReusingOpenWork()
    {
        var context = new CommandContext(Tenant, Actor.OfAgent(new AgentId("lead")));
        var result = await _cachedEngine.AssignAsync(context, _ticket, Desk);
        return result.Ticket?.Assignee;
    }

    /// <summary>The engine's assign command to the group without an agent: load, decide, append.</summary>
    /// <returns>The agent chosen.</returns>
    [Benchmark]
    public async Task<AgentId?> AssignCommand()
    {
        var context = new CommandContext(Tenant, Actor.OfAgent(new AgentId("lead")));
        var result = await _engine.AssignAsync(context, _ticket, Desk);
        return result.Ticket?.Assignee;
    }
}
