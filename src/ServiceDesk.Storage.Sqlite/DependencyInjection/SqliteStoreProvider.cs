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
        => new(ProviderName, async (services, ct) => await SqliteTicketStore.OpenAsync(CorruptRowsLogged(options, services), ct).ConfigureAwait(false))
        {
            Validate = faults => SqliteStartupValidation.Validate(options, faults),
            HealthCheck = _ => new SqliteTicketStoreHealthCheck(options),
        };

    /// <summary>The options with <see cref="SqliteTicketStoreOptions.OnCorruptRow"/> logging each skipped corrupt row (see
    /// <see cref="ServiceDeskStore.CorruptRowLogger"/>) when the application set no callback of its own; otherwise the
    /// options unchanged. The caller's instance is copied, not changed.</summary>
    internal static SqliteTicketStoreOptions CorruptRowsLogged(SqliteTicketStoreOptions options, IServiceProvider services)
    {
        if (options.OnCorruptRow is not null || ServiceDeskStore.CorruptRowLogger(services, "ServiceDesk.Storage.Sqlite") is not { } log)
        {
            return options;
        }

        var copy = options.Clone();
        copy.OnCorruptRow = log;
        return copy;
    }
}
