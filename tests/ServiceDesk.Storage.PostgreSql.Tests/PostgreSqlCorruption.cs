using Npgsql;

namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>Corrupts rows of a PostgreSQL schema behind the store's back, as a faulty tool would: valid JSON (jsonb accepts
/// nothing else) that is not a ticket or an event.</summary>
internal static class PostgreSqlCorruption
{
    public static Task CorruptTicketAsync(string schema, TenantId tenant, TicketId id)
        => RunAsync(
            $$"""
            UPDATE "{{schema}}".tickets SET snapshot = '{"id": 1}'::jsonb WHERE tenant = @tenant AND id = @id;
            UPDATE "{{schema}}".idempotency_keys SET snapshot = '{"id": 1}'::jsonb WHERE tenant = @tenant AND ticket = @id;
            """,
            tenant, id, 0);

    public static Task CorruptEventAsync(string schema, TenantId tenant, TicketId id, long version)
        => RunAsync(
            $$"""
            UPDATE "{{schema}}".ticket_events SET payload = '{"type": "no-such-event"}'::jsonb WHERE tenant = @tenant AND ticket = @id AND version = @version;
            UPDATE "{{schema}}".outbox SET event = '{"type": "no-such-event"}'::jsonb WHERE tenant = @tenant AND ticket = @id AND version = @version;
            """,
            tenant, id, version);

    private static async Task RunAsync(string sql, TenantId tenant, TicketId id, long version)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.RequireConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("tenant", tenant.Value);
        command.Parameters.AddWithValue("id", id.Value);
        command.Parameters.AddWithValue("version", version);
        Assert.True(await command.ExecuteNonQueryAsync() >= 1, "No row was corrupted.");
    }
}
