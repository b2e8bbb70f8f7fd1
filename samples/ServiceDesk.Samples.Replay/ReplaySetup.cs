using NodaTime;
using ServiceDesk.Billing;
using ServiceDesk.Routing;
using ServiceDesk.Sla;

namespace ServiceDesk.Samples.Replay;

/// <summary>
/// The documented definitions the replay runs on (see the sample's README): the business calendar, the SLA policy, the
/// escalation rules, the routing rules and the four sample contracts.
/// </summary>
public static class ReplaySetup
{
    /// <summary>The tenant the replay writes to.</summary>
    public static readonly TenantId Tenant = new("uci");

    /// <summary>The name of the replay's SLA policy.</summary>
    public const string PolicyName = "uci-incidents";

    /// <summary>The SLA metric the report reads.</summary>
    public const string Metric = "resolution";

    /// <summary>The group a breached incident is escalated to (functional escalation).</summary>
    public static readonly GroupId SecondLine = new("2nd-line");

    /// <summary>The group routing puts an incident in when the log gives no group at opening.</summary>
    public static readonly GroupId ServiceDesk = new("service-desk");

    /// <summary>The resolution targets by priority (business time): P1 4 h, P2 10 h, P3 30 h, P4 50 h, as in docs/sla.md.</summary>
    public static IReadOnlyDictionary<Priority, Duration> DefaultTargets { get; } = new Dictionary<Priority, Duration>
    {
        [Priority.P1Critical] = Duration.FromHours(4),
        [Priority.P2High] = Duration.FromHours(10),
        [Priority.P3Moderate] = Duration.FromHours(30),
        [Priority.P4Low] = Duration.FromHours(50),
    };

    /// <summary>
    /// The business calendar: Monday to Friday 08:00-18:00 in <c>Etc/UTC</c> (the log has no zone, so its wall times are
    /// read as UTC), closed on the Brazilian national public holidays of 2016 and 2017 (the log comes from a Brazilian
    /// company's ServiceNow instance; the holidays are an assumption of this sample).
    /// </summary>
    /// <returns>The calendar.</returns>
    public static BusinessCalendar Calendar()
    {
        var builder = new BusinessCalendarBuilder("Etc/UTC").AddWeekdayHours(new LocalTime(8, 0), new LocalTime(18, 0));
        foreach (var (month, day) in new[] { (1, 1), (4, 21), (5, 1), (9, 7), (10, 12), (11, 2), (11, 15), (12, 25) })
        {
            builder.CloseYearly(new AnnualDate(month, day));
        }

        // Movable feasts: Carnival Monday and Tuesday, Good Friday, Corpus Christi.
        foreach (var date in new[]
        {
            new LocalDate(2016, 2, 8), new LocalDate(2016, 2, 9), new LocalDate(2016, 3, 25), new LocalDate(2016, 5, 26),
            new LocalDate(2017, 2, 27), new LocalDate(2017, 2, 28),
        })
        {
            builder.Close(date);
        }

        return builder.Build();
    }

    /// <summary>The one SLA policy, for every incident: a resolution clock from opening, paused on hold (any "Awaiting ..."
    /// state), stopped at Resolved or Closed, continued on reopen, elapsed time kept on priority changes; a 75% warning
    /// threshold.</summary>
    /// <param name="calendar">The business calendar.</param>
    /// <param name="targets">The resolution targets by priority; <see cref="DefaultTargets"/> when <see langword="null"/>.</param>
    /// <returns>The policy set.</returns>
    public static SlaPolicySet SlaPolicies(BusinessCalendar calendar, IReadOnlyDictionary<Priority, Duration>? targets = null)
    {
        targets ??= DefaultTargets;
        var resolution = SlaMetricOptions.Resolution(calendar, targets.GetValueOrDefault(Priority.P3Moderate, Duration.FromHours(30)));
        foreach (var (priority, target) in targets)
        {
            resolution.TargetsByPriority[priority] = target;
        }

        resolution.Thresholds.Add(SlaThreshold.Percent(75));
        var policy = new SlaPolicyOptions { Name = PolicyName };
        policy.Kinds.Add(TicketKind.Incident);
        policy.Metrics.Add(resolution);
        return new SlaPolicySet([policy.Build()]);
    }

    /// <summary>
    /// The escalation rules: level 1 at 75% of the resolution target notifies the assignee; level 2 at 100% (breach)
    /// notifies the group lead and moves the incident to the 2nd-line group (functional escalation); level 3 at 150%
    /// notifies the account manager (hierarchical escalation).
    /// </summary>
    /// <param name="calendar">The business calendar.</param>
    /// <returns>The policy.</returns>
    public static EscalationPolicy Escalation(BusinessCalendar calendar) => new EscalationPolicyBuilder()
        .WithBusinessHours(calendar)
        .Rule("warn-75", 1, EscalationTrigger.SlaPercent(Metric, 75), NotificationDelivery.Immediately, EscalationAction.Notify(NotifyTarget.Assignee))
        .Rule("breach-to-2nd-line", 2, EscalationTrigger.SlaPercent(Metric, 100), NotificationDelivery.Immediately,
            EscalationAction.Notify(NotifyTarget.GroupLead), EscalationAction.ToGroup(SecondLine))
        .Rule("overdue-150", 3, EscalationTrigger.SlaPercent(Metric, 150), NotificationDelivery.Immediately, EscalationAction.Notify(NotifyTarget.AccountManager))
        .Build();

    /// <summary>The routing rules: an incident the log opens without a group goes to the service desk (1st line); the
    /// log's own group, when given at opening, wins (an explicit group beats the rules).</summary>
    /// <returns>The rule set.</returns>
    public static RoutingRuleSet Routing() => new RoutingRuleSetBuilder(RuleEvaluationMode.FirstMatch)
        .Rule("default-to-service-desk", r => r.When(RoutingCondition.Always).AssignTo(ServiceDesk, SupportTier.FirstLine))
        .Build();

    /// <summary>The priority matrix of the source instance: the ITIL 3x3 matrix, except that low impact and low urgency is
    /// P4 (the log never has P5).</summary>
    /// <returns>The matrix.</returns>
    public static PriorityMatrix Matrix() => new PriorityMatrixBuilder(3, 3)
        .Set(Impact.High, Urgency.High, Priority.P1Critical)
        .Set(Impact.High, Urgency.Medium, Priority.P2High)
        .Set(Impact.High, Urgency.Low, Priority.P3Moderate)
        .Set(Impact.Medium, Urgency.High, Priority.P2High)
        .Set(Impact.Medium, Urgency.Medium, Priority.P3Moderate)
        .Set(Impact.Medium, Urgency.Low, Priority.P4Low)
        .Set(Impact.Low, Urgency.High, Priority.P3Moderate)
        .Set(Impact.Low, Urgency.Medium, Priority.P4Low)
        .Set(Impact.Low, Urgency.Low, Priority.P4Low)
        .Build();

    /// <summary>
    /// The four fictitious contracts (EUR, zone Etc/UTC, from 1 February 2016, 20% tax, no approval step, time rounded up to
    /// 15 minutes): a subscription with included hours, time and materials with an after-hours multiplier, a prepaid
    /// bundle topped up by time and materials, and a VIP subscription with rollover.
    /// </summary>
    /// <param name="calendar">The business calendar (after-hours time).</param>
    /// <returns>The contracts, in the order <see cref="ContractFor"/> indexes them.</returns>
    public static IReadOnlyList<Contract> Contracts(BusinessCalendar calendar)
    {
        static ContractOptions Options(string id, string client, string name, ClientTier tier) => new()
        {
            Id = new ContractId(id),
            Tenant = Tenant,
            Client = new CustomerId(client),
            ClientLegalName = name,
            Start = new LocalDate(2016, 2, 1),
            Zone = DateTimeZone.Utc,
            Currency = Currency.Eur,
            Status = ContractStatus.Active,
            Tier = tier,
            TaxRate = 0.20m,
            RequireApproval = false,
            TimeRounding = TimeRoundingRule.UpTo(15, 15),
        };

        static Money Eur(decimal amount) => new(amount, Currency.Eur);

        var acme = Options("C-ACME", "acme", "Acme Retail Ltd", ClientTier.Standard);
        acme.Subscription = new SubscriptionPlan(Eur(4_000m), Duration.FromHours(60)) { OverageHourlyRate = Eur(85m) };

        var globex = Options("C-GLOBEX", "globex", "Globex Logistics GmbH", ClientTier.Standard);
        globex.TimeAndMaterials = new TimeAndMaterialsPlan
        {
            DefaultHourlyRate = Eur(95m),
            Rates = [new HourlyRate(Eur(140m)) { Priority = Priority.P1Critical }],
            AfterHoursMultiplier = 1.5m,
            BusinessHours = calendar,
        };

        var initech = Options("C-INITECH", "initech", "Initech Health SA", ClientTier.Premium);
        initech.PrepaidBundles.Add(new PrepaidBundle("B300", Duration.FromHours(300), new LocalDate(2016, 2, 1)) { Price = Eur(24_000m) });
        initech.TimeAndMaterials = new TimeAndMaterialsPlan { DefaultHourlyRate = Eur(90m) };

        var umbrella = Options("C-UMBRELLA", "umbrella", "Umbrella Finance plc", ClientTier.Vip);
        umbrella.Subscription = new SubscriptionPlan(Eur(9_000m), Duration.FromHours(150)) { OverageHourlyRate = Eur(110m), RolloverUnused = true };

        return [acme.Build(), globex.Build(), initech.Build(), umbrella.Build()];
    }

    /// <summary>The contract index of a caller: FNV-1a of the caller id, modulo the number of contracts (stable across
    /// runs and machines).</summary>
    /// <param name="caller">The log's <c>caller_id</c>.</param>
    /// <param name="contracts">The number of contracts.</param>
    /// <returns>The index.</returns>
    public static int ContractFor(string caller, int contracts)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var hash = 2166136261u;
        foreach (var c in caller)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return (int)(hash % (uint)contracts);
    }

    /// <summary>Turns a log value such as <c>Group 56</c> or <c>Opened by  8</c> into an identifier (<c>group-56</c>).</summary>
    /// <param name="value">The value.</param>
    /// <returns>Lower case, whitespace runs replaced by one dash.</returns>
    public static string Slug(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return string.Join('-', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
    }
}
