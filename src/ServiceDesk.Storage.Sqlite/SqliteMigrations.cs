using Microsoft.Data.Sqlite;
using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Serialization;

namespace ServiceDesk.Storage.Sqlite;

/// <summary>The versioned schema: each migration runs once, in order; <see cref="Apply(SqliteConnection)"/> runs every missing one in one
/// transaction. A step is SQL, optionally followed by a C# backfill in the same transaction. Never edit a shipped step:
/// add the next one.</summary>
internal static class SqliteMigrations
{
    /// <summary>The deadline sort key of a schedule without a deadline: larger than any <see cref="Instant"/>'s Unix
    /// seconds, so tickets without a deadline sort last in the queue index.</summary>
    public const long NoDeadline = long.MaxValue;

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

        // 2: schedules, leases, the outbox and time entries. Tickets appended before this step have no schedule (queued is
        // NULL) and their events are not in the outbox; TimeLogged events are backfilled into started_s/started_ns by
        // BackfillTimeEntries below.
        """
        ALTER TABLE tickets ADD COLUMN queued INTEGER;
        ALTER TABLE tickets ADD COLUMN deadline_s INTEGER;
        ALTER TABLE tickets ADD COLUMN deadline_ns INTEGER;
        ALTER TABLE tickets ADD COLUMN timer_due_s INTEGER;
        ALTER TABLE tickets ADD COLUMN timer_due_ns INTEGER;
        ALTER TABLE tickets ADD COLUMN timer_purpose TEXT;
        ALTER TABLE tickets ADD COLUMN lease_token TEXT;
        ALTER TABLE tickets ADD COLUMN lease_expires_s INTEGER;
        ALTER TABLE tickets ADD COLUMN lease_expires_ns INTEGER;
        CREATE INDEX ix_tickets_timers ON tickets (timer_due_s, timer_due_ns, tenant, id) WHERE timer_due_s IS NOT NULL;
        CREATE INDEX ix_tickets_queue ON tickets (tenant, deadline_s, deadline_ns, opened_s, opened_ns, id) WHERE queued = 1;
        ALTER TABLE ticket_events ADD COLUMN started_s INTEGER;
        ALTER TABLE ticket_events ADD COLUMN started_ns INTEGER;
        CREATE INDEX ix_ticket_events_time ON ticket_events (tenant, started_s, started_ns, ticket, version) WHERE started_s IS NOT NULL;
        CREATE TABLE outbox (
            position INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant   TEXT    NOT NULL,
            ticket   TEXT    NOT NULL,
            version  INTEGER NOT NULL
        );
        CREATE INDEX ix_outbox_tenant ON outbox (tenant, position);
        """,

        // 3: the next claimable instant (ITimerStore.GetNextTimerDueAsync) from two partial indexes: unleased timers by due
        // instant, leased ones by lease expiry. Index-only; no data changes.
        """
        CREATE INDEX ix_tickets_timers_unleased ON tickets (timer_due_s, timer_due_ns) WHERE timer_due_s IS NOT NULL AND lease_token IS NULL;
        CREATE INDEX ix_tickets_leases ON tickets (lease_expires_s, lease_expires_ns) WHERE lease_token IS NOT NULL;
        """,

        // 4: the derived state of each ticket's last append (TicketAppend.DerivedState); NULL for tickets appended before.
        """
        ALTER TABLE tickets ADD COLUMN derived TEXT;
        """,

        // 5: the digest of the parameters of the command each idempotency key was applied by (TicketAppend.IdempotencyFingerprint);
        // NULL for keys applied before, which replay as before.
        """
        ALTER TABLE idempotency_keys ADD COLUMN fingerprint TEXT;
        """,

        // 6: tickets and their events become rowid tables (same columns, same keys, same indexes). As WITHOUT ROWID tables
        // a ticket row (its snapshot and derived state, about 1 KB) spilled onto an overflow page and each event landed on a
        // random page of its ticket's key range, so every append rewrote several scattered pages; as rowid tables a ticket
        // fits its leaf page and events are appended in insertion order, with small random writes only in the key index.
        // The full replay sample writes about a third of the bytes it wrote before (docs/benchmarks.md).
        """
        CREATE TABLE tickets_v6 (
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
            queued           INTEGER,
            deadline_s       INTEGER,
            deadline_ns      INTEGER,
            timer_due_s      INTEGER,
            timer_due_ns     INTEGER,
            timer_purpose    TEXT,
            lease_token      TEXT,
            lease_expires_s  INTEGER,
            lease_expires_ns INTEGER,
            derived          TEXT,
            PRIMARY KEY (tenant, id)
        );
        INSERT INTO tickets_v6 (tenant, id, number, kind, status, priority, customer, assignment_group, assignee, opened_s,
            opened_ns, version, snapshot, queued, deadline_s, deadline_ns, timer_due_s, timer_due_ns, timer_purpose,
            lease_token, lease_expires_s, lease_expires_ns, derived)
        SELECT tenant, id, number, kind, status, priority, customer, assignment_group, assignee, opened_s, opened_ns,
            version, snapshot, queued, deadline_s, deadline_ns, timer_due_s, timer_due_ns, timer_purpose, lease_token,
            lease_expires_s, lease_expires_ns, derived
        FROM tickets ORDER BY tenant, opened_s, opened_ns, id;
        DROP TABLE tickets;
        ALTER TABLE tickets_v6 RENAME TO tickets;
        CREATE UNIQUE INDEX ix_tickets_number ON tickets (tenant, number);
        CREATE INDEX ix_tickets_order ON tickets (tenant, opened_s, opened_ns, id);
        CREATE INDEX ix_tickets_timers ON tickets (timer_due_s, timer_due_ns, tenant, id) WHERE timer_due_s IS NOT NULL;
        CREATE INDEX ix_tickets_queue ON tickets (tenant, deadline_s, deadline_ns, opened_s, opened_ns, id) WHERE queued = 1;
        CREATE INDEX ix_tickets_timers_unleased ON tickets (timer_due_s, timer_due_ns) WHERE timer_due_s IS NOT NULL AND lease_token IS NULL;
        CREATE INDEX ix_tickets_leases ON tickets (lease_expires_s, lease_expires_ns) WHERE lease_token IS NOT NULL;
        CREATE TABLE ticket_events_v6 (
            tenant     TEXT    NOT NULL,
            ticket     TEXT    NOT NULL,
            version    INTEGER NOT NULL,
            type       TEXT    NOT NULL,
            payload    TEXT    NOT NULL,
            started_s  INTEGER,
            started_ns INTEGER,
            PRIMARY KEY (tenant, ticket, version)
        );
        INSERT INTO ticket_events_v6 (tenant, ticket, version, type, payload, started_s, started_ns)
        SELECT tenant, ticket, version, type, payload, started_s, started_ns FROM ticket_events ORDER BY tenant, ticket, version;
        DROP TABLE ticket_events;
        ALTER TABLE ticket_events_v6 RENAME TO ticket_events;
        CREATE INDEX ix_ticket_events_time ON ticket_events (tenant, started_s, started_ns, ticket, version) WHERE started_s IS NOT NULL;
        """,

        // 7: billing (IBillingStore): time entries with approval and supersession, one-off works, gapless document numbers
        // per tenant and series, invoices and credit notes, the current invoice of each contract and month, and the
        // billed-entry index. Instants are (seconds, nanoseconds) pairs; records and documents are BillingJson text.
        """
        CREATE TABLE billing_entries (
            tenant        TEXT    NOT NULL,
            id            TEXT    NOT NULL,
            contract      TEXT    NOT NULL,
            agent         TEXT    NOT NULL,
            start_s       INTEGER NOT NULL,
            start_ns      INTEGER NOT NULL,
            end_s         INTEGER NOT NULL,
            end_ns        INTEGER NOT NULL,
            approval      TEXT    NOT NULL,
            superseded_by TEXT,
            entry         TEXT    NOT NULL,
            PRIMARY KEY (tenant, id)
        );
        CREATE INDEX ix_billing_entries_start ON billing_entries (tenant, start_s, start_ns, id);
        CREATE INDEX ix_billing_entries_contract ON billing_entries (tenant, contract, start_s, start_ns, id);
        CREATE INDEX ix_billing_entries_agent ON billing_entries (tenant, agent, start_s, start_ns) WHERE superseded_by IS NULL;
        CREATE TABLE billing_works (
            tenant       TEXT    NOT NULL,
            id           TEXT    NOT NULL,
            contract     TEXT    NOT NULL,
            ticket       TEXT,
            performed_s  INTEGER NOT NULL,
            performed_ns INTEGER NOT NULL,
            work         TEXT    NOT NULL,
            PRIMARY KEY (tenant, id)
        );
        CREATE INDEX ix_billing_works_contract ON billing_works (tenant, contract, performed_s, performed_ns, id);
        CREATE INDEX ix_billing_works_ticket ON billing_works (tenant, ticket) WHERE ticket IS NOT NULL;
        CREATE TABLE billing_numbers (
            tenant TEXT    NOT NULL,
            kind   TEXT    NOT NULL,
            last   INTEGER NOT NULL,
            PRIMARY KEY (tenant, kind)
        );
        CREATE TABLE billing_documents (
            tenant      TEXT    NOT NULL,
            kind        TEXT    NOT NULL,
            sequence    INTEGER NOT NULL,
            contract    TEXT    NOT NULL,
            period      TEXT    NOT NULL,
            reverses    INTEGER,
            reversed_by INTEGER,
            document    TEXT    NOT NULL,
            PRIMARY KEY (tenant, kind, sequence)
        );
        CREATE TABLE billing_current (
            tenant   TEXT    NOT NULL,
            period   TEXT    NOT NULL,
            contract TEXT    NOT NULL,
            invoice  INTEGER NOT NULL,
            PRIMARY KEY (tenant, period, contract)
        );
        CREATE TABLE billing_billed (
            tenant           TEXT    NOT NULL,
            entry            TEXT    NOT NULL,
            contract         TEXT    NOT NULL,
            invoice          INTEGER,
            invoice_contract TEXT    NOT NULL,
            invoice_period   TEXT    NOT NULL,
            snapshot         TEXT    NOT NULL,
            PRIMARY KEY (tenant, entry)
        );
        CREATE INDEX ix_billing_billed_contract ON billing_billed (tenant, contract, entry);
        CREATE INDEX ix_billing_billed_invoice ON billing_billed (tenant, invoice) WHERE invoice IS NOT NULL;
        """,

        // 8: per-consumer outbox delivery (IOutboxDeliveryStore): each consumer's checkpoint, and a delivery row for each
        // message above it with any state (state 0 waiting or leased, 1 delivered, 2 parked). No data changes: every consumer
        // starts at checkpoint 0 and so receives every message still in the outbox.
        """
        CREATE TABLE outbox_consumers (
            consumer   TEXT    NOT NULL PRIMARY KEY,
            checkpoint INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE outbox_deliveries (
            consumer         TEXT    NOT NULL,
            position         INTEGER NOT NULL,
            state            INTEGER NOT NULL,
            attempts         INTEGER NOT NULL,
            due_s            INTEGER,
            due_ns           INTEGER,
            lease_token      TEXT,
            lease_expires_s  INTEGER,
            lease_expires_ns INTEGER,
            error            TEXT,
            parked_s         INTEGER,
            parked_ns        INTEGER,
            PRIMARY KEY (consumer, position)
        ) WITHOUT ROWID;
        CREATE INDEX ix_outbox_deliveries_state ON outbox_deliveries (consumer, state, position);
        """,

        // 9: automatic assignment (IAssignmentStore): a partial index of open (queued) assigned tickets by assignee and
        // priority, so an agent's open work is a covering index scan, and the durable round-robin cursor of each group.
        """
        CREATE INDEX ix_tickets_open_work ON tickets (tenant, assignee, priority) WHERE queued = 1 AND assignee IS NOT NULL;
        CREATE TABLE assignment_cursors (
            tenant TEXT NOT NULL,
            grp    TEXT NOT NULL,
            agent  TEXT NOT NULL,
            PRIMARY KEY (tenant, grp)
        ) WITHOUT ROWID;
        """,

        // 10: run-time agent directories (IAgentDirectoryStore): each tenant's JSON definition with its version.
        """
        CREATE TABLE agent_directories (
            tenant   TEXT    NOT NULL PRIMARY KEY,
            version  INTEGER NOT NULL,
            json     TEXT    NOT NULL,
            saved_s  INTEGER NOT NULL,
            saved_ns INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
    ];

    /// <summary>The C# part of each step, run after its SQL in the same transaction; <see langword="null"/> for none.</summary>
    private static readonly Action<SqliteConnection, SqliteTransaction>?[] Backfills =
    [
        null,
        BackfillTimeEntries,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
    ];

    /// <summary>Gets the schema version this build creates and understands.</summary>
    public static int Latest => Steps.Length;

    public static void Apply(SqliteConnection connection) => Apply(connection, Latest);

    /// <summary>Brings the schema up to <paramref name="target"/> (tests use it to build a file of an older version).</summary>
    public static void Apply(SqliteConnection connection, int target)
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

        for (var version = current + 1; version <= target; version++)
        {
            using var step = connection.CreateCommand();
            step.Transaction = transaction;
            step.CommandText = Steps[version - 1] + "INSERT INTO schema_migrations (version, description) VALUES ($v, $d);";
            step.Parameters.AddWithValue("$v", version);
            step.Parameters.AddWithValue("$d", $"migration {version}");
            step.ExecuteNonQuery();
            Backfills[version - 1]?.Invoke(connection, transaction);
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

    /// <summary>Step 2: indexes the start of every <see cref="TimeLogged"/> event stored before the step.</summary>
    private static void BackfillTimeEntries(SqliteConnection connection, SqliteTransaction transaction)
    {
        var entries = new List<(string Tenant, string Ticket, long Version, Instant Started)>();
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT tenant, ticket, version, payload FROM ticket_events WHERE type = 'TimeLogged';";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                var logged = (TimeLogged)ServiceDeskJson.DeserializeEvent(reader.GetString(3));
                entries.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), logged.Started));
            }
        }

        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE ticket_events SET started_s = $s, started_ns = $ns WHERE tenant = $tenant AND ticket = $ticket AND version = $version;";
        var tenant = update.Parameters.Add("$tenant", SqliteType.Text);
        var ticket = update.Parameters.Add("$ticket", SqliteType.Text);
        var version = update.Parameters.Add("$version", SqliteType.Integer);
        var seconds = update.Parameters.Add("$s", SqliteType.Integer);
        var nanos = update.Parameters.Add("$ns", SqliteType.Integer);
        foreach (var entry in entries)
        {
            tenant.Value = entry.Tenant;
            ticket.Value = entry.Ticket;
            version.Value = entry.Version;
            (seconds.Value, nanos.Value) = Split(entry.Started);
            update.ExecuteNonQuery();
        }
    }

    /// <summary>Splits an instant into Unix seconds and nanoseconds within the second, as every instant column pair stores it.</summary>
    public static (long Seconds, long Nanos) Split(Instant instant)
    {
        var seconds = instant.ToUnixTimeSeconds();
        return (seconds, (instant - Instant.FromUnixTimeSeconds(seconds)).ToInt64Nanoseconds());
    }

    /// <summary>Joins what <see cref="Split"/> split.</summary>
    public static Instant Join(long seconds, long nanos) => Instant.FromUnixTimeSeconds(seconds).PlusNanoseconds(nanos);
}
