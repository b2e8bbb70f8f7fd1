using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>
/// Validates every ServiceDesk setting at once: the store choice and its settings, the definitions (as built by
/// <see cref="ServiceDeskDefinitionsFactory"/>) and the escalation worker's options, so one start-up failure lists every
/// fault. It only reads: it changes neither the options it validates nor any other.
/// </summary>
internal sealed class ServiceDeskOptionsValidator(ServiceDeskDefinitionsFactory definitions, IServiceProvider services) : IValidateOptions<ServiceDeskOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceDeskOptions options)
    {
        var faults = new List<string>();
        switch (options.Stores.Count)
        {
            case 0:
                faults.Add("no store is chosen: call UseInMemory(), UseSqlite(path), UsePostgreSql(connectionString) or UseStore(open) on the builder of AddServiceDesk()");
                break;
            case > 1:
                faults.Add($"{options.Stores.Count} stores are chosen ({string.Join(", ", options.Stores.Keys)}): choose one");
                break;
        }

        foreach (var store in options.Stores.Values)
        {
            store.Validate?.Invoke(faults);
        }

        if (options.WorkerEnabled)
        {
            // Binding records the values it cannot read as faults of the options (it never throws), listed here with the rest.
            faults.AddRange(services.GetRequiredService<IOptions<EscalationWorkerOptions>>().Value.Validate());
        }

        faults.AddRange(definitions.Build(options).Faults);
        return faults.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"The ServiceDesk configuration is invalid ({faults.Count} {(faults.Count == 1 ? "fault" : "faults")}):"
                + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", faults));
    }
}
