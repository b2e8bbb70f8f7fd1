using Microsoft.Extensions.Logging;
using ServiceDesk.Events;

namespace ServiceDesk.Engine.Internal;

/// <summary>The engine's log messages (source-generated).</summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1, EventName = "TicketOpened", Level = LogLevel.Information,
        Message = "Opened {Number} ({TicketId}) for tenant {Tenant} with priority {Priority}, group {Group}, SLA policy {SlaPolicy}")]
    public static partial void TicketOpened(ILogger logger, TicketNumber number, TicketId ticketId, TenantId tenant, Priority priority, GroupId? group, string? slaPolicy);

    [LoggerMessage(EventId = 2, EventName = "CommandApplied", Level = LogLevel.Debug,
        Message = "{Command} on {Number} for tenant {Tenant}: {Outcome}, now at version {Version}")]
    public static partial void CommandApplied(ILogger logger, string command, TicketNumber number, TenantId tenant, CommandOutcome outcome, long version);

    [LoggerMessage(EventId = 3, EventName = "Transitioned", Level = LogLevel.Information,
        Message = "{Number} for tenant {Tenant}: {Trigger} moved it from {From} to {To}")]
    public static partial void Transitioned(ILogger logger, TicketNumber number, TenantId tenant, string trigger, TicketStatus from, TicketStatus to);

    [LoggerMessage(EventId = 4, EventName = "TransitionRejected", Level = LogLevel.Information,
        Message = "{Number} for tenant {Tenant}: {Trigger} rejected ({Outcome}): {UnmetGuards}")]
    public static partial void TransitionRejected(ILogger logger, TicketNumber number, TenantId tenant, string trigger, CommandOutcome outcome, string unmetGuards);

    [LoggerMessage(EventId = 5, EventName = "CommandReplayed", Level = LogLevel.Information,
        Message = "{Command} on ticket {TicketId} for tenant {Tenant}: idempotency key already applied; nothing stored")]
    public static partial void CommandReplayed(ILogger logger, string command, TicketId ticketId, TenantId tenant);

    [LoggerMessage(EventId = 6, EventName = "ConcurrencyRetry", Level = LogLevel.Debug,
        Message = "Attempt {Attempt} of {MaxAttempts} lost a race on ticket {TicketId} (expected version {Expected}, stored {Actual}); retrying")]
    public static partial void ConcurrencyRetry(ILogger logger, int attempt, int maxAttempts, TicketId ticketId, long expected, long actual);

    [LoggerMessage(EventId = 7, EventName = "SlaBreached", Level = LogLevel.Warning,
        Message = "{Number} for tenant {Tenant}: SLA metric {Metric} stopped breached (cycle {Cycle})")]
    public static partial void SlaBreached(ILogger logger, TicketNumber number, TenantId tenant, string metric, int cycle);

    [LoggerMessage(EventId = 8, EventName = "UnknownSlaPolicy", Level = LogLevel.Warning,
        Message = "Routing chose SLA policy {SlaPolicy}, which the engine's policy set does not have; selecting by precedence instead")]
    public static partial void UnknownSlaPolicy(ILogger logger, string slaPolicy);

    [LoggerMessage(EventId = 9, EventName = "Escalated", Level = LogLevel.Information,
        Message = "Escalated {Number} of tenant {Tenant} to level {Level} ({Rule}): {Outputs}")]
    public static partial void Escalated(ILogger logger, TicketNumber number, TenantId tenant, int level, string rule, string outputs);

    [LoggerMessage(EventId = 10, EventName = "SweepFailed", Level = LogLevel.Error,
        Message = "The sweeper could not process the timer of ticket {TicketId} of tenant {Tenant}; released for a retry")]
    public static partial void SweepFailed(ILogger logger, Exception exception, TicketId ticketId, TenantId tenant);

    [LoggerMessage(EventId = 11, EventName = "SweepCompleted", Level = LogLevel.Debug,
        Message = "Sweep claimed {Claimed} timers: {Escalations} escalations, {Thresholds} thresholds, {Rescheduled} rescheduled, {Conflicts} conflicts, {Failed} failed")]
    public static partial void SweepCompleted(ILogger logger, int claimed, int escalations, int thresholds, int rescheduled, int conflicts, int failed);

    [LoggerMessage(EventId = 12, EventName = "FollowUpOpened", Level = LogLevel.Information,
        Message = "Opened follow-up {Number} of {Source} of tenant {Tenant}: the workflow asked for a new linked ticket")]
    public static partial void FollowUpOpened(ILogger logger, TicketNumber number, TicketNumber source, TenantId tenant);

    [LoggerMessage(EventId = 13, EventName = "CommandDenied", Level = LogLevel.Warning,
        Message = "Denied {Command} by {Actor} on ticket {TicketId} of tenant {Tenant}: {Reason}")]
    public static partial void CommandDenied(ILogger logger, string command, string actor, TicketId ticketId, TenantId tenant, string reason);

    [LoggerMessage(EventId = 14, EventName = "CascadeApplied", Level = LogLevel.Information,
        Message = "{Source} in tenant {Tenant}: cascade {Trigger} fired on {Target} (linked {LinkType})")]
    public static partial void CascadeApplied(ILogger logger, TicketNumber source, TenantId tenant, string trigger, TicketNumber target, TicketLinkType linkType);

    [LoggerMessage(EventId = 15, EventName = "CascadeSkipped", Level = LogLevel.Information,
        Message = "{Source} in tenant {Tenant}: cascade {Trigger} not fired on {Target}: {Unmet}")]
    public static partial void CascadeSkipped(ILogger logger, TicketNumber source, TenantId tenant, string trigger, TicketId target, string unmet);

    [LoggerMessage(EventId = 16, EventName = "AgentChosen", Level = LogLevel.Information,
        Message = "Ticket {TicketId} of tenant {Tenant}: automatic assignment ({Trigger}) in group {Group} chose {Agent} by {Strategy}")]
    public static partial void AgentChosen(ILogger logger, TicketId ticketId, TenantId tenant, AssignmentTrigger trigger, GroupId group, string agent, string strategy);
}
