using ServiceDesk.Storage;
using Xunit;

namespace ServiceDesk.Testing;

/// <content>Idempotency fingerprints (Stripe's rule: the same key with different parameters is a conflict, not a replay)
/// and the text policy every store keeps.</content>
public abstract partial class TicketStoreConformanceTests
{
    /// <summary>The same append with an <see cref="TicketAppend.IdempotencyFingerprint"/>.</summary>
    /// <param name="append">The append.</param>
    /// <param name="fingerprint">The fingerprint.</param>
    /// <returns>The fingerprinted append.</returns>
    protected static TicketAppend WithFingerprint(TicketAppend append, string? fingerprint)
    {
        ArgumentNullException.ThrowIfNull(append);
        return new TicketAppend(append.Ticket, append.Events, append.ExpectedVersion, append.IdempotencyKey)
        {
            IdempotencyFingerprint = fingerprint,
            Schedule = append.Schedule,
            DerivedState = append.DerivedState,
        };
    }

    /// <summary>A retry with the key and the same fingerprint replays; <see cref="ITicketStore.FindAppliedAsync"/> reports the
    /// stored fingerprint.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_SameKeySameFingerprint_ReplaysAndReportsFingerprint()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var append = WithFingerprint(factory.AddComment(v1, idempotencyKey: "comment-1"), "fp-a");

        var first = await Store.AppendAsync(append);
        var retry = await Store.AppendAsync(append);

        Assert.False(first.IsReplay);
        Assert.True(retry.IsReplay);
        Assert.Equal("fp-a", retry.IdempotencyFingerprint);
        Assert.Equal("fp-a", (await Store.FindAppliedAsync(factory.Tenant, "comment-1"))!.IdempotencyFingerprint);
        Assert.Equal(2, (await Store.ReadHistoryAsync(factory.Tenant, v1.Id)).Count);
    }

    /// <summary>The same key with another fingerprint on the same ticket is an <see cref="IdempotencyConflictException"/>
    /// naming the key; nothing is stored and the first result stays the key's.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_SameKeyDifferentFingerprint_ThrowsConflictAndStoresNothing()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var v2 = await AppendAsync(WithFingerprint(factory.AddComment(v1, idempotencyKey: "comment-1"), "fp-a"));
        var other = WithFingerprint(factory.AddComment(v2, text: "another comment", idempotencyKey: "comment-1"), "fp-b");

        var ex = await Assert.ThrowsAsync<IdempotencyConflictException>(() => Store.AppendAsync(other));

        Assert.True(ex.DifferentParameters);
        Assert.Equal("comment-1", ex.Key);
        Assert.Equal(v1.Id, ex.AppliedTo);
        Assert.Contains("'comment-1'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await Store.ReadHistoryAsync(factory.Tenant, v1.Id)).Count);
        AssertSameTicket(v2, await Store.GetAsync(factory.Tenant, v1.Id));
        Assert.Equal("fp-a", (await Store.FindAppliedAsync(factory.Tenant, "comment-1"))!.IdempotencyFingerprint);
    }

    /// <summary>A key applied without a fingerprint (as an older version stored it) replays for any fingerprint; a key applied
    /// with one replays for a retry without one.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_FingerprintMissingOnEitherSide_Replays()
    {
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var plain = factory.AddComment(v1, idempotencyKey: "old-key");
        var v2 = await AppendAsync(plain);
        var keyed = WithFingerprint(factory.AddComment(v2, idempotencyKey: "new-key"), "fp-new");
        await AppendAsync(keyed);

        Assert.True((await Store.AppendAsync(WithFingerprint(plain, "fp-any"))).IsReplay);
        Assert.Null((await Store.FindAppliedAsync(factory.Tenant, "old-key"))!.IdempotencyFingerprint);
        Assert.True((await Store.AppendAsync(WithFingerprint(keyed, null))).IsReplay);
        Assert.Equal(3, (await Store.ReadHistoryAsync(factory.Tenant, v1.Id)).Count);
    }

    /// <summary>A key reused for another ticket is an <see cref="IdempotencyConflictException"/> (an
    /// <see cref="ArgumentException"/>) that names both tickets.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_KeyReusedForAnotherTicket_ThrowsConflictNamingBothTickets()
    {
        var factory = Factory(NewTenant());
        var first = factory.Open(idempotencyKey: "shared");
        await AppendAsync(first);
        var second = factory.Open(idempotencyKey: "shared");

        var ex = await Assert.ThrowsAsync<IdempotencyConflictException>(() => Store.AppendAsync(second));

        Assert.False(ex.DifferentParameters);
        Assert.Equal(first.Ticket.Id, ex.AppliedTo);
        Assert.Equal(second.Ticket.Id, ex.ReusedFor);
    }

    /// <summary>In a batch, a second append reusing a key of the batch with another fingerprint fails the whole batch.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task AppendBatch_KeyReusedWithDifferentFingerprint_FailsWholeBatch()
    {
        var store = BatchStore;
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store);
        var first = WithFingerprint(factory.AddComment(v1, idempotencyKey: "k"), "fp-1");
        var second = WithFingerprint(factory.AddComment(first.Ticket, idempotencyKey: "k"), "fp-2");

        await Assert.ThrowsAsync<IdempotencyConflictException>(() => store.AppendBatchAsync(new TicketBatch([first, second])));

        Assert.Single(await Store.ReadHistoryAsync(factory.Tenant, v1.Id));
        Assert.Null(await Store.FindAppliedAsync(factory.Tenant, "k"));
    }

    /// <summary>Text the policy accepts (control characters, characters outside the Basic Multilingual Plane, noncharacters)
    /// round-trips exactly through the store, in the snapshot, the events and the idempotency key.</summary>
    /// <returns>A task that completes when the test has run.</returns>
    [ConformanceFact]
    public async Task Append_TextThePolicyAccepts_RoundTripsExactly()
    {
        const string text = "ctl \u0001\u0008\u000B\u001F\u007F bmp-edge \uFFFD\uFFFE\uFFFF astral \U0001F600\U0010FFFF mixed é̂ ❤";
        var factory = Factory(NewTenant());
        var v1 = await factory.OpenAsync(Store, configure: t => t with { Subject = text, Description = text });
        var key = "key-" + text;

        var v2 = await AppendAsync(factory.AddComment(v1, text: text, idempotencyKey: key));

        var stored = await Store.GetAsync(factory.Tenant, v1.Id);
        Assert.Equal(text, stored!.Subject);
        Assert.Equal(text, stored.Description);
        var history = await Store.ReadHistoryAsync(factory.Tenant, v1.Id);
        Assert.Equal(text, Assert.IsType<Events.CommentAdded>(history[^1]).Text);
        AssertSameTicket(v2, (await Store.FindAppliedAsync(factory.Tenant, key))!.Ticket);
        Assert.Null(await Store.FindAppliedAsync(factory.Tenant, "key-" + text.Replace("\U0001F600", "\uFFFD\uFFFD", StringComparison.Ordinal)));
    }

    /// <summary>Text the policy refuses (NUL, lone surrogates) never reaches the store: the append cannot even be built, so
    /// no store can keep it differently from another, and keys differing only there can never collide.</summary>
    [ConformanceFact]
    public void TextPolicy_UnstorableText_IsRefusedBeforeTheStore()
    {
        var factory = Factory(NewTenant());
        Assert.Throws<ArgumentException>(() => factory.Open(configure: t => t with { Subject = "a\0b" }));
        Assert.Throws<ArgumentException>(() => factory.Open(configure: t => t with { Subject = "lone \uD800 high" }));
        Assert.Throws<ArgumentException>(() => factory.Open(idempotencyKey: "key-\uDC00"));
        Assert.Throws<ArgumentException>(() => factory.Open(configure: t => t with { Attributes = t.Attributes.With("note", AttributeValue.FromString("\0")) }));
    }
}
