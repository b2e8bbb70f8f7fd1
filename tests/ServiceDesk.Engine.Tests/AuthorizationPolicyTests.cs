using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Workflow;

namespace ServiceDesk.Engine.Tests;

/// <summary>Every cell of the role x action matrix of <see cref="DefaultTicketAuthorizationPolicy"/> (issue 14, item 9).</summary>
public sealed class AuthorizationPolicyTests
{
    private static readonly GroupId Network = new("network");
    private static readonly CustomerId Acme = new("acme-corp");
    private static readonly Ticket Ticket = new()
    {
        Tenant = new TenantId("t"),
        Id = TicketId.New(),
        Number = new TicketNumber(TicketKind.Incident, 7),
        Kind = TicketKind.Incident,
        Subject = "VPN down",
        Status = TicketStatus.InProgress,
        Impact = Impact.Medium,
        Urgency = Urgency.Medium,
        Priority = Priority.P3Moderate,
        Channel = Channel.Portal,
        Requester = new Requester(Acme, "Jane Doe", "jane@example.com"),
        AssignmentGroup = Network,
        OpenedAt = Instant.FromUtc(2025, 1, 6, 9, 0),
        UpdatedAt = Instant.FromUtc(2025, 1, 6, 9, 0),
        Version = 3,
    };

    /// <summary>The roles (columns): who asks, under which policy.</summary>
    private static readonly (string Name, CommandContext Context, DefaultTicketAuthorizationPolicy Policy)[] Roles =
    [
        ("requester, own ticket", Context(Actor.OfRequester("JANE@example.com")), new DefaultTicketAuthorizationPolicy()),
        ("requester, another's ticket", Context(Actor.OfRequester("Mallory")) with { Organisation = Acme }, new DefaultTicketAuthorizationPolicy()),
        ("requester, organisation's ticket (option)", Context(Actor.OfRequester("Max")) with { Organisation = Acme }, new DefaultTicketAuthorizationPolicy(RequesterScope.Organisation)),
        ("agent in the ticket's group (Groups)", Context(Actor.OfAgent(new AgentId("alice"))) with { Groups = new HashSet<GroupId> { Network } }, new DefaultTicketAuthorizationPolicy(agents: AgentScope.Groups)),
        ("agent outside the group (Groups)", Context(Actor.OfAgent(new AgentId("bob"))) with { Groups = new HashSet<GroupId> { new("hr") } }, new DefaultTicketAuthorizationPolicy(agents: AgentScope.Groups)),
        ("agent outside the group (Any, default)", Context(Actor.OfAgent(new AgentId("bob"))), DefaultTicketAuthorizationPolicy.Instance),
        ("system", Context(Actor.System), DefaultTicketAuthorizationPolicy.Instance),
        ("integration", Context(Actor.OfIntegration("zabbix")), DefaultTicketAuthorizationPolicy.Instance),
    ];

    /// <summary>The matrix: per action (and trigger), Y (allowed) or N (denied) for each role, in the order of <see cref="Roles"/>.</summary>
    private static readonly (TicketAction Action, string? Trigger, string Expected)[] Matrix =
    [
        (TicketAction.Open, null, "YNYYYYYY"),
        (TicketAction.View, null, "YNYYNYYY"),
        (TicketAction.ViewInternalComments, null, "NNNYNYYY"),
        (TicketAction.Transition, "Reopen", "YNYYNYYY"),
        (TicketAction.Transition, "Close", "YNYYNYYY"),
        (TicketAction.Transition, "Start", "NNNYNYYY"),
        (TicketAction.Transition, "Resolve", "NNNYNYYY"),
        (TicketAction.Assign, null, "NNNYNYYY"),
        (TicketAction.Comment, null, "YNYYNYYY"),
        (TicketAction.CommentInternal, null, "NNNYNYYY"),
        (TicketAction.ChangePriority, null, "NNNYNYYY"),
        (TicketAction.Link, null, "NNNYNYYY"),
        (TicketAction.SetAttribute, null, "NNNYNYYY"),
        (TicketAction.LogTime, null, "NNNYNYYY"),
        (TicketAction.RateSatisfaction, null, "YNYNNNNN"),
        (TicketAction.RequestApproval, null, "NNNYNYYY"),
        (TicketAction.DecideApproval, null, "NNNYYYYY"),
        (TicketAction.WithdrawApproval, null, "NNNYNYYY"),
        (TicketAction.ConfirmResolution, null, "YNYNNNNN"),
        (TicketAction.RejectResolution, null, "YNYNNNNN"),
        (TicketAction.MajorIncident, null, "NNNYNYYY"),
        (TicketAction.EditClassification, null, "NNNYNYYY"),
        (TicketAction.OverrideSlaDue, null, "NNNYNYYY"),
    ];

    public static TheoryData<TicketAction, string?, int> Cells()
    {
        var data = new TheoryData<TicketAction, string?, int>();
        foreach (var (action, trigger, _) in Matrix)
        {
            for (var role = 0; role < Roles.Length; role++)
            {
                data.Add(action, trigger, role);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Authorize_EveryRoleAndAction_MatchesTheDocumentedMatrix(TicketAction action, string? trigger, int role)
    {
        var (name, context, policy) = Roles[role];
        var expected = Matrix.Single(m => m.Action == action && m.Trigger == trigger).Expected[role] == 'Y';

        var answer = policy.Authorize(new TicketAuthorizationArguments(context, action, Ticket, trigger is null ? null : new WorkflowTrigger(trigger)));

        Assert.True(expected == answer.IsAllowed, $"{name} / {action} {trigger}: expected {(expected ? "allowed" : "denied")}, got {answer.Reason ?? "allowed"}");
        Assert.Equal(answer.IsAllowed, answer.Reason is null);
    }

    [Fact]
    public void Matrix_CoversEveryAction()
        => Assert.Equal(Enum.GetValues<TicketAction>().Order(), Matrix.Select(m => m.Action).Distinct().Order());

    [Fact]
    public void Constructor_UndefinedScope_ThrowsNamingTheValue()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new DefaultTicketAuthorizationPolicy((RequesterScope)9));
        Assert.Equal("requesters", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DefaultTicketAuthorizationPolicy(agents: 0));
        Assert.Throws<ArgumentException>(() => AuthorizationResult.Deny(" "));
    }

    private static CommandContext Context(Actor actor) => new(new TenantId("t"), actor);
}
