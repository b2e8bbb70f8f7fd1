using System.Diagnostics.CodeAnalysis;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>
/// Finds the provider of a configured store: a provider registered with <c>AddStoreProvider</c> (the last of a name
/// wins), else one of the shipped providers, loaded by its well-known type name when its package is installed. This
/// package references no database driver, so it cannot name those types at compile time.
/// </summary>
/// <remarks>Trim- and AOT-safe: <see cref="Type.GetType(string, bool)"/> with a constant name is resolved by the trimmer
/// and the native AOT compiler at build time, and <see cref="Load"/>'s annotation keeps the parameterless constructor of
/// what it finds; a provider package that is not part of the app resolves to <see langword="null"/>.</remarks>
internal static class StoreProviders
{
    private const string SqliteType = "ServiceDesk.Storage.Sqlite.SqliteStoreProvider, ServiceDesk.Storage.Sqlite";
    private const string PostgreSqlType = "ServiceDesk.Storage.PostgreSql.PostgreSqlStoreProvider, ServiceDesk.Storage.PostgreSql";

    private static readonly (string Name, string Package)[] Shipped =
    [
        ("Sqlite", "ServiceDesk.Storage.Sqlite"),
        ("PostgreSql", "ServiceDesk.Storage.PostgreSql"),
    ];

    /// <summary>The shipped provider's spelling of a name (<c>sqlite</c> → <c>Sqlite</c>), else the name as given, else <c>Configured</c>.</summary>
    public static string CanonicalName(string? provider)
        => string.IsNullOrEmpty(provider)
            ? "Configured"
            : Shipped.FirstOrDefault(p => string.Equals(p.Name, provider, StringComparison.OrdinalIgnoreCase)).Name ?? provider;

    public static ServiceDeskStoreProvider? Find(string? provider, IEnumerable<ServiceDeskStoreProvider> registered)
    {
        if (string.IsNullOrEmpty(provider))
        {
            return null;
        }

        var found = registered.LastOrDefault(p => string.Equals(p.Name, provider, StringComparison.OrdinalIgnoreCase));
        if (found is not null)
        {
            return found;
        }

        return CanonicalName(provider) switch
        {
            "Sqlite" => Load(Type.GetType(SqliteType, throwOnError: false)),
            "PostgreSql" => Load(Type.GetType(PostgreSqlType, throwOnError: false)),
            _ => null,
        };
    }

    public static string Unknown(string? provider)
    {
        var shipped = Shipped.FirstOrDefault(p => string.Equals(p.Name, provider, StringComparison.OrdinalIgnoreCase));
        return shipped.Name is not null
            ? $"'{shipped.Name}' needs the {shipped.Package} package: add it to the app (it brings UseSqlite/UsePostgreSql and the provider)"
            : $"{TextPolicy.Echo(provider)} is not a store; use InMemory, Sqlite or PostgreSql, or register a provider with AddStoreProvider";
    }

    private static ServiceDeskStoreProvider? Load([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type? type)
        => type is null ? null : Activator.CreateInstance(type) as ServiceDeskStoreProvider;
}
