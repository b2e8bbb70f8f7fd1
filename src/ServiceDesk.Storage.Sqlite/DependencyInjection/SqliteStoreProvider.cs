using ServiceDesk.Extensions.DependencyInjection;

namespace ServiceDesk.Storage.Sqlite;

/// <summary>
/// The <c>Sqlite</c> store provider of <c>UseStore(section)</c>: <c>{ "Provider": "Sqlite", "Sqlite": { "DataSource": "desk.db" } }</c>
/// binds <see cref="SqliteTicketStoreOptions"/> from the <c>Sqlite</c> sub-section.
/// </summary>
/// <remarks>
/// <c>AddServiceDesk()</c> finds this provider by name when this package is installed; registering it with
/// <c>builder.AddStoreProvider(new SqliteStoreProvider())</c> is optional (and keeps it in a trimmed app). Stateless and
/// thread-safe.
/// </remarks>
public sealed class SqliteStoreProvider : ServiceDeskStoreProvider<SqliteTicketStoreOptions>
{
    /// <summary>The provider's name: <c>Sqlite</c>.</summary>
    public const string ProviderName = "Sqlite";

    /// <inheritdoc/>
    public override string Name => ProviderName;

    /// <inheritdoc/>
    protected override ServiceDeskStore Create(SqliteTicketStoreOptions options) => Describe(options);

    internal static ServiceDeskStore Describe(SqliteTicketStoreOptions options)
        => new(ProviderName, async (_, ct) => await SqliteTicketStore.OpenAsync(options, ct).ConfigureAwait(false))
        {
            Validate = faults => SqliteStartupValidation.Validate(options, faults),
            HealthCheck = _ => new SqliteTicketStoreHealthCheck(options),
        };
}
