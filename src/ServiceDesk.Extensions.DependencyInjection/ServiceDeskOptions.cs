using ServiceDesk.Engine;
using ServiceDesk.Extensions.DependencyInjection.Internal;

namespace ServiceDesk.Extensions.DependencyInjection;

/// <summary>
/// Options of the ServiceDesk services registered by <c>services.AddServiceDesk(…)</c>. The store and the definitions
/// are chosen with the builder's methods (<c>UseSqlite</c>, <c>AddCalendars</c>, …), which record them here.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>option</term><description>default</description></listheader>
/// <item><term><see cref="Engine"/></term><description><see cref="ServiceDeskEngineOptions.CreateDefault"/>: the four shipped lifecycles, the default priority matrix</description></item>
/// <item><term><see cref="DefinitionsRoot"/></term><description><see langword="null"/>: the host's content root, else the current directory</description></item>
/// </list>
/// <para>The options are validated once, when the host starts (or when a ServiceDesk service is first resolved
/// without a host): every fault of the store, the definitions and the escalation worker is listed in one
/// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>.</para>
/// </remarks>
public sealed class ServiceDeskOptions
{
    /// <summary>
    /// Gets or sets the engine's base options: workflows, priority matrix and caller-reply trigger. Routing rules, SLA
    /// policies and the escalation policy given to the builder (<c>AddRouting</c>, <c>AddSlaPolicies</c>,
    /// <c>AddEscalation</c>) replace the ones set here. Default: <see cref="ServiceDeskEngineOptions.CreateDefault"/>.
    /// </summary>
    public ServiceDeskEngineOptions Engine { get; set; } = ServiceDeskEngineOptions.CreateDefault();

    /// <summary>
    /// Gets or sets the folder that relative definition file paths (calendars, SLA policies, routing rules) are
    /// resolved against. Default: <see langword="null"/>, meaning the host's content root
    /// (<c>IHostEnvironment.ContentRootPath</c>) when one is registered, else the current directory.
    /// </summary>
    public string? DefinitionsRoot { get; set; }

    internal Dictionary<string, ServiceDeskStore> Stores { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, DefinitionSource> Calendars { get; } = new(StringComparer.Ordinal);

    internal DefinitionSource? SlaPolicies { get; set; }

    internal DefinitionSource? Routing { get; set; }

    internal DefinitionSource? Escalation { get; set; }

    internal DefinitionSource? Agents { get; set; }

    internal List<DefinitionSource> Contracts { get; } = [];

    internal bool WorkerEnabled { get; set; }
}
