using Microsoft.AspNetCore.Http.HttpResults;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Storage;

namespace ServiceDesk.Samples.WebApi;

/// <summary>The agent's side of automatic assignment: open work per agent, handing an agent's work over, and the last
/// assignment decision of a ticket with its explanation.</summary>
public static class AssignmentEndpoints
{
    /// <summary>Maps the endpoints under <c>/tenants/{tenant}</c>.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IEndpointRouteBuilder MapAssignmentEndpoints(this IEndpointRouteBuilder app)
    {
        var agents = app.MapGroup("/tenants/{tenant}/agents").WithTags("Assignment");

        agents.MapGet("/workload", async Task<Ok<AgentWorkloadResponse[]>> (string tenant, ServiceDeskEngine engine, ITicketStore tickets, CancellationToken ct) =>
        {
            var work = tickets is IAssignmentStore store
                ? await store.GetOpenWorkAsync(new TenantId(tenant), ct)
                : [];
            var byAgent = work.ToDictionary(w => w.Agent);
            var directory = engine.Options.Assignment?.Directory;
            var ids = (directory?.Agents.Select(a => a.Id) ?? []).Union(byAgent.Keys).OrderBy(a => a.Value, StringComparer.Ordinal);
            return TypedResults.Ok(ids.Select(id =>
            {
                var open = byAgent.GetValueOrDefault(id, new AgentOpenWork(id, 0, 0, 0, 0, 0));
                var profile = directory is not null && directory.TryGetAgent(id, out var p) ? p : null;
                return new AgentWorkloadResponse(
                    id.Value, profile?.Groups.Select(g => g.Value).ToArray() ?? [], open.Total, open.P1, open.P2, open.P3, open.P4, open.P5,
                    profile is null || profile.Capacity == int.MaxValue ? null : profile.Capacity);
            }).ToArray());
        }).WithName("GetAgentWorkload").WithSummary("Open tickets per agent by priority (from the store), with each agent's groups and capacity from the directory.");

        agents.MapPost("/{agent}/hand-over", async Task<Ok<HandOverResponse[]>> (string tenant, string agent, HandOverBody body, ServiceDeskEngine engine, CancellationToken ct) =>
        {
            var context = Parse.Agent(tenant, body.Agent, null);
            var results = await engine.HandOverAgentWorkAsync(context, new AgentId(Parse.Required(agent, "agent")), ct);
            return TypedResults.Ok(results.Select(r => new HandOverResponse(
                r.Ticket!.Id.ToString(), r.Ticket.Number.ToString(), r.Outcome, r.Ticket.AssignmentGroup?.Value, r.Ticket.Assignee?.Value,
                r.Events.OfType<AgentAssignmentDecided>().LastOrDefault()?.Explanation)).ToArray());
        }).WithName("HandOverAgentWork").WithSummary("Reassigns every open ticket of an agent who became unavailable within its group, without that agent (the engine's HandOverAgentWorkAsync).");

        app.MapGet("/tenants/{tenant}/tickets/{id}/assignment", async Task<Results<Ok<AssignmentDecisionResponse>, NotFound>> (
            string tenant, string id, ServiceDeskEngine engine, CancellationToken ct) =>
        {
            var history = await engine.GetHistoryAsync(new TenantId(tenant), Parse.Ticket(id), ct);
            return history.OfType<AgentAssignmentDecided>().LastOrDefault() is { } d
                ? TypedResults.Ok(new AssignmentDecisionResponse(d.Trigger, d.Group.Value, d.Agent?.Value, d.Strategy, d.Candidates, d.Eligible, d.Explanation, d.At))
                : TypedResults.NotFound();
        }).WithTags("Assignment").WithName("GetAssignmentDecision").WithSummary("The ticket's last automatic assignment decision and why it was made.");
        return app;
    }
}

/// <summary>Who hands the work over.</summary>
/// <param name="Agent">The acting agent (a lead or the agent themselves).</param>
public sealed record HandOverBody(string Agent);

/// <summary>One agent's open work.</summary>
public sealed record AgentWorkloadResponse(string Agent, IReadOnlyList<string> Groups, int Open, int P1, int P2, int P3, int P4, int P5, int? Capacity);

/// <summary>What happened to one ticket of a hand-over.</summary>
public sealed record HandOverResponse(string Id, string Number, CommandOutcome Outcome, string? Group, string? Assignee, string? Explanation);

/// <summary>An automatic assignment decision.</summary>
public sealed record AssignmentDecisionResponse(
    AssignmentTrigger Trigger, string Group, string? Agent, string Strategy, int Candidates, int Eligible, string Explanation, NodaTime.Instant At);
