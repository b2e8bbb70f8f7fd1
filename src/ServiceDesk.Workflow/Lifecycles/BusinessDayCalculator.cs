using NodaTime;

namespace ServiceDesk.Workflow;

/// <summary>Adds business days to an instant by a business calendar: the instant <paramref name="businessDays"/> business days
/// after <paramref name="start"/>.</summary>
/// <param name="start">The instant to count from.</param>
/// <param name="businessDays">The number of business days, 1 or more.</param>
/// <returns>The instant the period ends.</returns>
/// <remarks>Workflow does not know calendars; pass a function backed by the business calendar of ServiceDesk.Sla (or your own).
/// It must be pure and thread-safe: guards call it on any thread.</remarks>
public delegate Instant BusinessDayCalculator(Instant start, int businessDays);
