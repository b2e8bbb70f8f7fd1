using ServiceDesk.Engine.Internal;

namespace ServiceDesk.Engine.Tests;

/// <summary>
/// The JSON behind an opening's idempotency fingerprint, captured from the reflection-based serializer used before the
/// source-generated context: a different text would turn the retry of an opening stored by an earlier version into a conflict.
/// </summary>
public sealed class EngineJsonTests
{
    private static readonly OpenTicketRequest Minimal = new(TicketKind.Incident, "VPN is down", new Requester(new CustomerId("acme"), "Jane Doe"), Impact.Medium, Urgency.High);

    [Fact]
    public void Serialize_MinimalRequest_WritesTheBytesOfTheReflectionSerializer()
        => Assert.Equal(
            "{\"kind\":\"Incident\",\"subject\":\"VPN is down\",\"requester\":{\"customer\":\"acme\",\"contact\":\"Jane Doe\"},\"impact\":2,\"urgency\":1,\"description\":\"\",\"channel\":\"Portal\",\"attributes\":{}}",
            EngineJson.Serialize(Minimal));

    [Fact]
    public void Serialize_FullRequest_WritesTheBytesOfTheReflectionSerializer()
    {
        var full = Minimal with
        {
            Description = "since 9:00 \"all\" <users>",
            Channel = Channel.Email,
            Category = new TicketCategory("Network", "VPN"),
            Service = new ServiceId("vpn"),
            ConfigurationItem = new ConfigurationItemId("fw-01"),
            Location = new LocationId("hq"),
            Contract = new ContractId("c-1"),
            CustomerTier = "gold",
            AssignmentGroup = new GroupId("net"),
            Assignee = new AgentId("alice"),
            Attributes = CustomAttributes.Empty.With("z", AttributeValue.FromString("x")).With("a", AttributeValue.FromInteger(3)),
        };
        Assert.Equal(
            "{\"kind\":\"Incident\",\"subject\":\"VPN is down\",\"requester\":{\"customer\":\"acme\",\"contact\":\"Jane Doe\"},\"impact\":2,\"urgency\":1,\"description\":\"since 9:00 \\u0022all\\u0022 \\u003Cusers\\u003E\",\"channel\":\"Email\",\"category\":{\"category\":\"Network\",\"subcategory\":\"VPN\"},\"service\":\"vpn\",\"configurationItem\":\"fw-01\",\"location\":\"hq\",\"contract\":\"c-1\",\"customerTier\":\"gold\",\"assignmentGroup\":\"net\",\"assignee\":\"alice\",\"attributes\":{\"a\":{\"kind\":\"Integer\",\"value\":3},\"z\":{\"kind\":\"String\",\"value\":\"x\"}}}",
            EngineJson.Serialize(full));
    }
}
