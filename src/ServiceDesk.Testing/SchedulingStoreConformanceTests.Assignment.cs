using NodaTime;
using ServiceDesk.Routing;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Automatic assignment's data (<see cref="IAssignmentStore"/>): open work and round-robin cursors.</content>
public abstract partial class SchedulingStoreConformanceTests
{
    /// <summary>Gets the store as an <see cref="IAssignmentStore"/>.</summary>
    protected IAssignmentStore Assignment => (IAssignmentStore)Store;

    /// <summary>Open work counts exactly the queued, assigned tickets of the tenant, by assignee and priority, and follows
    /// reassignments, priority changes, schedules that stop being queued and tickets stored without a schedule.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task OpenWork_QueuedAssignedTickets_CountedByAgentAndPriority()
    {
        var tenant = NewTenant();
        var factory = Factory(tenant);
        var group = new GroupId("desk");
        var (ann, bob) = (new AgentId("ann"), new AgentId("bob"));
        Func<Ticket, Ticket> To(AgentId? agent, Priority priority) => t => t with { AssignmentGroup = group, Assignee = agent, Priority = priority };
        var a = await OpenAsync(factory, Deadline(null), To(ann, Priority.P2High));
        var b = await OpenAsync(factory, Deadline(null), To(ann, Priority.P1Critical));
        var c = await OpenAsync(factory, Deadline(null), To(bob, Priority.P3Moderate));
        await OpenAsync(factory, TicketSchedule.None, To(ann, Priority.P1Critical));
        await OpenAsync(factory, Deadline(null), To(null, Priority.P1Critical));
        await OpenAsync(factory, null, To(ann, Priority.P1Critical));
        var other = Factory(NewTenant());
        await OpenAsync(other, Deadline(null), To(ann, Priority.P1Critical));

        Assert.Equal(
            [new AgentOpenWork(ann, 1, 1, 0, 0, 0), new AgentOpenWork(bob, 0, 0, 1, 0, 0)],
            await Assignment.GetOpenWorkAsync(tenant));

        await AppendAsync(WithSchedule(factory.Assign(b, group, bob), Deadline(null)));
        var lowered = await AppendAsync(WithSchedule(factory.ChangePriority(c, Impact.Low, Urgency.Low), Deadline(null)));
        await AppendAsync(WithSchedule(factory.ChangeStatus(a, TicketStatus.Closed), TicketSchedule.None));

        var work = await Assignment.GetOpenWorkAsync(tenant);
        Assert.Equal([new AgentOpenWork(bob, 1, 0, 0, 0, 0).Add(lowered.Priority)], work);
        Assert.Equal(2, work[0].Total);
        Assert.Empty(await Assignment.GetOpenWorkAsync(NewTenant()));
    }

    /// <summary>A group's round-robin cursor moves only by compare-and-set, per tenant and group, and survives as stored.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task RoundRobinCursor_CompareAndSet_PerTenantAndGroup()
    {
        var tenant = NewTenant();
        var (desk, field) = (new GroupId("desk"), new GroupId("field"));
        var (ann, bob, carl) = (new AgentId("ann"), new AgentId("bob"), new AgentId("carl"));

        Assert.Null(await Assignment.GetRoundRobinCursorAsync(tenant, desk));
        Assert.True(await Assignment.TryAdvanceRoundRobinCursorAsync(tenant, desk, null, ann));
        Assert.False(await Assignment.TryAdvanceRoundRobinCursorAsync(tenant, desk, null, bob));
        Assert.Equal(ann, await Assignment.GetRoundRobinCursorAsync(tenant, desk));
        Assert.True(await Assignment.TryAdvanceRoundRobinCursorAsync(tenant, desk, ann, bob));
        Assert.False(await Assignment.TryAdvanceRoundRobinCursorAsync(tenant, desk, ann, carl));
        Assert.Equal(bob, await Assignment.GetRoundRobinCursorAsync(tenant, desk));

        Assert.Null(await Assignment.GetRoundRobinCursorAsync(tenant, field));
        var other = NewTenant();
        Assert.Null(await Assignment.GetRoundRobinCursorAsync(other, desk));
        Assert.True(await Assignment.TryAdvanceRoundRobinCursorAsync(other, desk, null, carl));
        Assert.Equal(bob, await Assignment.GetRoundRobinCursorAsync(tenant, desk));
    }

    /// <summary>Of many callers advancing the same cursor from the same value at once, exactly one succeeds.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task RoundRobinCursor_ConcurrentAdvances_ExactlyOneWins()
    {
        var tenant = NewTenant();
        var group = new GroupId("desk");
        var start = new AgentId("start");
        Assert.True(await Assignment.TryAdvanceRoundRobinCursorAsync(tenant, group, null, start));

        var results = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(i =>
            Task.Run(() => Assignment.TryAdvanceRoundRobinCursorAsync(tenant, group, start, new AgentId("agent-" + i)))));

        Assert.Equal(1, results.Count(r => r));
        var winner = Array.IndexOf(results, true);
        Assert.Equal(new AgentId("agent-" + winner), await Assignment.GetRoundRobinCursorAsync(tenant, group));
    }

    /// <summary>Default ids are refused with <see cref="ArgumentException"/> before anything is read or written.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Assignment_DefaultIds_Refused()
    {
        var tenant = NewTenant();
        var group = new GroupId("desk");
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Assignment.GetOpenWorkAsync(default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Assignment.GetRoundRobinCursorAsync(tenant, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Assignment.TryAdvanceRoundRobinCursorAsync(tenant, group, null, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Assignment.TryAdvanceRoundRobinCursorAsync(tenant, group, default(AgentId), new AgentId("ann")));
        Assert.Null(await Assignment.GetRoundRobinCursorAsync(tenant, group));
    }
    /// <summary>Gets the store as an <see cref="IAgentDirectoryStore"/>.</summary>
    protected IAgentDirectoryStore Directories => (IAgentDirectoryStore)Store;

    /// <summary>A tenant's directory is replaced whole by compare-and-set on its version, per tenant.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AgentDirectory_SaveAndRead_CompareAndSetPerTenant()
    {
        var tenant = NewTenant();
        const string V1 = """{ "groups": [ { "id": "desk", "tier": 1 } ], "agents": [ { "id": "ann", "groups": ["desk"] } ] }""";
        const string V2 = """{ "groups": [ { "id": "desk", "tier": 1 } ], "agents": [ { "id": "bob", "groups": ["desk"] } ] }""";
        var at = Clock.Now;

        Assert.Null(await Directories.GetAgentDirectoryAsync(tenant));
        Assert.Equal(0, await Directories.GetAgentDirectoryVersionAsync(tenant));
        Assert.Equal(new StoredAgentDirectory(tenant, 1, V1, at), await Directories.SaveAgentDirectoryAsync(tenant, V1, 0, at));
        Assert.Null(await Directories.SaveAgentDirectoryAsync(tenant, V2, 0, at));
        Assert.Null(await Directories.SaveAgentDirectoryAsync(tenant, V2, 2, at));
        var later = at + Duration.FromMinutes(5) + Duration.FromNanoseconds(123);
        Assert.Equal(new StoredAgentDirectory(tenant, 2, V2, later), await Directories.SaveAgentDirectoryAsync(tenant, V2, 1, later));

        Assert.Equal(new StoredAgentDirectory(tenant, 2, V2, later), await Directories.GetAgentDirectoryAsync(tenant));
        Assert.Equal(2, await Directories.GetAgentDirectoryVersionAsync(tenant));
        Assert.Null(await Directories.GetAgentDirectoryAsync(NewTenant()));

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Directories.SaveAgentDirectoryAsync(tenant, string.Empty, 2, at));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Directories.SaveAgentDirectoryAsync(tenant, V1, -1, at));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Directories.SaveAgentDirectoryAsync(default, V1, 0, at));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Directories.GetAgentDirectoryAsync(default));
        Assert.Equal(2, await Directories.GetAgentDirectoryVersionAsync(tenant));
    }

    /// <summary>Of many saves from the same version at once, exactly one is stored.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AgentDirectory_ConcurrentSaves_ExactlyOneWins()
    {
        var tenant = NewTenant();
        var results = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(i => Task.Run(() =>
            Directories.SaveAgentDirectoryAsync(tenant, $$"""{ "groups": [ { "id": "g{{i}}", "tier": 1 } ], "agents": [] }""", 0, Clock.Now))));

        var winner = Assert.Single(results, r => r is not null)!;
        Assert.Equal(winner, await Directories.GetAgentDirectoryAsync(tenant));
    }

    /// <summary>The provider validates before anything is stored (every fault listed) and sees another instance's save at
    /// its next read.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AgentDirectory_Provider_ValidatesAndSeesOtherInstancesSaves()
    {
        var tenant = NewTenant();
        var mine = new StoredAgentDirectoryProvider(Directories);
        var theirs = new StoredAgentDirectoryProvider(Directories);
        var bad = await Assert.ThrowsAsync<InvalidDefinitionException>(() => mine.SaveAsync(tenant, """
            { "groups": [ { "id": "field", "tier": 2, "strategy": "nearest" } ],
              "agents": [ { "id": "fred", "groups": ["field"], "skills": { "vpn": 101 } } ] }
            """, 0, Clock.Now));
        Assert.Contains(bad.Errors, e => e.Contains("$.agents[0].skills", StringComparison.Ordinal));
        Assert.Contains(bad.Errors, e => e.Contains("has no location", StringComparison.Ordinal));
        Assert.Equal(0, await Directories.GetAgentDirectoryVersionAsync(tenant));
        Assert.Null(await mine.GetDirectoryAsync(tenant));

        Assert.NotNull(await mine.SaveAsync(tenant, """{ "groups": [ { "id": "desk", "tier": 1 } ], "agents": [ { "id": "ann", "groups": ["desk"] } ] }""", 0, Clock.Now));
        Assert.Equal(["ann"], (await theirs.GetDirectoryAsync(tenant))!.Agents.Select(a => a.Id.Value));
        Assert.NotNull(await theirs.SaveAsync(tenant, """{ "groups": [ { "id": "desk", "tier": 1 } ], "agents": [ { "id": "bob", "groups": ["desk"] } ] }""", 1, Clock.Now));
        Assert.Equal(["bob"], (await mine.GetDirectoryAsync(tenant))!.Agents.Select(a => a.Id.Value));
        Assert.Null(await mine.SaveAsync(tenant, """{ "groups": [], "agents": [] }""", 1, Clock.Now));
    }
}
