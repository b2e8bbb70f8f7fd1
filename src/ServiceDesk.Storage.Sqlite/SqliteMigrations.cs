using Microsoft.Data.Sqlite;

namespace ServiceDesk.Storage.Sqlite;

/// <summary>The versioned schema: each migration runs once, in order, in its own transaction.</summary>
internal static class SqliteMigrations
{
    public static readonly string[] Steps =
    [
        // 1: tickets, their events, number sequences and applied idempotency keys.
        """
        CREATE TABLE tickets (
            tenant           TEXT    NOT NULL,
            id               TEXT    NOT NULL,
            number           TEXT    NOT NULL,
            kind             TEXT    NOT NULL,
            status           TEXT    NOT NULL,
            priority         INTEGER NOT NULL,
            customer         TEXT    NOT NULL,
            assignment_group TEXT,
            assignee         TEXT,
            opened_s         INTEGER NOT NULL,
            opened_ns        INTEGER NOT NULL,
            version          INTEGER NOT NULL,
            snapshot         TEXT    NOT NULL,
            PRIMARY KEY (tenant, id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX ix_tickets_number ON tickets (tenant, number);
        CREATE INDEX ix_tickets_order ON tickets (tenant, opened_s, opened_ns, id);
        CREATE TABLE ticket_events (
            tenant  TEXT    NOT NULL,
            ticket  TEXT    NOT NULL,
            version INTEGER NOT NULL,
            type    TEXT    NOT NULL,
            payload TEXT    NOT NULL,
            PRIMARY KEY (tenant, ticket, version)
        ) WITHOUT ROWID;
        CREATE TABLE ticket_numbers (
            tenant TEXT    NOT NULL,
            kind   TEXT    NOT NULL,
            last   INTEGER NOT NULL,
            PRIMARY KEY (tenant, kind)
        ) WITHOUT ROWID;
        CREATE TABLE idempotency_keys (
            tenant   TEXT NOT NULL,
            key      TEXT NOT NULL,
            ticket   TEXT NOT NULL,
            snapshot TEXT NOT NULL,
            PRIMARY KEY (tenant, key)
        ) WITHOUT ROWID;
        """,
    ];

    /// <summary>Gets the schema version this build creates and understands.</summary>
    public static int Latest => Steps.Length;

    public static void Apply(SqliteConnection connection)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL);";
            create.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        var current = CurrentVersion(connection, transaction);
        if (current > Latest)
        {
            throw new InvalidOperationException(
                $"The database '{connection.DataSource}' has schema version {current}, newer than this library understands (1 to {Latest}). Upgrade ServiceDesk.Storage.Sqlite.");
        }

        for (var version = current + 1; version <= Latest; version++)
        {
            using var step = connection.CreateCommand();
            step.Transaction = transaction;
            step.CommandText = Steps[version - 1] + "INSERT INTO schema_migrations (version, description) VALUES ($v, $d);";
            step.Parameters.AddWithValue("$v", version);
            step.Parameters.AddWithValue("$d", $"migration {version}");
            step.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public static int CurrentVersion(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;";
        return Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
