namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>
/// Where the PostgreSQL tests find their server: the connection string in <c>SERVICEDESK_POSTGRES</c>. Without it the
/// tests are reported as skipped locally; in CI (<c>CI=true</c>) they run anyway, so a missing server fails them.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "SERVICEDESK_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs ? cs : null;

    public static string? SkipReason
        => ConnectionString is not null || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"No PostgreSQL server: set {Variable} to a connection string (e.g. Host=127.0.0.1;Port=55432;Username=postgres;Database=servicedesk) to run these tests; .ci/run starts one.";

    /// <summary>A schema of its own for this test process, so runs never see each other's tables.</summary>
    public static string Schema { get; } = "sdtest_" + Guid.NewGuid().ToString("N")[..12];

    public static string RequireConnectionString()
        => ConnectionString ?? throw new InvalidOperationException($"CI=true but {Variable} is not set: the PostgreSQL server was not started.");
}
