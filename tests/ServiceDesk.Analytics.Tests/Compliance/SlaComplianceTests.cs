using NodaTime;
using ServiceDesk.Events;
using ServiceDesk.Sla;
using static ServiceDesk.Analytics.Tests.TestData;

namespace ServiceDesk.Analytics.Tests.Compliance;

public sealed class SlaComplianceTests
{
    internal static readonly Instant DocAsOf = Utc(2026, 3, 6, 17);
    internal static readonly ContractId C42 = new("C-42");

    /// <summary>The policy set of docs/analytics.md: default (first response 1 h, resolution 8 h with a 75 % threshold) and
    /// contract-42 (30 min, 4 h), both on Monday-Friday 09:00-17:00 UTC.</summary>
    internal static SlaPolicySet DocPolicies(Duration? defaultResolution = null)
        => new([Policy("default", Duration.FromHours(1), defaultResolution ?? Duration.FromHours(8), threshold: true), Policy("contract-42", Duration.FromMinutes(30), Duration.FromHours(4), contract: "C-42")]);

    internal static SlaPolicy Policy(string name, Duration firstResponse, Duration resolution, bool threshold = false, string? contract = null, BusinessCalendar? calendar = null)
    {
        var options = new SlaPolicyOptions { Name = name };
        if (contract is not null)
        {
            options.Contracts.Add(contract);
        }

        options.Metrics.Add(SlaMetricOptions.FirstResponse(calendar ?? OfficeUtc, firstResponse));
        var res = SlaMetricOptions.Resolution(calendar ?? OfficeUtc, resolution);
        if (threshold)
        {
            res.Thresholds.Add(SlaThreshold.Percent(75));
        }

        options.Metrics.Add(res);
        return options.Build();
    }

    /// <summary>The worked example of docs/analytics.md (week of Monday 2 March 2026, UTC), with each ticket's facts.</summary>
    internal static IReadOnlyList<(IReadOnlyList<TicketEvent> History, SlaTicketFacts? Facts)> DocTickets() =>
    [
        // A: P3, reply after 30 min, resolved after 2 h.
        (new History("A", Utc(2026, 3, 2, 9)).Assign(Utc(2026, 3, 2, 9), "desk").Reply(Utc(2026, 3, 2, 9, 30)).Resolve(Utc(2026, 3, 2, 11)).Events, null),
        // B: P2, opened Mon 16:00, reply Tue 09:30 (1 h 30 min of business time), resolved Tue 10:00 (2 h).
        (new History("B", Utc(2026, 3, 2, 16), Priority.P2High).Assign(Utc(2026, 3, 2, 16), "network").Reply(Utc(2026, 3, 3, 9, 30))
            .Resolve(Utc(2026, 3, 3, 10)).Events, null),
        // C: contract C-42, reply after 15 min, on hold Tue 11:00 - Wed 11:00, resolved Wed 14:00: 4 h elapsed, met at its due.
        (new History("C", Utc(2026, 3, 3, 10)).Assign(Utc(2026, 3, 3, 10), "desk").Reply(Utc(2026, 3, 3, 10, 15))
            .Hold(Utc(2026, 3, 3, 11)).Status(Utc(2026, 3, 4, 11), TicketStatus.InProgress).Resolve(Utc(2026, 3, 4, 14)).Events,
            new SlaTicketFacts(C42, Email)),
        // D: service email, an internal note, canceled after 45 min.
        (new History("D", Utc(2026, 3, 5, 9)).Assign(Utc(2026, 3, 5, 9), "desk").Note(Utc(2026, 3, 5, 9, 15))
            .Status(Utc(2026, 3, 5, 9, 45), TicketStatus.Canceled).Events, new SlaTicketFacts(Service: Email)),
        // E: P1, assigned to an agent after 20 min (a response for the statistics, not for the SLA), still open.
        (new History("E", Utc(2026, 3, 5, 15), Priority.P1Critical).Assign(Utc(2026, 3, 5, 15), "network")
            .AssignAgent(Utc(2026, 3, 5, 15, 20), "network", "bob").Events, null),
        // F: opened Friday 16:30, nothing else.
        (new History("F", Utc(2026, 3, 6, 16, 30)).Events, null),
        // G: opened on Saturday, after the evaluation instant.
        (new History("G", Utc(2026, 3, 7, 10)).Events, null),
        // H: opened Friday 27 February, reply after 10 min, resolved Monday 12:00: 11 h.
        (new History("H", Utc(2026, 2, 27, 9)).Reply(Utc(2026, 2, 27, 9, 10)).Resolve(Utc(2026, 3, 2, 12)).Events, null),
    ];

    internal static SlaComplianceReport DocReport(SlaPolicySet? policies = null)
    {
        var accumulator = new SlaComplianceAccumulator(new SlaComplianceOptions { Policies = policies ?? DocPolicies(), AsOf = DocAsOf });
        foreach (var (history, facts) in DocTickets())
        {
            accumulator.Add(history, facts);
        }

        return accumulator.ToReport();
    }

    private static SlaOutcomeCounts Counts(int met, int breached, int inProgress = 0, int notStarted = 0, int cancelled = 0, int reached = 0)
        => new(met, breached, inProgress, notStarted, cancelled, reached);

    [Fact]
    public void Accumulator_DocExample_CountsEveryOutcome()
    {
        var r = DocReport();

        Assert.Equal((8, 7, 0, 1), (r.Tickets, r.Evaluated, r.WithoutPolicy, r.OpenedAfterAsOf));
        Assert.Equal(["first_response", "resolution"], r.Metrics.Select(m => m.Metric));

        // First response: A, C, H met; B (1 h 30 min) and E (no public reply: 10 h running) breached; F in progress; D cancelled.
        var fr = r.Metric("first_response")!;
        Assert.Equal(Counts(3, 2, inProgress: 1, cancelled: 1), fr.Total);
        Assert.Equal(0.6, fr.Total.Compliance);

        // Resolution: A 2 h, B 2 h, C 4 h of 4 h met; H 11 h breached, E 10 h still open and breached; F in progress; D cancelled.
        // 75 % of 8 h (6 h) reached by E and H.
        var res = r.Metric("resolution")!;
        Assert.Equal(Counts(3, 2, inProgress: 1, cancelled: 1, reached: 2), res.Total);
        Assert.Equal(0.6, res.Total.Compliance);

        Assert.Equal(
            [
                new SlaComplianceEntry<Priority>(Priority.P1Critical, Counts(0, 1, reached: 1)),
                new SlaComplianceEntry<Priority>(Priority.P2High, Counts(1, 0)),
                new SlaComplianceEntry<Priority>(Priority.P3Moderate, Counts(2, 1, inProgress: 1, cancelled: 1, reached: 1)),
            ],
            res.ByPriority);
        Assert.Equal(
            [
                new SlaComplianceEntry<GroupId?>(null, Counts(0, 1, inProgress: 1, reached: 1)),
                new SlaComplianceEntry<GroupId?>(new GroupId("desk"), Counts(2, 0, cancelled: 1)),
                new SlaComplianceEntry<GroupId?>(new GroupId("network"), Counts(1, 1, reached: 1)),
            ],
            res.ByGroup);
        Assert.Equal(
            [
                new SlaComplianceEntry<ContractId?>(null, Counts(2, 2, inProgress: 1, cancelled: 1, reached: 2)),
                new SlaComplianceEntry<ContractId?>(C42, Counts(1, 0)),
            ],
            res.ByContract);
        Assert.Equal(
            [
                new SlaComplianceEntry<ServiceId?>(null, Counts(2, 2, inProgress: 1, reached: 2)),
                new SlaComplianceEntry<ServiceId?>(Email, Counts(1, 0, cancelled: 1)),
            ],
            res.ByService);
        Assert.Equal(
            [
                new SlaComplianceEntry<YearMonth>(new YearMonth(2026, 2), Counts(0, 1, reached: 1)),
                new SlaComplianceEntry<YearMonth>(new YearMonth(2026, 3), Counts(3, 1, inProgress: 1, cancelled: 1, reached: 1)),
            ],
            res.ByMonth);
        Assert.Equal(
            [
                new SlaComplianceEntry<string>("contract-42", Counts(1, 0)),
                new SlaComplianceEntry<string>("default", Counts(2, 2, inProgress: 1, cancelled: 1, reached: 2)),
            ],
            res.ByPolicy);
    }

    [Fact]
    public void Accumulator_MonthsInZone_TicketOpenedLateOnTheLastDayCountsInTheNextMonthEastOfUtc()
    {
        // H opened Friday 27 February 09:00 UTC; a ticket opened 28 February 23:30 UTC is in March in Berlin.
        var late = new History("late", Utc(2026, 2, 28, 23, 30)).Events;
        var options = new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf, Zone = DateTimeZoneProviders.Tzdb["Europe/Berlin"] };
        var r = SlaCompliance.Compute([late], options);
        Assert.Equal(new YearMonth(2026, 3), Assert.Single(r.Metric("resolution")!.ByMonth).Key);

        var utc = SlaCompliance.Compute([late], new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf });
        Assert.Equal(new YearMonth(2026, 2), Assert.Single(utc.Metric("resolution")!.ByMonth).Key);
    }

    [Fact]
    public void Accumulator_PriorityChange_CountsUnderTheLatestPriorityAndRetargetsTheClock()
    {
        var policy = new SlaPolicyOptions { Name = "p" };
        var res = SlaMetricOptions.Resolution(OfficeUtc, Duration.FromHours(8));
        res.TargetsByPriority[Priority.P1Critical] = Duration.FromHours(2);
        policy.Metrics.Add(res);
        var set = new SlaPolicySet([policy.Build()]);

        // Raised to P1 after 3 h of a P3: KeepElapsed breaches at the change.
        var h = new History("p", Utc(2026, 3, 2, 9)).Priority(Utc(2026, 3, 2, 12), Priority.P1Critical).Resolve(Utc(2026, 3, 2, 13)).Events;
        var r = SlaCompliance.Compute([h], new SlaComplianceOptions { Policies = set, AsOf = DocAsOf });
        var entry = Assert.Single(r.Metric("resolution")!.ByPriority);
        Assert.Equal(Priority.P1Critical, entry.Key);
        Assert.Equal(Counts(0, 1), entry.Counts);
    }

    [Fact]
    public void Accumulator_EventsAfterAsOf_HaveNotHappenedYet()
    {
        // Resolved Monday 11:00, but evaluated at 10:00: in progress.
        var h = new History("a", Utc(2026, 3, 2, 9)).Reply(Utc(2026, 3, 2, 9, 30)).Resolve(Utc(2026, 3, 2, 11)).Events;
        var r = SlaCompliance.Compute([h], new SlaComplianceOptions { Policies = DocPolicies(), AsOf = Utc(2026, 3, 2, 10) });
        Assert.Equal(Counts(1, 0), r.Metric("first_response")!.Total);
        Assert.Equal(Counts(0, 0, inProgress: 1), r.Metric("resolution")!.Total);
    }

    [Fact]
    public void Accumulator_HoldReason_IsTheStatusNameWhenNoneIsGiven_AndCustomHoldStatusesPause()
    {
        var waiting = new TicketStatus("WaitingForVendor");
        // Held without a reason Mon 10:00 - Tue 10:00 in a custom hold status, resolved Tue 12:00: 1 h + 2 h = 3 h of 2 h.
        var h = new History("w", Utc(2026, 3, 2, 9)).Status(Utc(2026, 3, 2, 10), waiting).Status(Utc(2026, 3, 3, 10), TicketStatus.InProgress)
            .Resolve(Utc(2026, 3, 3, 11)).Events;
        var set = new SlaPolicySet([Policy("p", Duration.FromHours(8), Duration.FromHours(2))]);

        var notHold = SlaCompliance.Compute([h], new SlaComplianceOptions { Policies = set, AsOf = DocAsOf });
        Assert.Equal(Counts(0, 1), notHold.Metric("resolution")!.Total);

        var options = new SlaComplianceOptions { Policies = set, AsOf = DocAsOf };
        options.HoldStatuses.Add(waiting);
        Assert.Equal(Counts(1, 0), SlaCompliance.Compute([h], options).Metric("resolution")!.Total);
    }

    [Fact]
    public void Accumulator_RoutedPolicy_WinsOverSelection_UnknownNameFallsBackToSelection()
    {
        var h = new History("r", Utc(2026, 3, 2, 9)).Resolve(Utc(2026, 3, 2, 15)).Events;       // 6 h
        var options = new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf };

        var routed = SlaCompliance.Compute([h], options, _ => new SlaTicketFacts(Policy: "contract-42"));
        Assert.Equal("contract-42", Assert.Single(routed.Metric("resolution")!.ByPolicy).Key);
        Assert.Equal(Counts(0, 1), routed.Metric("resolution")!.Total);

        var unknown = SlaCompliance.Compute([h], options, _ => new SlaTicketFacts(Policy: "gone"));
        Assert.Equal("default", Assert.Single(unknown.Metric("resolution")!.ByPolicy).Key);
        Assert.Equal(Counts(1, 0, reached: 1), unknown.Metric("resolution")!.Total);
    }

    [Fact]
    public void Accumulator_DueOverridden_JudgedAgainstTheManualDue_UntilCleared()
    {
        // Default policy, resolution 8 h from Mon 09:00 (due Mon 17:00), resolved Tue 12:00: breached...
        var late = new History("o", Utc(2026, 3, 2, 9)).Reply(Utc(2026, 3, 2, 9, 10)).Resolve(Utc(2026, 3, 3, 12));
        var options = new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf };
        Assert.Equal(Counts(0, 1, reached: 1), SlaCompliance.Compute([late.Events], options).Metric("resolution")!.Total);

        // ...unless an agent moved its due to Tue 15:00 before (the engine's OverrideSlaDueAsync): met.
        var moved = new History("o", Utc(2026, 3, 2, 9)).Reply(Utc(2026, 3, 2, 9, 10)).OverrideDue(Utc(2026, 3, 2, 10), "resolution", Utc(2026, 3, 3, 15))
            .Resolve(Utc(2026, 3, 3, 12));
        Assert.Equal(1, SlaCompliance.Compute([moved.Events], options).Metric("resolution")!.Total.Met);

        // Cleared again (a due of null) before the resolution: judged against the policy's due again.
        var cleared = new History("o", Utc(2026, 3, 2, 9)).Reply(Utc(2026, 3, 2, 9, 10)).OverrideDue(Utc(2026, 3, 2, 10), "resolution", Utc(2026, 3, 3, 15))
            .OverrideDue(Utc(2026, 3, 2, 11), "resolution", null).Resolve(Utc(2026, 3, 3, 12));
        Assert.Equal(1, SlaCompliance.Compute([cleared.Events], options).Metric("resolution")!.Total.Breached);
    }

    [Fact]
    public void Accumulator_PolicyReselected_RestartCountsFromTheReselection_KeepElapsedFromTheOpening()
    {
        var options = new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf };

        // Opened Mon 09:00 under default (8 h), moved to contract-42 (4 h) Mon 15:00 with its clocks restarted, resolved
        // Mon 17:30 + Tue 09:00-10:00: 3 h after the restart, within 4 h: met, counted under contract-42.
        var restarted = new History("s", Utc(2026, 3, 2, 9)).Reply(Utc(2026, 3, 2, 9, 10)).Reselect(Utc(2026, 3, 2, 15), "contract-42", "default", restarted: true)
            .Resolve(Utc(2026, 3, 3, 10)).Events;
        var r = SlaCompliance.Compute([restarted], options).Metric("resolution")!;
        Assert.Equal(("contract-42", 1), (Assert.Single(r.ByPolicy).Key, r.Total.Met));

        // The same with the elapsed time kept: 9 h since the opening against 4 h: breached.
        var kept = new History("s", Utc(2026, 3, 2, 9)).Reply(Utc(2026, 3, 2, 9, 10)).Reselect(Utc(2026, 3, 2, 15), "contract-42", "default", restarted: false)
            .Resolve(Utc(2026, 3, 3, 10)).Events;
        Assert.Equal(1, SlaCompliance.Compute([kept], options).Metric("resolution")!.Total.Breached);

        // A re-selection after the evaluation instant has not happened yet; one to a policy the set lacks (a what-if with
        // other policies) falls back to the set's own selection.
        var later = new History("s", Utc(2026, 3, 2, 9)).Reselect(Utc(2026, 3, 9, 9), "contract-42", "default", restarted: true).Events;
        Assert.Equal("default", Assert.Single(SlaCompliance.Compute([later], options).Metric("resolution")!.ByPolicy).Key);
        var unknown = new History("s", Utc(2026, 3, 2, 9)).Reselect(Utc(2026, 3, 2, 10), "platinum", "default", restarted: true).Events;
        Assert.Equal("default", Assert.Single(SlaCompliance.Compute([unknown], options).Metric("resolution")!.ByPolicy).Key);
    }

    [Fact]
    public void Accumulator_NextResponseCycles_EachJudged_OrOnlyTheCurrentOne()
    {
        var options = new SlaPolicyOptions { Name = "replies" };
        options.Metrics.Add(SlaMetricOptions.NextResponse(OfficeUtc, Duration.FromHours(1)));
        var set = new SlaPolicySet([options.Build()]);

        // Monday: the customer writes at 10:00 (answered 10:30, met), 11:00 (answered 13:00, breached) and 14:00 (open at
        // 14:30, in progress).
        var h = new History("n", Utc(2026, 3, 2, 9)).CustomerReply(Utc(2026, 3, 2, 10)).Reply(Utc(2026, 3, 2, 10, 30))
            .CustomerReply(Utc(2026, 3, 2, 11)).Reply(Utc(2026, 3, 2, 13)).CustomerReply(Utc(2026, 3, 2, 14)).Events;
        var asOf = Utc(2026, 3, 2, 14, 30);
        var every = SlaCompliance.Compute([h], new SlaComplianceOptions { Policies = set, AsOf = asOf });
        Assert.Equal(Counts(1, 1, inProgress: 1), every.Metric("next_response")!.Total);
        Assert.Equal(0.5, every.Metric("next_response")!.Total.Compliance);

        var current = SlaCompliance.Compute([h], new SlaComplianceOptions { Policies = set, AsOf = asOf, EveryCycle = false });
        Assert.Equal(Counts(0, 0, inProgress: 1), current.Metric("next_response")!.Total);
    }

    [Fact]
    public void Accumulator_NoPolicyApplies_CountedAsWithoutPolicy()
    {
        var set = new SlaPolicySet([Policy("c42 only", Duration.FromHours(1), Duration.FromHours(8), contract: "C-42")]);
        var r = SlaCompliance.Compute([new History("x", Utc(2026, 3, 2, 9)).Events], new SlaComplianceOptions { Policies = set, AsOf = DocAsOf });
        Assert.Equal((1, 0, 1, 0), (r.Tickets, r.Evaluated, r.WithoutPolicy, r.OpenedAfterAsOf));
        Assert.Empty(r.Metrics);
        Assert.Null(r.Metric("resolution"));
    }

    [Fact]
    public void Compute_NoHistories_DocumentedEmptyReport()
    {
        var r = SlaCompliance.Compute([], new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf });
        Assert.Equal((0, 0, 0, 0), (r.Tickets, r.Evaluated, r.WithoutPolicy, r.OpenedAfterAsOf));
        Assert.Empty(r.Metrics);
    }

    [Fact]
    public void Compute_EmptyOrNullHistory_ThrowsBeforeAskingForFacts()
    {
        var options = new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf };
        var asked = 0;
        SlaTicketFacts? Facts(TicketId id)
        {
            asked++;
            return null;
        }

        Assert.Throws<ArgumentException>(() => SlaCompliance.Compute([[]], options, Facts));
        Assert.Throws<ArgumentNullException>(() => SlaCompliance.Compute([[null!]], options, Facts));
        Assert.Throws<ArgumentNullException>(() => SlaCompliance.Compute([null!], options, Facts));
        Assert.Equal(0, asked);
    }

    [Fact]
    public async Task ComputeAsync_SameAsCompute_AndCancellable()
    {
        var tickets = DocTickets();
        var facts = tickets.Where(t => t.Facts is not null).ToDictionary(t => t.History[0].Ticket, t => t.Facts);
        var options = new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf };

        // A store query honours the token it is enumerated with (WithCancellation passes it here).
        static async IAsyncEnumerable<IReadOnlyList<TicketEvent>> Stream(
            IEnumerable<IReadOnlyList<TicketEvent>> histories, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var h in histories)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                yield return h;
            }
        }

        var streamed = await SlaCompliance.ComputeAsync(Stream(tickets.Select(t => t.History)), options, id => facts.GetValueOrDefault(id));
        var expected = DocReport();
        Assert.Equal((expected.Tickets, expected.Evaluated, expected.OpenedAfterAsOf), (streamed.Tickets, streamed.Evaluated, streamed.OpenedAfterAsOf));
        Assert.Equal(expected.Metrics.Select(m => m.Total), streamed.Metrics.Select(m => m.Total));
        Assert.Equal(expected.Metric("resolution")!.ByContract, streamed.Metric("resolution")!.ByContract);

        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await SlaCompliance.ComputeAsync(Stream(tickets.Select(t => t.History)), options, null, cancel.Token));
    }

    [Fact]
    public void Add_EmptyHistory_Throws()
    {
        var accumulator = new SlaComplianceAccumulator(new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf });
        var e = Assert.Throws<ArgumentException>(() => accumulator.Add([]));
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, accumulator.Count);
    }

    [Fact]
    public void Add_EventsOutOfOrder_ThrowsNamingTheEventAndCountsNothing()
    {
        var h = new History("o", Utc(2026, 3, 2, 12)).Reply(Utc(2026, 3, 2, 13)).Events.ToList();
        h.Add(new StatusChanged(Tenant, h[0].Ticket, 3, Utc(2026, 3, 2, 11), Actor.System, TicketStatus.New, TicketStatus.Resolved));
        var accumulator = new SlaComplianceAccumulator(new SlaComplianceOptions { Policies = DocPolicies(), AsOf = DocAsOf });

        var e = Assert.Throws<ArgumentException>(() => accumulator.Add(h));
        Assert.Contains("out of order: event 2 (StatusChanged)", e.Message, StringComparison.Ordinal);
        Assert.Contains("2026-03-02T11:00:00Z", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, accumulator.Count);
        Assert.Equal(0, accumulator.ToReport().Tickets);
    }

    [Fact]
    public void Constructor_MissingPoliciesAndAsOf_ThrowsListingBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => new SlaComplianceAccumulator(new SlaComplianceOptions()));
        Assert.Contains("Policies is null", e.Message, StringComparison.Ordinal);
        Assert.Contains("AsOf is null", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new SlaComplianceAccumulator(null!));
    }

    [Fact]
    public void Accumulator_CalendarNeverOpenInThePeriod_ClocksStayInProgressNotAnError()
    {
        // Every day of March 2026 closed: no business time passes, so nothing can breach (or be judged while open).
        var builder = new BusinessCalendarBuilder("Etc/UTC").AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0));
        for (var day = new LocalDate(2026, 3, 1); day.Month == 3; day = day.PlusDays(1))
        {
            builder.Close(day);
        }

        var closed = builder.Build();
        var set = new SlaPolicySet([Policy("closed", Duration.FromHours(1), Duration.FromHours(8), calendar: closed)]);
        var h = new History("n", Utc(2026, 3, 2, 9)).Assign(Utc(2026, 3, 2, 9), "desk").Events;
        var resolved = new History("m", Utc(2026, 3, 3, 9)).Resolve(Utc(2026, 3, 20, 9)).Events;
        var r = SlaCompliance.Compute([h, resolved], new SlaComplianceOptions { Policies = set, AsOf = Utc(2026, 3, 31, 12) });

        // h: both clocks running with zero elapsed; resolved: first response and resolution met with zero elapsed.
        Assert.Equal(Counts(1, 0, inProgress: 1), r.Metric("first_response")!.Total);
        Assert.Equal(Counts(1, 0, inProgress: 1), r.Metric("resolution")!.Total);
    }

    [Fact]
    public void SlaTarget_OfZero_IsRefusedByTheSlaPackage()
    {
        var e = Assert.Throws<InvalidDefinitionException>(() => SlaMetricOptions.Resolution(OfficeUtc, Duration.Zero).Build());
        Assert.Contains("target", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Compliance_OnlyMetOrOnlyBreached_IsOneOrZero_AndNullWhenNothingIsJudged()
    {
        Assert.Equal(1.0, Counts(3, 0).Compliance);
        Assert.Equal(0.0, Counts(0, 3).Compliance);
        Assert.Null(Counts(0, 0, inProgress: 2, notStarted: 1, cancelled: 4).Compliance);
        Assert.Equal(7, Counts(0, 0, inProgress: 2, notStarted: 1, cancelled: 4).Total);
    }
}
