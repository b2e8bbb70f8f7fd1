namespace ServiceDesk.Email;

/// <summary>
/// Where incoming messages come from: a folder of <c>.eml</c> files (<see cref="FolderMessageSource"/>), an IMAP mailbox
/// (<see cref="ImapMessageSource"/>), or a product's own queue.
/// </summary>
/// <remarks>
/// <para><b>Contract.</b> <see cref="ReceiveAsync"/> returns messages not yet completed, oldest first; a message stays
/// there until <see cref="CompleteAsync"/> is called for it, so a crash between receiving and completing receives it again
/// (at-least-once). <see cref="EmailIntake"/> applies a message at most once however often it is received (the
/// message's Message-ID is the engine's idempotency key).</para>
/// <para><b>Nothing lost.</b> Completing never deletes a message: the folder source moves it into a sub-folder named by
/// the outcome, the IMAP source flags it as seen (and optionally moves it), so the original stays where an operator finds
/// it through <see cref="IntakeResult.Reference"/>.</para>
/// </remarks>
public interface IMessageSource
{
    /// <summary>Receives messages not completed yet, oldest first.</summary>
    /// <param name="maxCount">The most messages to return, 1 or more.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The messages; empty when none is waiting.</returns>
    Task<IReadOnlyList<RawMessage>> ReceiveAsync(int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Marks a message as handled so it is not received again.</summary>
    /// <param name="message">A message this source returned.</param>
    /// <param name="result">What intake made of it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the message is marked.</returns>
    Task CompleteAsync(RawMessage message, IntakeResult result, CancellationToken cancellationToken = default);
}
