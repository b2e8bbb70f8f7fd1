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

    /// <summary>The options with <see cref="SqliteTicketStoreOptions.OnCorruptRow"/> logging each skipped corrupt row at error level
    /// (event id 1901, category <c>ServiceDesk.Storage.Sqlite</c>) when the application set no callback of its own and a logger
    /// factory is registered; otherwise the options unchanged.</summary>
    internal static SqliteTicketStoreOptions CorruptRowsLogged(SqliteTicketStoreOptions options, IServiceProvider services)
    {
        if (options.OnCorruptRow is not null
            || services.GetService(typeof(Microsoft.Extensions.Logging.ILoggerFactory)) is not Microsoft.Extensions.Logging.ILoggerFactory factory)
        {
            return options;
        }

        var logger = factory.CreateLogger("ServiceDesk.Storage.Sqlite");
        var copy = options.Clone();
        copy.OnCorruptRow = ex => CorruptRowLog.Skipped(logger, ex.Message, ex);
        return copy;
    }
}

/// <summary>The log message of a corrupt row the store skipped.</summary>
internal static partial class CorruptRowLog
{
    [Microsoft.Extensions.Logging.LoggerMessage(EventId = 1901, Level = Microsoft.Extensions.Logging.LogLevel.Error,
        Message = "Skipped a corrupt stored row: {Detail} Repair the row, or acknowledge its outbox position to skip it for good.")]
    public static partial void Skipped(Microsoft.Extensions.Logging.ILogger logger, string detail, Exception exception);
}
