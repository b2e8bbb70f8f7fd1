using System.Text;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Derived state (<see cref="TicketAppend.DerivedState"/>, <see cref="ITicketStore.GetStoredAsync"/>) and
/// <see cref="ITicketStore.GetManyAsync"/>.</content>
public abstract partial class TicketStoreConformanceTests
{
    /// <summary>Returns a copy of an append that carries a derived state (or none), keeping its schedule.</summary>
    /// <param name="append">The append.</param>
    /// <param name="derivedState">The derived state to store with it, or <see langword="null"/> for none.</param>
    /// <returns>The copy.</returns>
    protected static TicketAppend WithDerivedState(TicketAppend append, string? derivedState)
    {
        ArgumentNullException.ThrowIfNull(append);
        return new TicketAppend(append.Ticket, append.Events, append.ExpectedVersion, append.IdempotencyKey)
        {
            Schedule = append.Schedule,
            DerivedState = derivedState,
        };
    }

    /// <summary>Skips the calling test (see <see cref="ConformanceSkipException"/>) when the store keeps the default
    /// <see cref="ITicketStore.GetStoredAsync"/>, which by contract reports no derived state: keeping it is optional.</summary>
    /// <exception cref="ConformanceSkipException">The store does not keep derived state.</exception>
    protected void RequireDerivedState()
    {
        var map = Store.GetType().GetInterfaceMap(typeof(ITicketStore));
        var index = Array.FindIndex(map.InterfaceMethods, m => m.Name == nameof(ITicketStore.GetStoredAsync));
        if (map.TargetMethods[index].DeclaringType == typeof(ITicketStore))
        {
            throw new ConformanceSkipException(
                $"{Store.GetType().Name} keeps the default ITicketStore.GetStoredAsync, which reports no derived state (an optional capability).");
        }
    }

    /// <summary>Asserts that a stored ticket is the expected snapshot with the expected derived state.</summary>
    /// <param name="expected">The expected snapshot.</param>
    /// <param name="derivedState">The expected derived state.</param>
    /// <param name="actual">What <see cref="ITicketStore.GetStoredAsync"/> returned.</param>
    protected static void AssertStored(Ticket expected, string? derivedState, StoredTicket? actual)
    {
        Assert.NotNull(actual);
        AssertSameTicket(expected, actual.Ticket);
        Assert.Equal(derivedState, actual.DerivedState);
    }

    /// <summary>Derived state comes back exactly as written: JSON-like text, every plane of Unicode, control characters,
    /// 100 KB, and the longest allowed.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task GetStored_DerivedState_RoundTripsVerbatim()
    {
        RequireDerivedState();
        var factory = Factory(NewTenant());
        var large = new StringBuilder(100 * 1024);
        for (var i = 0; large.Length < 100 * 1024; i++)
        {
            large.Append(i % 7 == 0 ? "ü€😀" : "{\"clock\":" + i + ",\"x\":\"\\\"\"}");
        }

        string[] states =
        [
            "{\"v\":3,\"clocks\":[{\"name\":\"resolution\",\"elapsed\":\"PT1H\"}],\"links\":[]}",
            "ünïcode ✓ Ελληνικά 日本語 עברית العربية 😀👩‍👩‍👧 \u0301e\u0300 \u2028\u2029 \uFEFF \"quoted\" \\back\\slash\\",
            "  leading and trailing blanks, tabs\tand\r\nline breaks\n  ",
            "\u0001\u001F\u007F control characters",
            HundredKilobytes(large.ToString()),
            new string('m', TicketAppend.MaxDerivedStateLength),
        ];
        var current = await AppendAsync(WithDerivedState(factory.Open(), states[0]));

        foreach (var state in states)
        {
            current = await AppendAsync(WithDerivedState(factory.AddComment(current), state));

            var stored = await Store.GetStoredAsync(factory.Tenant, current.Id);

            Assert.NotNull(stored);
            AssertSameTicket(current, stored.Ticket);
            Assert.Equal(state.Length, stored.DerivedState?.Length);
            Assert.True(string.Equals(state, stored.DerivedState, StringComparison.Ordinal), $"The derived state of {state.Length:N0} characters changed in storage.");
        }
    }

    /// <summary>Every append replaces the derived state, an append without one clears it, and the ticket read with it is
    /// the version written with it.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task GetStored_NextAppends_ReplaceOrClearDerivedState()
    {
        RequireDerivedState();
        var factory = Factory(NewTenant());
        var v1 = await AppendAsync(WithDerivedState(factory.Open(), "state at 1"));
        AssertStored(v1, "state at 1", await Store.GetStoredAsync(factory.Tenant, v1.Id));

        var v3 = await AppendAsync(WithDerivedState(factory.AddComments(v1, 2), "state at 3"));
        var stored = await Store.GetStoredAsync(factory.Tenant, v1.Id);
        Assert.NotNull(stored);
        AssertSameTicket(v3, stored.Ticket);
        Assert.Equal("state at 3", stored.DerivedState);

        var v4 = await AppendAsync(factory.ChangeStatus(v3, TicketStatus.InProgress));
        stored = await Store.GetStoredAsync(factory.Tenant, v1.Id);
        Assert.NotNull(stored);
        AssertSameTicket(v4, stored.Ticket);
        Assert.Null(stored.DerivedState);

        var v5 = await AppendAsync(WithDerivedState(factory.AddComment(v4), "state at 5"));
        stored = await Store.GetStoredAsync(factory.Tenant, v1.Id);
        Assert.NotNull(stored);
        AssertSameTicket(v5, stored.Ticket);
        Assert.Equal("state at 5", stored.DerivedState);
        AssertSameTicket(v5, await Store.GetAsync(factory.Tenant, v1.Id));
    }

    /// <summary>A replayed, conflicting, invalid or cancelled append leaves the stored derived state as it was.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task GetStored_ReplayedOrRejectedAppend_KeepsDerivedState()
    {
        RequireDerivedState();
        var factory = Factory(NewTenant());
        var v1 = await AppendAsync(WithDerivedState(factory.Open(), "opened"));
        var keyed = WithDerivedState(factory.ChangeStatus(v1, TicketStatus.InProgress, idempotencyKey: "start"), "started");
        var v2 = await AppendAsync(keyed);

        var replay = await Store.AppendAsync(WithDerivedState(keyed, "replayed"));
        Assert.True(replay.IsReplay);
        await AssertConflictAsync(WithDerivedState(factory.AddComment(v1), "stale"), 1, 2);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Store.AppendAsync(WithDerivedState(factory.AddComment(v2), "cancelled"), new CancellationToken(canceled: true)));
        var renumbered = factory.AddComment(v2);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync(WithDerivedState(
            new TicketAppend(renumbered.Ticket with { Number = new TicketNumber(TicketKind.Incident, 999_999) }, renumbered.Events, 2), "renumbered")));

        AssertStored(v2, "started", await Store.GetStoredAsync(factory.Tenant, v1.Id));
    }

    /// <summary>Derived state is per tenant: another tenant reads nothing, and the same ticket id in two tenants keeps two
    /// states.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task GetStored_OtherTenant_NeverSeesDerivedState()
    {
        RequireDerivedState();
        var a = Factory(NewTenant());
        var b = Factory(NewTenant());
        var ofA = await AppendAsync(WithDerivedState(a.Open(), "secret of A"));

        Assert.Null(await Store.GetStoredAsync(b.Tenant, ofA.Id));

        var ofB = await AppendAsync(WithDerivedState(b.Open(configure: t => t with { Id = ofA.Id }), "state of B"));
        Assert.Equal("secret of A", (await Store.GetStoredAsync(a.Tenant, ofA.Id))?.DerivedState);
        Assert.Equal("state of B", (await Store.GetStoredAsync(b.Tenant, ofA.Id))?.DerivedState);

        await AppendAsync(a.AddComment(ofA));
        Assert.Null((await Store.GetStoredAsync(a.Tenant, ofA.Id))?.DerivedState);
        AssertStored(ofB, "state of B", await Store.GetStoredAsync(b.Tenant, ofA.Id));
    }

    /// <summary>An unknown ticket reads as <see langword="null"/>; default ids throw; a cancelled read throws (every store,
    /// including one with the default <see cref="ITicketStore.GetStoredAsync"/>).</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task GetStored_UnknownTicketBadIdsOrCancelled_ReturnsNullOrThrows()
    {
        var factory = Factory(NewTenant());
        var ticket = await factory.OpenAsync(Store);

        Assert.Null(await Store.GetStoredAsync(factory.Tenant, TicketId.New()));
        Assert.Null(await Store.GetStoredAsync(NewTenant(), ticket.Id));
        var stored = await Store.GetStoredAsync(factory.Tenant, ticket.Id);
        Assert.NotNull(stored);
        AssertSameTicket(ticket, stored.Ticket);
        Assert.Null(stored.DerivedState);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetStoredAsync(default, ticket.Id));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetStoredAsync(factory.Tenant, default));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.GetStoredAsync(factory.Tenant, ticket.Id, new CancellationToken(canceled: true)));
    }

    /// <summary>Several tickets come back in the order of their first id; unknown ids, another tenant's ids and duplicates
    /// are left out; each ticket is its latest snapshot.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task GetMany_MixedIds_ReturnsLatestSnapshotsInOrderOfFirstId()
    {
        var factory = Factory(NewTenant());
        var other = Factory(NewTenant());
        var t1 = await factory.OpenAsync(Store);
        var t2 = await factory.OpenAsync(Store, TicketKind.Problem);
        var t3 = await factory.OpenAsync(Store);
        t1 = await AppendAsync(factory.ChangeStatus(t1, TicketStatus.InProgress));
        var foreign = await other.OpenAsync(Store);

        var many = await Store.GetManyAsync(factory.Tenant, [t3.Id, TicketId.New(), t1.Id, foreign.Id, t3.Id, t2.Id, t1.Id]);

        Assert.Equal([t3.Id, t1.Id, t2.Id], many.Select(t => t.Id));
        AssertSameTicket(t3, many[0]);
        AssertSameTicket(t1, many[1]);
        AssertSameTicket(t2, many[2]);
        Assert.Empty(await Store.GetManyAsync(factory.Tenant, []));
        Assert.Empty(await Store.GetManyAsync(NewTenant(), [t1.Id, t2.Id]));
        AssertSameTicket(foreign, Assert.Single(await Store.GetManyAsync(other.Tenant, [t1.Id, foreign.Id, t2.Id])));
    }

    /// <summary><see cref="ITicketStore.GetStoredManyAsync"/> returns what <see cref="ITicketStore.GetStoredAsync"/> returns for
    /// each id (ticket and derived state, including none), in the order of first ids, leaving out unknown and foreign ids.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task GetStoredMany_MixedIds_ReturnsTicketsWithTheirDerivedState()
    {
        RequireDerivedState();
        var factory = Factory(NewTenant());
        var other = Factory(NewTenant());
        var t1 = await AppendAsync(WithDerivedState(factory.Open(), "{\"one\":1}"));
        var t2 = await AppendAsync(factory.Open());
        var t3 = await AppendAsync(WithDerivedState(factory.Open(), "ünïcode 😀"));
        t1 = await AppendAsync(WithDerivedState(factory.ChangeStatus(t1, TicketStatus.InProgress), "{\"one\":2}"));
        var foreign = await AppendAsync(WithDerivedState(other.Open(), "foreign"));

        var many = await Store.GetStoredManyAsync(factory.Tenant, [t3.Id, TicketId.New(), t1.Id, foreign.Id, t3.Id, t2.Id]);

        Assert.Equal([t3.Id, t1.Id, t2.Id], many.Select(s => s.Ticket.Id));
        Assert.Equal(["ünïcode 😀", "{\"one\":2}", null], many.Select(s => s.DerivedState));
        AssertSameTicket(t1, many[1].Ticket);
        Assert.Empty(await Store.GetStoredManyAsync(factory.Tenant, []));
        Assert.Empty(await Store.GetStoredManyAsync(NewTenant(), [t1.Id]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Store.GetStoredManyAsync(factory.Tenant, [.. Enumerable.Range(0, StoredTicket.MaxGetMany + 1).Select(_ => TicketId.New())]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetStoredManyAsync(factory.Tenant, [t1.Id, default]));
    }

    /// <summary>The most ids at once (1,000) are read, the found ones in order, wherever they are in the list.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task GetMany_MaximumIds_ReturnsEveryFoundTicketInOrder()
    {
        var factory = Factory(NewTenant());
        var stored = new List<Ticket>();
        for (var i = 0; i < 12; i++)
        {
            stored.Add(await factory.OpenAsync(Store));
        }

        var ids = Enumerable.Range(0, StoredTicket.MaxGetMany).Select(_ => TicketId.New()).ToArray();
        int[] at = [StoredTicket.MaxGetMany - 1, 0, 500, 1, 998, 250, 750, 2, 999 - 3, 100, 900, 333];
        for (var i = 0; i < stored.Count; i++)
        {
            ids[at[i]] = stored[i].Id;
        }

        var many = await Store.GetManyAsync(factory.Tenant, ids);

        var expected = at.Select((position, i) => (position, stored[i].Id)).OrderBy(p => p.position).Select(p => p.Id);
        Assert.Equal(expected, many.Select(t => t.Id));
    }

    /// <summary>More than 1,000 ids, a default id or tenant, a <see langword="null"/> list and a cancelled token throw.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task GetMany_BadArgumentsOrCancelled_Throw()
    {
        var factory = Factory(NewTenant());
        var ticket = await factory.OpenAsync(Store);
        var tooMany = Enumerable.Range(0, StoredTicket.MaxGetMany + 1).Select(_ => TicketId.New()).ToArray();
        tooMany[0] = ticket.Id;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.GetManyAsync(factory.Tenant, tooMany));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetManyAsync(factory.Tenant, [ticket.Id, default]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetManyAsync(default, [ticket.Id]));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.GetManyAsync(factory.Tenant, null!));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.GetManyAsync(factory.Tenant, [ticket.Id], new CancellationToken(canceled: true)));
    }

    /// <summary>The list returned is a copy: later appends do not change it, and changing it does not change the store.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task GetMany_ReturnedList_IsNotAViewOfTheStore()
    {
        var factory = Factory(NewTenant());
        var a = await factory.OpenAsync(Store);
        var b = await factory.OpenAsync(Store);
        var many = await Store.GetManyAsync(factory.Tenant, [a.Id, b.Id]);

        await AppendAsync(factory.ChangeStatus(a, TicketStatus.Resolved));
        AssertSameTicket(a, many[0]);

        TryToMutate(many, b);
        var again = await Store.GetManyAsync(factory.Tenant, [a.Id, b.Id]);
        Assert.Equal([a.Id, b.Id], again.Select(t => t.Id));
        Assert.Equal(TicketStatus.Resolved, again[0].Status);
    }

    /// <summary>Cuts text to exactly 100 KB (102,400 UTF-16 units) without splitting a surrogate pair.</summary>
    private static string HundredKilobytes(string text)
    {
        var cut = text[..(100 * 1024)];
        return char.IsHighSurrogate(cut[^1]) ? cut[..^1] + "]" : cut;
    }
}
