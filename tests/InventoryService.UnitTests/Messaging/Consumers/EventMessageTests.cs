using System.Text;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Messaging.Consumers;

namespace BookingSystem.InventoryService.UnitTests.Messaging.Consumers;

public sealed class EventMessageTests
{
    private static bool Parse(string json, out EventEnvelope<BookingCreated>? envelope, out string? reason) =>
        EventMessage.TryParse(Encoding.UTF8.GetBytes(json), EventTypes.BookingCreated, out envelope, out reason);

    [Fact]
    public void A_complete_envelope_parses_and_unknown_fields_are_ignored()
    {
        var ok = Parse("""
            {"eventId":"e-1","eventType":"BookingCreated","correlationId":"c-1","occurredAt":"2026-11-21T12:00:00Z","extra":1,
             "data":{"bookingId":"b-1","roomId":"ROOM-101","unknown":"x"}}
            """, out var envelope, out var reason);

        Assert.True(ok, reason);
        Assert.Equal(("e-1", "c-1", null), (envelope!.EventId, envelope.CorrelationId, envelope.CausationId));
        Assert.Equal(("b-1", "ROOM-101", null), (envelope.Data.BookingId, envelope.Data.RoomId, envelope.Data.Quantity));
    }

    [Theory]
    [InlineData("""{"eventType":"BookingCreated","correlationId":"c","occurredAt":"2026-11-21T12:00:00Z","data":{"bookingId":"b"}}""", "eventId")]
    [InlineData("""{"eventId":"e","eventType":"BookingCreated","occurredAt":"2026-11-21T12:00:00Z","data":{"bookingId":"b"}}""", "correlationId")]
    [InlineData("""{"eventId":"e","eventType":"BookingCreated","correlationId":"c","occurredAt":"2026-11-21T12:00:00Z"}""", "data")]
    [InlineData("""{"eventId":"e","eventType":"BookingCreated","correlationId":"c","occurredAt":"2026-11-21T12:00:00Z","data":{"itemId":"A"}}""", "bookingId")]
    [InlineData("""{"eventId":"e","eventType":"BookingCreated","correlationId":"c","occurredAt":"2026-11-21T12:00:00Z","data":{"bookingId":null}}""", "bookingId")]
    [InlineData("""{"eventId":"e","eventType":"PaymentFailed","correlationId":"c","occurredAt":"2026-11-21T12:00:00Z","data":{"bookingId":"b"}}""", "eventType")]
    [InlineData("""{"eventId":"e e","eventType":"BookingCreated","correlationId":"c","occurredAt":"2026-11-21T12:00:00Z","data":{"bookingId":"b"}}""", "eventId")]
    [InlineData("""{"eventId":"e","eventType":"BookingCreated","correlationId":"c","occurredAt":"2026-11-21T12:00:00Z","data":{"bookingId":"b","quantity":"two"}}""", "quantity")]
    [InlineData("[1,2]", "JSON")]
    [InlineData("{", "JSON")]
    public void A_bad_envelope_is_refused_with_a_reason_naming_the_problem(string json, string mentioned)
    {
        var ok = Parse(json, out _, out var reason);

        Assert.False(ok);
        Assert.Contains(mentioned, reason, StringComparison.OrdinalIgnoreCase);
    }
}
