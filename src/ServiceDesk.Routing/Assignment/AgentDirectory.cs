using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using ServiceDesk.Serialization;
using ServiceDesk.Sla;

namespace ServiceDesk.Routing;

/// <summary>How a support group chooses among its eligible agents (see <see cref="AgentChooser"/>).</summary>
public enum AssignmentStrategy
{
    /// <summary>In turn (<see cref="AgentChooser.RoundRobin"/>).</summary>
    RoundRobin = 1,

    /// <summary>The least loaded (<see cref="AgentChooser.LeastLoaded"/>).</summary>
    LeastLoaded = 2,

    /// <summary>The best skill match (<see cref="AgentChooser.BestSkillMatch"/>).</summary>
    BestSkillMatch = 3,

    /// <summary>The nearest to the ticket's location (<see cref="AgentChooser.Nearest"/>); every member needs a location.</summary>
    Nearest = 4,
}

/// <summary>How one support group assigns: its strategy, and whether the engine may assign automatically at all.</summary>
/// <param name="Strategy">The chooser.</param>
/// <param name="Automatic">Whether agents are assigned automatically; <see langword="false"/> leaves tickets in the
/// group's queue for people to pick.</param>
public sealed record GroupAssignment(AssignmentStrategy Strategy, bool Automatic);

/// <summary>
/// The agent directory: support groups (tier, next tier, lead, managers, assignment strategy), agents (groups, skills,
/// capacity, shift calendar, absences, location) and named locations with coordinates, as a definition from code or
/// JSON, validated with every fault listed.
/// </summary>
/// <remarks>Immutable and thread-safe. The profiles carry no workload: the engine adds the open work it reads from its
/// store when it assigns (<see cref="AgentProfile.Workload"/>).</remarks>
public sealed class AgentDirectory
{
    private static readonly string[] RootKeys = ["locations", "groups", "agents"];
    private static readonly string[] LocationKeys = ["latitude", "longitude"];
    private static readonly string[] GroupKeys = ["id", "tier", "nextTier", "lead", "managers", "strategy", "automatic"];
    private static readonly string[] AgentKeys = ["id", "groups", "skills", "capacity", "shift", "location", "absences"];
    private static readonly string[] AbsenceKeys = ["from", "to"];

    private readonly FrozenDictionary<AgentId, AgentProfile> _agents;
    private readonly FrozenDictionary<GroupId, GroupAssignment> _assignment;

    private AgentDirectory(SupportGroupDirectory groups, IReadOnlyList<AgentProfile> agents, IReadOnlyDictionary<GroupId, GroupAssignment> assignment, IReadOnlyDictionary<string, GeoPoint> locations)
    {
        Groups = groups;
        Agents = agents;
        Locations = locations;
        _agents = agents.ToFrozenDictionary(a => a.Id);
        _assignment = assignment.ToFrozenDictionary();
    }

    /// <summary>Gets the support groups.</summary>
    public SupportGroupDirectory Groups { get; }

    /// <summary>Gets the agents, in definition order.</summary>
    public IReadOnlyList<AgentProfile> Agents { get; }

    /// <summary>Gets the named locations.</summary>
    public IReadOnlyDictionary<string, GeoPoint> Locations { get; }

    /// <summary>Looks an agent up.</summary>
    /// <param name="id">The agent.</param>
    /// <param name="agent">The profile, when found.</param>
    /// <returns>Whether the agent is in the directory.</returns>
    public bool TryGetAgent(AgentId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AgentProfile? agent) => _agents.TryGetValue(id, out agent);

    /// <summary>Gets the members of a group, in definition order (empty for an unknown group).</summary>
    /// <param name="group">The group.</param>
    /// <returns>The members.</returns>
    public IReadOnlyList<AgentProfile> MembersOf(GroupId group) => [.. Agents.Where(a => a.IsMemberOf(group))];

    /// <summary>Gets how a group assigns: its own setting, else round-robin and automatic.</summary>
    /// <param name="group">The group.</param>
    /// <returns>The setting.</returns>
    public GroupAssignment AssignmentOf(GroupId group) => _assignment.TryGetValue(group, out var setting) ? setting : new GroupAssignment(AssignmentStrategy.RoundRobin, true);

    /// <summary>Loads a directory from its JSON definition (format in docs/routing.md, "The agent directory").</summary>
    /// <param name="json">The definition: <c>{"locations":{…},"groups":[…],"agents":[…]}</c>.</param>
    /// <param name="calendars">The calendars an agent's <c>shift</c> may name; <see langword="null"/> for none.</param>
    /// <returns>The directory.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDefinitionException">The text is not JSON in the definition dialect, or the definition has
    /// faults; every fault is listed with its JSON path: unknown or missing fields, wrong types, coordinates out of range,
    /// a duplicate or unknown agent, group or location, a skill level outside 0 to 100, a capacity below 1, an unknown
    /// shift calendar, an absence that does not end after it starts, a next tier that is not higher, and a member
    /// without a location in a group that assigns the nearest agent.</exception>
    public static AgentDirectory FromJson(string json, IReadOnlyDictionary<string, BusinessCalendar>? calendars = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = DefinitionJson.Parse(json, "agent directory");
        var reader = new Reader(calendars);
        var directory = reader.Read(document.RootElement);
        if (reader.Errors.Count > 0 || directory is null)
        {
            throw new InvalidDefinitionException("agent directory", reader.Errors);
        }

        return directory;
    }

    private sealed class Reader(IReadOnlyDictionary<string, BusinessCalendar>? calendars)
    {
        public List<string> Errors { get; } = [];

        public AgentDirectory? Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Errors.Add($"$: expected an object, found {DefinitionJson.Describe(root)}.");
                return null;
            }

            UnknownKeys(root, "$", RootKeys);
            var locations = new Dictionary<string, GeoPoint>(StringComparer.Ordinal);
            if (root.TryGetProperty("locations", out var locationsElement))
            {
                if (Expect(locationsElement, JsonValueKind.Object, "$.locations"))
                {
                    foreach (var property in locationsElement.EnumerateObject())
                    {
                        var path = DefinitionJson.Field("$.locations", property.Name);
                        if (TextPolicy.IndexOfUnstorable(property.Name) >= 0 || property.Name.Length is 0 or > 100)
                        {
                            Errors.Add($"{path}: a location name is 1 to 100 storable characters.");
                        }
                        else if (Point(property.Value, path) is { } point)
                        {
                            locations[property.Name] = point;
                        }
                    }
                }
            }

            var groups = new List<SupportGroup>();
            var assignment = new Dictionary<GroupId, GroupAssignment>();
            var groupPaths = new Dictionary<GroupId, string>();
            if (Array(root, "groups", "$", required: true) is { } groupItems)
            {
                for (var i = 0; i < groupItems.Count; i++)
                {
                    var path = DefinitionJson.Item("$.groups", i);
                    if (Group(groupItems[i], path) is { } parsed)
                    {
                        if (!groupPaths.TryAdd(parsed.Group.Id, path))
                        {
                            Errors.Add($"{path}.id: group {TextPolicy.Echo(parsed.Group.Id.Value)} is already defined at {groupPaths[parsed.Group.Id]}.");
                            continue;
                        }

                        groups.Add(parsed.Group);
                        assignment[parsed.Group.Id] = parsed.Assignment;
                    }
                }
            }

            var agents = new List<AgentProfile>();
            var agentPaths = new Dictionary<AgentId, string>();
            if (Array(root, "agents", "$", required: true) is { } agentItems)
            {
                for (var i = 0; i < agentItems.Count; i++)
                {
                    var path = DefinitionJson.Item("$.agents", i);
                    if (Agent(agentItems[i], path, groupPaths, locations) is { } agent)
                    {
                        if (!agentPaths.TryAdd(agent.Id, path))
                        {
                            Errors.Add($"{path}.id: agent {TextPolicy.Echo(agent.Id.Value)} is already defined at {agentPaths[agent.Id]}.");
                            continue;
                        }

                        agents.Add(agent);
                    }
                }
            }

            foreach (var group in groups)
            {
                var path = groupPaths[group.Id];
                if (group.Lead is { } lead && !agentPaths.ContainsKey(lead))
                {
                    Errors.Add($"{path}.lead: agent {TextPolicy.Echo(lead.Value)} is not in the directory.");
                }

                if (assignment[group.Id].Strategy == AssignmentStrategy.Nearest)
                {
                    foreach (var member in agents.Where(a => a.IsMemberOf(group.Id) && a.Location is null))
                    {
                        Errors.Add($"{agentPaths[member.Id]}.location: agent {TextPolicy.Echo(member.Id.Value)} has no location, but group {TextPolicy.Echo(group.Id.Value)} assigns the nearest agent.");
                    }
                }
            }

            SupportGroupDirectory? directory = null;
            try
            {
                directory = new SupportGroupDirectory(groups);
            }
            catch (InvalidDefinitionException ex)
            {
                // The directory names a group by its index in the list it was given ("groups[2]…"), which skips groups that
                // failed above; map it back to the group's path in the JSON.
                foreach (var error in ex.Errors)
                {
                    var match = System.Text.RegularExpressions.Regex.Match(error, @"^groups\[(\d+)\]");
                    Errors.Add(match.Success && int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var index) && index < groups.Count
                        ? groupPaths[groups[index].Id] + error[match.Length..]
                        : "$." + error);
                }
            }

            return Errors.Count == 0 && directory is not null ? new AgentDirectory(directory, agents.AsReadOnly(), assignment, locations.AsReadOnly()) : null;
        }

        private (SupportGroup Group, GroupAssignment Assignment)? Group(JsonElement element, string path)
        {
            if (!Expect(element, JsonValueKind.Object, path))
            {
                return null;
            }

            UnknownKeys(element, path, GroupKeys);
            var id = Id(element, "id", path, s => new GroupId(s));
            SupportTier? tier = null;
            if (!element.TryGetProperty("tier", out var tierElement))
            {
                Errors.Add($"{path}.tier: missing; expected a tier such as \"FirstLine\" or 1.");
            }
            else
            {
                tier = Enum<SupportTier>(tierElement, $"{path}.tier");
            }

            var next = Optional(element, "nextTier", path, s => new GroupId(s));
            var lead = Optional(element, "lead", path, s => new AgentId(s));
            var managers = new List<AgentId>();
            if (Array(element, "managers", path, required: false) is { } items)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    if (Text(items[i], DefinitionJson.Item($"{path}.managers", i)) is { } text && CreateValue(DefinitionJson.Item($"{path}.managers", i), () => new AgentId(text)) is { } manager)
                    {
                        managers.Add(manager);
                    }
                }
            }

            var strategy = element.TryGetProperty("strategy", out var strategyElement) ? Enum<AssignmentStrategy>(strategyElement, $"{path}.strategy") : AssignmentStrategy.RoundRobin;
            var automatic = true;
            if (element.TryGetProperty("automatic", out var automaticElement))
            {
                if (automaticElement.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    automatic = automaticElement.GetBoolean();
                }
                else
                {
                    Errors.Add($"{path}.automatic: expected true or false, found {DefinitionJson.Describe(automaticElement)}.");
                }
            }

            if (id is not { } groupId || tier is not { } t || strategy is not { } s)
            {
                return null;
            }

            return (new SupportGroup(groupId, t) { NextTier = next, Lead = lead, Managers = managers }, new GroupAssignment(s, automatic));
        }

        private AgentProfile? Agent(JsonElement element, string path, Dictionary<GroupId, string> groups, Dictionary<string, GeoPoint> locations)
        {
            if (!Expect(element, JsonValueKind.Object, path))
            {
                return null;
            }

            UnknownKeys(element, path, AgentKeys);
            var id = Id(element, "id", path, s => new AgentId(s));
            var memberOf = new List<GroupId>();
            if (Array(element, "groups", path, required: true) is { } items)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    var itemPath = DefinitionJson.Item($"{path}.groups", i);
                    if (Text(items[i], itemPath) is { } text && CreateValue(itemPath, () => new GroupId(text)) is { } group)
                    {
                        if (!groups.ContainsKey(group))
                        {
                            Errors.Add($"{itemPath}: group {TextPolicy.Echo(text)} is not in the directory.");
                        }
                        else
                        {
                            memberOf.Add(group);
                        }
                    }
                }
            }

            var skills = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            if (element.TryGetProperty("skills", out var skillsElement) && Expect(skillsElement, JsonValueKind.Object, $"{path}.skills"))
            {
                foreach (var skill in skillsElement.EnumerateObject())
                {
                    var skillPath = DefinitionJson.Field($"{path}.skills", skill.Name);
                    if (skill.Value.ValueKind != JsonValueKind.Number || !skill.Value.TryGetInt32(out var level) || level is < 0 or > SkillRequirement.MaxLevel)
                    {
                        Errors.Add($"{skillPath}: a skill level is a whole number from 0 to {SkillRequirement.MaxLevel}, found {DefinitionJson.Describe(skill.Value)}.");
                    }
                    else if (!skills.TryAdd(skill.Name, level))
                    {
                        Errors.Add($"{skillPath}: skill {TextPolicy.Echo(skill.Name)} is given twice (names are compared ignoring case).");
                    }
                }
            }

            int? capacity = null;
            if (element.TryGetProperty("capacity", out var capacityElement))
            {
                if (capacityElement.ValueKind == JsonValueKind.Number && capacityElement.TryGetInt32(out var c) && c >= 1)
                {
                    capacity = c;
                }
                else
                {
                    Errors.Add($"{path}.capacity: a capacity is a whole number of open tickets from 1 to {int.MaxValue:N0}, found {DefinitionJson.Describe(capacityElement)}.");
                }
            }

            BusinessCalendar? shift = null;
            if (element.TryGetProperty("shift", out var shiftElement) && Text(shiftElement, $"{path}.shift") is { } shiftName)
            {
                if (calendars is not null && calendars.TryGetValue(shiftName, out var calendar))
                {
                    shift = calendar;
                }
                else
                {
                    var known = calendars is null || calendars.Count == 0 ? "none" : string.Join(", ", calendars.Keys.Order(StringComparer.Ordinal));
                    Errors.Add($"{path}.shift: unknown calendar {TextPolicy.Echo(shiftName)}; known: {known}.");
                }
            }

            GeoPoint? location = null;
            if (element.TryGetProperty("location", out var locationElement))
            {
                if (locationElement.ValueKind == JsonValueKind.Object)
                {
                    location = Point(locationElement, $"{path}.location");
                }
                else if (Text(locationElement, $"{path}.location") is { } name)
                {
                    if (locations.TryGetValue(name, out var point))
                    {
                        location = point;
                    }
                    else
                    {
                        Errors.Add($"{path}.location: unknown location {TextPolicy.Echo(name)}; define it under $.locations or give {{\"latitude\":…,\"longitude\":…}}.");
                    }
                }
            }

            var absences = new List<Interval>();
            if (Array(element, "absences", path, required: false) is { } absenceItems)
            {
                for (var i = 0; i < absenceItems.Count; i++)
                {
                    var itemPath = DefinitionJson.Item($"{path}.absences", i);
                    if (!Expect(absenceItems[i], JsonValueKind.Object, itemPath))
                    {
                        continue;
                    }

                    UnknownKeys(absenceItems[i], itemPath, AbsenceKeys);
                    var from = InstantOf(absenceItems[i], "from", itemPath);
                    var to = InstantOf(absenceItems[i], "to", itemPath);
                    if (from is { } f && to is { } t)
                    {
                        if (t <= f)
                        {
                            Errors.Add($"{itemPath}: the absence must end after it starts ({f} to {t}).");
                        }
                        else
                        {
                            absences.Add(new Interval(f, t));
                        }
                    }
                }
            }

            if (id is not { } agentId)
            {
                return null;
            }

            return Create(path, () => new AgentProfile(agentId)
            {
                Groups = memberOf,
                Skills = skills,
                Capacity = capacity ?? int.MaxValue,
                Shift = shift,
                Location = location,
                Absences = absences,
            });
        }

        private GeoPoint? Point(JsonElement element, string path)
        {
            if (!Expect(element, JsonValueKind.Object, path))
            {
                return null;
            }

            UnknownKeys(element, path, LocationKeys);
            var latitude = Number(element, "latitude", path);
            var longitude = Number(element, "longitude", path);
            if (latitude is not { } lat || longitude is not { } lon)
            {
                return null;
            }

            if (lat is < -90 or > 90)
            {
                Errors.Add($"{path}.latitude: {lat.ToString(CultureInfo.InvariantCulture)} is outside -90 to 90.");
                return null;
            }

            if (lon is < -180 or > 180)
            {
                Errors.Add($"{path}.longitude: {lon.ToString(CultureInfo.InvariantCulture)} is outside -180 to 180.");
                return null;
            }

            return CreateValue(path, () => new GeoPoint(lat, lon));
        }

        private double? Number(JsonElement element, string name, string path)
        {
            if (!element.TryGetProperty(name, out var value))
            {
                Errors.Add($"{path}.{name}: missing; expected a number.");
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
            {
                Errors.Add($"{path}.{name}: expected a number, found {DefinitionJson.Describe(value)}.");
                return null;
            }

            return number;
        }

        private Instant? InstantOf(JsonElement element, string name, string path)
        {
            if (!element.TryGetProperty(name, out var value))
            {
                Errors.Add($"{path}.{name}: missing; expected an ISO-8601 instant such as \"2026-03-02T09:00:00Z\".");
                return null;
            }

            if (Text(value, $"{path}.{name}") is not { } text)
            {
                return null;
            }

            var parsed = InstantPattern.ExtendedIso.Parse(text);
            if (!parsed.Success)
            {
                Errors.Add($"{path}.{name}: {TextPolicy.Echo(text)} is not an ISO-8601 instant in UTC such as \"2026-03-02T09:00:00Z\".");
                return null;
            }

            return parsed.Value;
        }

        private T? Id<T>(JsonElement element, string name, string path, Func<string, T> create)
            where T : struct
        {
            if (!element.TryGetProperty(name, out var value))
            {
                Errors.Add($"{path}.{name}: missing; expected a string id.");
                return null;
            }

            return Text(value, $"{path}.{name}") is { } text ? CreateValue($"{path}.{name}", () => create(text)) : null;
        }

        private T? Optional<T>(JsonElement element, string name, string path, Func<string, T> create)
            where T : struct
            => element.TryGetProperty(name, out var value) && Text(value, $"{path}.{name}") is { } text ? CreateValue($"{path}.{name}", () => create(text)) : null;

        private T? Enum<T>(JsonElement value, string path)
            where T : struct, System.Enum
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && System.Enum.IsDefined(typeof(T), number))
            {
                return (T)(object)number;
            }

            if (value.ValueKind == JsonValueKind.String && System.Enum.TryParse<T>(value.GetString(), ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed)
                && !char.IsAsciiDigit(value.GetString()![0]))
            {
                return parsed;
            }

            Errors.Add($"{path}: {DefinitionJson.Describe(value)} is not one of {string.Join(", ", System.Enum.GetNames<T>())}.");
            return null;
        }

        private List<JsonElement>? Array(JsonElement element, string name, string path, bool required)
        {
            var field = DefinitionJson.Field(path, name);
            if (!element.TryGetProperty(name, out var value))
            {
                if (required)
                {
                    Errors.Add($"{field}: missing; expected an array.");
                }

                return null;
            }

            return Expect(value, JsonValueKind.Array, field) ? [.. value.EnumerateArray()] : null;
        }

        private string? Text(JsonElement value, string path)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                Errors.Add($"{path}: expected a string, found {DefinitionJson.Describe(value)}.");
                return null;
            }

            return value.GetString();
        }

        private bool Expect(JsonElement value, JsonValueKind kind, string path)
        {
            if (value.ValueKind == kind)
            {
                return true;
            }

            Errors.Add($"{path}: expected {(kind == JsonValueKind.Object ? "an object" : "an array")}, found {DefinitionJson.Describe(value)}.");
            return false;
        }

        private T? Create<T>(string path, Func<T> create)
            where T : class
        {
            try
            {
                return create();
            }
            catch (ArgumentException ex)
            {
                Errors.Add($"{path}: {ex.Message.Split(" (Parameter", 2)[0]}");
                return null;
            }
        }

        private T? CreateValue<T>(string path, Func<T> create)
            where T : struct
        {
            try
            {
                return create();
            }
            catch (ArgumentException ex)
            {
                Errors.Add($"{path}: {ex.Message.Split(" (Parameter", 2)[0]}");
                return null;
            }
        }

        private void UnknownKeys(JsonElement element, string path, string[] known) => Internal.DefinitionFaults.UnknownFields(element, path, known, Errors);
    }
}
