using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Serialization;
using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Streaming whole histories (<see cref="ITicketHistoryStream"/>, optional). Every test skips itself on a store
/// that does not implement it.</content>
public abstract partial class TicketStoreConformanceTests
{
    /// <summary>Gets the store under test as an <see cref="ITicketHistoryStream"/>, or skips the calling test.</summary>
    /// <exception cref="ConformanceSkipException">The store is not an <see cref="ITicketHistoryStream"/>.</exception>
    protected ITicketHistoryStream HistoryStream
        => Store as ITicketHistoryStream
            ?? throw new ConformanceSkipException($"{Store.GetType().Name} does not implement ITicketHistoryStream (an optional capability).");

    /// <summary>Tickets whose events were appended interleaved come back one whole history each, in opening order, each
    /// equal to what <see cref="ITicketStore.ReadHistoryAsync"/> returns; another tenant's tickets never.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task StreamHistories_InterleavedAppends_WholeHistoriesInOpeningOrder()
    {
        var stream = HistoryStream;
        var factory = Factory(NewTenant());
        var tickets = new List<Ticket>();
        for (var i = 0; i < 5; i++)
        {
            tickets.Add(await factory.OpenAsync(Store, configure: t => t with { Subject = "Stream " + i }));
        }

        var other = Factory(NewTenant());
        await other.OpenAsync(Store);
        for (var round = 0; round < 3; round++)
        {
            for (var i = tickets.Count - 1; i >= 0; i -= 2)
            {
                tickets[i] = await AppendAsync(factory.AddComment(tickets[i], $"round {round}"));
            }
        }

        tickets[2] = await AppendAsync(factory.ChangeStatus(tickets[2], TicketStatus.InProgress));
        var all = (await Store.QueryAsync(new TicketQuery(factory.Tenant) { PageSize = 100 })).Items;
        var streamed = new List<IReadOnlyList<TicketEvent>>();
        await foreach (var history in stream.StreamHistoriesAsync(factory.Tenant))
        {
            streamed.Add(history);
        }

        Assert.Equal(all.Select(t => t.Id), streamed.Select(h => h[0].Ticket));
        foreach (var history in streamed)
        {
            var expected = await Store.ReadHistoryAsync(factory.Tenant, history[0].Ticket);
            Assert.Equal(expected.Select(ServiceDeskJson.Serialize), history.Select(ServiceDeskJson.Serialize));
        }

        Assert.Equal(5, streamed.Single(h => h[0].Ticket == tickets[2].Id).Count); // opened, three comments, a status change
    }

    /// <summary>The opening range is inclusive at its start and exclusive at its end; an unknown tenant streams nothing.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task StreamHistories_OpenedRange_StartInclusiveEndExclusive()
    {
        var stream = HistoryStream;
        var factory = Factory(NewTenant());
        var tickets = new List<Ticket>();
        for (var i = 0; i < 4; i++)
        {
            tickets.Add(await factory.OpenAsync(Store));
            Clock.AdvanceHours(1);
        }

        var ids = await ToIdsAsync(stream.StreamHistoriesAsync(factory.Tenant, tickets[1].OpenedAt, tickets[3].OpenedAt));
        Assert.Equal([tickets[1].Id, tickets[2].Id], ids);
        Assert.Equal([tickets[0].Id], await ToIdsAsync(stream.StreamHistoriesAsync(factory.Tenant, openedTo: tickets[1].OpenedAt)));
        Assert.Equal([tickets[3].Id], await ToIdsAsync(stream.StreamHistoriesAsync(factory.Tenant, openedFrom: tickets[3].OpenedAt)));
        Assert.Empty(await ToIdsAsync(stream.StreamHistoriesAsync(factory.Tenant, tickets[2].OpenedAt, tickets[2].OpenedAt)));
        Assert.Empty(await ToIdsAsync(stream.StreamHistoriesAsync(NewTenant())));
    }

    /// <summary>What is appended while a stream runs is not seen by it (a snapshot), and a stream stopped early leaves the
    /// store working.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task StreamHistories_AppendsWhileStreaming_NotSeenAndStoppingEarlyFreesTheStore()
    {
        var stream = HistoryStream;
        var factory = Factory(NewTenant());
        var first = await factory.OpenAsync(Store);
        var second = await factory.OpenAsync(Store);
        var seen = new List<IReadOnlyList<TicketEvent>>();
        await foreach (var history in stream.StreamHistoriesAsync(factory.Tenant))
        {
            seen.Add(history);
            if (seen.Count == 1)
            {
                second = await AppendAsync(factory.AddComment(second, "During the stream"));
                await factory.OpenAsync(Store);
            }
        }

        Assert.Equal([first.Id, second.Id], seen.Select(h => h[0].Ticket));
        Assert.Single(seen[1]); // the comment came after the stream started

        await foreach (var history in stream.StreamHistoriesAsync(factory.Tenant))
        {
            break; // disposes the enumerator mid-stream
        }

        await AppendAsync(factory.AddComment(first, "After a stopped stream"));
        var again = await ToIdsAsync(stream.StreamHistoriesAsync(factory.Tenant));
        Assert.Equal(3, again.Count);
    }

    /// <summary>Bad arguments and cancellation surface when the stream is enumerated, naming the value.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task StreamHistories_BadArgumentsAndCancellation_ClearErrors()
    {
        var stream = HistoryStream;
        var factory = Factory(NewTenant());
        await factory.OpenAsync(Store);
        await Assert.ThrowsAsync<ArgumentException>(() => ToIdsAsync(stream.StreamHistoriesAsync(default)));
        var from = Clock.GetCurrentInstant();
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ToIdsAsync(stream.StreamHistoriesAsync(factory.Tenant, from, from - Duration.FromSeconds(1))));
        Assert.Equal("openedTo", ex.ParamName);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ToIdsAsync(stream.StreamHistoriesAsync(factory.Tenant, cancellationToken: cancelled.Token)));
    }

    private static async Task<List<TicketId>> ToIdsAsync(IAsyncEnumerable<IReadOnlyList<TicketEvent>> histories)
    {
        var ids = new List<TicketId>();
        await foreach (var history in histories)
        {
            Assert.NotEmpty(history);
            Assert.All(history, e => Assert.Equal(history[0].Ticket, e.Ticket));
            Assert.Equal(Enumerable.Range(1, history.Count).Select(v => (long)v), history.Select(e => e.Version));
            ids.Add(history[0].Ticket);
        }

        return ids;
    }
}
