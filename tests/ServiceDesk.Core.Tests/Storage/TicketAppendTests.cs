using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Storage;

namespace ServiceDesk.Tests.Storage;

public sealed class TicketAppendTests
{
    [Fact]
    public void Constructor_ValidNewTicket_Accepted()
    {
        var t = Samples.Ticket();
        var append = new TicketAppend(t, [Samples.Opening(t)], 0, "cmd-1");
        Assert.Equal(0, append.ExpectedVersion);
        Assert.Equal("cmd-1", append.IdempotencyKey);
        Assert.Equal(t.Tenant, append.Tenant);
        Assert.Single(append.Events);
    }

    [Fact]
    public void Constructor_EventOfOtherTenant_ThrowsNamingBothTenants()
    {
        var t = Samples.Ticket();
        var foreign = Samples.Opening(t) with { Tenant = new TenantId("other") };
        var ex = Assert.Throws<ArgumentException>(() => new TicketAppend(t, [foreign], 0));
        Assert.Contains("tenant 'other'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tenant 'acme'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EventOfOtherTicket_Throws()
    {
        var t = Samples.Ticket();
        var other = Samples.Opening(t) with { Ticket = TicketId.New() };
        Assert.Throws<ArgumentException>(() => new TicketAppend(t, [other], 0));
    }

    [Fact]
    public void Constructor_VersionGap_Throws()
    {
        var t = Samples.Ticket() with { Version = 3, Status = TicketStatus.InProgress };
        var e = new StatusChanged(t.Tenant, t.Id, 3, Samples.Opened, Actor.System, TicketStatus.New, TicketStatus.InProgress);
        var ex = Assert.Throws<ArgumentException>(() => new TicketAppend(t, [e], 1));
        Assert.Contains("expected 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_SnapshotVersionMismatch_Throws()
    {
        var t = Samples.Ticket() with { Version = 5 };
        var e = new StatusChanged(t.Tenant, t.Id, 2, Samples.Opened, Actor.System, TicketStatus.New, TicketStatus.InProgress);
        Assert.Equal("ticket", Assert.Throws<ArgumentException>(() => new TicketAppend(t, [e], 1)).ParamName);
    }

    [Fact]
    public void Constructor_NewTicketWithoutOpened_Throws()
    {
        var t = Samples.Ticket();
        var e = new CommentAdded(t.Tenant, t.Id, 1, Samples.Opened, Actor.System, CommentVisibility.Public, "x");
        Assert.Contains("must be TicketOpened", Assert.Throws<ArgumentException>(() => new TicketAppend(t, [e], 0)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_OpenedNumberDiffersFromSnapshot_Throws()
    {
        var t = Samples.Ticket();
        var e = Samples.Opening(t) with { Number = new TicketNumber(TicketKind.Incident, 99) };
        Assert.Throws<ArgumentException>(() => new TicketAppend(t, [e], 0));
    }

    [Fact]
    public void Constructor_BadArguments_Throw()
    {
        var t = Samples.Ticket();
        Assert.Throws<ArgumentNullException>(() => new TicketAppend(null!, [], 0));
        Assert.Throws<ArgumentNullException>(() => new TicketAppend(t, null!, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TicketAppend(t, [], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TicketAppend(t, [Samples.Opening(t)], -1));
        Assert.Throws<ArgumentException>(() => new TicketAppend(t, [Samples.Opening(t)], 0, " "));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TicketAppend(t, [Samples.Opening(t)], 0, new string('k', 201)));
        Assert.Throws<ArgumentException>(() => new TicketAppend(t, [null!], 0));
    }

    [Fact]
    public void Constructor_CopiesEvents_SoCallerMutationDoesNotLeak()
    {
        var t = Samples.Ticket();
        var list = new List<TicketEvent> { Samples.Opening(t) };
        var append = new TicketAppend(t, list, 0);
        list.Clear();
        Assert.Single(append.Events);
        Assert.False(append.Events is TicketEvent[]);
        Assert.Throws<NotSupportedException>(() => ((IList<TicketEvent>)append.Events)[0] = Samples.Opening(t));
    }

    [Fact]
    public void ConcurrencyException_CarriesVersions()
    {
        var id = TicketId.New();
        var ex = new ConcurrencyException(Samples.Tenant, id, 3, 5);
        Assert.Equal(3, ex.ExpectedVersion);
        Assert.Equal(5, ex.ActualVersion);
        Assert.Contains("version 5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected version 3", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<InvalidOperationException>(ex);
        _ = Duration.Zero;
    }
    [Fact]
    public void DerivedState_ValidText_IsKeptVerbatim()
    {
        var t = Samples.Ticket();
        var state = "{\"clocks\":[]} ünïcode 😀 \u2028 " + new string('x', 1_000);
        var max = new string('m', TicketAppend.MaxDerivedStateLength);

        Assert.Equal(state, new TicketAppend(t, [Samples.Opening(t)], 0) { DerivedState = state }.DerivedState);
        Assert.Same(max, new TicketAppend(t, [Samples.Opening(t)], 0) { DerivedState = max }.DerivedState);
        Assert.Null(new TicketAppend(t, [Samples.Opening(t)], 0) { DerivedState = null }.DerivedState);
    }

    [Fact]
    public void DerivedState_BlankNulOrLoneSurrogate_ThrowsArgumentException()
    {
        // Not theory data: xUnit serializes that as UTF-8 at discovery, which turns a lone surrogate into U+FFFD.
        string[] invalid = ["", "   ", "before\0after", "lone high \uD83D end", "lone low \uDE00 end", "ends with high \uD83D", "\uDE00\uD83D reversed pair"];
        var t = Samples.Ticket();

        foreach (var state in invalid)
        {
            var ex = Assert.Throws<ArgumentException>(() => new TicketAppend(t, [Samples.Opening(t)], 0) { DerivedState = state });
            Assert.Equal(nameof(TicketAppend.DerivedState), ex.ParamName);
        }
    }

    [Fact]
    public void DerivedState_TooLong_ThrowsArgumentOutOfRangeException()
    {
        var t = Samples.Ticket();

        Assert.Throws<ArgumentOutOfRangeException>(
            () => new TicketAppend(t, [Samples.Opening(t)], 0) { DerivedState = new string('x', TicketAppend.MaxDerivedStateLength + 1) });
    }
}
