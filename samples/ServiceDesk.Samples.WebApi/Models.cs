using System.Text.Json;
using NodaTime;
using ServiceDesk.Billing;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Sla;

namespace ServiceDesk.Samples.WebApi;

/// <summary>Opens a ticket. <c>kind</c>: Incident, ServiceRequest, Problem or Change; impact and urgency 1 (high) to 3 (low).</summary>
public sealed record OpenTicketBody(
    TicketKind Kind, string Subject, string Requester, string Customer, int Impact, int Urgency,
    string? Description = null, string? Email = null, string? Group = null, string? Contract = null, string? IdempotencyKey = null);

/// <summary>Fires a workflow trigger as an agent.</summary>
public sealed record TransitionBody(string Trigger, string Agent, string? Reason = null, string? Notes = null, string? IdempotencyKey = null);

/// <summary>A comment by an agent (public or internal) or by the requester (public).</summary>
public sealed record CommentBody(string Text, string? Agent = null, string? Requester = null, CommentVisibility Visibility = CommentVisibility.Public, string? IdempotencyKey = null);

/// <summary>Assigns the ticket, as the agent <c>agent</c>, to a group and/or an assignee: give <c>group</c>,
/// <c>assignee</c> or both; an assignee alone stays in the ticket's current group.</summary>
public sealed record AssignBody(string Agent, string? Group = null, string? Assignee = null, string? IdempotencyKey = null);

/// <summary>Time worked by an agent; <c>Started</c> is an ISO instant (default: <c>Minutes</c> ago).</summary>
public sealed record LogTimeBody(string Agent, int Minutes, bool Billable = true, string? Activity = null, string? Started = null, string? IdempotencyKey = null);

/// <summary>A ticket with its live SLA clocks.</summary>
public sealed record TicketResponse(
    string Id, string Number, TicketKind Kind, string Subject, string Status, Priority Priority, string? Group, string? Assignee,
    long Version, Instant OpenedAt, Instant UpdatedAt, string? SlaPolicy, Instant? NextDueAt, bool IsBreached, IReadOnlyList<ClockResponse> Clocks)
{
    public static TicketResponse From(TicketView view)
    {
        var t = view.Ticket;
        return new(t.Id.ToString(), t.Number.ToString(), t.Kind, t.Subject, t.Status.Name, t.Priority,
            t.AssignmentGroup?.Value, t.Assignee?.Value, t.Version, t.OpenedAt, t.UpdatedAt, view.SlaPolicy, view.NextDueAt, view.IsBreached,
            [.. view.Clocks.Select(ClockResponse.From)]);
    }
}

/// <summary>One SLA clock, evaluated when the ticket was read; durations are business time, ISO-8601 in hours (<c>PT8H30M</c>).</summary>
public sealed record ClockResponse(string Metric, SlaStage Stage, bool IsBreached, Duration Target, Duration Elapsed, Duration Remaining, decimal PercentElapsed, Instant? DueAt)
{
    public static ClockResponse From(SlaClockState c) => new(c.Metric, c.Stage, c.IsBreached, c.Target, c.Elapsed, c.Remaining, c.PercentElapsed, c.DueAt);
}

/// <summary>A command's outcome; <c>UnmetGuards</c> says why a transition was rejected.</summary>
public sealed record CommandResponse(CommandOutcome Outcome, string? Ticket, long? Version, IReadOnlyList<string> UnmetGuards)
{
    public static CommandResponse From(CommandResult r)
        => new(r.Outcome, r.Ticket?.Id.ToString(), r.Ticket?.Version, [.. r.UnmetGuards.Select(g => g.ToString())]);
}

/// <summary>One event of a ticket's history.</summary>
public sealed record HistoryEntry(long Version, string Type, Instant At, string Actor, JsonElement Event);

/// <summary>An invoice preview: the contract's statement for one month.</summary>
public sealed record InvoicePreview(
    string Contract, string Month, string Currency, Duration BillableTime, Duration IncludedTime, Duration OverageTime,
    decimal Net, decimal Tax, decimal Total, IReadOnlyList<InvoiceLineResponse> Lines)
{
    public static InvoicePreview From(ContractMonthStatement s) => new(
        s.Contract.Id.Value, s.Month.ToString("yyyy-MM", null), s.Contract.Currency.Code, s.BillableTime, s.IncludedTime, s.OverageTime,
        s.NetTotal.Amount, s.TaxTotal.Amount, s.Total.Amount,
        [.. s.Lines.Select(l => new InvoiceLineResponse(l.Kind, l.Description, l.Quantity, l.Unit, l.UnitPrice.Amount, l.Net.Amount, l.Tax.Amount))]);
}

/// <summary>One invoice line.</summary>
public sealed record InvoiceLineResponse(InvoiceLineKind Kind, string Description, decimal Quantity, string Unit, decimal UnitPrice, decimal Net, decimal Tax);

/// <summary>A message an outbox consumer parked.</summary>
public sealed record ParkedMessage(long Position, string Tenant, string Ticket, long Version, string Event, int Attempts, Instant ParkedAt, string? Error);
