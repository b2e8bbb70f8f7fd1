using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ServiceDesk.Billing;
using ServiceDesk.Extensions.DependencyInjection;
using ServiceDesk.Extensions.DependencyInjection.Internal;
using ServiceDesk.Routing;
using ServiceDesk.Sla;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The methods of <see cref="IServiceDeskBuilder"/>: choose the store, add definitions, run the escalation worker.</summary>
/// <remarks>
/// Choose exactly one store; choosing none or two different ones is a start-up fault. Definitions are loaded and
/// validated when the host starts: a bad file, invalid JSON or an invalid definition is reported with every other
/// fault in one <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>. Relative file paths resolve
/// against <see cref="ServiceDeskOptions.DefinitionsRoot"/>.
/// </remarks>
public static class ServiceDeskBuilderExtensions
{
    /// <summary>The configuration key naming the store in <see cref="UseStore(IServiceDeskBuilder, IConfiguration)"/>: <c>Provider</c>.</summary>
    public const string ProviderKey = "Provider";

    private const string InMemoryProviderName = "InMemory";

    /// <summary>Stores tickets in memory (<see cref="InMemoryTicketStore"/>): tests, samples, single-process hosts.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <remarks>The in-memory store has no dependency beyond ServiceDesk.Core, so it ships with this package; the SQLite
    /// and PostgreSQL stores bring their database drivers, so their <c>UseSqlite</c> and <c>UsePostgreSql</c> live in their
    /// own packages (ServiceDesk.Storage.Sqlite, ServiceDesk.Storage.PostgreSql).</remarks>
    public static IServiceDeskBuilder UseInMemory(this IServiceDeskBuilder builder)
        => builder.UseStore(new ServiceDeskStore(InMemoryProviderName, (_, _) => Task.FromResult<ITicketStore>(new InMemoryTicketStore())));

    /// <summary>Stores tickets in your own adapter.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">A name for messages, e.g. <c>"Redis"</c>.</param>
    /// <param name="open">Opens the store once; it may implement <see cref="ITimerStore"/>, <see cref="IOutboxStore"/> and <see cref="ITimeEntryStore"/> too.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder UseStore(this IServiceDeskBuilder builder, string name, Func<IServiceProvider, CancellationToken, Task<ITicketStore>> open)
        => builder.UseStore(new ServiceDeskStore(name, open));

    /// <summary>
    /// Chooses a store described by a provider package (its name, settings check, opening and health check). This is the
    /// registration hook the provider packages' <c>UseSqlite</c> and <c>UsePostgreSql</c> use; adapters of your own may
    /// use it too.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="store">The store.</param>
    /// <returns>The builder.</returns>
    /// <remarks>Choosing stores of two different names is a start-up fault; a later choice of the same name replaces the
    /// earlier one.</remarks>
    public static IServiceDeskBuilder UseStore(this IServiceDeskBuilder builder, ServiceDeskStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return builder.Configure(o => o.Stores[store.Name] = store);
    }

    /// <summary>
    /// Makes a store provider known to <see cref="UseStore(IServiceDeskBuilder, IConfiguration)"/>, for stores of your own
    /// chosen by configuration. The shipped SQLite and PostgreSQL providers need no registration: they are found when
    /// their package is installed (registering them anyway is harmless and keeps a trimmed app from losing them).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="provider">The provider; a later provider of the same name wins.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddStoreProvider(this IServiceDeskBuilder builder, ServiceDeskStoreProvider provider)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(provider);
        builder.Services.AddSingleton(provider);
        return builder;
    }

    /// <summary>
    /// Chooses the store named by the section's <c>Provider</c> (<c>InMemory</c>, <c>Sqlite</c>, <c>PostgreSql</c> or the
    /// name of a provider added with <see cref="AddStoreProvider"/>) with the adapter options bound from the sub-section
    /// of that name, e.g. <c>{ "Provider": "Sqlite", "Sqlite": { "DataSource": "desk.db" } }</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="section">The store section.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// <para>The provider is looked up when the options are built (at start-up), so <see cref="AddStoreProvider"/> may
    /// come before or after this call. <c>Sqlite</c> and <c>PostgreSql</c> need their package (ServiceDesk.Storage.Sqlite,
    /// ServiceDesk.Storage.PostgreSql) installed: its provider is then found by name.</para>
    /// <para>A missing or unknown provider, a provider whose package is not installed, and a value the binder cannot
    /// convert are start-up faults.</para>
    /// </remarks>
    public static IServiceDeskBuilder UseStore(this IServiceDeskBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var provider = section[ProviderKey]?.Trim();
        var where = section is IConfigurationSection s ? s.Path + ":" + ProviderKey : ProviderKey;
        if (string.Equals(provider, InMemoryProviderName, StringComparison.OrdinalIgnoreCase))
        {
            return builder.UseInMemory();
        }

        // The provider is resolved when the options are built, so that providers registered later are seen too. The store
        // is recorded under the provider's own name, so that UseSqlite(…) and a "Sqlite" section replace each other.
        var key = StoreProviders.CanonicalName(provider);
        builder.Services.AddOptions<ServiceDeskOptions>().Configure<IEnumerable<ServiceDeskStoreProvider>>((o, registered) =>
        {
            var store = StoreProviders.Find(provider, registered) is { } found
                ? found.Create(section.GetSection(found.Name))
                : Faulty(key, $"{where}: {StoreProviders.Unknown(provider)}");
            o.Stores[store.Name] = store;
        });
        return builder;
    }

    private static ServiceDeskStore Faulty(string name, string fault)
        => new(name, (_, _) => throw new InvalidOperationException("No store is configured.")) { Validate = faults => faults.Add(fault) };

    /// <summary>Adds a business calendar under a name (SLA policies and contracts refer to calendars by name).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The calendar name.</param>
    /// <param name="calendar">The calendar.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddCalendar(this IServiceDeskBuilder builder, string name, BusinessCalendar calendar)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(calendar);
        return builder.Configure(o => o.Calendars[name] = new DefinitionSource($"calendar '{name}'", _ => calendar));
    }

    /// <summary>
    /// Adds the business calendars of a configuration section: each key is a calendar name and its value the path of a
    /// calendar JSON file (<see cref="BusinessCalendar.FromJson"/>), e.g. <c>{ "uk-office": "config/uk-office.json" }</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="section">The calendars section.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddCalendars(this IServiceDeskBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        foreach (var child in section.GetChildren())
        {
            var (name, path) = (child.Key, child.Value);
            builder.Configure(o => o.Calendars[name] = FileSource($"calendar '{name}'", child.Path, path, (json, _) => BusinessCalendar.FromJson(json)));
        }

        return builder;
    }

    /// <summary>Adds the SLA policies.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="policies">The policy set.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddSlaPolicies(this IServiceDeskBuilder builder, SlaPolicySet policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        return builder.Configure(o => o.SlaPolicies = new DefinitionSource("SLA policies", _ => policies));
    }

    /// <summary>
    /// Adds the SLA policies from the JSON file (<see cref="SlaPolicySet.FromJson"/>) whose path is the section's value,
    /// e.g. <c>"SlaPolicies": "config/sla-policies.json"</c>. Calendars named by the policies are the ones added with
    /// <see cref="AddCalendar"/> or <see cref="AddCalendars"/>; an unknown one is a start-up fault.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="section">The section holding the path.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddSlaPolicies(this IServiceDeskBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var source = FileSource("SLA policies", section.Path, section.Value, (json, context) => SlaPolicySet.FromJson(json, context.Calendars));
        return builder.Configure(o => o.SlaPolicies = source);
    }

    /// <summary>Adds the routing rules, evaluated when a ticket is opened.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="rules">The rule set.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddRouting(this IServiceDeskBuilder builder, RoutingRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return builder.Configure(o => o.Routing = new DefinitionSource("routing rules", _ => rules));
    }

    /// <summary>Adds the routing rules from the JSON file (<see cref="RoutingRuleSet.FromJson"/>) whose path is the section's value.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="section">The section holding the path.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddRouting(this IServiceDeskBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var source = FileSource("routing rules", section.Path, section.Value, (json, _) => RoutingRuleSet.FromJson(json));
        return builder.Configure(o => o.Routing = source);
    }

    /// <summary>Adds the agent directory: support groups, agents and locations (<see cref="ServiceDeskDefinitions.Agents"/>),
    /// and with it automatic assignment in the engine (<see cref="ServiceDesk.Engine.ServiceDeskEngineOptions.Assignment"/>, unless the
    /// engine options already set one): groups whose <c>automatic</c> is <see langword="false"/> keep their queues.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="directory">The directory.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddAgentDirectory(this IServiceDeskBuilder builder, AgentDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return builder.Configure(o => o.Agents = new DefinitionSource("agent directory", _ => directory));
    }

    /// <summary>Adds the agent directory from the JSON file (<see cref="AgentDirectory.FromJson"/>) whose path is the
    /// section's value, e.g. <c>"Agents": "config/agents.json"</c>, and with it automatic assignment in the engine (as
    /// <see cref="AddAgentDirectory(IServiceDeskBuilder, AgentDirectory)"/>). Shift calendars are the ones added with
    /// <see cref="AddCalendar"/> or <see cref="AddCalendars"/>; an unknown one, like every other fault of the file, is a
    /// start-up fault with its JSON path.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="section">The section holding the path.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddAgentDirectory(this IServiceDeskBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var source = FileSource("agent directory", section.Path, section.Value, (json, context) => AgentDirectory.FromJson(json, context.Calendars));
        return builder.Configure(o => o.Agents = source);
    }

    /// <summary>Adds the escalation policy applied by the escalation sweeper.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="policy">The policy.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddEscalation(this IServiceDeskBuilder builder, EscalationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return builder.Configure(o => o.Escalation = new DefinitionSource("escalation policy", _ => policy));
    }

    /// <summary>
    /// Adds the escalation policy built at start-up from the calendars added to the builder (for
    /// <see cref="EscalationPolicyBuilder.WithBusinessHours"/>). For a policy in a JSON file, use
    /// <see cref="AddEscalation(IServiceDeskBuilder, IConfigurationSection)"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="build">Builds the policy from the calendars by name; an <see cref="ServiceDesk.InvalidDefinitionException"/> is a start-up fault.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddEscalation(this IServiceDeskBuilder builder, Func<IReadOnlyDictionary<string, BusinessCalendar>, EscalationPolicy> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        return builder.Configure(o => o.Escalation = new DefinitionSource("escalation policy", context => build(new CalendarLookup(context.Calendars))));
    }

    /// <summary>
    /// Adds the escalation policy from the JSON file (<see cref="EscalationPolicy.FromJson"/>, docs/routing.md) whose path
    /// is the section's value, e.g. <c>"Escalation": "config/escalation.json"</c>. A <c>calendar</c> it names is one added
    /// with <see cref="AddCalendar"/> or <see cref="AddCalendars"/>; an unknown one is a start-up fault. The policy has no
    /// group directory (next tiers, leads and managers): build it in code with
    /// <see cref="EscalationPolicyBuilder.WithGroups"/> when you need one.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="section">The section holding the path.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddEscalation(this IServiceDeskBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var source = FileSource("escalation policy", section.Path, section.Value, (json, context) => EscalationPolicy.FromJson(json, context.Calendars));
        return builder.Configure(o => o.Escalation = source);
    }

    /// <summary>Adds billing contracts (for invoices computed from logged time); a contract id added twice is a start-up fault.
    /// Registers <see cref="DurableLedger"/> and <see cref="StoredBillingReports"/> (singletons over the store's
    /// <see cref="IBillingStore"/> and every contract added).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="contracts">The contracts.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddBilling(this IServiceDeskBuilder builder, params IEnumerable<Contract> contracts)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        var list = contracts.ToList();
        return AddLedger(builder).Configure(o =>
        {
            o.Contracts.RemoveAll(s => s.Description.StartsWith("billing contracts (code)", StringComparison.Ordinal));
            o.Contracts.Add(new DefinitionSource("billing contracts (code)", _ => list));
        });
    }

    /// <summary>
    /// Adds the billing contracts of a configuration section: an array of contracts, each with <c>Id</c>, <c>Tenant</c>,
    /// <c>Client</c>, <c>ClientLegalName</c>, <c>Start</c> and <c>End</c> (ISO dates), <c>Zone</c> (IANA), <c>Currency</c>
    /// (ISO 4217), <c>Status</c>, <c>TaxRate</c>, <c>RequireApproval</c>, <c>SlaPolicyId</c>, an optional
    /// <c>Subscription</c> (<c>MonthlyFee</c>, <c>IncludedHours</c>, <c>OverageHourlyRate</c>) and an optional
    /// <c>HourlyRate</c> (a time-and-materials plan with that default rate). See docs/dependency-injection.md.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="section">The contracts section.</param>
    /// <returns>The builder.</returns>
    /// <remarks>Registers <see cref="DurableLedger"/> and <see cref="StoredBillingReports"/> as the other overload does.</remarks>
    public static IServiceDeskBuilder AddBilling(this IServiceDeskBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var path = section.Path;
        return AddLedger(builder).Configure(o =>
        {
            o.Contracts.RemoveAll(s => s.Description == $"billing contracts ({path})");
            o.Contracts.Add(new DefinitionSource($"billing contracts ({path})", _ => ContractSettings.Read(section)));
        });
    }

    /// <summary>Registers the durable ledger and the stored reports over every contract added (idempotent).</summary>
    private static IServiceDeskBuilder AddLedger(IServiceDeskBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(sp => new DurableLedger(sp.GetRequiredService<IBillingStore>(), sp.GetRequiredService<ServiceDeskDefinitions>().Contracts));
        builder.Services.TryAddSingleton(sp => new StoredBillingReports(
            sp.GetRequiredService<IBillingStore>(), sp.GetRequiredService<ITicketStore>(), sp.GetRequiredService<ServiceDeskDefinitions>().Contracts));
        return builder;
    }

    /// <summary>
    /// Runs the escalation sweeper in a hosted <see cref="BackgroundService"/>: it sweeps, sweeps again at once after a
    /// full batch, otherwise sleeps until the store's next due timer (<see cref="ITimerStore.GetNextTimerDueAsync"/>) but at
    /// most <see cref="EscalationWorkerOptions.PollInterval"/>; it logs a failed sweep and keeps going, and stops when the
    /// host stops.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the worker; <see langword="null"/> keeps the defaults. The options are validated at start-up.</param>
    /// <returns>The builder.</returns>
    /// <remarks>The store must implement <see cref="ITimerStore"/>; when it does not, the worker logs an error and stops
    /// (the host keeps running).</remarks>
    public static IServiceDeskBuilder AddEscalationWorker(this IServiceDeskBuilder builder, Action<EscalationWorkerOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<EscalationWorkerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EscalationWorker>());
        return builder.Configure(o => o.WorkerEnabled = true);
    }

    /// <summary>Runs the escalation worker with the default options (see
    /// <see cref="AddEscalationWorker(IServiceDeskBuilder, Action{EscalationWorkerOptions}?)"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddEscalationWorker(this IServiceDeskBuilder builder)
        => builder.AddEscalationWorker((Action<EscalationWorkerOptions>?)null);

    /// <summary>Runs the escalation worker (see <see cref="AddEscalationWorker(IServiceDeskBuilder, Action{EscalationWorkerOptions}?)"/>)
    /// with options bound from a configuration section, e.g. <c>{ "BatchSize": 200, "PollInterval": "00:00:05" }</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="section">The worker section.</param>
    /// <returns>The builder.</returns>
    public static IServiceDeskBuilder AddEscalationWorker(this IServiceDeskBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return builder.AddEscalationWorker(o => WorkerSettings.Bind(section, o));
    }

    private static IServiceDeskBuilder Configure(this IServiceDeskBuilder builder, Action<ServiceDeskOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(configure);
        return builder;
    }

    private static DefinitionSource FileSource(string what, string key, string? path, Func<string, DefinitionContext, object> parse)
        => new($"{what} ({key})", context => string.IsNullOrWhiteSpace(path)
            ? throw new InvalidOperationException("a JSON file path is required")
            : parse(context.ReadFile(path), context));
}
