using NodaTime;
using ServiceDesk.Billing;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Time entries, approval, corrections and one-off works.</content>
public abstract partial class BillingStoreConformanceTests
{
    /// <summary>An entry reads back equal, every optional field included; lists are by contract, before an instant,
    /// ordered by start then id, and never show another tenant's entries.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task TimeEntry_Added_ReadsBackAndListsByContractAndStart()
    {
        var tenant = NewTenant();
        var other = NewTenant();
        var full = Entry(tenant, "E-full", day: 5) with
        {
            Billable = false,
            Notes = "Printer \"queue\" ✓",
            Role = "engineer",
            Priority = Priority.P2High,
            Service = new ServiceId("email"),
            ConfigurationItem = new ConfigurationItemId("srv-01"),
            Approval = ApprovalState.Pending,
            Duration = Duration.FromTicks(1_234_567_891),
        };
        Assert.True(await Store.AddTimeEntryAsync(full));
        Assert.True(await Store.AddTimeEntryAsync(Entry(tenant, "E-b", day: 2)));
        Assert.True(await Store.AddTimeEntryAsync(Entry(tenant, "E-a", day: 2, agent: "bob")));
        Assert.True(await Store.AddTimeEntryAsync(Entry(tenant, "E-late", day: 20)));
        Assert.True(await Store.AddTimeEntryAsync(Entry(tenant, "E-other-contract", day: 4, contract: "C-2")));
        Assert.True(await Store.AddTimeEntryAsync(Entry(other, "E-b", day: 2)));

        Assert.Equal(full, await Store.GetTimeEntryAsync(tenant, full.Id));
        Assert.Null(await Store.GetTimeEntryAsync(NewTenant(), full.Id));
        var before = Instant.FromUtc(2025, 3, 20, 9, 0);
        var list = await Store.ListTimeEntriesAsync(tenant, new ContractId("C-1"), before);
        Assert.Equal(["E-a", "E-b", "E-full"], list.Select(e => e.Id.Value));
        var all = await Store.ListTimeEntriesAsync(tenant, null, Instant.FromUtc(2025, 4, 1, 0, 0));
        Assert.Equal(["E-a", "E-b", "E-other-contract", "E-full", "E-late"], all.Select(e => e.Id.Value));
        Assert.Single(await Store.ListTimeEntriesAsync(other, null, Instant.MaxValue));
    }

    /// <summary>Many entries in one call are stored together (a correction may follow its original), a retry stores
    /// nothing new, and a conflict anywhere in a batch stores none of it; bad batches are refused naming the count.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task TimeEntries_AddedInOneCall_AllOrNothing()
    {
        var tenant = NewTenant();
        var original = Entry(tenant, "E-1");
        var correction = Entry(tenant, "E-1b", minutes: 30) with { Supersedes = original.Id };
        var batch = new[] { original, Entry(tenant, "E-2", day: 4), correction, Entry(tenant, "E-3", day: 6, agent: "bob") };
        Assert.Equal(4, await Store.AddTimeEntriesAsync(batch));
        Assert.Equal(0, await Store.AddTimeEntriesAsync(batch)); // a retry
        var listed = await Store.ListTimeEntriesAsync(tenant, new ContractId("C-1"), Now);
        Assert.Equal(["E-1", "E-1b", "E-2", "E-3"], listed.Select(e => e.Id.Value).Order(StringComparer.Ordinal));

        // The third entry conflicts with a stored one: the two before it are not stored either.
        var conflicting = new[] { Entry(tenant, "E-4", day: 7), Entry(tenant, "E-5", day: 8), Entry(tenant, "E-2", day: 4, minutes: 90) };
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddTimeEntriesAsync(conflicting));
        Assert.Contains("E-2", ex.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetTimeEntryAsync(tenant, new TimeEntryId("E-4")));
        Assert.Null(await Store.GetTimeEntryAsync(tenant, new TimeEntryId("E-5")));

        // A second correction of E-1 after a new entry: refused, and the new entry is not stored.
        var twice = new[] { Entry(tenant, "E-6", day: 9), Entry(tenant, "E-1c", minutes: 20) with { Supersedes = original.Id } };
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AddTimeEntriesAsync(twice));
        Assert.Null(await Store.GetTimeEntryAsync(tenant, new TimeEntryId("E-6")));
        Assert.Equal(4, (await Store.ListTimeEntriesAsync(tenant, null, Now)).Count);

        var empty = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.AddTimeEntriesAsync([]));
        Assert.Contains("got 0", empty.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.AddTimeEntriesAsync([original, null!]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.AddTimeEntriesAsync(new TimeEntry[IBillingStore.MaxEntriesPerAdd + 1]));
    }

    /// <summary>Adding an entry again is a no-op when it is the same (even after its approval changed) and an
    /// <see cref="ArgumentException"/> when its content differs; the stored entry is unchanged.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task TimeEntry_AddedAgain_SameIsNoOpOtherContentThrows()
    {
        var tenant = NewTenant();
        var entry = Entry(tenant, "E-1", approval: ApprovalState.Pending);
        Assert.True(await Store.AddTimeEntryAsync(entry));
        Assert.False(await Store.AddTimeEntryAsync(entry));
        await Store.SetApprovalAsync(tenant, entry.Id, ApprovalState.Approved);
        Assert.False(await Store.AddTimeEntryAsync(entry));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Store.AddTimeEntryAsync(entry with { Duration = Duration.FromHours(5) }));
        Assert.Contains("E-1", ex.Message, StringComparison.Ordinal);
        Assert.Equal(entry.WithApproval(ApprovalState.Approved), await Store.GetTimeEntryAsync(tenant, entry.Id));
    }

    /// <summary>A correction supersedes its original once: the original leaves the agent's current entries, a second
    /// correction of it and a correction of an unknown entry are refused and not stored.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task TimeEntry_Correction_SupersedesOriginalOnce()
    {
        var tenant = NewTenant();
        var original = Entry(tenant, "E-1");
        await Store.AddTimeEntryAsync(original);
        var fix = original.Correct(new TimeEntryId("E-1-fix"), duration: Duration.FromMinutes(90));
        Assert.True(await Store.AddTimeEntryAsync(fix));

        var day = new Interval(Instant.FromUtc(2025, 3, 3, 0, 0), Instant.FromUtc(2025, 3, 4, 0, 0));
        Assert.Equal([fix], await Store.ListAgentTimeEntriesAsync(tenant, original.Agent, day));
        Assert.Equal(2, (await Store.ListTimeEntriesAsync(tenant, original.Contract, Instant.MaxValue)).Count);

        var second = original.Correct(new TimeEntryId("E-1-fix2"), duration: Duration.FromMinutes(30));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AddTimeEntryAsync(second));
        Assert.Null(await Store.GetTimeEntryAsync(tenant, second.Id));

        var orphan = Entry(tenant, "E-orphan") with { Supersedes = new TimeEntryId("E-missing") };
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddTimeEntryAsync(orphan));
        Assert.Null(await Store.GetTimeEntryAsync(tenant, orphan.Id));
        var otherContract = Entry(tenant, "E-2-fix", contract: "C-2") with { Supersedes = fix.Id };
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddTimeEntryAsync(otherContract));
        Assert.Null(await Store.GetTimeEntryAsync(tenant, otherContract.Id));
    }

    /// <summary>An agent's entries overlapping an interval: an entry that only touches its start or end does not overlap,
    /// other agents' entries are left out.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AgentTimeEntries_Interval_ReturnsOverlappingOnly()
    {
        var tenant = NewTenant();
        var nine = Entry(tenant, "E-9", minutes: 60);
        var ten = nine with { Id = new TimeEntryId("E-10"), Start = nine.Start + Duration.FromHours(1) };
        var eleven = nine with { Id = new TimeEntryId("E-11"), Start = nine.Start + Duration.FromHours(2) };
        var bob = nine with { Id = new TimeEntryId("E-bob"), Agent = new AgentId("bob") };
        foreach (var e in new[] { nine, ten, eleven, bob })
        {
            await Store.AddTimeEntryAsync(e);
        }

        var found = await Store.ListAgentTimeEntriesAsync(tenant, nine.Agent, new Interval(ten.Start, ten.End));
        Assert.Equal([ten], found);
        var wide = await Store.ListAgentTimeEntriesAsync(tenant, nine.Agent, new Interval(nine.Start + Duration.FromMinutes(30), eleven.Start + Duration.FromMinutes(1)));
        Assert.Equal(["E-9", "E-10", "E-11"], wide.Select(e => e.Id.Value));
    }

    /// <summary>Approval moves between submitted, approved and rejected and is stored; an unknown entry gives
    /// <see langword="null"/>; an undefined state is refused.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task SetApproval_ChangesStoredState()
    {
        var tenant = NewTenant();
        var entry = Entry(tenant, "E-1", approval: ApprovalState.Pending);
        await Store.AddTimeEntryAsync(entry);
        Assert.Equal(ApprovalState.Approved, (await Store.SetApprovalAsync(tenant, entry.Id, ApprovalState.Approved))!.Approval);
        Assert.Equal(ApprovalState.Rejected, (await Store.SetApprovalAsync(tenant, entry.Id, ApprovalState.Rejected))!.Approval);
        Assert.Equal(entry.WithApproval(ApprovalState.Rejected), await Store.GetTimeEntryAsync(tenant, entry.Id));
        Assert.Null(await Store.SetApprovalAsync(tenant, new TimeEntryId("E-none"), ApprovalState.Approved));
        Assert.Null(await Store.SetApprovalAsync(NewTenant(), entry.Id, ApprovalState.Approved));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetApprovalAsync(tenant, entry.Id, (ApprovalState)7));
    }

    /// <summary>An entry on a current invoice stays approved: rejecting or resubmitting it is refused and changes nothing;
    /// once the invoice is reversed it may be rejected.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task SetApproval_EntryOnCurrentInvoice_StaysApproved()
    {
        var tenant = NewTenant();
        var contract = TimeAndMaterials(tenant);
        var entry = Entry(tenant, "E-1");
        await Store.AddTimeEntryAsync(entry);
        var issued = await CommitAsync(new InvoiceCommit(null, null, Draft(contract, 1m, entry)));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SetApprovalAsync(tenant, entry.Id, ApprovalState.Rejected));
        Assert.Contains("INV-000001", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SetApprovalAsync(tenant, entry.Id, ApprovalState.Pending));
        Assert.Equal(ApprovalState.Approved, (await Store.GetTimeEntryAsync(tenant, entry.Id))!.Approval);

        await CommitAsync(new InvoiceCommit(issued.Invoice!.Number, InvoiceDraft.CreditNoteFor(issued.Invoice, new LocalDate(2025, 4, 1)), null));
        Assert.Equal(ApprovalState.Rejected, (await Store.SetApprovalAsync(tenant, entry.Id, ApprovalState.Rejected))!.Approval);
    }

    /// <summary>One-off works read back equal, by contract or by ticket, ordered by when performed; the same work again is a
    /// no-op, other content under its id is refused.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task OneOffWorks_ListedByContractAndTicket()
    {
        var tenant = NewTenant();
        var visit = new OneOffWork(new OneOffWorkId("W-1"), new ContractId("C-1"), "VISIT", 1.5m, Instant.FromUtc(2025, 3, 10, 8, 0))
        {
            Ticket = Ticket(7),
            Service = new ServiceId("network"),
            Description = "Rack install",
        };
        var earlier = new OneOffWork(new OneOffWorkId("W-2"), new ContractId("C-1"), "VISIT", 1m, Instant.FromUtc(2025, 3, 2, 8, 0));
        var elsewhere = new OneOffWork(new OneOffWorkId("W-3"), new ContractId("C-2"), "VISIT", 2m, Instant.FromUtc(2025, 3, 1, 8, 0)) { Ticket = Ticket(7) };
        Assert.True(await Store.AddOneOffWorkAsync(tenant, visit));
        Assert.True(await Store.AddOneOffWorkAsync(tenant, earlier));
        Assert.True(await Store.AddOneOffWorkAsync(tenant, elsewhere));
        Assert.False(await Store.AddOneOffWorkAsync(tenant, visit));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddOneOffWorkAsync(tenant, visit with { Quantity = 3m }));

        Assert.Equal([earlier, visit], await Store.ListOneOffWorksAsync(tenant, new ContractId("C-1")));
        Assert.Equal([elsewhere, visit], await Store.ListOneOffWorksAsync(tenant, ticket: Ticket(7)));
        Assert.Equal(3, (await Store.ListOneOffWorksAsync(tenant)).Count);
        Assert.Empty(await Store.ListOneOffWorksAsync(NewTenant()));
    }

    /// <summary>A cancelled token fails every write before anything is stored.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Cancelled_WritesStoreNothing()
    {
        var tenant = NewTenant();
        var contract = TimeAndMaterials(tenant);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var entry = Entry(tenant, "E-1");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.AddTimeEntryAsync(entry, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.CommitAsync([new InvoiceCommit(null, null, Draft(contract, 1m))], cancelled.Token));
        Assert.Null(await Store.GetTimeEntryAsync(tenant, entry.Id));
        Assert.Equal(0, await Store.GetLastNumberAsync(tenant, InvoiceDocumentKind.Invoice));
        Assert.Empty(await Store.GetCurrentInvoicesAsync(tenant, March));
    }
}
