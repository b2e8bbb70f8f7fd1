using Microsoft.Extensions.Logging;
using ServiceDesk.Events;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests;

/// <content>Logging and cancellation.</content>
public abstract partial class EngineScenarioTests
{
    [Fact]
    public async Task Logging_CommandsWriteTheirSourceGeneratedEvents()
    {
        var logger = new ListLogger();
        using var engine = new ServiceDeskEngine(Store, Clock, Desk.Options, logger);

        var id = (await engine.OpenTicketAsync(Desk.Caller("log-open"), Desk.Incident("VPN token lost"))).Ticket.Id;
        await engine.OpenTicketAsync(Desk.Caller("log-open"), Desk.Incident("VPN token lost"));
        await engine.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Start);
        await engine.TransitionAsync(Desk.Agent(Desk.Alice), id, IncidentLifecycle.Close);

        Assert.Equal(["TicketOpened", "CommandReplayed", "Transitioned", "TransitionRejected"], logger.Entries.Select(e => e.Event.Name).Where(n => n != "CommandApplied"));
        var opened = logger.Entries.First(e => e.Event.Id == 1);
        Assert.Equal(LogLevel.Information, opened.Level);
        Assert.Contains("INC0000001", opened.Message, StringComparison.Ordinal);
        Assert.Contains("network", opened.Message, StringComparison.Ordinal);
        Assert.Contains("trigger: ", logger.Entries.Single(e => e.Event.Id == 4).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_CancelledToken_ThrowAndStoreNothing()
    {
        var id = (await Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("Fan noise"))).Ticket.Id;
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Engine.CommentAsync(Desk.Agent(Desk.Alice), id, CommentVisibility.Public, "x", cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Engine.OpenTicketAsync(Desk.Caller(), Desk.Incident("y"), cancelled.Token));

        Assert.DoesNotContain(await Engine.GetHistoryAsync(Desk.Tenant, id), e => e is CommentAdded);
        Assert.Single((await Store.QueryAsync(new Storage.TicketQuery(Desk.Tenant))).Items);
    }

    private sealed class ListLogger : ILogger<ServiceDeskEngine>
    {
        public List<(LogLevel Level, EventId Event, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, eventId, formatter(state, exception)));
            }
        }
    }
}
