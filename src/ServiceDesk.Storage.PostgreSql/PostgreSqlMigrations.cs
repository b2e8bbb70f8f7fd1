using Npgsql;

namespace ServiceDesk.Storage.PostgreSql;

/// <summary>The versioned schema; migrations run in order, once, under a transaction-scoped advisory lock so that
/// any number of app instances can start at the same time.</summary>
internal static class PostgreSqlMigrations
{
    // {0} is the quoted schema name.
    public static readonly string[] Steps =
    [
        """
        CREATE TABLE {0}.tickets (
            tenant           text     NOT NULL,
            id               uuid     NOT NULL,
            number           text     NOT NULL,
            kind             text     NOT NULL,
            status           text     NOT NULL,
            priority         smallint NOT NULL,
            customer         text     NOT NULL,
            assignment_group text,
            assignee         text,
            opened_s         bigint   NOT NULL,
            opened_ns        integer  NOT NULL,
            version          bigint   NOT NULL,
            snapshot         jsonb    NOT NULL,
            PRIMARY KEY (tenant, id),
            UNIQUE (tenant, number)
        );
        CREATE INDEX ix_tickets_order ON {0}.tickets (tenant, opened_s, opened_ns, id);
        CREATE TABLE {0}.ticket_events (
            tenant  text   NOT NULL,
            ticket  uuid   NOT NULL,
            version bigint NOT NULL,
            type    text   NOT NULL,
            payload jsonb  NOT NULL,
            PRIMARY KEY (tenant, ticket, version)
        );
        CREATE TABLE {0}.ticket_numbers (
            tenant text   NOT NULL,
            kind   text   NOT NULL,
            last   bigint NOT NULL,
            PRIMARY KEY (tenant, kind)
        );
        CREATE TABLE {0}.idempotency_keys (
            tenant   text  NOT NULL,
            key      text  NOT NULL,
            ticket   uuid  NOT NULL,
            snapshot jsonb NOT NULL,
            PRIMARY KEY (tenant, key)
        );
        """,

        // 2: timers and queues (ITimerStore), the transactional outbox (IOutboxStore), time entries (ITimeEntryStore).
        // A NULL deadline sorts last through the generated sort key; tenants order by code point (COLLATE "C") in claims.
        // Existing TimeLogged events are backfilled from their JSON ("started" is ISO-8601 UTC with up to nine fractional
        // digits); existing events are not put in the outbox and existing tickets have no schedule until their next append.
        """
        CREATE TABLE {0}.ticket_schedule (
            tenant           text    NOT NULL,
            ticket           uuid    NOT NULL,
            timer_due_s      bigint,
            timer_due_ns     integer,
            timer_purpose    text,
            deadline_s       bigint,
            deadline_ns      integer,
            deadline_key_s   bigint  NOT NULL GENERATED ALWAYS AS (COALESCE(deadline_s, 9223372036854775807)) STORED,
            deadline_key_ns  integer NOT NULL GENERATED ALWAYS AS (COALESCE(deadline_ns, 0)) STORED,
            queued           boolean NOT NULL,
            opened_s         bigint  NOT NULL,
            opened_ns        integer NOT NULL,
            lease_token      uuid,
            lease_expires_s  bigint,
            lease_expires_ns integer,
            PRIMARY KEY (tenant, ticket),
            FOREIGN KEY (tenant, ticket) REFERENCES {0}.tickets (tenant, id),
            CHECK ((timer_due_s IS NULL) = (timer_due_ns IS NULL) AND (timer_due_s IS NULL) = (timer_purpose IS NULL)),
            CHECK ((deadline_s IS NULL) = (deadline_ns IS NULL)),
            CHECK ((lease_token IS NULL) = (lease_expires_s IS NULL) AND (lease_token IS NULL) = (lease_expires_ns IS NULL))
        );
        CREATE INDEX ix_ticket_schedule_due ON {0}.ticket_schedule (timer_due_s, timer_due_ns, (tenant COLLATE "C"), ticket)
            WHERE timer_due_s IS NOT NULL;
        CREATE INDEX ix_ticket_schedule_queue ON {0}.ticket_schedule (tenant, queued, deadline_key_s, deadline_key_ns, opened_s, opened_ns, ticket);
        CREATE TABLE {0}.outbox (
            position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            tenant   text   NOT NULL,
            ticket   uuid   NOT NULL,
            version  bigint NOT NULL,
            event    jsonb  NOT NULL
        );
        CREATE INDEX ix_outbox_tenant ON {0}.outbox (tenant, position);
        ALTER TABLE {0}.ticket_events ADD COLUMN started_s bigint, ADD COLUMN started_ns integer;
        UPDATE {0}.ticket_events
           SET started_s  = EXTRACT(EPOCH FROM (split_part(rtrim(payload->>'started', 'Z'), '.', 1) || '+00')::timestamptz)::bigint,
               started_ns = rpad(split_part(rtrim(payload->>'started', 'Z'), '.', 2), 9, '0')::integer
         WHERE type = 'TimeLogged';
        CREATE INDEX ix_ticket_events_time ON {0}.ticket_events (tenant, started_s, started_ns, ticket, version)
            WHERE started_s IS NOT NULL;
        """,

        // 3: the next claimable instant (ITimerStore.GetNextTimerDueAsync) from two partial indexes: unleased timers by due
        // instant, leased ones by lease expiry. Index-only; no data changes.
        """
        CREATE INDEX ix_ticket_schedule_unleased ON {0}.ticket_schedule (timer_due_s, timer_due_ns)
            WHERE timer_due_s IS NOT NULL AND lease_token IS NULL;
        CREATE INDEX ix_ticket_schedule_leases ON {0}.ticket_schedule (lease_expires_s, lease_expires_ns)
            WHERE lease_token IS NOT NULL;
        """,

        // 4: the derived state of each ticket's last append (TicketAppend.DerivedState); NULL for tickets appended before.
        """
        ALTER TABLE {0}.tickets ADD COLUMN derived text;
        """,

        // 5: the digest of the parameters of the command each idempotency key was applied by (TicketAppend.IdempotencyFingerprint);
        // NULL for keys applied before, which replay as before.
        """
        ALTER TABLE {0}.idempotency_keys ADD COLUMN fingerprint text;
        """,

        // 6: billing (IBillingStore): time entries with approval and supersession, one-off works, gapless document numbers
        // per tenant and series, invoices and credit notes, the current invoice of each contract and month, and the
        // billed-entry index. Records and documents are BillingJson text (not jsonb: read back byte for byte).
        """
        CREATE TABLE {0}.billing_entries (
            tenant        text   NOT NULL,
            id            text   NOT NULL,
            contract      text   NOT NULL,
            agent         text   NOT NULL,
            start_s       bigint NOT NULL,
            start_ns      bigint NOT NULL,
            end_s         bigint NOT NULL,
            end_ns        bigint NOT NULL,
            approval      text   NOT NULL,
            superseded_by text,
            entry         text   NOT NULL,
            PRIMARY KEY (tenant, id)
        );
        CREATE INDEX ix_billing_entries_start ON {0}.billing_entries (tenant, start_s, start_ns, id COLLATE "C");
        CREATE INDEX ix_billing_entries_contract ON {0}.billing_entries (tenant, contract, start_s, start_ns, id COLLATE "C");
        CREATE INDEX ix_billing_entries_agent ON {0}.billing_entries (tenant, agent, start_s, start_ns) WHERE superseded_by IS NULL;
        CREATE TABLE {0}.billing_works (
            tenant       text   NOT NULL,
            id           text   NOT NULL,
            contract     text   NOT NULL,
            ticket       text,
            performed_s  bigint NOT NULL,
            performed_ns bigint NOT NULL,
            work         text   NOT NULL,
            PRIMARY KEY (tenant, id)
        );
        CREATE INDEX ix_billing_works_contract ON {0}.billing_works (tenant, contract, performed_s, performed_ns);
        CREATE INDEX ix_billing_works_ticket ON {0}.billing_works (tenant, ticket) WHERE ticket IS NOT NULL;
        CREATE TABLE {0}.billing_numbers (
            tenant text   NOT NULL,
            kind   text   NOT NULL,
            last   bigint NOT NULL,
            PRIMARY KEY (tenant, kind)
        );
        CREATE TABLE {0}.billing_documents (
            tenant      text   NOT NULL,
            kind        text   NOT NULL,
            sequence    bigint NOT NULL,
            contract    text   NOT NULL,
            period      text   NOT NULL,
            reverses    bigint,
            reversed_by bigint,
            document    text   NOT NULL,
            PRIMARY KEY (tenant, kind, sequence)
        );
        CREATE TABLE {0}.billing_current (
            tenant   text   NOT NULL,
            period   text   NOT NULL,
            contract text   NOT NULL,
            invoice  bigint NOT NULL,
            PRIMARY KEY (tenant, period, contract)
        );
        CREATE TABLE {0}.billing_billed (
            tenant           text   NOT NULL,
            entry            text   NOT NULL,
            contract         text   NOT NULL,
            invoice          bigint,
            invoice_contract text   NOT NULL,
            invoice_period   text   NOT NULL,
            snapshot         text   NOT NULL,
            PRIMARY KEY (tenant, entry)
        );
        CREATE INDEX ix_billing_billed_contract ON {0}.billing_billed (tenant, contract);
        CREATE INDEX ix_billing_billed_invoice ON {0}.billing_billed (tenant, invoice) WHERE invoice IS NOT NULL;
        """,

        // 7: per-consumer outbox delivery (IOutboxDeliveryStore): each consumer's checkpoint, and a delivery row for each
        // message above it with any state (state 0 waiting or leased, 1 delivered, 2 parked). No data changes: every consumer
        // starts at checkpoint 0 and so receives every message still in the outbox.
        """
        CREATE TABLE {0}.outbox_consumers (
            consumer   text   NOT NULL PRIMARY KEY,
            checkpoint bigint NOT NULL
        );
        CREATE TABLE {0}.outbox_deliveries (
            consumer         text     NOT NULL,
            position         bigint   NOT NULL,
            state            smallint NOT NULL,
            attempts         integer  NOT NULL,
            due_s            bigint,
            due_ns           integer,
            lease_token      uuid,
            lease_expires_s  bigint,
            lease_expires_ns integer,
            error            text,
            parked_s         bigint,
            parked_ns        integer,
            PRIMARY KEY (consumer, position),
            CHECK ((lease_token IS NULL) = (lease_expires_s IS NULL))
        );
        CREATE INDEX ix_outbox_deliveries_state ON {0}.outbox_deliveries (consumer, state, position);
        """,

        // 8: automatic assignment (IAssignmentStore): the durable round-robin cursor of each group. Open work is read from
        // the queued schedules (ix_ticket_schedule_queue) joined to their tickets, so it needs no table of its own.
        """
        CREATE TABLE {0}.assignment_cursors (
            tenant text NOT NULL,
            grp    text NOT NULL,
            agent  text NOT NULL,
            PRIMARY KEY (tenant, grp)
        );
        """,

        // 9: run-time agent directories (IAgentDirectoryStore): each tenant's JSON definition with its version.
        """
        CREATE TABLE {0}.agent_directories (
            tenant   text    NOT NULL PRIMARY KEY,
            version  bigint  NOT NULL,
            json     text    NOT NULL,
            saved_s  bigint  NOT NULL,
            saved_ns integer NOT NULL
        );
        """,
    ];

    public static int Latest => Steps.Length;

    public static async Task ApplyAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        var quoted = "\"" + schema + "\"";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var setup = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock(hashtextextended('servicedesk-migrations:' || @schema, 0)); " +
            $"CREATE SCHEMA IF NOT EXISTS {quoted}; " +
            $"CREATE TABLE IF NOT EXISTS {quoted}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL);",
            connection,
            transaction))
        {
            setup.Parameters.AddWithValue("schema", schema);
            await setup.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int current;
        await using (var read = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {quoted}.schema_migrations;", connection, transaction))
        {
            current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (current > Latest)
        {
            throw new InvalidOperationException(
                $"The schema {quoted} has version {current}, newer than this library understands (1 to {Latest}). Upgrade ServiceDesk.Storage.PostgreSql.");
        }

        for (var version = current + 1; version <= Latest; version++)
        {
            await using var step = new NpgsqlCommand(
                string.Format(System.Globalization.CultureInfo.InvariantCulture, Steps[version - 1], quoted)
                + $" INSERT INTO {quoted}.schema_migrations (version, description) VALUES (@v, @d);",
                connection,
                transaction);
            step.Parameters.AddWithValue("v", version);
            step.Parameters.AddWithValue("d", $"migration {version}");
            await step.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
