using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceDesk.Email;
using ServiceDesk.Email.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="SqliteEmailThreadStore"/> on the <c>AddServiceDesk</c> builder.</summary>
public static class SqliteEmailThreadsBuilderExtensions
{
    /// <summary>Stores e-mail threads in a SQLite file instead of memory; replaces an earlier <see cref="IEmailThreadStore"/>
    /// registration (call it before or after <c>AddEmail</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The database file.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank.</exception>
    public static IServiceDeskBuilder UseSqliteEmailThreads(this IServiceDeskBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        builder.Services.Replace(ServiceDescriptor.Singleton<IEmailThreadStore>(new SqliteEmailThreadStore(path)));
        return builder;
    }
}
