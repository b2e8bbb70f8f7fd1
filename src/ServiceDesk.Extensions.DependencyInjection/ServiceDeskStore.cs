using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServiceDesk.Storage;

namespace ServiceDesk.Extensions.DependencyInjection;

/// <summary>
/// A store a provider package offers to <c>AddServiceDesk()</c>: its name, how to check its settings at start-up, how to
/// open it and how to check its health. The provider packages' <c>UseSqlite</c> and <c>UsePostgreSql</c> pass one to
/// <see cref="Microsoft.Extensions.DependencyInjection.ServiceDeskBuilderExtensions.UseStore(Microsoft.Extensions.DependencyInjection.IServiceDeskBuilder, ServiceDeskStore)"/>;
/// an adapter of your own can do the same.
/// </summary>
/// <remarks>Immutable once built; the delegates are called from any thread, <see cref="Validate"/> once per validation
/// and <see cref="Open"/> once per successful opening.</remarks>
public sealed class ServiceDeskStore
{
    /// <summary>Initializes a new instance of the <see cref="ServiceDeskStore"/> class.</summary>
    /// <param name="name">The store's name, as in messages and in the <c>Provider</c> configuration key, e.g. <c>"Sqlite"</c>.
    /// Choosing two stores of different names is a start-up fault; a later choice of the same name replaces an earlier one.</param>
    /// <param name="open">Opens (creates, migrates) the store once; it may implement <see cref="ITimerStore"/>,
    /// <see cref="IOutboxStore"/> and <see cref="ITimeEntryStore"/> too.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public ServiceDeskStore(string name, Func<IServiceProvider, CancellationToken, Task<ITicketStore>> open)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(open);
        Name = name;
        Open = open;
    }

    /// <summary>Gets the store's name.</summary>
    public string Name { get; }

    /// <summary>Gets the function that opens the store.</summary>
    public Func<IServiceProvider, CancellationToken, Task<ITicketStore>> Open { get; }

    /// <summary>
    /// Gets the check of the store's settings run at start-up with every other check: it adds one line per fault, each
    /// starting with the setting's name (<c>"Sqlite.DataSource: …"</c>), and must not throw. Default: none.
    /// </summary>
    public Action<ICollection<string>>? Validate { get; init; }

    /// <summary>
    /// Gets the factory of the store's health check, registered as <c>servicedesk-store</c> (see
    /// <see cref="Microsoft.Extensions.DependencyInjection.ServiceDeskServiceCollectionExtensions.HealthCheckName"/>).
    /// Default: <see langword="null"/>, meaning the check reports whether the store opens.
    /// </summary>
    public Func<IServiceProvider, IHealthCheck>? HealthCheck { get; init; }

    /// <summary>
    /// A reporter for the corrupt rows a store skips (its <c>OnCorruptRow</c> option) that logs each at error level (event
    /// id 1901, the given category, with the <see cref="StorageException"/>) through the application's
    /// <see cref="Microsoft.Extensions.Logging.ILoggerFactory"/>; provider packages use it when the application set no
    /// callback of its own.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="category">The logger category, e.g. <c>ServiceDesk.Storage.Sqlite</c>.</param>
    /// <returns>The reporter, or <see langword="null"/> when no logger factory is registered.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static Action<StorageException>? CorruptRowLogger(IServiceProvider services, string category)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(category);
        if (services.GetService(typeof(Microsoft.Extensions.Logging.ILoggerFactory)) is not Microsoft.Extensions.Logging.ILoggerFactory factory)
        {
            return null;
        }

        var logger = factory.CreateLogger(category);
        return ex => CorruptRowLog.Skipped(logger, ex.Message, ex);
    }
}

/// <summary>The log message of a corrupt row a store skipped.</summary>
internal static partial class CorruptRowLog
{
    [Microsoft.Extensions.Logging.LoggerMessage(EventId = 1901, Level = Microsoft.Extensions.Logging.LogLevel.Error,
        Message = "Skipped a corrupt stored row: {Detail} Repair the row, or acknowledge its outbox position to skip it for good.")]
    public static partial void Skipped(Microsoft.Extensions.Logging.ILogger logger, string detail, Exception exception);
}
