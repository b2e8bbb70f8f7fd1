using Microsoft.Data.Sqlite;
using Npgsql;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Storage.PostgreSql;
using ServiceDesk.Storage.Sqlite;

namespace ServiceDesk.Benchmarks.Engine;

/// <summary>
/// The storage adapters the engine benchmarks run on: the in-memory reference store, SQLite (a WAL file in a temp
/// directory, the adapter's default <c>synchronous=NORMAL</c>) and PostgreSQL on loopback, the last only when
/// <c>SERVICEDESK_POSTGRES</c> holds a connection string (<c>.ci/postgres.sh</c> starts a throwaway cluster and sets it).
/// </summary>
public static class EngineAdapters
{
    /// <summary>The in-memory adapter.</summary>
    public const string InMemory = "InMemory";

    /// <summary>The SQLite adapter.</summary>
    public const string Sqlite = "Sqlite";

    /// <summary>The PostgreSQL adapter.</summary>
    public const string PostgreSql = "PostgreSql";

    /// <summary>The environment variable with the PostgreSQL connection string.</summary>
    public const string PostgresVariable = "SERVICEDESK_POSTGRES";

    private static bool s_noted;

    /// <summary>Gets the PostgreSQL connection string, or <see langword="null"/> when the variable is unset.</summary>
    public static string? PostgresConnectionString
        => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs ? cs : null;

    /// <summary>Gets the adapters available here: PostgreSQL only with <c>SERVICEDESK_POSTGRES</c> (a note is printed
    /// otherwise).</summary>
    public static IEnumerable<string> Available()
    {
        yield return InMemory;
        yield return Sqlite;
        if (PostgresConnectionString is not null)
        {
            yield return PostgreSql;
        }
        else if (!s_noted)
        {
            s_noted = true;
            Console.WriteLine($"// Note: {PostgresVariable} is not set, so the PostgreSQL cases of the engine benchmarks are skipped "
                + "(run under .ci/postgres.sh: source it, then pg_start).");
        }
    }

    /// <summary>Opens an empty store of <paramref name="adapter"/>; dispose the returned lease to drop it.</summary>
    public static async Task<StoreLease> OpenEmptyAsync(string adapter)
    {
        switch (adapter)
        {
            case InMemory:
                return new StoreLease(new InMemoryTicketStore(), null);
            case Sqlite:
            {
                var dir = Directory.CreateTempSubdirectory("servicedesk-bench-");
                var store = await SqliteTicketStore.OpenAsync(Path.Combine(dir.FullName, "tickets.db"));
                return new StoreLease(store, () => DeleteSqlite(dir.FullName));
            }

            case PostgreSql:
            {
                var cs = PostgresConnectionString ?? throw new InvalidOperationException($"{PostgresVariable} is not set.");
                var schema = "bench_" + Guid.NewGuid().ToString("N")[..16];
                var store = await PostgreSqlTicketStore.OpenAsync(new PostgreSqlTicketStoreOptions { ConnectionString = cs, Schema = schema });
                return new StoreLease(store, () => ExecutePostgres(cs, $"DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(adapter), adapter, $"Known adapters: {InMemory}, {Sqlite}, {PostgreSql}.");
        }
    }

    /// <summary>Opens a copy of a prepared database: SQLite copies a template file, PostgreSQL creates a database from a
    /// template database; <paramref name="build"/> fills the template the first time (its store is disposed afterwards).
    /// The in-memory adapter has no template and is built afresh.</summary>
    public static async Task<StoreLease> OpenCopyAsync(string adapter, string templateName, Func<ITicketStore, Task> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        switch (adapter)
        {
            case InMemory:
            {
                var store = new InMemoryTicketStore();
                await build(store);
                return new StoreLease(store, null);
            }

            case Sqlite:
            {
                var template = Path.Combine(Path.GetTempPath(), $"servicedesk-bench-{templateName}.db");
                if (!File.Exists(template))
                {
                    var building = template + ".building";
                    DeleteSqliteFiles(building);
                    await using (var store = await SqliteTicketStore.OpenAsync(building))
                    {
                        await build(store);
                    }

                    SqliteConnection.ClearAllPools(); // the last connection closing checkpoints the WAL into the file
                    if (File.Exists(building + "-wal") && new FileInfo(building + "-wal").Length > 0)
                    {
                        throw new InvalidOperationException($"The WAL of {building} was not checkpointed.");
                    }

                    File.Move(building, template, overwrite: true);
                }

                var dir = Directory.CreateTempSubdirectory("servicedesk-bench-");
                var path = Path.Combine(dir.FullName, "tickets.db");
                File.Copy(template, path);
                var copy = await SqliteTicketStore.OpenAsync(path);
                return new StoreLease(copy, () => DeleteSqlite(dir.FullName));
            }

            case PostgreSql:
            {
                var cs = PostgresConnectionString ?? throw new InvalidOperationException($"{PostgresVariable} is not set.");
                var template = $"bench_tpl_{templateName.Replace('-', '_')}";
                if (!await PostgresDatabaseExistsAsync(cs, template))
                {
                    ExecutePostgres(cs, $"CREATE DATABASE {template}_building");
                    var buildingCs = WithDatabase(cs, template + "_building");
                    await using (var store = await PostgreSqlTicketStore.OpenAsync(buildingCs))
                    {
                        await build(store);
                    }

                    NpgsqlConnection.ClearAllPools();
                    ExecutePostgres(cs, $"ALTER DATABASE {template}_building RENAME TO {template}");
                }

                var name = "bench_" + Guid.NewGuid().ToString("N")[..16];
                ExecutePostgres(cs, $"CREATE DATABASE {name} TEMPLATE {template}");
                var copy = await PostgreSqlTicketStore.OpenAsync(WithDatabase(cs, name));
                return new StoreLease(copy, () =>
                {
                    NpgsqlConnection.ClearAllPools();
                    ExecutePostgres(cs, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                });
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(adapter), adapter, $"Known adapters: {InMemory}, {Sqlite}, {PostgreSql}.");
        }
    }

    private static string WithDatabase(string cs, string database)
        => new NpgsqlConnectionStringBuilder(cs) { Database = database }.ConnectionString;

    private static async Task<bool> PostgresDatabaseExistsAsync(string cs, string name)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteScalarAsync() is not null;
    }

    private static void ExecutePostgres(string cs, string sql)
    {
        using var connection = new NpgsqlConnection(cs);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static void DeleteSqlite(string dir)
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }

    private static void DeleteSqliteFiles(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}

/// <summary>A store opened for a benchmark and how to drop it.</summary>
/// <param name="Store">The store (every adapter implements <see cref="ITicketStore"/>, <see cref="ITimerStore"/> and
/// <see cref="IOutboxStore"/>).</param>
/// <param name="Drop">Deletes the database after the store is disposed, if anything is to be deleted.</param>
public sealed record StoreLease(ITicketStore Store, Action? Drop) : IDisposable
{
    /// <summary>Disposes the store and drops its database.</summary>
    public void Dispose()
    {
        (Store as IDisposable)?.Dispose();
        Drop?.Invoke();
    }
}
