using System.Diagnostics;
using System.Text;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Messaging.Consumers;
using RabbitMQ.Client;

namespace BookingSystem.InventoryService.UnitTests.Messaging.Consumers;

/// <summary>Deliveries as a consumer buffers them, without a broker.</summary>
internal static class Deliveries
{
    public static Delivery Json(ulong tag, string body, string? contentType = "application/json") =>
        new(tag, "booking.created", new BasicProperties { MessageId = $"m-{tag}", ContentType = contentType }, Encoding.UTF8.GetBytes(body),
            Stopwatch.GetTimestamp());

    /// <summary>A BookingCreated envelope for <paramref name="bookingId"/> (event id <c>e-TAG</c>).</summary>
    public static Delivery BookingCreated(ulong tag, string bookingId) => Json(tag, $$$"""
        {"eventId":"e-{{{tag}}}","eventType":"BookingCreated","correlationId":"c-{{{tag}}}","occurredAt":"2026-12-03T10:00:00Z",
         "data":{"bookingId":"{{{bookingId}}}","itemId":"ROOM-1"}}
        """);

    /// <summary>A consumed message whose command is its delivery tag.</summary>
    public static Accepted<ulong> Accepted(ulong tag)
    {
        var delivery = Json(tag, "{}");
        return new Accepted<ulong>(delivery, new Consumed<ulong>(tag, new MessageOrigin("q", $"e-{tag}", $"c-{tag}"), null, () => null));
    }
}
