using System.Text;
using System.Text.Json;
using BookingSystem.Cli.Messaging.Simulation;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Tests.Messaging.Simulation;

/// <summary>The simulation reads the service's events as docs/messaging.md shows them.</summary>
public sealed class ObservedEventTests
{
    [Fact]
    public void A_reservation_is_read_with_its_lines()
    {
        var observed = ObservedEvent.Parse(RoutingKeys.InventoryReserved, Json("""
            { "eventId": "r-1", "eventType": "InventoryReserved", "correlationId": "booking-8841", "causationId": "e-1",
              "occurredAt": "2026-11-21T12:00:00.120+00:00",
              "data": { "bookingId": "booking-8841", "items": [ { "itemId": "ROOM-101", "quantity": 1 }, { "itemId": "ROOM-102", "quantity": 2 } ],
                        "expiresAt": "2026-11-21T12:20:00.120+00:00" } }
            """));

        Assert.NotNull(observed);
        Assert.Equal((EventTypes.InventoryReserved, "r-1", "booking-8841", (string?)null), (observed.EventType, observed.EventId, observed.BookingId, observed.Reason));
        Assert.Equal(new[] { new BookingLine("ROOM-101", 1), new BookingLine("ROOM-102", 2) }, observed.Lines);
    }

    [Fact]
    public void A_reservation_of_a_stay_is_read_with_its_dates_whatever_nights_were_overbooked()
    {
        var observed = ObservedEvent.Parse(RoutingKeys.InventoryReserved, Json("""
            { "eventId": "r-2", "eventType": "InventoryReserved", "correlationId": "booking-9", "causationId": "e-2",
              "occurredAt": "2027-05-01T12:00:00+00:00",
              "data": { "bookingId": "booking-9", "expiresAt": "2027-05-01T12:15:00+00:00", "overbooked": true,
                        "items": [ { "itemId": "SUITE-1", "quantity": 2, "checkIn": "2027-06-03",
                                     "checkOut": "2027-06-06", "overbookedNights": [ "2027-06-04" ] },
                                   { "itemId": "PARKING", "quantity": 1 } ] } }
            """));

        var stay = new BookingLine("SUITE-1", 2, new DateOnly(2027, 6, 3), new DateOnly(2027, 6, 6));
        Assert.Equal([stay, new BookingLine("PARKING", 1)], observed!.Lines);
    }

    [Fact]
    public void A_failed_reservation_and_a_release_are_read_with_their_reasons()
    {
        var failed = ObservedEvent.Parse(RoutingKeys.InventoryReservationFailed, Json("""
            { "eventId": "f-1", "eventType": "InventoryReservationFailed", "correlationId": "booking-8843", "causationId": "e-5",
              "occurredAt": "2026-11-21T12:00:00+00:00",
              "data": { "bookingId": "booking-8843", "reason": "InsufficientStock",
                        "lines": [ { "itemId": "ROOM-105", "requested": 3, "available": 1, "reason": "InsufficientStock" } ] } }
            """));
        var released = ObservedEvent.Parse(RoutingKeys.InventoryReleased, Json("""
            { "eventId": "l-1", "eventType": "InventoryReleased", "correlationId": "booking-8841", "causationId": "e-4",
              "occurredAt": "2026-11-21T12:05:00+00:00",
              "data": { "bookingId": "booking-8841", "reason": "PaymentFailed", "items": [ { "itemId": "ROOM-101", "quantity": 1 } ] } }
            """));

        Assert.Equal(("booking-8843", "InsufficientStock"), (failed!.BookingId, failed.Reason));
        Assert.Empty(failed.Lines);
        Assert.Equal(("booking-8841", "PaymentFailed", 1), (released!.BookingId, released.Reason, released.Lines.Single().Quantity));
    }

    [Fact]
    public void Other_routing_keys_are_ignored_and_a_broken_body_is_an_error()
    {
        Assert.Null(ObservedEvent.Parse("inventory.something-new", Json("{}")));
        Assert.ThrowsAny<JsonException>(() => ObservedEvent.Parse(RoutingKeys.InventoryConfirmed, Json("""{ "eventId": "c-1" }""")));
    }

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);
}
