using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>Prices a contract's time entries and one-off works month by month into <see cref="ContractMonthStatement"/>s.</summary>
/// <remarks>
/// <para><b>Pure.</b> No I/O, no clock (pass <c>now</c>), no state: the same inputs always give the same statements.
/// Thread-safe.</para>
/// <para><b>Order.</b> Months are computed from the contract's start month, carrying rollover and bundle balances.
/// Within a month, entries are priced in order of start instant, then id; billable time draws on the quota
/// (rolled-over time first), then on prepaid bundles, then becomes subscription overage if the subscription covers the
/// activity, else time and materials if that plan covers it and has a rate, else it is uncovered.</para>
/// <para><b>Inputs.</b> Entries and works of other contracts (or tenants) are ignored; entries before the contract's
/// start are listed as excluded in the first month's statement, entries after <c>through</c> are not considered. Entries are validated with
/// <see cref="TimeEntryValidator"/> (errors are excluded, corrections replace what they supersede); an entry belongs to
/// the month of its start in the contract's zone.</para>
/// </remarks>
public static class BillingCalculator
{
    /// <summary>Computes the statements of every month from the contract's start month through <paramref name="through"/>.</summary>
    /// <param name="contract">The contract.</param>
    /// <param name="through">The last month to compute.</param>
    /// <param name="entries">Time entries (all of the contract's entries up to that month, corrections included).</param>
    /// <param name="works">One-off works, or <see langword="null"/>.</param>
    /// <param name="now">The current instant, for validation.</param>
    /// <param name="validation">Validation settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="billed">Entries as billed, to detect edits of billed entries; or <see langword="null"/>.</param>
    /// <returns>One statement per month, in order; empty when <paramref name="through"/> is before the start month.</returns>
    public static IReadOnlyList<ContractMonthStatement> CalculateMonths(
        Contract contract, YearMonth through, IEnumerable<TimeEntry> entries, IEnumerable<OneOffWork>? works, Instant now,
        TimeEntryValidationOptions? validation = null, IReadOnlyDictionary<TimeEntryId, TimeEntry>? billed = null)
        => Calculate(contract, through, entries, works, now, validation, billed, lastOnly: false);

    /// <summary>
    /// Computes the statements from the contract's start month through <paramref name="through"/>; with
    /// <paramref name="lastOnly"/>, the months before it only carry rollover and bundle balances (no allocations,
    /// lines or statements), and only the last statement is returned. The last statement is the same either way.
    /// </summary>
    internal static IReadOnlyList<ContractMonthStatement> Calculate(
        Contract contract, YearMonth through, IEnumerable<TimeEntry> entries, IEnumerable<OneOffWork>? works, Instant now,
        TimeEntryValidationOptions? validation, IReadOnlyDictionary<TimeEntryId, TimeEntry>? billed, bool lastOnly)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(entries);
        var first = contract.Start.ToYearMonth();
        if (through < first)
        {
            return [];
        }

        var all = entries as IReadOnlyCollection<TimeEntry> ?? [.. entries];
        var report = TimeEntryValidator.Validate(all, now, validation, billed);
        var byMonth = ByMonth(contract, report.Chronological);
        var errorsByMonth = ErrorsByMonth(contract, all, report);
        var worksByMonth = EffectiveWorks(contract, works).GroupBy(w => contract.GetMonth(w.PerformedAt)).ToDictionary(g => g.Key, g => g.OrderBy(w => w.PerformedAt).ThenBy(w => w.Id).ToArray());
        var mineIds = report.Faults.Count == 0 ? [] : all.Where(e => Mine(contract, e)).Select(e => e.Id).ToHashSet();
        var faultsById = report.Faults.Where(f => mineIds.Contains(f.Entry)).ToLookup(f => f.Entry);
        var engine = new ContractEngine(contract);
        var statements = new List<ContractMonthStatement>();
        for (var month = first; month <= through; month = month.PlusMonths(1))
        {
            engine.BeginMonth(month);
            if (lastOnly && month < through)
            {
                // Only the balances carried into the next month matter: quota rollover, bundles and included units.
                if (byMonth.TryGetValue(month, out var earlier))
                {
                    foreach (var e in earlier)
                    {
                        engine.Price(engine.Facts(e, 0), null, null);
                    }
                }

                if (contract.Subscription is { IncludedUnits.Count: > 0 } && worksByMonth.TryGetValue(month, out var earlierWorks))
                {
                    var scratch = new SortedDictionary<string, decimal>(StringComparer.Ordinal);
                    foreach (var w in earlierWorks)
                    {
                        engine.PriceWork(w, scratch, out _);
                    }
                }

                engine.EndMonth();
                continue;
            }

            var allocations = new List<TimeAllocation>();
            var excluded = new List<ExcludedItem>();
            var faults = new List<TimeEntryFault>();
            if (month == first)
            {
                foreach (var early in byMonth.Where(p => p.Key < first).SelectMany(p => p.Value))
                {
                    excluded.Add(new ExcludedItem(early.Id.Value, ExclusionReason.NotInForce, "Before the contract's start."));
                }
            }

            if (errorsByMonth.TryGetValue(month, out var invalid))
            {
                foreach (var e in invalid)
                {
                    excluded.Add(new ExcludedItem(e.Id.Value, ExclusionReason.Invalid, string.Join(" ", faultsById[e.Id].Select(f => f.Message))));
                }
            }

            if (byMonth.TryGetValue(month, out var monthEntries))
            {
                foreach (var e in monthEntries)
                {
                    if (engine.Price(engine.Facts(e, 0), e, allocations) is { } reason)
                    {
                        excluded.Add(new ExcludedItem(e.Id.Value, reason, Describe(reason)));
                    }
                }

                faults.AddRange(monthEntries.SelectMany(e => faultsById[e.Id]));
            }

            if (invalid is not null)
            {
                faults.AddRange(invalid.SelectMany(e => faultsById[e.Id]));
            }

            var workTotals = new SortedDictionary<string, decimal>(StringComparer.Ordinal);
            var billedWorks = new List<WorkAllocation>();
            if (worksByMonth.TryGetValue(month, out var monthWorks))
            {
                foreach (var w in monthWorks)
                {
                    if (engine.PriceWork(w, workTotals, out var fromQuota) is { } reason)
                    {
                        excluded.Add(new ExcludedItem(w.Id.Value, reason, Describe(reason)));
                    }
                    else if (w.Quantity > 0m)
                    {
                        var charged = w.Quantity - fromQuota;
                        billedWorks.Add(new WorkAllocation(w, fromQuota, charged, new Money(contract.PriceList!.GetItem(w.ItemCode).UnitPrice.Amount * charged, contract.Currency)));
                    }
                }
            }

            engine.EndMonth();
            var lines = engine.BuildLines(workTotals);
            statements.Add(new ContractMonthStatement(
                contract, month, engine.Totals, engine.InForce, [.. allocations], engine.BundleUsages(), [.. lines], [.. billedWorks], engine.UnitUsages(),
                [.. excluded.OrderBy(x => x.Id, StringComparer.Ordinal)], [.. faults.OrderBy(f => f.Entry).ThenBy(f => f.Kind)]));
        }

        return statements;
    }

    /// <summary>Computes the statement of one month (the months before it are priced too, for rollover and bundle balances, but build no statements).</summary>
    /// <param name="contract">The contract.</param>
    /// <param name="month">The month.</param>
    /// <param name="entries">Time entries (all of the contract's entries up to that month).</param>
    /// <param name="works">One-off works, or <see langword="null"/>.</param>
    /// <param name="now">The current instant, for validation.</param>
    /// <param name="validation">Validation settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The statement.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="month"/> is before the contract's start month.</exception>
    public static ContractMonthStatement CalculateMonth(
        Contract contract, YearMonth month, IEnumerable<TimeEntry> entries, IEnumerable<OneOffWork>? works, Instant now, TimeEntryValidationOptions? validation = null)
    {
        ArgumentNullException.ThrowIfNull(contract);
        if (month < contract.Start.ToYearMonth())
        {
            throw new ArgumentOutOfRangeException(nameof(month), month, $"The month is before the contract's start month {contract.Start.ToYearMonth()}.");
        }

        return Calculate(contract, month, entries, works, now, validation, null, lastOnly: true)[^1];
    }

    /// <summary>The contract's accepted entries by month, each month in order of start, then id (the input is in that order).</summary>
    private static Dictionary<YearMonth, TimeEntry[]> ByMonth(Contract contract, TimeEntry[] chronological)
    {
        var mine = new List<TimeEntry>(chronological.Length);
        foreach (var e in chronological)
        {
            if (Mine(contract, e))
            {
                mine.Add(e);
            }
        }

        var result = new Dictionary<YearMonth, TimeEntry[]>();
        var from = 0;
        while (from < mine.Count)
        {
            var month = contract.GetMonth(mine[from].Start);
            var next = contract.GetMonthInterval(month).End;
            var to = from + 1;
            while (to < mine.Count && mine[to].Start < next)
            {
                to++;
            }

            result[month] = [.. mine.GetRange(from, to - from)];
            from = to;
        }

        return result;
    }

    private static bool Mine(Contract contract, TimeEntry e) => e.Contract == contract.Id && e.Tenant == contract.Tenant;

    internal static string Describe(ExclusionReason reason) => reason switch
    {
        ExclusionReason.NotApproved => "Pending approval; the contract bills approved entries only.",
        ExclusionReason.Rejected => "Rejected.",
        ExclusionReason.NotInForce => "The contract is not in force on this date.",
        ExclusionReason.UnknownItem => "The item is not in the contract's price list.",
        ExclusionReason.ItemNotAllowed => "The contract's one-off works plan does not allow this item.",
        ExclusionReason.AlreadyInvoiced => "Already on a current invoice of another period.",
        _ => "Invalid.",
    };

    internal static IEnumerable<OneOffWork> EffectiveWorks(Contract contract, IEnumerable<OneOffWork>? works)
    {
        if (works is null)
        {
            return [];
        }

        var mine = new Dictionary<OneOffWorkId, OneOffWork>();
        foreach (var w in works)
        {
            if (w is not null && w.Contract == contract.Id)
            {
                mine.TryAdd(w.Id, w);
            }
        }

        var superseded = mine.Values.Where(w => w.Supersedes is not null).Select(w => w.Supersedes!.Value).ToHashSet();
        return mine.Values.Where(w => !superseded.Contains(w.Id));
    }

    private static Dictionary<YearMonth, List<TimeEntry>> ErrorsByMonth(Contract contract, IEnumerable<TimeEntry> entries, TimeEntryValidationReport report)
    {
        var result = new Dictionary<YearMonth, List<TimeEntry>>();
        if (!report.HasErrors)
        {
            return result;
        }

        var failed = report.Faults.Where(f => f.Severity == FaultSeverity.Error).Select(f => f.Entry).ToHashSet();
        failed.ExceptWith(report.Accepted.Select(e => e.Id));
        var seen = new HashSet<TimeEntryId>();
        foreach (var e in entries)
        {
            if (e is not null && Mine(contract, e) && failed.Contains(e.Id) && seen.Add(e.Id))
            {
                var month = contract.GetMonth(e.Start);
                if (!result.TryGetValue(month, out var list))
                {
                    result[month] = list = [];
                }

                list.Add(e);
            }
        }

        return result;
    }
}
