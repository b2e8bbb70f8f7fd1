using Microsoft.Data.Sqlite;

namespace ServiceDesk.Storage.Sqlite.Tests;

/// <summary>Corrupts rows of a SQLite database file behind the store's back, as a faulty tool or a damaged disk would.</summary>
internal static class SqliteCorruption
{
    /// <summary>Not a ticket: JSON cut short.</summary>
    public const string BadTicket = "{\"id\":";

    /// <summary>Not an event: an unknown discriminator.</summary>
    public const string BadEvent = "{\"type\":\"no-such-event\"}";

    public static Task CorruptTicketAsync(string path, TenantId tenant, TicketId id)
        => RunAsync(
            path,
            "UPDATE tickets SET snapshot = $bad WHERE tenant = $tenant AND id = $id; UPDATE idempotency_keys SET snapshot = $bad WHERE tenant = $tenant AND ticket = $id;",
            ("$bad", BadTicket), ("$tenant", tenant.Value), ("$id", id.ToString()));

    public static Task CorruptEventAsync(string path, TenantId tenant, TicketId id, long version)
        => RunAsync(
            path,
            "UPDATE ticket_events SET payload = $bad WHERE tenant = $tenant AND ticket = $id AND version = $version;",
            ("$bad", BadEvent), ("$tenant", tenant.Value), ("$id", id.ToString()), ("$version", version));

    private static async Task RunAsync(string path, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        Assert.True(await command.ExecuteNonQueryAsync() >= 1, "No row was corrupted.");
    }
}
