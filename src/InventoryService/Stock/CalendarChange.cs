namespace BookingSystem.InventoryService.Stock;

/// <summary>
/// Audit row of one admin change to a nightly item's calendar: who, why, what was asked, and per night the values
/// before and after (<see cref="Nights"/>, JSON).
/// </summary>
public sealed class CalendarChange
{
    public long Id { get; private set; }

    public required string ItemId { get; init; }

    public DateOnly From { get; init; }

    /// <summary>Exclusive.</summary>
    public DateOnly To { get; init; }

    /// <summary>The change as asked for (JSON of the request's settings and weekdays).</summary>
    public required string Request { get; init; }

    /// <summary>Per changed night: <c>{ night, before: {...}, after: {...} }</c> (JSON array).</summary>
    public required string Nights { get; init; }

    public AdjustmentReason ReasonCode { get; init; }

    public string? Note { get; init; }

    public required string PerformedBy { get; init; }

    public DateTimeOffset OccurredAt { get; init; }
}
