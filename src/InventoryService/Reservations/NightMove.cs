namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// What a transition does to each night of a nightly line, per unit: a night counts held and sold units apart, so
/// the counter is the one of the status the units enter (taking) or leave (giving back), and a confirmation of a hold
/// moves them from held to sold.
/// </summary>
public sealed record NightMove(int Held, int Confirmed)
{
    public static NightMove None { get; } = new(0, 0);

    public (int Held, int Confirmed) Deltas => (Held, Confirmed);

    /// <summary>Units enter the night (it is then checked for overbooking).</summary>
    public bool Takes => Held + Confirmed > 0;

    public static NightMove Of(Transition transition) => (transition.Stock, transition.From, transition.Target) switch
    {
        (StockMove.Take, _, ReservationStatus.Confirmed) => new(0, 1),
        (StockMove.Take, _, _) => new(1, 0),
        (StockMove.GiveBack, ReservationStatus.Confirmed, _) => new(0, -1),
        (StockMove.GiveBack, _, _) => new(-1, 0),
        (StockMove.None, ReservationStatus.Reserved, ReservationStatus.Confirmed) => new(-1, 1),
        _ => None,
    };
}
