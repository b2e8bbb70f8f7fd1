using Microsoft.Extensions.Configuration;

namespace ServiceDesk.Extensions.DependencyInjection;

/// <summary>
/// Makes a store choosable by configuration: <c>UseStore(section)</c> with <c>{ "Provider": "&lt;Name&gt;", "&lt;Name&gt;": { … } }</c>
/// asks the provider of that name to build the store from the sub-section. The shipped providers (SQLite, PostgreSQL)
/// are found when their package is installed; register your own with
/// <see cref="Microsoft.Extensions.DependencyInjection.ServiceDeskBuilderExtensions.AddStoreProvider"/>.
/// </summary>
/// <remarks>Implementations are stateless and thread-safe. Derive from <see cref="ServiceDeskStoreProvider{TOptions}"/>
/// to have the options bound for you, with binder errors reported as start-up faults.</remarks>
public abstract class ServiceDeskStoreProvider
{
    /// <summary>Gets the provider's name, matched case-insensitively against the <c>Provider</c> value, e.g. <c>"Sqlite"</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Builds the store from its configuration sub-section.</summary>
    /// <param name="section">The sub-section named <see cref="Name"/>; it may not exist (the defaults then apply).</param>
    /// <returns>The store; a store whose <see cref="ServiceDeskStore.Validate"/> reports the faults when the settings are wrong.</returns>
    public abstract ServiceDeskStore Create(IConfigurationSection section);
}

/// <summary>A <see cref="ServiceDeskStoreProvider"/> whose settings bind to an options class.</summary>
/// <typeparam name="TOptions">The adapter options, bound with the configuration binder.</typeparam>
/// <remarks>The binding itself is the provider's <see cref="Bind"/>, written where <typeparamref name="TOptions"/> is a
/// concrete type, so that the configuration binder's source generator can generate it: binding a generic type here would
/// need reflection, which trimmed and native AOT applications do not have.</remarks>
public abstract class ServiceDeskStoreProvider<TOptions> : ServiceDeskStoreProvider
    where TOptions : class, new()
{
    /// <summary>Binds a new <typeparamref name="TOptions"/> from the section and calls <see cref="Create(TOptions)"/>; a value
    /// the binder cannot convert (not a number, out of range) becomes a start-up fault naming the section.</summary>
    /// <param name="section">The sub-section named <see cref="ServiceDeskStoreProvider.Name"/>.</param>
    /// <returns>The store.</returns>
    public sealed override ServiceDeskStore Create(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = new TOptions();
        try
        {
            Bind(section, options);
        }
        catch (InvalidOperationException ex)
        {
            var detail = ex.InnerException is { } inner ? $" ({inner.Message})" : string.Empty;
            var fault = $"{section.Path}: {ex.Message}{detail}";
            return new ServiceDeskStore(Name, (_, _) => throw new InvalidOperationException("No store is configured."))
            {
                Validate = faults => faults.Add(fault),
            };
        }

        return Create(options);
    }

    /// <summary>Binds the section to the options.</summary>
    /// <param name="section">The sub-section named <see cref="ServiceDeskStoreProvider.Name"/>.</param>
    /// <param name="options">A new <typeparamref name="TOptions"/> to fill.</param>
    /// <remarks>Implement it as <c>section.Bind(options)</c> and set <c>&lt;EnableConfigurationBindingGenerator&gt;true&lt;/EnableConfigurationBindingGenerator&gt;</c>
    /// in the provider's project: the binder's source generator then replaces the reflection-based binder for this type, so
    /// the provider works in trimmed and native AOT applications. Throw <see cref="InvalidOperationException"/> for a value
    /// that cannot be converted (as the binder does); it becomes a start-up fault naming the section.</remarks>
    protected abstract void Bind(IConfigurationSection section, TOptions options);

    /// <summary>Builds the store from bound options.</summary>
    /// <param name="options">The options bound from configuration.</param>
    /// <returns>The store.</returns>
    protected abstract ServiceDeskStore Create(TOptions options);
}
