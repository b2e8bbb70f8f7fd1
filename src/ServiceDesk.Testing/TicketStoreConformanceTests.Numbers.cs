using System.Collections.Concurrent;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Number allocation.</content>
public abstract partial class TicketStoreConformanceTests
{
    /// <summary>The first numbers of a kind in a tenant are 1, 2, 3, with the kind's prefix.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AllocateNumber_FirstCalls_ReturnOneTwoThreeOfTheKind()
    {
        var tenant = NewTenant();

        var first = await Store.AllocateNumberAsync(tenant, TicketKind.Incident);
        var second = await Store.AllocateNumberAsync(tenant, TicketKind.Incident);
        var third = await Store.AllocateNumberAsync(tenant, TicketKind.Incident);

        Assert.Equal(new TicketNumber(TicketKind.Incident, 1), first);
        Assert.Equal(new TicketNumber(TicketKind.Incident, 2), second);
        Assert.Equal(new TicketNumber(TicketKind.Incident, 3), third);
        Assert.Equal("INC0000003", third.ToString());
    }

    /// <summary>Each kind has its own sequence within a tenant.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AllocateNumber_DifferentKinds_HaveIndependentSequences()
    {
        var tenant = NewTenant();
        await Store.AllocateNumberAsync(tenant, TicketKind.Incident);
        await Store.AllocateNumberAsync(tenant, TicketKind.Incident);

        var request = await Store.AllocateNumberAsync(tenant, TicketKind.ServiceRequest);
        var problem = await Store.AllocateNumberAsync(tenant, TicketKind.Problem);
        var change = await Store.AllocateNumberAsync(tenant, TicketKind.Change);
        var incident = await Store.AllocateNumberAsync(tenant, TicketKind.Incident);

        Assert.Equal(new TicketNumber(TicketKind.ServiceRequest, 1), request);
        Assert.Equal(new TicketNumber(TicketKind.Problem, 1), problem);
        Assert.Equal(new TicketNumber(TicketKind.Change, 1), change);
        Assert.Equal(new TicketNumber(TicketKind.Incident, 3), incident);
    }

    /// <summary>Each tenant has its own sequences.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AllocateNumber_DifferentTenants_HaveIndependentSequences()
    {
        var a = NewTenant();
        var b = NewTenant();
        await Store.AllocateNumberAsync(a, TicketKind.Incident);
        await Store.AllocateNumberAsync(a, TicketKind.Incident);

        var firstOfB = await Store.AllocateNumberAsync(b, TicketKind.Incident);
        var thirdOfA = await Store.AllocateNumberAsync(a, TicketKind.Incident);

        Assert.Equal(1, firstOfB.Sequence);
        Assert.Equal(3, thirdOfA.Sequence);
    }

    /// <summary>Concurrent callers get every number from 1 to N exactly once: no duplicate, no gap; other kinds and
    /// tenants allocated at the same time are unaffected.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AllocateNumber_ConcurrentCallers_NoDuplicatesAndNoGaps()
    {
        const int PerTask = 25;
        var tenant = NewTenant();
        var other = NewTenant();
        var numbers = new ConcurrentBag<TicketNumber>();
        var changes = new ConcurrentBag<TicketNumber>();
        var others = new ConcurrentBag<TicketNumber>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var tasks = Enumerable.Range(0, Concurrency).Select(i => Task.Run(async () =>
        {
            await start.Task;
            for (var n = 0; n < PerTask; n++)
            {
                numbers.Add(await Store.AllocateNumberAsync(tenant, TicketKind.Incident));
                if (n % 5 == i % 5)
                {
                    changes.Add(await Store.AllocateNumberAsync(tenant, TicketKind.Change));
                    others.Add(await Store.AllocateNumberAsync(other, TicketKind.Incident));
                }
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(tasks);

        var total = Concurrency * PerTask;
        Assert.All(numbers, n => Assert.Equal(TicketKind.Incident, n.Kind));
        Assert.Equal(Enumerable.Range(1, total).Select(n => (long)n), numbers.Select(n => n.Sequence).Order());
        Assert.Equal(Enumerable.Range(1, changes.Count).Select(n => (long)n), changes.Select(n => n.Sequence).Order());
        Assert.Equal(Enumerable.Range(1, others.Count).Select(n => (long)n), others.Select(n => n.Sequence).Order());
        Assert.Equal(total + 1, (await Store.AllocateNumberAsync(tenant, TicketKind.Incident)).Sequence);
    }

    /// <summary>Allocating for the default tenant is a programming error.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AllocateNumber_DefaultTenant_ThrowsArgumentException()
        => await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AllocateNumberAsync(default, TicketKind.Incident));

    /// <summary>Allocating for an undefined kind is a programming error, and consumes no number.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AllocateNumber_UndefinedKind_ThrowsArgumentOutOfRangeException()
    {
        var tenant = NewTenant();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.AllocateNumberAsync(tenant, (TicketKind)99));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.AllocateNumberAsync(tenant, 0));

        Assert.Equal(1, (await Store.AllocateNumberAsync(tenant, TicketKind.Incident)).Sequence);
    }

    /// <summary>An allocation with an already cancelled token throws and consumes no number.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AllocateNumber_CancelledToken_ThrowsAndConsumesNoNumber()
    {
        var tenant = NewTenant();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.AllocateNumberAsync(tenant, TicketKind.Problem, cts.Token));

        Assert.Equal(1, (await Store.AllocateNumberAsync(tenant, TicketKind.Problem)).Sequence);
    }
}
