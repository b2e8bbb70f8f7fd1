using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ServiceDesk.Storage;
using ServiceDesk.Storage.InMemory;
using ServiceDesk.Testing;

namespace ServiceDesk.Benchmarks.Core;

/// <summary>
/// The in-memory reference store with 10,000 tickets in one tenant: lookups by number and the first page of a
/// filtered query, against a naive store (one list under one lock, linear scans and a full sort per query).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TicketStoreBenchmarks
{
    private const int Tickets = 10_000;
    private readonly InMemoryTicketStore _store = new();
    private readonly NaiveStore _naive = new();
    private readonly TenantId _tenant = new("bench");
    private TicketNumber[] _numbers = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var factory = new TicketFactory(_tenant, new TestClock());
        _numbers = new TicketNumber[Tickets];
        for (var i = 0; i < Tickets; i++)
        {
            var append = factory.OpenWithNumber(_store.AllocateNumberAsync(_tenant, TicketKind.Incident).GetAwaiter().GetResult());
            var ticket = i % 3 == 0
                ? factory.ChangeStatus(_store.AppendAsync(append).GetAwaiter().GetResult().Ticket, TicketStatus.InProgress)
                : null;
            var stored = ticket is null ? append.Ticket : _store.AppendAsync(ticket).GetAwaiter().GetResult().Ticket;
            _naive.Add(stored);
            _numbers[i] = stored.Number;
        }
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("GetByNumber")]
    public Ticket? GetByNumber_Naive() => _naive.GetByNumber(_tenant, _numbers[_next++ % Tickets]);

    [Benchmark]
    [BenchmarkCategory("GetByNumber")]
    public Task<Ticket?> GetByNumber_InMemory() => _store.GetByNumberAsync(_tenant, _numbers[_next++ % Tickets]);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Query")]
    public int QueryFirstPage_Naive() => _naive.Query(new TicketQuery(_tenant) { Status = TicketStatus.InProgress }).Count;

    [Benchmark]
    [BenchmarkCategory("Query")]
    public async Task<int> QueryFirstPage_InMemory()
        => (await _store.QueryAsync(new TicketQuery(_tenant) { Status = TicketStatus.InProgress })).Items.Count;

    /// <summary>What a first attempt looks like: one list, one lock, scans and sorts.</summary>
    private sealed class NaiveStore
    {
        private readonly List<Ticket> _tickets = [];
        private readonly Lock _gate = new();

        public void Add(Ticket ticket)
        {
            lock (_gate)
            {
                _tickets.Add(ticket);
            }
        }

        public Ticket? GetByNumber(TenantId tenant, TicketNumber number)
        {
            lock (_gate)
            {
                return _tickets.FirstOrDefault(t => t.Tenant == tenant && t.Number == number);
            }
        }

        public List<Ticket> Query(TicketQuery query)
        {
            lock (_gate)
            {
                return _tickets.Where(query.Matches).OrderBy(t => t.OpenedAt).ThenBy(t => t.Id.Value).Take(query.PageSize).ToList();
            }
        }
    }
}
