using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServiceDesk.Engine;
using ServiceDesk.Storage;

namespace ServiceDesk.Extensions.DependencyInjection.Tests;

/// <summary>Issue 19, class 5: a store registered through <c>AddServiceDesk()</c> reports the corrupt rows it skips to the
/// application's logging when the application set no <c>OnCorruptRow</c> callback of its own.</summary>
public sealed class CorruptRowLoggingTests
{
    [Fact]
    public async Task UseSqlite_CorruptOutboxRow_IsSkippedAndLoggedAtError()
    {
        var path = Path.Combine(Hosts.TempFolder(), "desk.db");
        var logs = new CapturingLoggerProvider();
        using var host = Hosts.Build(s =>
        {
            s.AddLogging(b => b.AddProvider(logs));
            s.AddServiceDesk().UseSqlite(path);
        });
        await host.StartAsync();
        var opened = await host.Services.GetRequiredService<ServiceDeskEngine>().OpenIncidentAsync();
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var corrupt = connection.CreateCommand();
            corrupt.CommandText = "UPDATE ticket_events SET payload = '{not json' WHERE ticket = $id AND version = 1;";
            corrupt.Parameters.AddWithValue("$id", opened.Ticket!.Id.ToString());
            Assert.Equal(1, await corrupt.ExecuteNonQueryAsync());
        }

        var outbox = (IOutboxStore)host.Services.GetRequiredService<ITicketStore>();
        var read = await outbox.ReadOutboxAsync(100);

        Assert.DoesNotContain(read, m => m.Event.Ticket == opened.Ticket.Id); // the corrupt row and the ticket's later ones are held back
        var entry = Assert.Single(logs.Entries, e => e.Id == 1901);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains("ticket_events", entry.Message, StringComparison.Ordinal);
        Assert.IsType<StorageException>(entry.Exception);
        await host.StopAsync();
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(int Id, LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => owner.Entries.Enqueue((eventId.Id, logLevel, formatter(state, exception), exception));
        }
    }
}
