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
