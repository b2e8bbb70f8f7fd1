using System.Collections.Concurrent;
using NodaTime;
using ServiceDesk.Sla;

namespace ServiceDesk.Routing;

/// <summary>Gives the agent directory of a tenant: a fixed one from code or configuration, or one kept in a store and
/// changed at run time (<see cref="StoredAgentDirectoryProvider"/>).</summary>
/// <remarks>Implementations must be thread-safe; automatic assignment asks at every decision, so an implementation that
/// reads a store should cache (as <see cref="StoredAgentDirectoryProvider"/> does).</remarks>
public interface IAgentDirectoryProvider
{
    /// <summary>Gets the tenant's directory.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The directory, or <see langword="null"/> when the tenant has none (nothing is assigned automatically).</returns>
    ValueTask<AgentDirectory?> GetDirectoryAsync(TenantId tenant, CancellationToken cancellationToken = default);
}

/// <summary>A tenant's agent directory as stored: its JSON definition (the dialect of <see cref="AgentDirectory.FromJson"/>),
/// a version that grows by one with every save, and when it was saved.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Version">The version, 1 or more.</param>
/// <param name="Json">The definition.</param>
/// <param name="SavedAt">When it was saved.</param>
public sealed record StoredAgentDirectory(TenantId Tenant, long Version, string Json, Instant SavedAt);

/// <summary>
/// Keeps each tenant's agent directory for products that manage agents, groups and locations at run time: one JSON
/// definition per tenant, replaced whole by compare-and-set on its version.
/// </summary>
/// <remarks>
/// <para>The store keeps text and versions only; <see cref="StoredAgentDirectoryProvider.SaveAsync"/> validates a
/// definition (every fault listed) before it reaches the store. The in-memory, SQLite and PostgreSQL adapters implement
/// it; the <c>AgentDirectory_*</c> conformance tests pin it down. Failures surface as <c>StorageException</c>.</para>
/// </remarks>
public interface IAgentDirectoryStore
{
    /// <summary>The longest definition a store keeps: 16 MiB of text.</summary>
    public const int MaxJsonLength = 16 * 1024 * 1024;

    /// <summary>Reads a tenant's directory.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The stored directory, or <see langword="null"/> when none was saved.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value.</exception>
    Task<StoredAgentDirectory?> GetAgentDirectoryAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Reads only the version of a tenant's directory (a cheap check that a cached copy is current).</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version, or 0 when none was saved.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value.</exception>
    Task<long> GetAgentDirectoryVersionAsync(TenantId tenant, CancellationToken cancellationToken = default);

    /// <summary>Replaces a tenant's directory if its version is still <paramref name="expectedVersion"/>.</summary>
    /// <param name="tenant">The tenant; not the default value.</param>
    /// <param name="json">The definition, 1 to <see cref="MaxJsonLength"/> characters.</param>
    /// <param name="expectedVersion">The version read before (0 for none yet).</param>
    /// <param name="savedAt">When it is saved.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored directory (version <paramref name="expectedVersion"/> + 1), or <see langword="null"/> when the
    /// version was not <paramref name="expectedVersion"/> (someone saved first; nothing was written).</returns>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is the default value, or <paramref name="json"/> is empty or too long.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expectedVersion"/> is negative.</exception>
    Task<StoredAgentDirectory?> SaveAgentDirectoryAsync(
        TenantId tenant, string json, long expectedVersion, Instant savedAt, CancellationToken cancellationToken = default);

    /// <summary>Checks the arguments of <see cref="SaveAgentDirectoryAsync"/> as every adapter does.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="json">The definition.</param>
    /// <param name="expectedVersion">The expected version.</param>
    /// <exception cref="ArgumentException">See <see cref="SaveAgentDirectoryAsync"/>.</exception>
    public static void CheckSave(TenantId tenant, string json, long expectedVersion)
    {
        TenantId.ThrowIfDefault(tenant);
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length is 0 or > MaxJsonLength)
        {
            throw new ArgumentException($"A directory definition is 1 to {MaxJsonLength:N0} characters; got {json.Length:N0}.", nameof(json));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
    }
}

/// <summary>
/// The agent directories of tenants kept in an <see cref="IAgentDirectoryStore"/>: validated on save, parsed once per
/// version, and checked for a newer version at every <see cref="GetDirectoryAsync"/> (one small read), so every app
/// instance sees a change at its next decision.
/// </summary>
/// <remarks>Thread-safe. Give it to <c>AutomaticAssignment</c> in the engine to assign from run-time directories.</remarks>
public sealed class StoredAgentDirectoryProvider : IAgentDirectoryProvider
{
    private readonly IAgentDirectoryStore _store;
    private readonly IReadOnlyDictionary<string, BusinessCalendar>? _calendars;
    private readonly ConcurrentDictionary<TenantId, (long Version, AgentDirectory Directory)> _parsed = new();

    /// <summary>Initializes the provider.</summary>
    /// <param name="store">The store.</param>
    /// <param name="calendars">The calendars an agent's <c>shift</c> may name; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    public StoredAgentDirectoryProvider(IAgentDirectoryStore store, IReadOnlyDictionary<string, BusinessCalendar>? calendars = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _calendars = calendars;
    }

    /// <summary>Validates a definition and saves it as the tenant's directory, if the stored version is still
    /// <paramref name="expectedVersion"/>.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="json">The definition (docs/routing.md, "The agent directory").</param>
    /// <param name="expectedVersion">The version read before (0 for the first save).</param>
    /// <param name="now">The instant of the save.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    /// <returns>The stored directory, or <see langword="null"/> when another save came first (read again, then retry).</returns>
    /// <exception cref="InvalidDefinitionException">The definition has faults (every one listed with its JSON path); nothing is stored.</exception>
    /// <exception cref="ArgumentException">See <see cref="IAgentDirectoryStore.SaveAgentDirectoryAsync"/>.</exception>
    public async Task<StoredAgentDirectory?> SaveAsync(TenantId tenant, string json, long expectedVersion, Instant now, CancellationToken cancellationToken = default)
    {
        IAgentDirectoryStore.CheckSave(tenant, json, expectedVersion);
        var directory = AgentDirectory.FromJson(json, _calendars);
        var saved = await _store.SaveAgentDirectoryAsync(tenant, json, expectedVersion, now, cancellationToken).ConfigureAwait(false);
        if (saved is not null)
        {
            _parsed[tenant] = (saved.Version, directory);
        }

        return saved;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidDefinitionException">The stored definition no longer reads (for example a calendar it names
    /// is no longer given).</exception>
    public async ValueTask<AgentDirectory?> GetDirectoryAsync(TenantId tenant, CancellationToken cancellationToken = default)
    {
        var version = await _store.GetAgentDirectoryVersionAsync(tenant, cancellationToken).ConfigureAwait(false);
        if (version == 0)
        {
            return null;
        }

        if (_parsed.TryGetValue(tenant, out var cached) && cached.Version == version)
        {
            return cached.Directory;
        }

        var stored = await _store.GetAgentDirectoryAsync(tenant, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        var directory = AgentDirectory.FromJson(stored.Json, _calendars);
        _parsed[tenant] = (stored.Version, directory);
        return directory;
    }
}
