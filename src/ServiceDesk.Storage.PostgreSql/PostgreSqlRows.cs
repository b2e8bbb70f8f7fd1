using System.Text.Json;
using ServiceDesk.Events;
using ServiceDesk.Serialization;

namespace ServiceDesk.Storage.PostgreSql;

/// <summary>Reads the JSON documents stored in rows, turning a document that no longer reads (edited by hand, written by a
/// faulty tool, damaged on disk) into a <see cref="StorageException"/> that names the table, the tenant and the row,
/// instead of letting <see cref="JsonException"/> escape.</summary>
internal static class PostgreSqlRows
{
    /// <summary>Reads a ticket snapshot.</summary>
    /// <exception cref="StorageException">The snapshot is not a valid ticket.</exception>
    public static Ticket ReadTicket(string json, string table, string tenant, string key)
    {
        try
        {
            return ServiceDeskJson.DeserializeTicket(json);
        }
        catch (JsonException ex)
        {
            throw Corrupt(table, tenant, key, ex);
        }
    }

    /// <summary>Reads an event.</summary>
    /// <exception cref="StorageException">The document is not a valid event.</exception>
    public static TicketEvent ReadEvent(string json, string table, string tenant, string key)
    {
        try
        {
            return ServiceDeskJson.DeserializeEvent(json);
        }
        catch (JsonException ex)
        {
            throw Corrupt(table, tenant, key, ex);
        }
    }

    /// <summary>The error of a stored row that does not read back: never transient (retrying reads the same row).</summary>
    public static StorageException Corrupt(string table, string tenant, string key, Exception inner)
        => new($"The PostgreSQL ticket store holds a corrupt row in table {table} (tenant {TextPolicy.Echo(tenant)}, {key}): {inner.Message}", inner)
        {
            IsTransient = false,
        };
}
