using NodaTime;

namespace ServiceDesk.Sla.Tests;

/// <summary>The JSON definition: parsing, round-tripping and every validation fault, each with its JSON path.</summary>
public sealed class BusinessCalendarJsonTests
{
    private const string IssueExample = """
        {"zone":"Europe/Moscow","week":{"mon":[["09:00","13:00"],["14:00","18:00"]],"tue":[["09:00","18:00"]],"sun":[]},
         "closed":["2025-01-01",{"date":"2025-12-31","from":"14:00","to":"24:00"},{"yearly":"01-07"}],
         "open":[{"date":"2025-11-01","hours":[["09:00","18:00"]]}]}
        """;

    private const string ValidWeek = "\"week\":{\"mon\":[[\"09:00\",\"18:00\"]]}";

    [Fact]
    public void FromJson_IssueExample_ReadsEveryFeature()
    {
        var calendar = BusinessCalendar.FromJson(IssueExample);

        Assert.Equal("Europe/Moscow", calendar.Zone.Id);
        Assert.Equal(
            [new LocalTimeInterval(new LocalTime(9, 0), new LocalTime(13, 0)), new LocalTimeInterval(new LocalTime(14, 0), new LocalTime(18, 0))],
            calendar.GetWeeklyHours(IsoDayOfWeek.Monday));
        Assert.Empty(calendar.GetWeeklyHours(IsoDayOfWeek.Wednesday));
        Assert.Equal(
            [
                CalendarClosure.On(new LocalDate(2025, 1, 1)),
                CalendarClosure.On(new LocalDate(2025, 12, 31), new LocalTimeInterval(new LocalTime(14, 0), LocalTime.Midnight)),
                CalendarClosure.Yearly(new AnnualDate(1, 7)),
            ],
            calendar.Closures);
        Assert.Equal(new LocalDate(2025, 11, 1), Assert.Single(calendar.ExtraWorkingDays).Date);
        Assert.True(calendar.IsOpen(Instant.FromUtc(2025, 11, 1, 10, 0))); // Saturday 13:00 in Moscow, extra working day
    }

    [Fact]
    public void ToJson_IssueExample_WritesCanonicalForm()
    {
        var json = BusinessCalendar.FromJson(IssueExample).ToJson();

        Assert.Equal(
            """{"zone":"Europe/Moscow","week":{"mon":[["09:00","13:00"],["14:00","18:00"]],"tue":[["09:00","18:00"]],"wed":[],"thu":[],"fri":[],"sat":[],"sun":[]},"closed":["2025-01-01",{"date":"2025-12-31","from":"14:00","to":"24:00"},{"yearly":"01-07"}],"open":[{"date":"2025-11-01","hours":[["09:00","18:00"]]}]}""",
            json);
    }

    [Fact]
    public void ToJson_EveryTestCalendar_RoundTripsToSameDefinitionAndResults()
    {
        foreach (var (name, calendar) in TestCalendars.All)
        {
            var json = calendar.ToJson();
            var reloaded = BusinessCalendar.FromJson(json);
            Assert.True(json == reloaded.ToJson(), name);
            var start = Instant.FromUtc(2025, 2, 27, 11, 17);
            Assert.Equal(calendar.AddBusinessTime(start, Duration.FromHours(100)), reloaded.AddBusinessTime(start, Duration.FromHours(100)));
        }
    }

    [Fact]
    public void ToJson_MidnightEndsAndSeconds_AreWrittenAs24And_HHmmss()
    {
        var calendar = BusinessCalendar.FromJson("""{"zone":"Etc/UTC","week":{"mon":[["22:00","00:00"]],"tue":[["08:30:15","12:00"]],"wed":[["06:00","06:00"]]}}""");
        var json = calendar.ToJson();
        Assert.Contains("\"mon\":[[\"22:00\",\"24:00\"]]", json, StringComparison.Ordinal);
        Assert.Contains("\"tue\":[[\"08:30:15\",\"12:00\"]]", json, StringComparison.Ordinal);
        Assert.Contains("\"wed\":[[\"06:00\",\"06:00\"]]", json, StringComparison.Ordinal);
        Assert.Equal(Duration.FromHours(24), calendar.GetWeeklyHours(IsoDayOfWeek.Wednesday)[0].Length);
    }

    [Fact]
    public void FromJson_VectorCalendars_AllLoad()
    {
        foreach (var (name, json) in Vectors.CalendarJson())
        {
            var calendar = BusinessCalendar.FromJson(json);
            Assert.True(calendar.GetWeeklyHours(IsoDayOfWeek.Monday).Count > 0, name);
        }
    }

    [Theory]
    [InlineData("""{"zone":"Mars/Olympus_Mons",WEEK}""", "$.zone: unknown time zone 'Mars/Olympus_Mons'")]
    [InlineData("""{WEEK}""", "$.zone: missing")]
    [InlineData("""{"zone":42,WEEK}""", "$.zone: expected an IANA time zone id string")]
    [InlineData("""{"zone":"Etc/UTC"}""", "$.week: missing")]
    [InlineData("""{"zone":"Etc/UTC","week":[]}""", "$.week: expected an object of weekdays")]
    [InlineData("""{"zone":"Etc/UTC","week":{"mon":[]}}""", "$.week: no opening hours on any weekday")]
    [InlineData("""{"zone":"Etc/UTC","week":{"mon":[["09:00","25:00"]]}}""", "$.week.mon[0][1]: '25:00' is not a time of day")]
    [InlineData("""{"zone":"Etc/UTC","week":{"mon":[["9:00","18:00"]]}}""", "$.week.mon[0][0]: '9:00' is not a time of day")]
    [InlineData("""{"zone":"Etc/UTC","week":{"mon":[["09:60","18:00"]]}}""", "$.week.mon[0][0]: '09:60' is not a time of day")]
    [InlineData("""{"zone":"Etc/UTC","week":{"mon":[["24:00","06:00"]]}}""", "$.week.mon[0][0]: \"24:00\" can only end an interval")]
    [InlineData("""{"zone":"Etc/UTC","week":{"mon":[[9,18]]}}""", "$.week.mon[0][0]: expected a time string, found the number 9")]
    [InlineData("""{"zone":"Etc/UTC","week":{"mon":[["09:00"]]}}""", "$.week.mon[0]: expected an interval")]
    [InlineData("""{"zone":"Etc/UTC","week":{"mon":"09:00-18:00"}}""", "$.week.mon: expected an array")]
    [InlineData("""{"zone":"Etc/UTC","week":{"monday":[["09:00","18:00"]]}}""", "$.week.monday: unknown weekday")]
    [InlineData("""{"zone":"Etc/UTC","week":{"mon":[["09:00","13:00"],["12:00","18:00"]]}}""", "$.week.mon[1]: [12:00, 18:00) on mon overlaps $.week.mon[0] [09:00, 13:00)")]
    [InlineData("""{"zone":"Etc/UTC","week":{"mon":[["22:00","06:00"]],"tue":[["05:00","12:00"]]}}""", "$.week.tue[0]: [05:00, 12:00) on tue overlaps $.week.mon[0] [22:00, 06:00) on mon (an interval that runs past midnight")]
    [InlineData("""{"zone":"Etc/UTC","week":{"sun":[["22:00","06:00"]],"mon":[["00:00","08:00"]]}}""", "$.week.sun[0]: [22:00, 06:00) on sun overlaps $.week.mon[0] [00:00, 08:00) on mon")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"closed":["2025-02-30"]}""", "$.closed[0]: '2025-02-30' is not a valid date")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"closed":["25-12-2025"]}""", "$.closed[0]: '25-12-2025' is not a valid date")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"closed":[{"yearly":"02-30"}]}""", "$.closed[0].yearly: '02-30' is not a valid month-day")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"closed":[{"date":"2025-12-31","from":"14:00"}]}""", "$.closed[0]: give both \"from\" and \"to\"")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"closed":[{"date":"2025-12-31","yearly":"12-31"}]}""", "$.closed[0]: give exactly one of \"date\"")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"closed":[{"date":"2025-12-31","reason":"NYE"}]}""", "$.closed[0].reason: unknown field")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"closed":[{"date":"2025-12-31","from":"14:00","to":"26:00"}]}""", "$.closed[0].to: '26:00' is not a time of day")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"closed":[true]}""", "$.closed[0]: expected \"YYYY-MM-DD\" or an object")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"closed":"2025-01-01"}""", "$.closed: expected an array of closures")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"open":[{"date":"2025-11-01","hours":[]}]}""", "$.open[0].hours: empty")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"open":[{"date":"2025-11-01"}]}""", "$.open[0].hours: missing")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"open":[{"hours":[["09:00","18:00"]]}]}""", "$.open[0].date: missing")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"open":[{"date":"2025-11-31","hours":[["09:00","18:00"]]}]}""", "$.open[0].date: '2025-11-31' is not a valid date")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"open":[{"date":"2025-11-01","hours":[["09:00","18:00"]],"note":"x"}]}""", "$.open[0].note: unknown field")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"open":[{"date":"2025-11-01","hours":[["09:00","13:00"],["10:00","11:00"]]}]}""", "$.open[0].hours[1]: [10:00, 11:00) overlaps $.open[0].hours[0]")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"open":[{"date":"2025-11-01","hours":[["09:00","18:00"]]},{"date":"2025-11-01","hours":[["09:00","18:00"]]}]}""", "$.open[1].date: 2025-11-01 is already an extra working day at $.open[0]")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"closed":["2025-11-01"],"open":[{"date":"2025-11-01","hours":[["09:00","18:00"]]}]}""", "$.open[0].date: 2025-11-01 is also closed for the whole day by $.closed[0]")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"open":{}}""", "$.open: expected an array of extra working days")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"open":["2025-11-01"]}""", "$.open[0]: expected an object")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"closed":[{"yearly":1225}]}""", "$.closed[0].yearly: expected a month-day string")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"closed":[{"from":"09:00","to":"12:00"}]}""", "$.closed[0]: give exactly one of \"date\"")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"closed":[{"date":20251231}]}""", "$.closed[0].date: expected a date string")]
    [InlineData("""{"zone":"Etc/UTC",WEEK,"holidays":[]}""", "$.holidays: unknown field; expected zone, week, closed or open")]
    [InlineData("""{"zone":"Etc/UTC","zone":"Europe/Paris",WEEK}""", "$.zone: duplicate field")]
    [InlineData("""[1,2]""", "$: expected a JSON object")]
    [InlineData("""{"zone":"Etc/UTC",""", "$: not valid JSON")]
    public void FromJson_MalformedDefinition_ThrowsNamingFaultAndPath(string json, string expectedFault)
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => BusinessCalendar.FromJson(json.Replace("WEEK", ValidWeek, StringComparison.Ordinal)));

        Assert.Equal("business calendar", ex.DefinitionName);
        Assert.Contains(ex.Errors, e => e.StartsWith(expectedFault, StringComparison.Ordinal));
        Assert.Contains(expectedFault, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_ManyFaults_ReportsEveryOneInOneException()
    {
        const string json = """
            {"zone":"Nowhere/City","colour":"blue",
             "week":{"mon":[["09:00","13:00"],["12:00","25:00"],["11:00","14:00"]],"fun":[]},
             "closed":["2025-13-01",{"yearly":"00-10"}],
             "open":[{"date":"2025-11-01","hours":[]}]}
            """;

        var ex = Assert.Throws<InvalidDefinitionException>(() => BusinessCalendar.FromJson(json));

        string[] expected =
        [
            "$.colour: unknown field",
            "$.week.mon[1][1]: '25:00' is not a time of day",
            "$.week.fun: unknown weekday",
            "$.closed[0]: '2025-13-01' is not a valid date",
            "$.closed[1].yearly: '00-10' is not a valid month-day",
            "$.zone: unknown time zone 'Nowhere/City'",
            "$.week.mon[2]: [11:00, 14:00) on mon overlaps $.week.mon[0] [09:00, 13:00)",
            "$.open[0].hours: empty",
        ];
        Assert.Equal(expected.Length, ex.Errors.Count);
        foreach (var prefix in expected)
        {
            Assert.Contains(ex.Errors, e => e.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Build_FractionOfASecond_IsAFaultWithPath()
    {
        var builder = new BusinessCalendarBuilder("Etc/UTC")
            .AddHours(IsoDayOfWeek.Monday, new LocalTime(9, 0), new LocalTime(18, 0))
            .AddHours(IsoDayOfWeek.Tuesday, LocalTime.FromHourMinuteSecondMillisecondTick(9, 0, 0, 500, 0), new LocalTime(18, 0));

        var ex = Assert.Throws<InvalidDefinitionException>(builder.Build);

        Assert.StartsWith("$.week.tue[0]: [09:00:00, 18:00) has a fraction of a second", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_DatesBeforeYearZero_RoundTripWithSign()
    {
        var calendar = new BusinessCalendarBuilder("Etc/UTC")
            .AddWeekdayHours(new LocalTime(9, 0), new LocalTime(18, 0))
            .Close(new LocalDate(-153, 1, 5))
            .AddExtraWorkingDay(new LocalDate(-153, 1, 6), new LocalTimeInterval(new LocalTime(9, 0), new LocalTime(12, 0)))
            .Build();

        var json = calendar.ToJson();
        var reloaded = BusinessCalendar.FromJson(json);

        Assert.Contains("\"closed\":[\"-0153-01-05\"]", json, StringComparison.Ordinal);
        Assert.Equal(new LocalDate(-153, 1, 5), reloaded.Closures[0].Date);
        Assert.Equal(new LocalDate(-153, 1, 6), reloaded.ExtraWorkingDays[0].Date);
    }

    [Fact]
    public void FromJson_LeapDayOfYearZero_IsValid()
        => Assert.Equal(new LocalDate(0, 2, 29), BusinessCalendar.FromJson("""{"zone":"Etc/UTC","week":{"mon":[["09:00","18:00"]]},"closed":["0000-02-29"]}""").Closures[0].Date);

    [Fact]
    public void AddHours_DayOutsideMondayToSunday_ThrowsArgumentOutOfRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new BusinessCalendarBuilder("Etc/UTC").AddHours(IsoDayOfWeek.None, new LocalTime(9, 0), new LocalTime(18, 0)));
        Assert.Equal("day", ex.ParamName);
        Assert.Contains("Monday (1) to Sunday (7)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BuilderChangedAfterBuild_DoesNotChangeBuiltCalendar()
    {
        var builder = new BusinessCalendarBuilder(TestCalendars.NewYork).AddWeekdayHours(new LocalTime(9, 0), new LocalTime(17, 0));
        var first = builder.Build();
        builder.AddHours(IsoDayOfWeek.Saturday, new LocalTime(9, 0), new LocalTime(12, 0)).Close(new LocalDate(2025, 3, 3));
        var second = builder.Build();

        Assert.Empty(first.GetWeeklyHours(IsoDayOfWeek.Saturday));
        Assert.Empty(first.Closures);
        Assert.Single(second.GetWeeklyHours(IsoDayOfWeek.Saturday));
        Assert.Single(second.Closures);
    }

    [Fact]
    public void FromJson_Null_ThrowsArgumentNull()
        => Assert.Throws<ArgumentNullException>(() => BusinessCalendar.FromJson(null!));

    [Fact]
    public void FromJson_CommentsAndTrailingCommas_AreAcceptedLikeEveryDefinition()
    {
        var calendar = BusinessCalendar.FromJson("""
            {
              "zone": "Etc/UTC", // UTC keeps the example short
              /* Mondays only */
              "week": { "mon": [["09:00", "17:00"],], },
            }
            """);

        Assert.Equal("Etc/UTC", calendar.Zone.Id);
    }

    [Fact]
    public void FromJson_HugeZone_IsEchoedCut()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => BusinessCalendar.FromJson(
            "{\"zone\":\"" + new string('Z', 4_000) + "\",\"week\":{\"mon\":[[\"09:00\",\"17:00\"]]}}"));

        var fault = Assert.Single(ex.Errors);
        Assert.Contains("4,000 characters", fault, StringComparison.Ordinal);
        Assert.True(fault.Length < 400, fault);
    }

    [Fact]
    public void FromJson_HugeUnknownWeekday_IsNamedCutInThePath()
    {
        var ex = Assert.Throws<InvalidDefinitionException>(() => BusinessCalendar.FromJson(
            "{\"zone\":\"Etc/UTC\",\"week\":{\"mon\":[[\"09:00\",\"17:00\"]],\"" + new string('d', 20_000) + "\":[]}}"));

        var fault = Assert.Single(ex.Errors);
        Assert.StartsWith("$.week['ddd", fault, StringComparison.Ordinal);
        Assert.True(fault.Length < 400, fault);
    }
}
