using BookingSystem.Contracts;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Stock;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>A payment outcome for a booking, validated from its event.</summary>
public sealed record PaymentCommand(string BookingId, PaymentResult Result);

/// <summary>
/// The reservation feature's consumers: BookingCreated reserves stock (out of stock and unknown items are outcomes,
/// acked, not errors); PaymentSucceeded confirms the hold (or takes the stock again after expiry); PaymentFailed
/// releases it (compensation). The rules live in <see cref="ReservationService"/>.
/// </summary>
public static class ReservationConsumers
{
    public static IHostApplicationBuilder AddReservationConsumers(this IHostApplicationBuilder builder) => builder
        .AddEventConsumer(services => BookingCreated(services.GetRequiredService<IOptions<ReservationOptions>>().Value))
        .AddEventConsumer(_ => Payment<PaymentSucceeded>(
            Topology.PaymentSucceededQueue, RoutingKeys.PaymentSucceeded, EventTypes.PaymentSucceeded, e => e.BookingId, PaymentResult.Succeeded))
        .AddEventConsumer(_ => Payment<PaymentFailed>(
            Topology.PaymentFailedQueue, RoutingKeys.PaymentFailed, EventTypes.PaymentFailed, e => e.BookingId, PaymentResult.Failed));

    private static ConsumerDefinition<BookingCreated, ReserveCommand> BookingCreated(ReservationOptions options) => new(
        Topology.BookingCreatedQueue, RoutingKeys.BookingCreated, EventTypes.BookingCreated,
        (envelope, errors) =>
        {
            var data = envelope.Data;
            var request = new ReserveRequest(data.BookingId, data.Items?.Select(l => l is null ? null : new LineInput(l.ItemId, l.Quantity)).ToList(),
                data.ItemId, data.RoomId, data.Quantity, data.HoldMinutes);
            return ReserveCommand.From(request, ReservationOrigin.Message, ("userId", data.UserId), envelope.CorrelationId, options, errors);
        },
        command => command.BookingId,
        async (services, batch, ct) => Names(await services.GetRequiredService<ReservationService>().ReserveAsync(batch, ct)));

    private static ConsumerDefinition<TEvent, PaymentCommand> Payment<TEvent>(
        string queue, string routingKey, string eventType, Func<TEvent, string> bookingIdOf, PaymentResult result) where TEvent : class => new(
        queue, routingKey, eventType,
        (envelope, errors) =>
        {
            var bookingId = bookingIdOf(envelope.Data);
            errors.RequireIdentifier("bookingId", bookingId);
            return new PaymentCommand(bookingId, result);
        },
        command => command.BookingId,
        async (services, batch, ct) => Names(await services.GetRequiredService<ReservationService>().ApplyPaymentsAsync(batch, ct)));

    private static IReadOnlyList<string> Names<TOutcome>(IReadOnlyList<TOutcome> outcomes) where TOutcome : struct, Enum =>
        outcomes.Select(o => o.ToString()).ToList();
}
