using NodaTime;
using ServiceDesk.Billing;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>The atomic overlap check of <see cref="IBillingStore.AddTimeEntryUnlessOverlappingAsync"/>.</content>
public abstract partial class BillingStoreConformanceTests
{
    /// <summary>An entry overlapping a current entry of the same agent is refused with that entry and nothing is stored; adjacent
    /// time, other agents, rejected and superseded entries, the entry a correction supersedes, and a retry do not block.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AddUnlessOverlapping_Rules_BlockOnlyCurrentOverlappingTimeOfTheAgent()
    {
        var tenant = NewTenant();
        var first = Entry(tenant, "E-1", day: 3, minutes: 60);
        Assert.Null(await Store.AddTimeEntryUnlessOverlappingAsync(first));
        Assert.Null(await Store.AddTimeEntryUnlessOverlappingAsync(first)); // a retry

        var overlap = Entry(tenant, "E-2", day: 3, minutes: 30) with { Start = Instant.FromUtc(2025, 3, 3, 9, 59) };
        Assert.Equal(first.Id, (await Store.AddTimeEntryUnlessOverlappingAsync(overlap))?.Id);
        Assert.Null(await Store.GetTimeEntryAsync(tenant, overlap.Id));

        Assert.Null(await Store.AddTimeEntryUnlessOverlappingAsync(overlap with { Start = first.End })); // adjacent
        Assert.Null(await Store.AddTimeEntryUnlessOverlappingAsync(Entry(tenant, "E-3", day: 3, agent: "bob"))); // another agent
        var rejected = Entry(tenant, "E-4", day: 4, approval: ApprovalState.Rejected);
        Assert.Null(await Store.AddTimeEntryUnlessOverlappingAsync(rejected));
        Assert.Null(await Store.AddTimeEntryUnlessOverlappingAsync(Entry(tenant, "E-5", day: 4, minutes: 30))); // over a rejected entry
        var fix = first.Correct(new TimeEntryId("E-1-fix"), duration: Duration.FromMinutes(45));
        Assert.Null(await Store.AddTimeEntryUnlessOverlappingAsync(fix)); // over the entry it corrects
        Assert.Null(await Store.AddTimeEntryUnlessOverlappingAsync(Entry(tenant, "E-6", day: 3, minutes: 10) with { Start = Instant.FromUtc(2025, 3, 3, 9, 50) })); // E-1 is superseded now
        Assert.Equal(fix.Id, (await Store.AddTimeEntryUnlessOverlappingAsync(Entry(tenant, "E-7", day: 3, minutes: 10)))?.Id);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.AddTimeEntryUnlessOverlappingAsync(Entry(tenant, "E-8", day: 20, minutes: 0)));
        Assert.Equal(
            ["E-1", "E-1-fix", "E-2", "E-3", "E-4", "E-5", "E-6"],
            (await Store.ListTimeEntriesAsync(tenant, null, Instant.MaxValue)).Select(e => e.Id.Value).Order(StringComparer.Ordinal));
    }

    /// <summary>Pairs of overlapping entries of one agent added at the same moment, through the store and a second store on the
    /// same data (another app instance when the adapter provides one): exactly one entry of each pair is stored.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AddUnlessOverlapping_RacingPairs_ExactlyOneOfEachPairStored()
    {
        var tenant = NewTenant();
        var second = await CreateSecondStoreAsync();
        try
        {
            const int Pairs = 40;
            var outcomes = new List<(TimeEntry? A, TimeEntry? B)>();
            for (var i = 0; i < Pairs; i++)
            {
                var start = Instant.FromUtc(2025, 3, 1, 0, 0) + Duration.FromHours(2 * i);
                var a = Entry(tenant, $"P{i:D3}-a", agent: "racer") with { Start = start };
                var b = Entry(tenant, $"P{i:D3}-b", minutes: 30, agent: "racer") with { Start = start + Duration.FromMinutes(15) };
                using var go = new ManualResetEventSlim();
                var ta = Task.Run(() => { go.Wait(); return Store.AddTimeEntryUnlessOverlappingAsync(a); });
                var tb = Task.Run(() => { go.Wait(); return second.AddTimeEntryUnlessOverlappingAsync(b); });
                go.Set();
                outcomes.Add((await ta, await tb));
            }

            var stored = (await Store.ListTimeEntriesAsync(tenant, null, Instant.MaxValue)).Select(e => e.Id.Value).ToHashSet();
            for (var i = 0; i < Pairs; i++)
            {
                var a = stored.Contains($"P{i:D3}-a");
                var b = stored.Contains($"P{i:D3}-b");
                Assert.True(a ^ b, $"pair {i}: a stored {a}, b stored {b}");
                Assert.Equal(a, outcomes[i].A is null);
                Assert.Equal(b, outcomes[i].B is null);
            }
        }
        finally
        {
            if (!ReferenceEquals(second, Store))
            {
                await DisposeStoreAsync(second);
            }
        }
    }
}
