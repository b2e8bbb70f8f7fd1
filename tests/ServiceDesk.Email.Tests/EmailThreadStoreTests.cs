using NodaTime;

namespace ServiceDesk.Email.Tests;

/// <summary>The contract of <see cref="IEmailThreadStore"/>; a durable implementation derives from this class too.</summary>
public abstract class EmailThreadStoreConformance
{
    private static readonly Instant At = Instant.FromUtc(2026, 12, 8, 9, 0);
    private static readonly TenantId Other = new("other-desk");

    protected abstract IEmailThreadStore Create();

    [Fact]
    public async Task Record_ThenFind_WithOrWithoutAngleBrackets()
    {
        var store = Create();
        var ticket = TicketId.New();
        Assert.True(await store.RecordAsync(Entry("<a@x.example>", ticket)));
        var found = await store.FindAsync(Desk.Tenant, "a@x.example");
        Assert.Equal(ticket, found?.Ticket);
        Assert.Equal("a@x.example", found?.MessageId);
        Assert.Equal(ticket, (await store.FindAsync(Desk.Tenant, " <a@x.example> "))?.Ticket);
    }

    [Fact]
    public async Task Record_SameMessageIdTwice_FirstWins()
    {
        var store = Create();
        var first = TicketId.New();
        Assert.True(await store.RecordAsync(Entry("dup@x.example", first)));
        Assert.False(await store.RecordAsync(Entry("dup@x.example", TicketId.New())));
        Assert.Equal(first, (await store.FindAsync(Desk.Tenant, "dup@x.example"))?.Ticket);
    }

    [Fact]
    public async Task Find_OtherTenant_NotFound()
    {
        var store = Create();
        await store.RecordAsync(Entry("t@x.example", TicketId.New()));
        Assert.Null(await store.FindAsync(Other, "t@x.example"));
        Assert.Null(await store.FindAsync(Desk.Tenant, "unknown@x.example"));
    }

    [Fact]
    public async Task GetThread_InRecordedOrder()
    {
        var store = Create();
        var ticket = TicketId.New();
        await store.RecordAsync(Entry("1@x.example", ticket));
        await store.RecordAsync(Entry("2@desk.example.com", ticket) with { Direction = EmailDirection.Outbound });
        await store.RecordAsync(Entry("3@x.example", TicketId.New()));
        await store.RecordAsync(Entry("4@x.example", ticket));
        Assert.Equal(["1@x.example", "2@desk.example.com", "4@x.example"], (await store.GetThreadAsync(Desk.Tenant, ticket)).Select(e => e.MessageId));
        Assert.Empty(await store.GetThreadAsync(Other, ticket));
    }

    [Fact]
    public async Task Record_BadEntry_Throws()
    {
        var store = Create();
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.RecordAsync(Entry("<>", TicketId.New())));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.RecordAsync(Entry(new string('m', 999), TicketId.New())));
    }

    private static EmailThreadEntry Entry(string id, TicketId ticket)
        => new(Desk.Tenant, id, ticket, new TicketNumber(TicketKind.Incident, 1), EmailDirection.Inbound, At);
}

public sealed class InMemoryEmailThreadStoreTests : EmailThreadStoreConformance
{
    protected override IEmailThreadStore Create() => new InMemoryEmailThreadStore();
}

public sealed class SqliteEmailThreadStoreTests : EmailThreadStoreConformance, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "sd-email-threads-" + Guid.NewGuid().ToString("N") + ".db");

    protected override IEmailThreadStore Create() => new Sqlite.SqliteEmailThreadStore(_path + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Record_SurvivesANewInstance()
    {
        var ticket = TicketId.New();
        await new Sqlite.SqliteEmailThreadStore(_path).RecordAsync(new EmailThreadEntry(Desk.Tenant, "kept@x.example", ticket, new TicketNumber(TicketKind.Incident, 7), EmailDirection.Outbound, NodaTime.Instant.FromUtc(2026, 12, 8, 9, 0)));
        var found = await new Sqlite.SqliteEmailThreadStore(_path).FindAsync(Desk.Tenant, "<kept@x.example>");
        Assert.Equal(new EmailThreadEntry(Desk.Tenant, "kept@x.example", ticket, new TicketNumber(TicketKind.Incident, 7), EmailDirection.Outbound, NodaTime.Instant.FromUtc(2026, 12, 8, 9, 0)), found);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_path) + "*"))
        {
            File.Delete(file);
        }
    }
}
