namespace ServiceDesk.Tests.Identifiers;

/// <summary>
/// The members that src/ServiceDesk.Generators writes for every string identifier and for Impact and Urgency behave, and
/// word their messages, exactly as the hand-written types they replaced.
/// </summary>
public sealed class GeneratedValueTypeTests
{
    public static TheoryData<string> StringIdNames() =>
    [
        nameof(TenantId), nameof(AgentId), nameof(GroupId), nameof(CustomerId),
        nameof(ContractId), nameof(ServiceId), nameof(ConfigurationItemId), nameof(LocationId),
    ];

    [Theory]
    [MemberData(nameof(StringIdNames))]
    public void StringId_ValidValue_KeepsItAndPrintsIt(string name)
    {
        var id = Create(name, "x-1");
        Assert.Equal("x-1", id.Value);
        Assert.False(id.IsDefault);
        Assert.Equal("x-1", id.Text);
    }

    [Theory]
    [MemberData(nameof(StringIdNames))]
    public void StringId_Empty_ThrowsNamingTheType(string name)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Create(name, string.Empty));
        Assert.Equal("value", ex.ParamName);
        Assert.StartsWith($"A {name} must be 1 to 128 characters long; got 0.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StringIdNames))]
    public void StringId_LoneSurrogate_ThrowsThroughTextPolicy(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => Create(name, "a\uD800b"));
        Assert.Equal("value", ex.ParamName);
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StringIdNames))]
    public void StringId_Default_IsDefaultPrintsDefaultAndThrowIfDefaultNamesTheParameter(string name)
    {
        var (isDefault, text, error) = Default(name);
        Assert.True(isDefault);
        Assert.Equal("(default)", text);
        Assert.Equal("given", error.ParamName);
        Assert.StartsWith($"default({name}) identifies nothing; create one with new {name}(value).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Levels_OutOfRange_ThrowWithTheOriginalMessages()
    {
        var impact = Assert.Throws<ArgumentOutOfRangeException>(() => new Impact(0));
        var urgency = Assert.Throws<ArgumentOutOfRangeException>(() => new Urgency(10));
        Assert.Equal("level", impact.ParamName);
        Assert.StartsWith("A impact level must be between 1 and 9.", impact.Message, StringComparison.Ordinal);
        Assert.StartsWith("A urgency level must be between 1 and 9.", urgency.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Levels_NamedLevelsOrderAndText_AreTheItilDefault()
    {
        Assert.Equal([1, 2, 3], new[] { Impact.High, Impact.Medium, Impact.Low }.Select(l => l.Level));
        Assert.Equal([1, 2, 3], new[] { Urgency.High, Urgency.Medium, Urgency.Low }.Select(l => l.Level));
        Assert.Equal("High Medium Low 7 (default)", string.Join(' ', Impact.High, Impact.Medium, Impact.Low, new Impact(7), default(Impact)));
        Assert.Equal("High Medium Low 9 (default)", string.Join(' ', Urgency.High, Urgency.Medium, Urgency.Low, new Urgency(Urgency.MaxLevel), default(Urgency)));
        Assert.True(Impact.High.CompareTo(Impact.Low) < 0);
        Assert.True(Urgency.Low.CompareTo(Urgency.Medium) > 0);
        Assert.True(default(Impact).IsDefault && default(Urgency).IsDefault && !Impact.Low.IsDefault);
    }

    private static (string Value, bool IsDefault, string Text) Create(string name, string value) => name switch
    {
        nameof(TenantId) => Of(new TenantId(value)),
        nameof(AgentId) => Of(new AgentId(value)),
        nameof(GroupId) => Of(new GroupId(value)),
        nameof(CustomerId) => Of(new CustomerId(value)),
        nameof(ContractId) => Of(new ContractId(value)),
        nameof(ServiceId) => Of(new ServiceId(value)),
        nameof(ConfigurationItemId) => Of(new ConfigurationItemId(value)),
        nameof(LocationId) => Of(new LocationId(value)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static (bool IsDefault, string Text, ArgumentException Error) Default(string name) => name switch
    {
        nameof(TenantId) => (default(TenantId).IsDefault, default(TenantId).ToString(), Assert.Throws<ArgumentException>(() => TenantId.ThrowIfDefault(default, "given"))),
        nameof(AgentId) => (default(AgentId).IsDefault, default(AgentId).ToString(), Assert.Throws<ArgumentException>(() => AgentId.ThrowIfDefault(default, "given"))),
        nameof(GroupId) => (default(GroupId).IsDefault, default(GroupId).ToString(), Assert.Throws<ArgumentException>(() => GroupId.ThrowIfDefault(default, "given"))),
        nameof(CustomerId) => (default(CustomerId).IsDefault, default(CustomerId).ToString(), Assert.Throws<ArgumentException>(() => CustomerId.ThrowIfDefault(default, "given"))),
        nameof(ContractId) => (default(ContractId).IsDefault, default(ContractId).ToString(), Assert.Throws<ArgumentException>(() => ContractId.ThrowIfDefault(default, "given"))),
        nameof(ServiceId) => (default(ServiceId).IsDefault, default(ServiceId).ToString(), Assert.Throws<ArgumentException>(() => ServiceId.ThrowIfDefault(default, "given"))),
        nameof(ConfigurationItemId) => (default(ConfigurationItemId).IsDefault, default(ConfigurationItemId).ToString(), Assert.Throws<ArgumentException>(() => ConfigurationItemId.ThrowIfDefault(default, "given"))),
        nameof(LocationId) => (default(LocationId).IsDefault, default(LocationId).ToString(), Assert.Throws<ArgumentException>(() => LocationId.ThrowIfDefault(default, "given"))),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static (string Value, bool IsDefault, string Text) Of<T>(T id)
        where T : struct
        => id switch
        {
            TenantId i => (i.Value, i.IsDefault, i.ToString()),
            AgentId i => (i.Value, i.IsDefault, i.ToString()),
            GroupId i => (i.Value, i.IsDefault, i.ToString()),
            CustomerId i => (i.Value, i.IsDefault, i.ToString()),
            ContractId i => (i.Value, i.IsDefault, i.ToString()),
            ServiceId i => (i.Value, i.IsDefault, i.ToString()),
            ConfigurationItemId i => (i.Value, i.IsDefault, i.ToString()),
            LocationId i => (i.Value, i.IsDefault, i.ToString()),
            _ => throw new ArgumentOutOfRangeException(nameof(id)),
        };
}
