using NodaTime;

namespace ServiceDesk.Tests.Tickets;

public sealed class TicketTests
{
    [Fact]
    public void With_ChangesOnlyGivenPropertiesAndKeepsOriginal()
    {
        var t = Samples.Ticket();
        var t2 = t with { Status = TicketStatus.InProgress, Version = 2 };
        Assert.Equal(TicketStatus.New, t.Status);
        Assert.Equal(TicketStatus.InProgress, t2.Status);
        Assert.Equal(t.Id, t2.Id);
        Assert.Equal(2, t2.Version);
    }

    [Fact]
    public void Subject_Empty_ThrowsNamingProperty()
    {
        var ex = Assert.Throws<ArgumentException>(() => Samples.Ticket() with { Subject = "   " });
        Assert.Equal("Subject", ex.ParamName);
        Assert.Contains("1 to 200", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Subject_TooLong_ThrowsWithLengthAndLimit()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Samples.Ticket() with { Subject = new string('x', 201) });
        Assert.Equal("Subject", ex.ParamName);
        Assert.Contains("201 characters long; the maximum is 200", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Subject_AtLimit_Accepted()
        => Assert.Equal(200, (Samples.Ticket() with { Subject = new string('x', 200) }).Subject.Length);

    [Fact]
    public void Description_TooLong_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => Samples.Ticket() with { Description = new string('d', 32_001) });

    [Fact]
    public void Enums_UndefinedValues_ThrowListingValidValues()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Samples.Ticket() with { Priority = (Priority)0 });
        Assert.Equal("Priority", ex.ParamName);
        Assert.Contains("P1Critical, P2High, P3Moderate, P4Low, P5Planning", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Samples.Ticket() with { Kind = (TicketKind)9 });
        Assert.Throws<ArgumentOutOfRangeException>(() => Samples.Ticket() with { Channel = (Channel)99 });
    }

    [Fact]
    public void DefaultValues_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => Samples.Ticket() with { Tenant = default });
        Assert.Throws<ArgumentException>(() => Samples.Ticket() with { Id = default });
        Assert.Throws<ArgumentException>(() => Samples.Ticket() with { Number = default });
        Assert.Throws<ArgumentException>(() => Samples.Ticket() with { Status = default });
        Assert.Throws<ArgumentException>(() => Samples.Ticket() with { Impact = default });
        Assert.Throws<ArgumentException>(() => Samples.Ticket() with { Urgency = default });
        Assert.Throws<ArgumentNullException>(() => Samples.Ticket() with { Requester = null! });
        Assert.Throws<ArgumentNullException>(() => Samples.Ticket() with { Attributes = null! });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Version_BelowOne_Throws(long version)
        => Assert.Throws<ArgumentOutOfRangeException>(() => Samples.Ticket() with { Version = version });

    [Fact]
    public void Validate_NumberOfOtherKind_Throws()
    {
        var t = Samples.Ticket() with { Number = new TicketNumber(TicketKind.Change, 1) };
        var ex = Assert.Throws<ArgumentException>(t.Validate);
        Assert.Contains("prefix must be INC", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UpdatedBeforeOpened_Throws()
    {
        var t = Samples.Ticket() with { UpdatedAt = Samples.Opened - Duration.FromSeconds(1) };
        Assert.Equal("UpdatedAt", Assert.Throws<ArgumentException>(t.Validate).ParamName);
    }

    [Fact]
    public void Validate_AssigneeWithoutGroup_Throws()
    {
        var t = Samples.Ticket() with { Assignee = new AgentId("alice") };
        Assert.Equal("Assignee", Assert.Throws<ArgumentException>(t.Validate).ParamName);
        (t with { AssignmentGroup = new GroupId("service-desk") }).Validate();
    }

    [Fact]
    public void Validate_DefaultOptionalId_Throws()
    {
        var t = Samples.Ticket() with { Service = default(ServiceId) };
        Assert.Equal("Service", Assert.Throws<ArgumentException>(t.Validate).ParamName);
    }

    [Fact]
    public void HoldReason_TooLong_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => Samples.Ticket() with { HoldReason = new string('h', 101) });

    [Fact]
    public void Requester_BadEmail_ThrowsNamingValue()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Requester(new CustomerId("c"), "Jo", "jo.example"));
        Assert.Contains("jo.example", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Requester(default, "Jo"));
        Assert.Throws<ArgumentException>(() => new Requester(new CustomerId("c"), " "));
    }

    [Fact]
    public void Category_FormatsAndValidates()
    {
        Assert.Equal("Network / VPN", new TicketCategory("Network", "VPN").ToString());
        Assert.Equal("Hardware", new TicketCategory("Hardware").ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TicketCategory(new string('c', 101)));
        Assert.Throws<ArgumentException>(() => new TicketCategory("Network", ""));
    }

    [Theory]
    [InlineData("InProgress", true)]
    [InlineData("Awaiting_Vendor2", true)]
    [InlineData("", false)]
    [InlineData("2fast", false)]
    [InlineData("On Hold", false)]
    [InlineData("Résolu", false)]
    public void TicketStatus_ValidatesNames(string name, bool valid)
    {
        if (valid)
        {
            Assert.Equal(name, new TicketStatus(name).Name);
        }
        else
        {
            Assert.Throws<ArgumentException>(() => new TicketStatus(name));
        }
    }

    [Fact]
    public void Actor_FactoriesAndDefault()
    {
        Assert.Equal(ActorKind.Agent, Actor.OfAgent(new AgentId("bob")).Kind);
        Assert.Equal(new AgentId("bob"), Actor.OfAgent(new AgentId("bob")).AgentId);
        Assert.Null(Actor.OfRequester("jo@example.org").AgentId);
        Assert.Equal("Integration:zabbix", Actor.OfIntegration("zabbix").ToString());
        Assert.Equal("System:system", Actor.System.ToString());
        Assert.Throws<ArgumentException>(() => Actor.OfAgent(default));
        Assert.Throws<ArgumentException>(() => Actor.ThrowIfDefault(default));
    }
}
