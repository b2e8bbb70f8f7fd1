using NodaTime;
using ServiceDesk.Events;

namespace ServiceDesk.Tests.Events;

public sealed class TicketEventTests
{
    private static readonly TenantId T = Samples.Tenant;
    private static readonly TicketId Id = TicketId.New();
    private static readonly Instant At = Samples.Opened;

    [Fact]
    public void CommonFields_AreValidated()
    {
        Assert.Throws<ArgumentException>(() => new CommentAdded(default, Id, 2, At, Actor.System, CommentVisibility.Public, "hi"));
        Assert.Throws<ArgumentException>(() => new CommentAdded(T, default, 2, At, Actor.System, CommentVisibility.Public, "hi"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CommentAdded(T, Id, 0, At, Actor.System, CommentVisibility.Public, "hi"));
        Assert.Throws<ArgumentException>(() => new CommentAdded(T, Id, 2, At, default, CommentVisibility.Public, "hi"));
    }

    [Fact]
    public void TicketOpened_MustBeVersionOne()
    {
        var number = new TicketNumber(TicketKind.Incident, 1);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new TicketOpened(T, Id, 2, At, Actor.System, number, TicketKind.Incident, "s", Priority.P3Moderate, Channel.Email));
        Assert.Contains("must be 1", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(
            () => new TicketOpened(T, Id, 1, At, Actor.System, default, TicketKind.Incident, "s", Priority.P3Moderate, Channel.Email));
    }

    [Fact]
    public void PayloadValidation_NamesArgumentAndRange()
    {
        var score = Assert.Throws<ArgumentOutOfRangeException>(() => new SatisfactionRated(T, Id, 3, At, Actor.OfRequester("jo"), 6));
        Assert.Equal("Score", score.ParamName);
        Assert.Contains("between 1 and 5", score.Message, StringComparison.Ordinal);

        var time = Assert.Throws<ArgumentOutOfRangeException>(
            () => new TimeLogged(T, Id, 3, At, Actor.System, new AgentId("a"), At, Duration.Zero, true));
        Assert.Equal("Duration", time.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new TimeLogged(T, Id, 3, At, Actor.System, new AgentId("a"), At, Duration.FromHours(25), true));
        Assert.Throws<ArgumentException>(
            () => new TimeLogged(T, Id, 3, At, Actor.System, default, At, Duration.FromHours(1), true));
        var late = Assert.Throws<ArgumentOutOfRangeException>(
            () => new TimeLogged(T, Id, 3, At, Actor.System, new AgentId("a"), Instant.MaxValue - Duration.FromHours(2), Duration.FromHours(1), true));
        Assert.Equal("Started", late.ParamName); // issue 19, class 3: billing over such an entry used to overflow
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new TimeLogged(T, Id, 3, At, Actor.System, new AgentId("a"), TimeLogged.MinStarted - Duration.Epsilon, Duration.FromHours(1), true));
        Assert.Equal(TimeLogged.MinStarted, new TimeLogged(T, Id, 3, At, Actor.System, new AgentId("a"), TimeLogged.MinStarted, Duration.FromHours(1), true).Started);

        Assert.Throws<ArgumentOutOfRangeException>(() => new Escalated(T, Id, 3, At, Actor.System, 0, EscalationKind.Notify));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Escalated(T, Id, 3, At, Actor.System, 1, (EscalationKind)7));
        Assert.Throws<ArgumentException>(() => new TicketLinked(T, Id, 3, At, Actor.System, Id, TicketLinkType.RelatedTo));
        Assert.Throws<ArgumentException>(() => new CommentAdded(T, Id, 3, At, Actor.System, CommentVisibility.Internal, ""));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CommentAdded(T, Id, 3, At, Actor.System, (CommentVisibility)3, "x"));
        Assert.Throws<ArgumentException>(() => new StatusChanged(T, Id, 3, At, Actor.System, default, TicketStatus.Closed));
        Assert.Throws<ArgumentException>(() => new Assigned(T, Id, 3, At, Actor.System, null, new AgentId("a")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlaThresholdReached(T, Id, 3, At, Actor.System, "resolution", 0, "75%", At));
        Assert.Throws<ArgumentException>(() => new AttributeChanged(T, Id, 3, At, Actor.System, "1bad", null));
        Assert.Throws<ArgumentException>(() => new AttributeChanged(T, Id, 3, At, Actor.System, "ok", default(AttributeValue)));
        Assert.Throws<ArgumentException>(
            () => new PriorityChanged(T, Id, 3, At, Actor.System, Priority.P3Moderate, Priority.P1Critical, default, Urgency.High));
    }

    [Fact]
    public void ValidEvents_KeepTheirValues()
    {
        var e = new TimeLogged(T, Id, 4, At, Actor.OfAgent(new AgentId("a")), new AgentId("a"), At, Duration.FromMinutes(30), true, "remote");
        Assert.Equal(Duration.FromMinutes(30), e.Duration);
        Assert.Equal("remote", e.Activity);
        Assert.Equal(4, e.Version);
        Assert.Equal(e, e with { });
    }
}
