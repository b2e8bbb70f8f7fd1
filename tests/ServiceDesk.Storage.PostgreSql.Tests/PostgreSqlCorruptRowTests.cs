using ServiceDesk.Testing;

namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>A corrupt outbox message is reported to <see cref="PostgreSqlTicketStoreOptions.OnCorruptRow"/> with its table,
/// tenant, ticket, version and position, on every read until an operator acknowledges it.</summary>
public sealed class PostgreSqlCorruptRowTests
{
    [PostgresFact]
    public async Task ReadOutboxAsync_CorruptEvent_ReportsRowToOnCorruptRowOnEveryReadUntilAcknowledged()
    {
        await using var schema = new ScratchSchema("corrupt");
        var reports = new List<StorageException>();
        await using var store = await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions
        {
            ConnectionString = PostgresServer.RequireConnectionString(),
            Schema = schema.Name,
            OnCorruptRow = reports.Add,
        });
        var factory = new TicketFactory(new TenantId("corrupt-outbox"), new TestClock());
        var v1 = (await store.AppendAsync(factory.Open())).Ticket;
        await store.AppendAsync(factory.AddComment(v1));
        var positions = (await store.ReadOutboxAsync(10)).Select(m => m.Position).ToList();

        await PostgreSqlCorruption.CorruptEventAsync(schema.Name, factory.Tenant, v1.Id, 2);
        var first = await store.ReadOutboxAsync(10);
        var second = await store.ReadOutboxAsync(10, factory.Tenant);

        Assert.Equal([positions[0]], first.Select(m => m.Position));
        Assert.Equal([positions[0]], second.Select(m => m.Position));
        Assert.Equal(2, reports.Count);
        var report = reports[0];
        Assert.False(report.IsTransient);
        Assert.Contains($"{schema.Quoted}.outbox", report.Message, StringComparison.Ordinal);
        Assert.Contains("'corrupt-outbox'", report.Message, StringComparison.Ordinal);
        Assert.Contains(v1.Id.ToString(), report.Message, StringComparison.Ordinal);
        Assert.Contains($"version 2, outbox position {positions[1]}", report.Message, StringComparison.Ordinal);
        Assert.IsType<System.Text.Json.JsonException>(report.InnerException);

        Assert.Equal(2, await store.AcknowledgeOutboxAsync(positions));
        Assert.Empty(await store.ReadOutboxAsync(10));
        Assert.Equal(2, reports.Count);
    }
}
