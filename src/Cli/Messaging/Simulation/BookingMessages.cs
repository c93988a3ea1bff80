using BookingSystem.Contracts;

namespace BookingSystem.Cli.Messaging.Simulation;

/// <summary>
/// The messages the tools send in place of the booking and payment services (<c>simulate</c>, <c>bench</c>): one
/// place for their shape, so both drive the InventoryService with the same events.
/// </summary>
public static class BookingMessages
{
    public const string Currency = "EUR";
    public const decimal UnitPrice = 100m;

    /// <param name="holdMinutes">Null: the service's default hold (<c>Reservations:DefaultHold</c>).</param>
    public static OutgoingMessage Created(PlannedBooking booking, string userId, int? holdMinutes, DateTimeOffset now) =>
        OutgoingMessage.ForEvent(EventCatalog.BookingCreated,
            new BookingCreated(booking.BookingId, UserId: userId, Items: booking.Lines, Amount: UnitPrice * booking.Units, Currency: Currency,
                HoldMinutes: holdMinutes),
            booking.CorrelationId, Guid.CreateVersion7(now).ToString(), causationId: null, now);

    public static OutgoingMessage Payment(PaymentToSend payment, DateTimeOffset now)
    {
        var booking = payment.Booking;
        var eventId = Guid.CreateVersion7(now).ToString();
        return payment.Succeeds
            ? OutgoingMessage.ForEvent(EventCatalog.PaymentSucceeded,
                new PaymentSucceeded(booking.BookingId, $"pay-{booking.BookingId}", UnitPrice * booking.Units, Currency),
                booking.CorrelationId, eventId, payment.CausationId, now)
            : OutgoingMessage.ForEvent(EventCatalog.PaymentFailed,
                new PaymentFailed(booking.BookingId, $"pay-{booking.BookingId}", "card declined (simulated)"),
                booking.CorrelationId, eventId, payment.CausationId, now);
    }
}
