using System.Globalization;
using NodaTime;

namespace ServiceDesk.Workflow.Replay;

/// <summary>
/// The documented mapping of the UCI ServiceNow incident log onto the shipped incident lifecycle (docs/workflows.md,
/// "Real data"): states to statuses and hold reasons, accounts to actors, observed moves to triggers. One copy, compiled
/// into the Workflow tests and linked into the Workflow benchmarks, so the replay test and the replay benchmark cannot
/// drift apart.
/// </summary>
internal static class UciIncidentMapping
{
    /// <summary>The account that performs 99% of the closures, five days after resolution: the instance's auto-close job.</summary>
    public const string SystemAccount = "Updated by 908";

    /// <summary>The lifecycle options the replay uses.</summary>
    public static IncidentLifecycleOptions Options => new()
    {
        // The source instance closes resolved incidents five calendar days after resolution: a 24x7 calendar.
        AutoCloseAfterBusinessDays = 5,
        AddBusinessDays = (start, days) => start + Duration.FromDays(days),
        ReopenFromClosedDays = 10,
    };

    /// <summary>Maps a ServiceNow state to a status and hold reason; <see langword="null"/> for the unknown state <c>-100</c>.</summary>
    public static (TicketStatus Status, string? Reason)? Map(string state) => state switch
    {
        "New" => (TicketStatus.New, null),
        "Active" => (TicketStatus.InProgress, null),
        "Awaiting User Info" => (TicketStatus.OnHold, IncidentLifecycle.AwaitingCaller),
        "Awaiting Evidence" => (TicketStatus.OnHold, IncidentLifecycle.AwaitingCaller),
        "Awaiting Vendor" => (TicketStatus.OnHold, IncidentLifecycle.AwaitingVendor),
        "Awaiting Problem" => (TicketStatus.OnHold, IncidentLifecycle.AwaitingProblem),
        "Resolved" => (TicketStatus.Resolved, null),
        "Closed" => (TicketStatus.Closed, null),
        _ => null,
    };

    /// <summary>The actor of a <c>sys_updated_by</c> value: the system for the auto-close account, an agent otherwise.</summary>
    public static Actor ActorOf(string updatedBy) => updatedBy == SystemAccount
        ? Actor.System
        : Actor.OfAgent(new AgentId(updatedBy == "?" ? "unknown" : updatedBy.Replace("Updated by ", "agent-", StringComparison.Ordinal)));

    /// <summary>The trigger and context for an observed move of <paramref name="ticket"/> to <paramref name="to"/>.</summary>
    public static (WorkflowTrigger Trigger, TransitionContext Context) Decide(
        Ticket ticket, TicketStatus to, string? reason, Actor actor, Instant at, Instant since)
    {
        var context = new TransitionContext(actor, at) { StatusSince = since };
        if (to == TicketStatus.OnHold)
        {
            return (IncidentLifecycle.Hold, context with { Reason = reason });
        }

        if (to == TicketStatus.Resolved)
        {
            return (IncidentLifecycle.Resolve, context with { Reason = "SolvedPermanently", Notes = "Resolved (replayed from the ServiceNow log)." });
        }

        if (to == TicketStatus.Closed)
        {
            return (actor.Kind == ActorKind.System ? IncidentLifecycle.AutoClose : IncidentLifecycle.Close, context);
        }

        if (to == TicketStatus.InProgress)
        {
            return (ticket.Status == TicketStatus.New ? IncidentLifecycle.Start
                : ticket.Status == TicketStatus.OnHold ? IncidentLifecycle.Resume
                : IncidentLifecycle.Reopen, context);
        }

        // Back to New: the lifecycle has no trigger for it (the log has no such move); the attempt would be reported as rejected.
        return (new WorkflowTrigger("Renew"), context);
    }

    /// <summary>The ticket an incident's first mapped event opens.</summary>
    public static Ticket NewTicket(long sequence, TicketStatus status, string? reason, Instant opened, Instant at) => new()
    {
        Tenant = new TenantId("uci"),
        Id = TicketId.New(),
        Number = new TicketNumber(TicketKind.Incident, sequence),
        Kind = TicketKind.Incident,
        Subject = "Replayed incident",
        Status = status,
        HoldReason = reason,
        Impact = Impact.Medium,
        Urgency = Urgency.Medium,
        Priority = Priority.P3Moderate,
        Channel = Channel.Phone,
        Requester = new Requester(new CustomerId("uci-caller"), "Caller"),
        OpenedAt = opened,
        UpdatedAt = at,
        Version = 1,
    };

    /// <summary>Parses the log's <c>d/M/yyyy HH:mm</c> as UTC.</summary>
    public static Instant ParseTime(string text)
    {
        var p = text.Split(' ', '/', ':');
        static int I(string s) => int.Parse(s, CultureInfo.InvariantCulture);
        return Instant.FromUtc(I(p[2]), I(p[1]), I(p[0]), I(p[3]), I(p[4]));
    }
}
