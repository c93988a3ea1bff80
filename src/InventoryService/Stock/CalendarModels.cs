namespace BookingSystem.InventoryService.Stock;

/// <summary>
/// One night of a nightly item as the calendar shows it. <c>available</c>: what a new booking can still take that
/// night (0 when closed or past; the overbooking allowance counts); <c>overbooked</c>: more is held and sold than the
/// capacity.
/// </summary>
public sealed record NightResponse(
    DateOnly Date, int Capacity, int Held, int Confirmed, int Available, bool Closed, int MinStay,
    int OverbookingAllowance, bool Overbooked)
{
    /// <param name="today">Today in the item's time zone: an earlier night can no longer be sold.</param>
    public static NightResponse From(ItemNight n, DateOnly today) => new(
        n.Night, n.Capacity, n.Held, n.Confirmed, n.Night < today ? 0 : n.Available, n.Closed, n.MinStay,
        n.OverbookingAllowance, n.Overbooked);
}

/// <summary>
/// The nights of <c>[from, to)</c> that exist: past ones (kept, with what they held and sold, available 0) and the
/// ones on sale; nights beyond the horizon are absent.
/// </summary>
public sealed record CalendarResponse(
    string ItemId, string TimeZone, DateOnly From, DateOnly To, IReadOnlyList<NightResponse> Nights);

/// <summary>
/// An admin change to the nights <c>[from, to)</c> (optionally only on <c>weekdays</c>): any of <c>capacity</c>,
/// <c>closed</c>, <c>minStay</c>, <c>overbookingAllowance</c>, with a reason code and a note for the audit trail.
/// </summary>
public sealed record CalendarChangeRequest(
    DateOnly? From, DateOnly? To, IReadOnlyList<DayOfWeek>? Weekdays, int? Capacity, bool? Closed, int? MinStay,
    int? OverbookingAllowance, AdjustmentReason? ReasonCode, string? Note);

/// <summary>One audited night: its settings before and after the change.</summary>
public sealed record NightChange(DateOnly Night, NightSettings Before, NightSettings After);

public sealed record NightSettings(int Capacity, bool Closed, int MinStay, int OverbookingAllowance)
{
    public static NightSettings Of(ItemNight n) => new(n.Capacity, n.Closed, n.MinStay, n.OverbookingAllowance);
}

/// <summary>The change as recorded: who, why, and each night that changed.</summary>
public sealed record CalendarChangeResponse(
    long Id, string ItemId, DateOnly From, DateOnly To, AdjustmentReason ReasonCode, string? Note, string PerformedBy,
    DateTimeOffset OccurredAt, IReadOnlyList<NightChange> Nights);

/// <summary>A night that cannot take the new settings: it holds and sells more than they allow.</summary>
public sealed record NightConflict(DateOnly Night, int Held, int Confirmed, int Capacity, int OverbookingAllowance);

/// <summary>A nightly item that can take a whole stay, with the lowest availability over it.</summary>
public sealed record StayOffer(string ItemId, string Name, string Location, string TimeZone, int Available);

public sealed record StayOfferPage(
    DateOnly CheckIn, DateOnly CheckOut, int Quantity, IReadOnlyList<StayOffer> Items, int Page, int PageSize,
    int TotalCount);
