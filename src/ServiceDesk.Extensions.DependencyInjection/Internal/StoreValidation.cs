using NodaTime;
using ServiceDesk.Storage.PostgreSql;
using ServiceDesk.Storage.Sqlite;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>The adapters' option checks, run at start-up so their faults join the others (the adapters check again when opening).</summary>
internal static class StoreValidation
{
    public static void Sqlite(SqliteTicketStoreOptions options, ICollection<string> faults)
    {
        if (string.IsNullOrWhiteSpace(options.DataSource))
        {
            faults.Add("Sqlite.DataSource: a database file path is required");
        }
        else if (options.DataSource.Contains(';', StringComparison.Ordinal) || options.DataSource.StartsWith(":memory:", StringComparison.Ordinal))
        {
            faults.Add($"Sqlite.DataSource: '{options.DataSource}' must be a file path (no ';', not :memory:)");
        }
        else
        {
            var full = Path.GetFullPath(options.DataSource);
            var folder = Path.GetDirectoryName(full);
            if (Directory.Exists(full))
            {
                faults.Add($"Sqlite.DataSource: '{full}' is a folder, not a database file");
            }
            else if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                faults.Add($"Sqlite.DataSource: the folder '{folder}' does not exist");
            }
        }

        if (!Enum.IsDefined(options.Durability))
        {
            faults.Add($"Sqlite.Durability: {(int)options.Durability} is not Normal or Full");
        }

        if (options.BusyTimeout < Duration.FromSeconds(1) || options.BusyTimeout > Duration.FromMinutes(10))
        {
            faults.Add($"Sqlite.BusyTimeout: {options.BusyTimeout} is outside 1 second to 10 minutes");
        }
    }

    public static void PostgreSql(PostgreSqlTicketStoreOptions options, ICollection<string> faults)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            faults.Add("PostgreSql.ConnectionString: a connection string is required");
        }
        else
        {
            try
            {
                var builder = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
                if (string.IsNullOrWhiteSpace(builder.Host))
                {
                    faults.Add("PostgreSql.ConnectionString: no Host is given");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
            {
                faults.Add($"PostgreSql.ConnectionString: malformed ({ex.Message})");
            }
        }

        var schema = options.Schema;
        if (schema is null || schema.Length is < 1 or > 63 || !char.IsAsciiLetterLower(schema[0])
            || !schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            faults.Add($"PostgreSql.Schema: '{schema}' must be 1 to 63 lower-case ASCII letters, digits or underscores, starting with a letter");
        }
    }
}
