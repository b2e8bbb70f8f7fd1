using NodaTime;
using ServiceDesk.Engine;
using ServiceDesk.Events;
using ServiceDesk.Routing;
using ServiceDesk.Sla;
using ServiceDesk.Testing;

namespace ServiceDesk.Storage.PostgreSql.Tests;

/// <summary>
/// The reliability test on a real server: four escalation sweepers, each with its own store (connection pool),
/// over 10,000 tickets whose two escalation levels are due: every level fires exactly once.
/// </summary>
public sealed class PostgreSqlSweeperTests
{
    private const int Tickets = 10_000;

    [PostgresFact]
    public async Task FourSweepers_OverTenThousandDueTimers_FireEveryLevelExactlyOnce()
    {
        // A schema of its own: claims cover every tenant of a store, so no other test's timers may be in it.
        var options = new PostgreSqlTicketStoreOptions
        {
            ConnectionString = PostgresServer.RequireConnectionString(),
            Schema = "sdsweep_" + Guid.NewGuid().ToString("N")[..12],
        };
        var clock = new TestClock();
        var calendar = new BusinessCalendarBuilder("UTC").AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0)).Build();
        var policy = new SlaPolicyOptions { Name = "standard" };
        policy.Metrics.Add(SlaMetricOptions.Resolution(calendar, Duration.FromHours(8)));
        var engineOptions = ServiceDeskEngineOptions.CreateDefault()
            .With(null, new SlaPolicySet([policy.Build()]))
            .With(new EscalationPolicyBuilder()
                .Rule("half", 1, EscalationTrigger.SlaPercent("resolution", 50), NotificationDelivery.Immediately, EscalationAction.Notify(NotifyTarget.Assignee))
                .Rule("breach", 2, EscalationTrigger.SlaPercent("resolution", 100), NotificationDelivery.Immediately, EscalationAction.ToGroup(new GroupId("second-line")))
                .Build());

        var stores = new List<PostgreSqlTicketStore>();
        var engines = new List<ServiceDeskEngine>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                stores.Add(await PostgreSqlTicketStore.OpenAsync(options));
                engines.Add(new ServiceDeskEngine(stores[i], clock, engineOptions));
            }

            var tenants = new[] { new TenantId("sweep-a"), new TenantId("sweep-b") };
            var requester = new Requester(new CustomerId("c-1"), "Jane Doe", "jane@example.com");
            var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                var ids = new List<(TenantId, TicketId)>();
                for (var i = w; i < Tickets; i += 4)
                {
                    var tenant = tenants[i % 2];
                    var result = await engines[w].OpenTicketAsync(
                        new CommandContext(tenant, Actor.OfRequester("Jane Doe")),
                        new OpenTicketRequest(TicketKind.Incident, $"Ticket {i}", requester, Impact.Medium, Urgency.Medium));
                    ids.Add((tenant, result.Ticket.Id));
                }

                return ids;
            })));

            clock.Advance(Duration.FromHours(8)); // both levels due on every ticket
            var sweepers = engines.Select(e => new EscalationSweeper(e, new EscalationSweeperOptions { BatchSize = 200 })).ToArray();
            var results = await Task.WhenAll(sweepers.Select(s => Task.Run(() => s.SweepAllDueAsync())));
            var total = results.Aggregate(default(SweepResult), (a, b) => a + b) + await sweepers[0].SweepAllDueAsync();

            Assert.Equal(0, total.Failed);
            Assert.Equal(2 * Tickets, total.Escalations);
            Assert.All(results, r => Assert.True(r.Claimed > 0, "a sweeper got no timer: the claims did not overlap in time"));
            var all = opened.SelectMany(x => x).ToArray();
            Assert.Equal(Tickets, all.Length);
            foreach (var (tenant, id) in all)
            {
                var levels = (await stores[0].ReadHistoryAsync(tenant, id)).OfType<Escalated>().Select(e => e.Level).Order();
                Assert.Equal([1, 2], levels);
            }

            Assert.Equal(0, (await sweepers[1].SweepAllDueAsync()).Claimed);
        }
        finally
        {
            foreach (var engine in engines)
            {
                engine.Dispose();
            }

            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }
}
