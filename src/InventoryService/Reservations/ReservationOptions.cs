using System.ComponentModel.DataAnnotations;

namespace BookingSystem.InventoryService.Reservations;

public sealed class ReservationOptions
{
    public const string SectionName = "Reservations";

    /// <summary>How long a hold lasts when the request does not say.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan DefaultHold { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Longest hold a request may ask for.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaxHold { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// HTTP holds (status Reserved) one user may have at once; a reserve beyond it is refused (409, <c>TooManyHolds</c>).
    /// Admins and bookings by message (the trusted booking service) are not capped.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxActiveHoldsPerUser { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    [Range(1, 10_000)]
    public int SweepBatchSize { get; set; } = 100;

    /// <summary>
    /// How long a payment outcome waits for its booking. After that the sweeper forgets it, and for a successful
    /// payment publishes <c>InventoryReservationFailed</c> (<c>BookingNeverArrived</c>) so the payment side refunds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan PaymentRetention { get; set; } = TimeSpan.FromDays(1);
}
