using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using ServiceDesk.Storage;

namespace ServiceDesk.Tests.Storage;

public sealed class TicketQueryTests
{
    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var q = new TicketQuery(Samples.Tenant);
        Assert.Equal(50, q.PageSize);
        Assert.Null(q.ContinuationToken);
        Assert.Null(q.Cursor);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void PageSize_OutOfRange_ThrowsWithRange(int size)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TicketQuery(Samples.Tenant) { PageSize = size });
        Assert.Contains("between 1 and 1,000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DefaultTenant_Throws()
        => Assert.Throws<ArgumentException>(() => new TicketQuery(default));

    [Fact]
    public void Cursor_ExtremeInstants_RoundTrip()
    {
        var id = TicketId.New();
        foreach (var instant in new[] { Instant.MinValue, Instant.MaxValue, Instant.FromUnixTimeTicks(-1).PlusNanoseconds(-1) })
        {
            Assert.Equal(new TicketCursor(instant, id), TicketCursor.Parse(new TicketCursor(instant, id).ToToken()));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void ContinuationToken_Malformed_Throws(string token)
        => Assert.Throws<ArgumentException>(() => new TicketQuery(Samples.Tenant) { ContinuationToken = token });

    [Fact]
    public void Matches_AppliesEveryFilter()
    {
        var t = Samples.Ticket() with { AssignmentGroup = new GroupId("g"), Assignee = new AgentId("a") };
        var q = new TicketQuery(Samples.Tenant);
        Assert.True(q.Matches(t));
        Assert.False((q with { Kind = TicketKind.Change }).Matches(t));
        Assert.False((q with { Status = TicketStatus.Closed }).Matches(t));
        Assert.False((q with { AssignmentGroup = new GroupId("h") }).Matches(t));
        Assert.False((q with { Assignee = new AgentId("b") }).Matches(t));
        Assert.False((q with { Priority = Priority.P1Critical }).Matches(t));
        Assert.False((q with { Customer = new CustomerId("other") }).Matches(t));
        Assert.False(new TicketQuery(new TenantId("other")).Matches(t));
        Assert.True((q with { Kind = TicketKind.Incident, Status = TicketStatus.New, Priority = Priority.P2High, Customer = new CustomerId("globex") }).Matches(t));
    }

    [Property]
    public Property Cursor_TokenRoundTripsToTheNanosecond(long ticks, int nanos, Guid guid)
    {
        if (guid == Guid.Empty)
        {
            return true.ToProperty();
        }

        var instant = Instant.FromUnixTimeTicks(Math.Clamp(ticks, Instant.MinValue.ToUnixTimeTicks() + 1, Instant.MaxValue.ToUnixTimeTicks() - 1))
            .PlusNanoseconds(Math.Abs(nanos % 100));
        var cursor = new TicketCursor(instant, new TicketId(guid));
        var token = cursor.ToToken();
        return (TicketCursor.Parse(token) == cursor && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')).ToProperty();
    }

    [Property]
    public Property Cursor_IdOrderEqualsCanonicalTextOrder(Guid a, Guid b)
    {
        var byGuid = Math.Sign(a.CompareTo(b));
        var byText = Math.Sign(string.CompareOrdinal(a.ToString("D"), b.ToString("D")));
        return (byGuid == byText).ToProperty();
    }

    [Fact]
    public void IsAfterCursor_ComparesInstantThenId()
    {
        var low = new TicketId(Guid.Parse("00000000-0000-0000-0000-000000000001"));
        var high = new TicketId(Guid.Parse("ffffffff-0000-0000-0000-000000000000"));
        var t = Samples.Ticket(id: high);
        var sameInstantLowerId = new TicketQuery(Samples.Tenant) { ContinuationToken = new TicketCursor(t.OpenedAt, low).ToToken() };
        var sameTicket = new TicketQuery(Samples.Tenant) { ContinuationToken = TicketCursor.After(t).ToToken() };
        var later = new TicketQuery(Samples.Tenant) { ContinuationToken = new TicketCursor(t.OpenedAt + Duration.Epsilon, low).ToToken() };
        Assert.True(sameInstantLowerId.IsAfterCursor(t));
        Assert.False(sameTicket.IsAfterCursor(t));
        Assert.False(later.IsAfterCursor(t));
        Assert.True(new TicketQuery(Samples.Tenant).IsAfterCursor(t));
    }
}
