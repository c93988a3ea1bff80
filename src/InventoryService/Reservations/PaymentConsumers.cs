using BookingSystem.Contracts;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Validation;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>Payment succeeded: confirm the hold (or take the stock again after expiry).</summary>
public sealed class PaymentSucceededConsumer(
    RabbitMqConnection connection, BrokerTopology topology, IServiceScopeFactory scopes,
    IOptions<RabbitMqOptions> options, ILogger<PaymentSucceededConsumer> logger)
    : EventConsumer<PaymentSucceeded>(connection, topology, scopes, options, logger)
{
    protected override string Queue => Settings.PaymentSucceededQueue;

    protected override string RoutingKey => RoutingKeys.PaymentSucceeded;

    protected override string EventType => EventTypes.PaymentSucceeded;

    protected override void Validate(PaymentSucceeded data, ValidationErrors errors) => errors.RequireIdentifier("bookingId", data.BookingId);

    protected override async Task<string> HandleAsync(IServiceProvider services, EventEnvelope<PaymentSucceeded> envelope, MessageOrigin origin, CancellationToken ct) =>
        (await services.GetRequiredService<ReservationService>().ApplyPaymentAsync(envelope.Data.BookingId, PaymentResult.Succeeded, origin, ct)).ToString();
}

/// <summary>Payment failed: release the hold (compensation).</summary>
public sealed class PaymentFailedConsumer(
    RabbitMqConnection connection, BrokerTopology topology, IServiceScopeFactory scopes,
    IOptions<RabbitMqOptions> options, ILogger<PaymentFailedConsumer> logger)
    : EventConsumer<PaymentFailed>(connection, topology, scopes, options, logger)
{
    protected override string Queue => Settings.PaymentFailedQueue;

    protected override string RoutingKey => RoutingKeys.PaymentFailed;

    protected override string EventType => EventTypes.PaymentFailed;

    protected override void Validate(PaymentFailed data, ValidationErrors errors) => errors.RequireIdentifier("bookingId", data.BookingId);

    protected override async Task<string> HandleAsync(IServiceProvider services, EventEnvelope<PaymentFailed> envelope, MessageOrigin origin, CancellationToken ct) =>
        (await services.GetRequiredService<ReservationService>().ApplyPaymentAsync(envelope.Data.BookingId, PaymentResult.Failed, origin, ct)).ToString();
}
