using ServiceDesk.Storage;

namespace ServiceDesk.Tests.Storage;

public sealed class TicketBatchTests
{
    private static TicketAppend Open(long sequence, TenantId? tenant = null)
    {
        var t = Samples.Ticket(sequence: sequence) with { Tenant = tenant ?? Samples.Tenant };
        return new TicketAppend(t, [Samples.Opening(t)], 0);
    }

    [Fact]
    public void Constructor_AppendsAndAdvances_KeptInOrder()
    {
        var batch = new TicketBatch([Open(1), Open(2)], [new NumberAdvance(TicketKind.Incident, 0, 2)]);
        Assert.Equal(Samples.Tenant, batch.Tenant);
        Assert.Equal(2, batch.Appends.Count);
        Assert.Equal(new NumberAdvance(TicketKind.Incident, 0, 2), Assert.Single(batch.Numbers));
        Assert.Empty(new TicketBatch([Open(1)]).Numbers);
    }

    [Fact]
    public void Constructor_NoAppendsOrNull_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new TicketBatch(null!));
        var empty = Assert.Throws<ArgumentOutOfRangeException>(() => new TicketBatch([]));
        Assert.Contains("1 to 10,000", empty.Message, StringComparison.Ordinal);
        var nullItem = Assert.Throws<ArgumentNullException>(() => new TicketBatch([Open(1), null!]));
        Assert.Contains("appends[1]", nullItem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TwoTenants_ThrowsNamingBoth()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TicketBatch([Open(1), Open(2, new TenantId("globex"))]));
        Assert.Contains("'globex'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'acme'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5, 4)]
    [InlineData(-1, 3)]
    [InlineData(0, 10_000_000_000)]
    public void Constructor_AdvanceNotForwardOrOutOfRange_ThrowsNamingBothNumbers(long expectedLast, long newLast)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TicketBatch([Open(1)], [new NumberAdvance(TicketKind.Incident, expectedLast, newLast)]));
        Assert.Contains($"{expectedLast} -> {newLast}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TwoAdvancesOfOneKind_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TicketBatch(
            [Open(1)], [new NumberAdvance(TicketKind.Incident, 0, 1), new NumberAdvance(TicketKind.Incident, 1, 2)]));
        Assert.Contains("both advance Incident", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateMany_DuplicatesAndLimits()
    {
        var a = TicketId.New();
        var b = TicketId.New();
        Assert.Equal([a, b], StoredTicket.ValidateMany(Samples.Tenant, [a, b, a, b]));
        Assert.Empty(StoredTicket.ValidateMany(Samples.Tenant, []));
        Assert.Throws<ArgumentNullException>(() => StoredTicket.ValidateMany(Samples.Tenant, null!));
        Assert.Throws<ArgumentException>(() => StoredTicket.ValidateMany(default, [a]));
        var bad = Assert.Throws<ArgumentException>(() => StoredTicket.ValidateMany(Samples.Tenant, [a, default]));
        Assert.Contains("ids[1]", bad.Message, StringComparison.Ordinal);
        var many = Enumerable.Range(0, StoredTicket.MaxGetMany + 1).Select(_ => TicketId.New()).ToArray();
        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => StoredTicket.ValidateMany(Samples.Tenant, many));
        Assert.Contains("1,001", tooMany.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConcurrencyException_NumbersTaken_NamesKindAndBothNumbers()
    {
        var ex = new ConcurrencyException(Samples.Tenant, TicketKind.Incident, 4, 7);
        Assert.Contains("Incident", ex.Message, StringComparison.Ordinal);
        Assert.Contains("up to 7", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected 4", ex.Message, StringComparison.Ordinal);
        Assert.Equal((4L, 7L, default(TicketId)), (ex.ExpectedVersion, ex.ActualVersion, ex.Ticket));
    }
}
