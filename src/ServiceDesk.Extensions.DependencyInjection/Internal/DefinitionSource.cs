namespace ServiceDesk.Extensions.DependencyInjection.Internal;

/// <summary>A definition (calendar, policy set, rule set, contract) from code, a file or configuration.</summary>
/// <param name="Description">Where it comes from, for fault messages: "calendar 'uk' (file config/uk.json)".</param>
/// <param name="Load">Builds the definition; throws <see cref="InvalidDefinitionException"/>, I/O or JSON exceptions.</param>
internal sealed record DefinitionSource(string Description, Func<DefinitionContext, object> Load);

/// <summary>What a definition source may use: the folder relative paths resolve against and the calendars loaded so far.</summary>
internal sealed class DefinitionContext(string root, IServiceProvider services)
{
    public string Root { get; } = root;

    public IServiceProvider Services { get; } = services;

    public Dictionary<string, Sla.BusinessCalendar> Calendars { get; } = new(StringComparer.Ordinal);

    public string ReadFile(string path)
    {
        var full = Path.GetFullPath(path, Root);
        return File.Exists(full)
            ? File.ReadAllText(full)
            : throw new FileNotFoundException($"the file {TextPolicy.Echo(full)} does not exist", full);
    }
}
