namespace ServiceDesk.Storage.Sqlite;

/// <summary>The options check run at start-up by <c>AddServiceDesk()</c>, so its faults join the others (the store checks
/// again when opening).</summary>
internal static class SqliteStartupValidation
{
    public static void Validate(SqliteTicketStoreOptions options, ICollection<string> faults)
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

        options.CollectSettingFaults(faults, "Sqlite.");
    }
}
