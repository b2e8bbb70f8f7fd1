using ServiceDesk.Storage.Sqlite;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.Sqlite.Tests;

/// <summary>
/// The child process of <see cref="SqliteCrashTests"/>: opens the database and appends forever to a few tickets,
/// printing <c>ACK ticket version</c> after each append that <see cref="SqliteTicketStore.AppendAsync"/> acknowledged.
/// </summary>
public static class CrashWriter
{
    public static async Task<int> Main(string[] args)
    {
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
            var opened = (await store.AppendAsync(factory.OpenWithNumber(await store.AllocateNumberAsync(tenant, TicketKind.Incident)))).Ticket;
            tickets.Add(opened);
            Console.WriteLine($"ACK {opened.Id} {opened.Version}");
        }

        for (var round = 0; ; round++)
        {
            var index = round % tickets.Count;
            // Three events per append, so a torn append would be visible as a version gap.
            var next = (await store.AppendAsync(factory.AddComments(tickets[index], 3))).Ticket;
            tickets[index] = next;
            Console.WriteLine($"ACK {next.Id} {next.Version}");
        }
    }
}
