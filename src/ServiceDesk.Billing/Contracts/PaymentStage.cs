using NodaTime;

namespace ServiceDesk.Billing;

/// <summary>A scheduled payment of a contract: a due date, an amount and, once paid, the payment date.</summary>
/// <param name="Name">The name of the stage, unique within the contract, e.g. <c>Deposit</c>.</param>
/// <param name="DueOn">The date the payment is due (in the contract's zone).</param>
/// <param name="Amount">The amount due, positive and rounded to the minor unit, in the contract's currency.</param>
public sealed record PaymentStage(string Name, LocalDate DueOn, Money Amount)
{
    /// <summary>Gets the date the payment was received, or <see langword="null"/> when unpaid.</summary>
    public LocalDate? PaidOn { get; init; }

    /// <summary>Gets the state of the stage on a date.</summary>
    /// <param name="today">The date in the contract's zone.</param>
    /// <returns><see cref="PaymentStageState.Paid"/> when paid on or before <paramref name="today"/>; otherwise
    /// <see cref="PaymentStageState.Overdue"/> when <paramref name="today"/> is after <see cref="DueOn"/>, else
    /// <see cref="PaymentStageState.Open"/>.</returns>
    public PaymentStageState GetState(LocalDate today)
        => PaidOn is { } paid && paid <= today ? PaymentStageState.Paid
            : today > DueOn ? PaymentStageState.Overdue
            : PaymentStageState.Open;

    /// <summary>Returns a copy marked as paid.</summary>
    /// <param name="paidOn">The payment date.</param>
    /// <returns>The paid stage.</returns>
    public PaymentStage MarkPaid(LocalDate paidOn) => this with { PaidOn = paidOn };
}
