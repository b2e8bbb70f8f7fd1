using NodaTime;

namespace ServiceDesk.Sla.Tests;

/// <summary>Runs every shared conformance vector (Vectors/due.jsonl and Vectors/elapsed.jsonl) against the calendars.</summary>
public sealed class VectorConformanceTests
{
    public static TheoryData<string> DueIds() => [.. Vectors.Due().Select(v => v.Id)];

    public static TheoryData<string> ElapsedIds() => [.. Vectors.Elapsed().Select(v => v.Id)];

    private static readonly Lazy<Dictionary<string, DueVector>> DueById = new(() => Vectors.Due().ToDictionary(v => v.Id));
    private static readonly Lazy<Dictionary<string, ElapsedVector>> ElapsedById = new(() => Vectors.Elapsed().ToDictionary(v => v.Id));

    [Theory]
    [MemberData(nameof(DueIds))]
    public void AddBusinessTime_DueVector_MatchesExpectedDue(string id)
    {
        var v = DueById.Value[id];
        var calendar = Vectors.Calendars[v.Calendar];

        var due = calendar.AddBusinessTime(v.Start, Duration.FromMinutes(v.Minutes));

        Assert.True(v.Due == due, $"{v.Id} ({v.Kind}, {v.Calendar}): {v.Start} + {v.Minutes} min: expected {v.Due}, got {due}");
        Assert.Equal(Duration.FromMinutes(v.Minutes), calendar.BusinessTimeBetween(v.Start, due));
    }

    [Theory]
    [MemberData(nameof(ElapsedIds))]
    public void BusinessTimeBetween_ElapsedVector_MatchesExpectedSeconds(string id)
    {
        var v = ElapsedById.Value[id];
        var calendar = Vectors.Calendars[v.Calendar];

        var elapsed = calendar.BusinessTimeBetween(v.From, v.To);

        Assert.True(Duration.FromSeconds(v.Seconds) == elapsed, $"{v.Id} ({v.Kind}, {v.Calendar}): [{v.From}, {v.To}): expected {v.Seconds} s, got {elapsed.TotalSeconds} s");
    }

    [Fact]
    public void Vectors_AllFiles_ArePresentAndComplete()
    {
        Assert.Equal(1189, Vectors.Due().Count());
        Assert.Equal(293, Vectors.Elapsed().Count());
        Assert.Equal(7, Vectors.Calendars.Count);
    }
}
