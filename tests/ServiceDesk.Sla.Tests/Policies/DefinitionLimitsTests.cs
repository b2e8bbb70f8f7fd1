using NodaTime;

namespace ServiceDesk.Sla.Tests.Policies;

/// <summary>Issue 19, class 3: what an SLA definition accepts must be storable and evaluable for every ticket later, so the
/// limits are checked when the definition is built, with the field's path.</summary>
public sealed class DefinitionLimitsTests
{
    private static readonly BusinessCalendar Office = new BusinessCalendarBuilder("UTC")
        .AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0))
        .Build();

    private static SlaPolicyOptions Policy(string name, SlaMetricOptions metric)
    {
        var options = new SlaPolicyOptions { Name = name };
        options.Metrics.Add(metric);
        return options;
    }

    [Fact]
    public void Build_PolicyNameLongerThanEventsKeep_IsAFaultWithPathAndTruncatedEcho()
    {
        var name = new string('p', 10_000);

        var ex = Assert.Throws<InvalidDefinitionException>(() => Policy(name, SlaMetricOptions.Resolution(Office, Duration.FromHours(8))).Build());

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("$.name: 'pppp", error, StringComparison.Ordinal);
        Assert.Contains("(10,000 characters) is not a policy name; it must be 1 to 200 characters", error, StringComparison.Ordinal);
        Assert.True(error.Length < 400, error);
    }

    [Fact]
    public void Build_PolicyNameOfExactly200_IsAccepted()
        => Assert.Equal(200, Policy(new string('p', 200), SlaMetricOptions.Resolution(Office, Duration.FromHours(8))).Build().Name.Length);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Build_UnstorablePolicyOrMetricName_IsAFault(int which)
    {
        // Not the strings as theory data: xUnit serializes data as UTF-8, which turns a lone surrogate into U+FFFD.
        var name = which == 0 ? "bad\0name" : "lone\uD800";
        var metric = SlaMetricOptions.Resolution(Office, Duration.FromHours(8));
        metric.Name = name;

        var ex = Assert.Throws<InvalidDefinitionException>(() => Policy(name, metric).Build());

        Assert.Contains(ex.Errors, e => e.StartsWith("$.name:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains(".name:", StringComparison.Ordinal) && e.Contains("not a metric name", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_MetricNameOver64_IsAFault()
    {
        var metric = SlaMetricOptions.Resolution(Office, Duration.FromHours(8));
        metric.Name = new string('m', 65);

        var ex = Assert.Throws<InvalidDefinitionException>(() => metric.Build());

        Assert.Contains("it must be 1 to 64 characters", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TargetBeyondTheLongest_IsAFault()
    {
        var metric = SlaMetricOptions.Resolution(Office, SlaMetricOptions.MaxTarget + Duration.FromDays(1));
        metric.TargetsByPriority[Priority.P1Critical] = Duration.FromDays(100_000);

        var ex = Assert.Throws<InvalidDefinitionException>(() => metric.Build());

        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.StartsWith("$.target:", StringComparison.Ordinal) && e.Contains("longer than the longest target", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("$.targets.P1:", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_TargetTheCalendarCannotPlace_IsAFaultNotAThrowAtEveryOpening()
    {
        // Open one minute a week: ten years of business time would end some hundred thousand years later.
        var sparse = new BusinessCalendarBuilder("UTC").AddHours(IsoDayOfWeek.Monday, new LocalTime(9, 0), new LocalTime(9, 1)).Build();

        var ex = Assert.Throws<InvalidDefinitionException>(() => SlaMetricOptions.Resolution(sparse, SlaMetricOptions.MaxTarget).Build());

        Assert.Contains("ends after the supported range (year 9999) for a ticket opened in 2200", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_LongestTargetOnAnOfficeCalendar_IsAcceptedAndEvaluableFrom2200()
    {
        var metric = SlaMetricOptions.Resolution(Office, SlaMetricOptions.MaxTarget).Build();

        var due = Office.AddBusinessTime(SlaMetricOptions.PlaceableFrom, metric.Target);

        Assert.True(due > SlaMetricOptions.PlaceableFrom);
    }

    [Theory]
    [InlineData("999999999d")]
    [InlineData("9999999d23h")]
    public void FromJson_DurationBeyondTheSyntaxRange_IsAFaultNotAnOverflow(string target)
    {
        // Found by the engine's definition fuzz suite: nine digits of days overflowed NodaTime's Duration inside the parser.
        var json = """{ "calendars": { "c": { "zone": "UTC", "week": { "mon": [["09:00","17:00"]] } } }, """
            + """ "policies": [ { "name": "p", "metrics": [ { "name": "resolution", "kind": "resolution", "calendar": "c", """
            + """ "target": "8h", "targets": { "P1": " """.TrimEnd() + target + "\" } } ] } ] }";

        var ex = Assert.Throws<InvalidDefinitionException>(() => SlaPolicySet.FromJson(json));

        Assert.Contains(ex.Errors, e => e.Contains("targets", StringComparison.Ordinal) && e.Contains("P1", StringComparison.Ordinal));
    }

    [Fact]
    public void FromJson_EscapedLoneSurrogate_IsAFaultWithItsPathNotARawException()
    {
        // Found by the engine's definition fuzz suite: "\uDE00" is valid JSON but no valid .NET string; reading it threw
        // InvalidOperationException from deep inside the reader.
        const string json = """{ "policies": [ { "name": "p\uDE00", "metrics": [] } ] }""";

        var ex = Assert.Throws<InvalidDefinitionException>(() => SlaPolicySet.FromJson(json));

        Assert.Contains("$.policies[0].name: the string holds an escaped lone surrogate", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }
}
