using ServiceDesk.Extensions.DependencyInjection;
using ServiceDesk.Storage.PostgreSql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>UsePostgreSql</c> for <c>services.AddServiceDesk()</c>: the PostgreSQL store's registration lives in its own package,
/// as Hangfire's <c>UsePostgreSqlStorage</c> lives in Hangfire.PostgreSql, so that a host that does not use PostgreSQL
/// does not ship Npgsql.
/// </summary>
public static class PostgreSqlServiceDeskBuilderExtensions
{
    /// <summary>Stores tickets in PostgreSQL (<see cref="PostgreSqlTicketStore"/>); the schema is migrated at start-up.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <returns>The builder.</returns>
    /// <remarks>Also gives the <c>servicedesk-store</c> health check its PostgreSQL form (<see cref="PostgreSqlTicketStoreHealthCheck"/>).</remarks>
    public static IServiceDeskBuilder UsePostgreSql(this IServiceDeskBuilder builder, string connectionString)
        => builder.UsePostgreSql(new PostgreSqlTicketStoreOptions { ConnectionString = connectionString });

    /// <summary>Stores tickets in PostgreSQL (<see cref="PostgreSqlTicketStore"/>); the schema is migrated at start-up.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The adapter options; validated at start-up.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <remarks>Also gives the <c>servicedesk-store</c> health check its PostgreSQL form (<see cref="PostgreSqlTicketStoreHealthCheck"/>).</remarks>
    public static IServiceDeskBuilder UsePostgreSql(this IServiceDeskBuilder builder, PostgreSqlTicketStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return builder.UseStore(PostgreSqlStoreProvider.Describe(options));
    }
}
