using NodaTime;
using static ServiceDesk.Billing.Tests.TestData;

namespace ServiceDesk.Billing.Tests;

public class TimeEntryValidatorTests
{
    private static readonly Instant T0 = Local(2026, 3, 2, 9);

    [Fact]
    public void Validate_CleanEntries_NoFaultsAndAllAccepted()
    {
        var entries = new[] { Entry("a", T0, Duration.FromHours(1)), Entry("b", T0 + Duration.FromHours(1), Duration.FromHours(1)) };

        var report = TimeEntryValidator.Validate(entries, Now);

        Assert.Empty(report.Faults);
        Assert.Equal(entries, report.Accepted);
        Assert.False(report.HasErrors);
        report.ThrowIfErrors();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-30)]
    public void Validate_NonPositiveDuration_Error(int minutes)
    {
        var report = TimeEntryValidator.Validate([Entry("a", T0, Duration.FromMinutes(minutes))], Now);

        var fault = Assert.Single(report.Faults);
        Assert.Equal(TimeEntryFaultKind.NonPositiveDuration, fault.Kind);
        Assert.Equal(FaultSeverity.Error, fault.Severity);
        Assert.Empty(report.Accepted);
        var ex = Assert.Throws<InvalidDefinitionException>(report.ThrowIfErrors);
        Assert.Contains("NonPositiveDuration", ex.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LongerThanMaximum_Error()
    {
        var report = TimeEntryValidator.Validate([Entry("a", T0, Duration.FromHours(25))], Now);

        Assert.Equal(TimeEntryFaultKind.DurationTooLong, Assert.Single(report.Faults).Kind);
    }

    [Fact]
    public void Validate_EndsBeyondFutureTolerance_Error()
    {
        var now = T0 + Duration.FromHours(1);
        var options = new TimeEntryValidationOptions { FutureTolerance = Duration.FromMinutes(5) };
        var withinTolerance = Entry("ok", T0, Duration.FromMinutes(65));
        var beyond = Entry("late", T0, Duration.FromMinutes(66));

        var report = TimeEntryValidator.Validate([withinTolerance, beyond], now, options);

        var fault = Assert.Single(report.Faults);
        Assert.Equal((new TimeEntryId("late"), TimeEntryFaultKind.InFuture), (fault.Entry, fault.Kind));
        Assert.Equal([withinTolerance], report.Accepted);
    }

    [Fact]
    public void Validate_SameIdDifferentContent_RefusesEveryCopyWhateverTheOrder_IdenticalCopyIgnored()
    {
        // Issue 19, class 9: the old validator billed whichever copy came first.
        var a = Entry("a", T0, Duration.FromHours(1));
        var longer = a with { Duration = Duration.FromHours(2) };
        var other = Entry("b", T0 + Duration.FromHours(3), Duration.FromHours(1));

        foreach (var order in new[] { new[] { a, a, longer, other }, [longer, other, a] })
        {
            var report = TimeEntryValidator.Validate(order, Now);

            var fault = Assert.Single(report.Faults);
            Assert.Equal((TimeEntryFaultKind.DuplicateId, FaultSeverity.Error), (fault.Kind, fault.Severity));
            Assert.Contains("none of them is billed", fault.Message, StringComparison.Ordinal);
            Assert.Equal([other], report.Accepted);
        }

        Assert.Equal([a], TimeEntryValidator.Validate([a, a], Now).Accepted);
    }

    [Fact]
    public void Validate_StartNearTheEndOfTime_IsAnErrorNotAnOverflow()
    {
        // Issue 19, class 3: such an entry used to be accepted and then make every billing run over the tenant throw.
        var late = Entry("late", Instant.FromUtc(9999, 12, 31, 20, 0), Duration.FromHours(1));
        var early = Entry("early", Instant.FromUtc(1, 1, 1, 0, 0), Duration.FromHours(1));

        var report = TimeEntryValidator.Validate([late, early], Instant.MaxValue - Duration.FromDays(1));

        Assert.Equal([TimeEntryFaultKind.StartOutOfRange, TimeEntryFaultKind.StartOutOfRange], report.Faults.Select(f => f.Kind));
        Assert.Empty(report.Accepted);
    }

    [Fact]
    public void Validate_SameAgentOverlap_WarningAndStillAccepted()
    {
        var a = Entry("a", T0, Duration.FromHours(2));
        var b = Entry("b", T0 + Duration.FromHours(1), Duration.FromHours(2));
        var adjacent = Entry("c", T0 + Duration.FromHours(3), Duration.FromHours(1));
        var otherAgent = Entry("d", T0, Duration.FromHours(2), agent: Bob);

        var report = TimeEntryValidator.Validate([a, b, adjacent, otherAgent], Now);

        var fault = Assert.Single(report.Faults);
        Assert.Equal((new TimeEntryId("b"), TimeEntryFaultKind.Overlap, FaultSeverity.Warning, (TimeEntryId?)new TimeEntryId("a")), (fault.Entry, fault.Kind, fault.Severity, fault.Other));
        Assert.Equal(4, report.Accepted.Count);
        Assert.False(report.HasErrors);
    }

    [Fact]
    public void Validate_Correction_ReplacesOriginal()
    {
        var original = Entry("a", T0, Duration.FromHours(3));
        var correction = original.Correct(new TimeEntryId("a2"), duration: Duration.FromHours(2));

        var report = TimeEntryValidator.Validate([original, correction], Now);

        Assert.Empty(report.Faults);
        Assert.Equal([correction], report.Accepted);
        Assert.Equal(new TimeEntryId("a"), correction.Supersedes);
        Assert.Equal(ApprovalState.Pending, correction.Approval);
        Assert.Equal(Duration.FromHours(3), original.Duration);
    }

    [Fact]
    public void Validate_FaultyCorrection_OriginalStays()
    {
        var original = Entry("a", T0, Duration.FromHours(3));
        var correction = original.Correct(new TimeEntryId("a2"), duration: Duration.Zero);

        var report = TimeEntryValidator.Validate([original, correction], Now);

        Assert.Equal(TimeEntryFaultKind.NonPositiveDuration, Assert.Single(report.Faults).Kind);
        Assert.Equal([original], report.Accepted);
    }

    [Fact]
    public void Validate_CorrectionOfUnknownEntry_Error()
    {
        var report = TimeEntryValidator.Validate([Entry("a", T0, Duration.FromHours(1)) with { Supersedes = new TimeEntryId("ghost") }], Now);

        Assert.Equal(TimeEntryFaultKind.UnknownSupersededEntry, Assert.Single(report.Faults).Kind);
    }

    [Fact]
    public void Validate_TwoCorrectionsOfOneEntry_SecondIsError()
    {
        var original = Entry("a", T0, Duration.FromHours(3));
        var first = original.Correct(new TimeEntryId("a2"), duration: Duration.FromHours(2));
        var second = original.Correct(new TimeEntryId("a3"), duration: Duration.FromHours(1));

        var report = TimeEntryValidator.Validate([original, first, second], Now);

        var fault = Assert.Single(report.Faults);
        Assert.Equal((new TimeEntryId("a3"), TimeEntryFaultKind.AlreadySuperseded), (fault.Entry, fault.Kind));
        Assert.Equal([first], report.Accepted);
    }

    [Fact]
    public void Validate_SelfOrCyclicCorrections_Error()
    {
        var self = Entry("s", T0, Duration.FromHours(1)) with { Supersedes = new TimeEntryId("s") };
        var x = Entry("x", T0 + Duration.FromHours(2), Duration.FromHours(1)) with { Supersedes = new TimeEntryId("y") };
        var y = Entry("y", T0 + Duration.FromHours(4), Duration.FromHours(1)) with { Supersedes = new TimeEntryId("x") };

        var report = TimeEntryValidator.Validate([self, x, y], Now);

        Assert.All(report.Faults, f => Assert.Equal(TimeEntryFaultKind.CorrectionCycle, f.Kind));
        Assert.Equal(["s", "x", "y"], report.Faults.Select(f => f.Entry.Value));
        Assert.Empty(report.Accepted);
    }

    [Fact]
    public void Validate_BilledEntryChanged_Error()
    {
        var billed = Entry("a", T0, Duration.FromHours(1));
        var edited = billed with { Duration = Duration.FromHours(2) };

        var report = TimeEntryValidator.Validate([edited], Now, billed: new Dictionary<TimeEntryId, TimeEntry> { [billed.Id] = billed });

        Assert.Equal(TimeEntryFaultKind.BilledEntryModified, Assert.Single(report.Faults).Kind);
        Assert.Empty(TimeEntryValidator.Validate([billed], Now, billed: new Dictionary<TimeEntryId, TimeEntry> { [billed.Id] = billed }).Faults);
    }

    [Fact]
    public void Validate_OptionsOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeEntryValidator.Validate([], Now, new TimeEntryValidationOptions { FutureTolerance = Duration.FromHours(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeEntryValidator.Validate([], Now, new TimeEntryValidationOptions { MaxDuration = Duration.Zero }));
    }

    [Fact]
    public void Constructor_ProgrammerErrors_Throw()
    {
        Assert.Throws<ArgumentException>(() => Entry("a", T0, Duration.FromHours(1), activity: " "));
        Assert.Throws<ArgumentException>(() => new TimeEntry(default, Tenant, new ContractId("C"), Ticket(1), Alice, "x", T0, Duration.FromHours(1)));
        Assert.Throws<ArgumentException>(() => new TimeEntry(new TimeEntryId("a"), Tenant, new ContractId("C"), Ticket(1), default, "x", T0, Duration.FromHours(1)));
        Assert.Throws<ArgumentException>(() => new TimeEntryId("a b"));
    }
}
