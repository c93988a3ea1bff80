using System.Text.Json;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Messaging.Simulation;

/// <summary>
/// One event the InventoryService published, reduced to what the simulation tracks. <see cref="Lines"/> are the
/// stock the event moved (reserved, released, confirmed); <see cref="Reason"/> is the release or failure reason.
/// </summary>
public sealed record ObservedEvent(string EventType, string EventId, string? BookingId, string? Reason, IReadOnlyList<BookingLine> Lines)
{
    /// <summary>Parses an <c>inventory.*</c> message; null for anything that is not one of the booking outcome events.</summary>
    /// <exception cref="JsonException">The body is not a valid envelope of its routing key's event.</exception>
    public static ObservedEvent? Parse(string routingKey, ReadOnlySpan<byte> body) => routingKey switch
    {
        RoutingKeys.InventoryReserved => From<InventoryReserved>(body, d => (d.BookingId, null, Booked(d.Items))),
        RoutingKeys.InventoryReservationFailed => From<InventoryReservationFailed>(body, d => (d.BookingId, d.Reason, [])),
        RoutingKeys.InventoryReleased => From<InventoryReleased>(body, d => (d.BookingId, d.Reason, Booked(d.Items))),
        RoutingKeys.InventoryConfirmed => From<InventoryConfirmed>(body, d => (d.BookingId, null, Booked(d.Items))),
        RoutingKeys.LowStockAlert => From<LowStockAlert>(body, d => (null, null, [])),
        _ => null,
    };

    private static IReadOnlyList<BookingLine> Booked(IReadOnlyList<OutcomeLine> lines) =>
        [.. lines.Select(l => l.AsBookingLine())];

    private static ObservedEvent From<TData>(ReadOnlySpan<byte> body, Func<TData, (string? BookingId, string? Reason, IReadOnlyList<BookingLine> Lines)> read)
        where TData : class
    {
        var envelope = JsonSerializer.Deserialize<EventEnvelope<TData>>(body, ContractJson.Options)
            ?? throw new JsonException("The body is JSON null.");
        var (bookingId, reason, lines) = read(envelope.Data ?? throw new JsonException("data is missing."));
        return new ObservedEvent(envelope.EventType, envelope.EventId, bookingId, reason, lines);
    }
}
