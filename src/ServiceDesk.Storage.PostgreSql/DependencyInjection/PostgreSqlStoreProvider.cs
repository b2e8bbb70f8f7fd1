using NodaTime;
using ServiceDesk.Extensions.DependencyInjection;

namespace ServiceDesk.Storage.PostgreSql;

/// <summary>
/// The <c>PostgreSql</c> store provider of <c>UseStore(section)</c>:
/// <c>{ "Provider": "PostgreSql", "PostgreSql": { "ConnectionString": "Host=db;…", "Schema": "servicedesk" } }</c> binds
/// <see cref="PostgreSqlTicketStoreOptions"/> from the <c>PostgreSql</c> sub-section.
/// </summary>
/// <remarks>
/// <c>AddServiceDesk()</c> finds this provider by name when this package is installed; registering it with
/// <c>builder.AddStoreProvider(new PostgreSqlStoreProvider())</c> is optional (and keeps it in a trimmed app). Stateless
/// and thread-safe.
/// </remarks>
public sealed class PostgreSqlStoreProvider : ServiceDeskStoreProvider<PostgreSqlTicketStoreOptions>
{
    /// <summary>The provider's name: <c>PostgreSql</c>.</summary>
    public const string ProviderName = "PostgreSql";

    /// <inheritdoc/>
    public override string Name => ProviderName;

    /// <inheritdoc/>
    protected override ServiceDeskStore Create(PostgreSqlTicketStoreOptions options) => Describe(options);

    internal static ServiceDeskStore Describe(PostgreSqlTicketStoreOptions options)
        => new(ProviderName, async (services, ct) => await PostgreSqlTicketStore.OpenAsync(CorruptRowsLogged(options, services), ct).ConfigureAwait(false))
        {
            Validate = faults => PostgreSqlStartupValidation.Validate(options, faults),
            HealthCheck = services => new PostgreSqlTicketStoreHealthCheck(options, services.GetService(typeof(IClock)) as IClock),
        };

    /// <summary>The options with <see cref="PostgreSqlTicketStoreOptions.OnCorruptRow"/> logging each skipped corrupt row (see
    /// <see cref="ServiceDeskStore.CorruptRowLogger"/>) when the application set no callback of its own; otherwise the
    /// options unchanged. The caller's instance is copied, not changed.</summary>
    internal static PostgreSqlTicketStoreOptions CorruptRowsLogged(PostgreSqlTicketStoreOptions options, IServiceProvider services)
    {
        if (options.OnCorruptRow is not null || ServiceDeskStore.CorruptRowLogger(services, "ServiceDesk.Storage.PostgreSql") is not { } log)
        {
            return options;
        }

        var copy = options.Clone();
        copy.OnCorruptRow = log;
        return copy;
    }
}
