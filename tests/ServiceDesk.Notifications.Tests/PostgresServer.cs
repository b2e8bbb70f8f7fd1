namespace ServiceDesk.Notifications.Tests;

/// <summary>
/// Where the PostgreSQL test finds its server: <c>SERVICEDESK_POSTGRES</c>. Without it the test is skipped locally;
/// in CI (<c>CI=true</c>) it runs anyway, so a missing server fails it (as in ServiceDesk.Storage.PostgreSql.Tests).
/// </summary>
public static class PostgresServer
{
    public const string Variable = "SERVICEDESK_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs ? cs : null;

    public static string? SkipReason
        => ConnectionString is not null || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"No PostgreSQL server: set {Variable} to a connection string to run this test; .ci/run starts one.";

    public static string RequireConnectionString()
        => ConnectionString ?? throw new InvalidOperationException($"CI=true but {Variable} is not set: the PostgreSQL server was not started.");
}

/// <summary>A fact skipped (with the reason) when no PostgreSQL server is configured outside CI.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        Skip = PostgresServer.SkipReason;
    }
}
