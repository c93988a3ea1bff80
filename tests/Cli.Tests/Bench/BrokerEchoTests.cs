using System.Text.Json;
using BookingSystem.Cli.Bench;
using BookingSystem.Cli.Messaging.Simulation;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Tests.Bench;

public sealed class BrokerEchoTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly PlannedBooking Booking = new("b-1", [new("svc-000001", 2)], PaymentPlan.Pay);

    [Fact]
    public void A_booking_is_answered_with_a_hold_of_the_same_lines_caused_by_it()
    {
        var request = BookingMessages.Created(Booking, "bench", 60, Now);

        var reply = BrokerEcho.ReplyTo(BrokerEcho.Prefix + request.RoutingKey, request.Body, Now)!;

        Assert.Equal((RoutingKeys.InventoryReserved, EventTypes.InventoryReserved), (reply.RoutingKey, reply.EventType));
        var observed = ObservedEvent.Parse(reply.RoutingKey, reply.Body)!;
        Assert.Equal("b-1", observed.BookingId);
        Assert.Equal(Booking.Lines, observed.Lines);
        var envelope = JsonSerializer.Deserialize<EventEnvelope<InventoryReserved>>(reply.Body, ContractJson.Options)!;
        Assert.Equal((request.EventId, Booking.CorrelationId), (envelope.CausationId, envelope.CorrelationId));
    }

    [Theory]
    [InlineData(true, RoutingKeys.InventoryConfirmed, null)]
    [InlineData(false, RoutingKeys.InventoryReleased, ReleaseReasons.PaymentFailed)]
    public void A_payment_is_answered_as_the_service_would(bool succeeds, string routingKey, string? reason)
    {
        var request = BookingMessages.Payment(new PaymentToSend(Booking, succeeds, "e-hold"), Now);

        var reply = BrokerEcho.ReplyTo(BrokerEcho.Prefix + request.RoutingKey, request.Body, Now)!;

        var observed = ObservedEvent.Parse(reply.RoutingKey, reply.Body)!;
        Assert.Equal((routingKey, "b-1", reason), (reply.RoutingKey, observed.BookingId, observed.Reason));
    }

    [Fact]
    public void Anything_else_gets_no_reply()
    {
        Assert.Null(BrokerEcho.ReplyTo(BrokerEcho.Prefix + "inventory.reserved", "{}"u8, Now));
    }
}
