using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Time entries.</content>
public abstract partial class SchedulingStoreConformanceTests
{
    /// <summary>Time entries are read for [from, to) by start, ordered by start, then ticket (in the order of
    /// <see cref="Guid.CompareTo(Guid)"/>, as ticket ids are paged), then version; other events and other tenants' entries
    /// are left out.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task TimeEntries_Range_ReturnsEntriesStartedInRangeInOrder()
    {
        var factory = Factory(NewTenant());
        var other = Factory(NewTenant());
        var from = Instant.FromUtc(2025, 2, 1, 0, 0);
        var to = Instant.FromUtc(2025, 3, 1, 0, 0);
        var logged = new List<TimeLogged>();
        async Task<Ticket> LogAsync(TicketFactory f, Ticket current, Instant started, int minutes = 30)
        {
            var append = f.LogTime(current, started, Duration.FromMinutes(minutes), billable: minutes % 2 == 0);
            logged.Add((TimeLogged)append.Events[0]);
            return await AppendAsync(append);
        }

        var a = await AppendAsync(factory.Open());
        var b = await AppendAsync(factory.Open());
        var o = await AppendAsync(other.Open());
        a = await LogAsync(factory, a, from + Duration.FromDays(3));
        a = await LogAsync(factory, a, from - Duration.FromSeconds(1));
        b = await LogAsync(factory, b, from);
        a = await AppendAsync(factory.AddComment(a));
        b = await LogAsync(factory, b, from + Duration.FromDays(3), 45);
        a = await LogAsync(factory, a, from + Duration.FromDays(3), 15);
        a = await LogAsync(factory, a, to);
        b = await LogAsync(factory, b, to - Duration.FromSeconds(1));
        await LogAsync(other, o, from + Duration.FromDays(1));
        b = await LogAsync(factory, b, from + Duration.FromDays(1));

        var entries = await TimeEntries.ReadTimeEntriesAsync(factory.Tenant, from, to);

        var expected = logged
            .Where(e => e.Tenant == factory.Tenant && e.Started >= from && e.Started < to)
            .OrderBy(e => e.Started).ThenBy(e => e.Ticket.Value).ThenBy(e => e.Version)
            .ToList();
        Assert.Equal(6, expected.Count);
        Assert.Equal(expected, entries);
        Assert.Equal(
            [logged[^2]],
            await TimeEntries.ReadTimeEntriesAsync(other.Tenant, from, to));
        Assert.Equal(b.Version, logged.Where(e => e.Ticket == b.Id).Max(e => e.Version));
        Assert.Equal(a.Version, logged.Where(e => e.Ticket == a.Id).Max(e => e.Version));
    }

    /// <summary>An empty range returns nothing; a range before the start returns nothing; a tenant without entries has
    /// none.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task TimeEntries_EmptyRangeOrOtherTenant_ReturnsNothing()
    {
        var factory = Factory(NewTenant());
        var started = Instant.FromUtc(2025, 2, 1, 9, 0);
        var ticket = await AppendAsync(factory.Open());
        await AppendAsync(factory.LogTime(ticket, started, Duration.FromHours(1)));

        Assert.Empty(await TimeEntries.ReadTimeEntriesAsync(factory.Tenant, started, started));
        Assert.Empty(await TimeEntries.ReadTimeEntriesAsync(factory.Tenant, started - Duration.FromDays(1), started));
        Assert.Empty(await TimeEntries.ReadTimeEntriesAsync(NewTenant(), Instant.MinValue, Instant.MaxValue));
        Assert.Single(await TimeEntries.ReadTimeEntriesAsync(factory.Tenant, Instant.MinValue, Instant.MaxValue));
    }

    /// <summary>A replayed idempotent time entry is stored once.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task TimeEntries_ReplayedAppend_IsStoredOnce()
    {
        var factory = Factory(NewTenant());
        var started = Instant.FromUtc(2025, 2, 1, 9, 0);
        var ticket = await AppendAsync(factory.Open());
        var log = factory.LogTime(ticket, started, Duration.FromHours(1), idempotencyKey: "log-1");
        await AppendAsync(log);

        Assert.True((await Store.AppendAsync(log)).IsReplay);

        Assert.Equal([log.Events[0]], await TimeEntries.ReadTimeEntriesAsync(factory.Tenant, started, started + Duration.FromDays(1)));
    }

    /// <summary>A range that ends before it starts, or a default tenant, is rejected with the documented exception.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task TimeEntries_BadArguments_ThrowDocumentedExceptions()
    {
        var tenant = NewTenant();
        var at = Clock.Now;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TimeEntries.ReadTimeEntriesAsync(tenant, at, at - Duration.FromSeconds(1)));
        await Assert.ThrowsAsync<ArgumentException>(() => TimeEntries.ReadTimeEntriesAsync(default, at, at + Duration.FromDays(1)));
    }
}
