using BookingSystem.Contracts;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Validation;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>A payment outcome for a booking; the rules (ordering, repeats, expiry) live in <see cref="ReservationService.ApplyPaymentAsync"/>.</summary>
public abstract class PaymentOutcomeConsumer<TEvent>(ConsumerDependencies dependencies, ILogger logger)
    : EventConsumer<TEvent>(dependencies, logger) where TEvent : class
{
    protected abstract PaymentResult Result { get; }

    protected abstract string BookingIdOf(TEvent data);

    protected override void Validate(TEvent data, ValidationErrors errors) => errors.RequireIdentifier("bookingId", BookingIdOf(data));

    protected override async Task<string> HandleAsync(IServiceProvider services, EventEnvelope<TEvent> envelope, MessageOrigin origin, CancellationToken ct) =>
        (await services.GetRequiredService<ReservationService>().ApplyPaymentAsync(BookingIdOf(envelope.Data), Result, origin, ct)).ToString();
}

/// <summary>Payment succeeded: confirm the hold (or take the stock again after expiry).</summary>
public sealed class PaymentSucceededConsumer(ConsumerDependencies dependencies, ILogger<PaymentSucceededConsumer> logger)
    : PaymentOutcomeConsumer<PaymentSucceeded>(dependencies, logger)
{
    protected override string Queue => Settings.PaymentSucceededQueue;

    protected override string RoutingKey => RoutingKeys.PaymentSucceeded;

    protected override string EventType => EventTypes.PaymentSucceeded;

    protected override PaymentResult Result => PaymentResult.Succeeded;

    protected override string BookingIdOf(PaymentSucceeded data) => data.BookingId;
}

/// <summary>Payment failed: release the hold (compensation).</summary>
public sealed class PaymentFailedConsumer(ConsumerDependencies dependencies, ILogger<PaymentFailedConsumer> logger)
    : PaymentOutcomeConsumer<PaymentFailed>(dependencies, logger)
{
    protected override string Queue => Settings.PaymentFailedQueue;

    protected override string RoutingKey => RoutingKeys.PaymentFailed;

    protected override string EventType => EventTypes.PaymentFailed;

    protected override PaymentResult Result => PaymentResult.Failed;

    protected override string BookingIdOf(PaymentFailed data) => data.BookingId;
}
