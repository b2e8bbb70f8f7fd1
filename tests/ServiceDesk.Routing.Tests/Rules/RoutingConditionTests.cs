using NodaTime;
using static ServiceDesk.Routing.Tests.TestData;

namespace ServiceDesk.Routing.Tests.Rules;

public class RoutingConditionTests
{
    [Theory]
    [InlineData("VPN is down", "vpn", true)]
    [InlineData("my vpnclient crashed", "vpn", false)]
    [InlineData("the openvpn tunnel", "vpn", false)]
    [InlineData("VPN.", "vpn", true)]
    [InlineData("Не работает ПРИНТЕР на 3 этаже", "принтер", true)]
    [InlineData("принтеры все сломаны", "принтер", false)]
    [InlineData("Η ΕΚΤΥΠΩΤΗΣ δεν λειτουργεί", "εκτυπωτης", true)]
    [InlineData("Drucker außer Betrieb", "AUSSER", false)]
    [InlineData("Drucker außer Betrieb", "Außer", true)]
    [InlineData("disk-full on server", "disk full", true)]
    [InlineData("disk is full", "disk full", false)]
    [InlineData("打印机坏了", "打印机", true)]
    [InlineData("プリンターが動かない", "プリンター", true)]
    [InlineData("café closed", "cafe", false)]
    [InlineData("e-mail bounced", "e-mail", true)]
    [InlineData("email bounced", "e-mail", false)]
    [InlineData("SAP_HANA crashed", "sap", false)]
    public void HasKeyword_Subject_MatchesWholeWordsCaseInsensitively(string subject, string keyword, bool expected)
    {
        var ticket = Ticket(subject);
        var condition = RoutingCondition.HasKeyword(keyword);
        var rules = new RoutingRuleSetBuilder().Rule("k", r => r.When(condition).AddTags("hit")).Build();

        Assert.Equal(expected, condition.IsSatisfiedBy(ticket));
        Assert.Equal(expected, rules.Decide(ticket).IsMatch);
    }

    [Fact]
    public void HasKeyword_PhraseSplitBetweenSubjectAndDescription_DoesNotMatch()
    {
        var ticket = Ticket("the disk", "full of logs");
        Assert.False(RoutingCondition.HasKeyword("disk full").IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.HasKeyword("full of").IsSatisfiedBy(ticket));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("--!!")]
    public void HasKeyword_NoLetterOrDigit_Throws(string keyword)
        => Assert.Throws<ArgumentException>(() => RoutingCondition.HasKeyword(keyword));

    [Fact]
    public void Factories_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => RoutingCondition.All());
        Assert.Throws<ArgumentException>(() => RoutingCondition.PriorityIn());
        Assert.Throws<ArgumentOutOfRangeException>(() => RoutingCondition.PriorityIn((Priority)9));
        Assert.Throws<ArgumentOutOfRangeException>(() => RoutingCondition.KindIn((TicketKind)0));
        Assert.Throws<ArgumentException>(() => RoutingCondition.ServiceIn(default(ServiceId)));
        Assert.Throws<ArgumentException>(() => RoutingCondition.CustomerTierIn(" "));
        Assert.Throws<ArgumentException>(() => RoutingCondition.HasKeyword(new string('a', 101)));
        Assert.Throws<ArgumentException>(() => RoutingCondition.HasAttribute("1bad"));
        Assert.Throws<ArgumentException>(() => RoutingCondition.AttributeIs("x", AttributeOperator.Less, AttributeValue.FromString("a")));
        Assert.Throws<ArgumentException>(() => RoutingCondition.AttributeIs("x", AttributeOperator.Equal, default));
        Assert.Throws<ArgumentNullException>(() => RoutingCondition.Not(null!));
    }

    [Fact]
    public void Nesting_DeeperThanMaxDepth_Throws()
    {
        var condition = RoutingCondition.Always;
        for (var i = 1; i < RoutingCondition.MaxDepth; i++)
        {
            condition = RoutingCondition.Not(condition);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => RoutingCondition.Not(condition));
    }

    [Fact]
    public void PropertyConditions_MatchTheTicket()
    {
        var ticket = Ticket(t => t with
        {
            Subject = "x",
            Priority = Priority.P2High,
            Channel = Channel.Email,
            Category = new TicketCategory("Network", "VPN"),
            Service = new ServiceId("svc-mail"),
            ConfigurationItem = new ConfigurationItemId("ci-7"),
            Contract = new ContractId("gold"),
            Location = new LocationId("paris"),
        });

        Assert.True(RoutingCondition.PriorityIn(Priority.P1Critical, Priority.P2High).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.PriorityAtLeast(Priority.P2High).IsSatisfiedBy(ticket));
        Assert.False(RoutingCondition.PriorityAtLeast(Priority.P1Critical).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.ChannelIn(Channel.Email).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.KindIn(TicketKind.Incident).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.CategoryIs("Network").IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.CategoryIs("Network", "VPN").IsSatisfiedBy(ticket));
        Assert.False(RoutingCondition.CategoryIs("Network", "Wifi").IsSatisfiedBy(ticket));
        Assert.False(RoutingCondition.CategoryIs("network").IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.ServiceIn(new ServiceId("svc-mail")).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.ConfigurationItemIn(new ConfigurationItemId("ci-7")).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.ContractIn(new ContractId("gold")).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.LocationIn(new LocationId("paris")).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.CustomerIn(ticket.Requester.Customer).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.CustomerTierIn("VIP").IsSatisfiedBy(ticket, "vip"));
        Assert.False(RoutingCondition.CustomerTierIn("VIP").IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.Not(RoutingCondition.ChannelIn(Channel.Phone)).IsSatisfiedBy(ticket));
        Assert.False(RoutingCondition.All(RoutingCondition.Always, RoutingCondition.ChannelIn(Channel.Phone)).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.Any(RoutingCondition.ChannelIn(Channel.Phone), RoutingCondition.Always).IsSatisfiedBy(ticket));
    }

    [Fact]
    public void AttributeIs_ComparesByKind()
    {
        var ticket = Ticket(t => t with
        {
            Subject = "x",
            Attributes = CustomAttributes.Empty
                .With("seats", AttributeValue.FromInteger(40))
                .With("cost", AttributeValue.FromDecimal(12.5m))
                .With("region", AttributeValue.FromString("EMEA"))
                .With("vip", AttributeValue.FromBoolean(true))
                .With("due", AttributeValue.FromDate(new LocalDate(2025, 3, 1))),
        });

        Assert.True(RoutingCondition.AttributeIs("seats", AttributeOperator.GreaterOrEqual, AttributeValue.FromInteger(40)).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.AttributeIs("seats", AttributeOperator.Greater, AttributeValue.FromDecimal(39.5m)).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.AttributeIs("cost", AttributeOperator.Less, AttributeValue.FromInteger(13)).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.AttributeIs("region", AttributeOperator.Equal, AttributeValue.FromString("EMEA")).IsSatisfiedBy(ticket));
        Assert.False(RoutingCondition.AttributeIs("region", AttributeOperator.Equal, AttributeValue.FromString("emea")).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.AttributeIs("vip", AttributeOperator.Equal, AttributeValue.FromBoolean(true)).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.AttributeIs("due", AttributeOperator.Less, AttributeValue.FromDate(new LocalDate(2025, 3, 2))).IsSatisfiedBy(ticket));
        Assert.False(RoutingCondition.AttributeIs("region", AttributeOperator.NotEqual, AttributeValue.FromInteger(1)).IsSatisfiedBy(ticket));
        Assert.False(RoutingCondition.AttributeIs("missing", AttributeOperator.NotEqual, AttributeValue.FromInteger(1)).IsSatisfiedBy(ticket));
        Assert.True(RoutingCondition.HasAttribute("vip").IsSatisfiedBy(ticket));
        Assert.False(RoutingCondition.HasAttribute("missing").IsSatisfiedBy(ticket));
    }

    [Fact]
    public void ToString_DescribesTheTree()
    {
        var condition = RoutingCondition.All(
            RoutingCondition.PriorityIn(Priority.P1Critical),
            RoutingCondition.Not(RoutingCondition.HasKeyword("test")),
            RoutingCondition.Any(RoutingCondition.CategoryIs("Network", "VPN"), RoutingCondition.CustomerTierIn("VIP")));

        Assert.Equal(
            "all(priority in [P1Critical], not(keyword in [\"test\"]), any(category = \"Network / VPN\", customer tier in [\"VIP\"]))",
            condition.ToString());
    }
}
