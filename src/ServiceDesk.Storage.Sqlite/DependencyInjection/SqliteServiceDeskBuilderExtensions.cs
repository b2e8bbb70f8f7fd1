using ServiceDesk.Extensions.DependencyInjection;
using ServiceDesk.Storage;
using ServiceDesk.Storage.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>UseSqlite</c> for <c>services.AddServiceDesk()</c>: the SQLite store's registration lives in its own package, as
/// EF Core's <c>UseSqlite</c> lives in its SQLite provider, so that a host that does not use SQLite does not ship it.
/// </summary>
public static class SqliteServiceDeskBuilderExtensions
{
    /// <summary>Stores tickets in a SQLite file (<see cref="SqliteTicketStore"/>), created and migrated at start-up.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The database file; its folder must exist. Relative paths resolve against the current directory.</param>
    /// <returns>The builder.</returns>
    /// <remarks>Also gives the <c>servicedesk-store</c> health check its SQLite form (<see cref="SqliteTicketStoreHealthCheck"/>).</remarks>
    public static IServiceDeskBuilder UseSqlite(this IServiceDeskBuilder builder, string path)
        => builder.UseSqlite(new SqliteTicketStoreOptions { DataSource = path });

    /// <summary>Stores tickets in a SQLite file (<see cref="SqliteTicketStore"/>), created and migrated at start-up.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The adapter options; validated at start-up (the file's folder must exist).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <remarks>Also gives the <c>servicedesk-store</c> health check its SQLite form (<see cref="SqliteTicketStoreHealthCheck"/>).</remarks>
    public static IServiceDeskBuilder UseSqlite(this IServiceDeskBuilder builder, SqliteTicketStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return builder.UseStore(SqliteStoreProvider.Describe(options));
    }
}
