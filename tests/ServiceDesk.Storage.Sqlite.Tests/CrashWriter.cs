using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.Sqlite.Tests;

/// <summary>
/// The child process of <see cref="SqliteCrashTests"/>: opens the database and appends forever to a few tickets,
/// printing <c>ACK ticket version</c> after each append that <see cref="SqliteTicketStore.AppendAsync"/> acknowledged.
/// Every append carries the schedule <see cref="ScheduleFor"/> of its new version.
/// </summary>
public static class CrashWriter
{
    /// <summary>The schedule the writer stores with the append that takes a ticket to <paramref name="version"/>.</summary>
    public static TicketSchedule ScheduleFor(long version)
    {
        var start = TestClock.DefaultStart;
        return new TicketSchedule(
            start + NodaTime.Duration.FromSeconds(version),
            $"crash v{version}",
            version % 3 == 0 ? null : start + NodaTime.Duration.FromMinutes(version),
            queued: version % 2 == 1);
    }

    private static TicketAppend Scheduled(TicketAppend append)
        => new(append.Ticket, append.Events, append.ExpectedVersion, append.IdempotencyKey) { Schedule = ScheduleFor(append.Ticket.Version) };

    public static async Task<int> Main(string[] args)
    {
        if (args is ["invoice-run", ..])
        {
            return await InvoiceRunChild.MainAsync(args);
        }

        if (args is not ["crash-writer", var path, var tenantName])
        {
            await Console.Error.WriteLineAsync("usage: crash-writer <database> <tenant>");
            return 2;
        }

        await using var store = await SqliteTicketStore.OpenAsync(path);
        var tenant = new TenantId(tenantName);
        var factory = new TicketFactory(tenant, new TestClock());
        var tickets = new List<Ticket>();
        for (var i = 0; i < 4; i++)
        {
            var opened = (await store.AppendAsync(Scheduled(factory.OpenWithNumber(await store.AllocateNumberAsync(tenant, TicketKind.Incident))))).Ticket;
            tickets.Add(opened);
            Console.WriteLine($"ACK {opened.Id} {opened.Version}");
        }

        for (var round = 0; ; round++)
        {
            var index = round % tickets.Count;
            // Three events per append, so a torn append would be visible as a version gap.
            var next = (await store.AppendAsync(Scheduled(factory.AddComments(tickets[index], 3)))).Ticket;
            tickets[index] = next;
            Console.WriteLine($"ACK {next.Id} {next.Version}");
        }
    }
}
