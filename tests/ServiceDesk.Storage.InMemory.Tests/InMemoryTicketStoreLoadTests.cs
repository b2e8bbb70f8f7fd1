using System.Collections.Concurrent;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.InMemory.Tests;

/// <summary>The parallel-load test of the foundation issue: 8 threads x 2,000 appends on overlapping tickets.</summary>
public sealed class InMemoryTicketStoreLoadTests
{
    private const int Threads = 8;
    private const int AppendsPerThread = 2_000;
    private const int TicketCount = 8;
    private const int DeliberatelyStaleEvery = 16;

    private static readonly TenantId Tenant = new("load");

    [Fact]
    public async Task Append_EightThreadsOnOverlappingTickets_NoLostUpdateAndEveryConflictReported()
    {
        var store = new InMemoryTicketStore();
        var factory = new TicketFactory(Tenant, new TestClock(TestClock.DefaultStart, Duration.FromMilliseconds(1)));
        var ids = new List<TicketId>();
        for (var i = 0; i < TicketCount; i++)
        {
            ids.Add((await factory.OpenAsync(store)).Id);
        }

        using var barrier = new Barrier(Threads);
        var workers = Enumerable.Range(0, Threads)
            .Select(w => Task.Factory.StartNew(
                () => WorkAsync(w, store, factory, ids, barrier), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .Unwrap())
            .ToList();
        var results = await Task.WhenAll(workers);

        var accepted = results.SelectMany(r => r.Accepted).ToList();
        var raced = results.Sum(r => r.RaceConflicts);
        var stale = results.Sum(r => r.DeliberateConflicts);
        Assert.Equal(Threads * AppendsPerThread, accepted.Count + raced + stale);
        Assert.True(stale > 0, "Every worker makes deliberately stale appends, so conflicts must have been reported.");
        Assert.Equal(accepted.Count, accepted.Select(a => a.Text).Distinct().Count());

        foreach (var id in ids)
        {
            var mine = accepted.Where(a => a.Ticket == id).Select(a => a.Text).Order(StringComparer.Ordinal).ToList();
            var final = await store.GetAsync(Tenant, id);
            var history = await store.ReadHistoryAsync(Tenant, id);

            Assert.NotNull(final);
            Assert.Equal(1 + mine.Count, final.Version);
            Assert.Equal(final.Version, history.Count);
            Assert.Equal(Enumerable.Range(1, history.Count).Select(v => (long)v), history.Select(e => e.Version));
            Assert.IsType<TicketOpened>(history[0]);
            Assert.Equal(mine, history.Skip(1).Cast<CommentAdded>().Select(c => c.Text).Order(StringComparer.Ordinal));
        }
    }

    private static async Task<WorkerResult> WorkAsync(int worker, InMemoryTicketStore store, TicketFactory factory, List<TicketId> ids, Barrier barrier)
    {
        // Every worker runs on its own thread (LongRunning); the in-memory store completes synchronously, so the loop stays
        // on that thread and the eight threads really race.
        barrier.SignalAndWait();
        var random = new Random(worker);
        var result = new WorkerResult();
        for (var i = 0; i < AppendsPerThread; i++)
        {
            var id = ids[random.Next(ids.Count)];
            var current = await store.GetAsync(Tenant, id) ?? throw new InvalidOperationException($"Ticket {id} vanished.");
            var text = $"w{worker}-{i}";
            if (i % DeliberatelyStaleEvery == DeliberatelyStaleEvery - 1 && current.Version >= 2)
            {
                // A writer working from an old read: always a conflict.
                var old = current with { Version = current.Version - 1 };
                var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => store.AppendAsync(factory.AddComment(old, text)));
                Assert.Equal(old.Version, ex.ExpectedVersion);
                Assert.True(ex.ActualVersion >= current.Version, $"Actual version {ex.ActualVersion} went backwards from {current.Version}.");
                result.DeliberateConflicts++;
                continue;
            }

            try
            {
                var stored = await store.AppendAsync(factory.AddComment(current, text));
                Assert.False(stored.IsReplay);
                Assert.Equal(current.Version + 1, stored.Ticket.Version);
                result.Accepted.Add((id, text));
            }
            catch (ConcurrencyException ex)
            {
                Assert.Equal(current.Version, ex.ExpectedVersion);
                Assert.True(ex.ActualVersion > current.Version, $"Conflict reported at actual {ex.ActualVersion}, expected above {current.Version}.");
                result.RaceConflicts++;
            }
        }

        return result;
    }

    private sealed class WorkerResult
    {
        public List<(TicketId Ticket, string Text)> Accepted { get; } = [];

        public int RaceConflicts { get; set; }

        public int DeliberateConflicts { get; set; }
    }
}
