using BookingSystem.Contracts;
using BookingSystem.InventoryService.Messaging.Consumers;
using BookingSystem.InventoryService.Stock;
using BookingSystem.InventoryService.Validation;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// BookingCreated reserves stock (out of stock and unknown items are outcomes, acked, not errors), validated by the
/// same <see cref="ReserveCommand.From"/> as an HTTP reserve (bad dates are a dead letter with the reason).
/// </summary>
public sealed class BookingCreatedHandler(
    ReservationService reservations, StayRules stays, IOptions<ReservationOptions> options)
    : IEventHandler<BookingCreated, ReserveCommand>
{
    public Task PrepareAsync(IReadOnlyList<BookingCreated> events) =>
        stays.LoadAsync(
            events.Select(Request).SelectMany(r => RequestedLines.ItemIds(r.Items, r.Shorthand)),
            CancellationToken.None);

    public ReserveCommand ToCommand(EventEnvelope<BookingCreated> envelope, ValidationErrors errors) =>
        ReserveCommand.From(Request(envelope.Data), ReservationOrigin.Message, ("userId", envelope.Data.UserId),
            envelope.CorrelationId, options.Value, stays, errors);

    private static ReserveRequest Request(BookingCreated data) => new(data.BookingId,
        data.Items?.Select(l => l is null ? null : new LineInput(l.ItemId, l.Quantity, l.CheckIn, l.CheckOut)).ToList(),
        data.ItemId, data.RoomId, data.Quantity, data.HoldMinutes, data.CheckIn, data.CheckOut);

    public string BookingIdOf(ReserveCommand command) => command.BookingId;

    public async Task<IReadOnlyList<string>> HandleAsync(
        IReadOnlyList<Consumed<ReserveCommand>> batch, CancellationToken ct) =>
        Outcomes.Names(await reservations.ReserveAsync(batch, ct));
}

/// <summary>
/// PaymentSucceeded confirms the hold (or takes the stock again after expiry); PaymentFailed releases it
/// (compensation).
/// </summary>
public abstract class PaymentHandler<TEvent>(ReservationService reservations, PaymentResult result)
    : IEventHandler<TEvent, PaymentCommand>
    where TEvent : class
{
    public PaymentCommand ToCommand(EventEnvelope<TEvent> envelope, ValidationErrors errors)
    {
        var bookingId = BookingIdIn(envelope.Data);
        errors.RequireIdentifier("bookingId", bookingId);
        return new PaymentCommand(bookingId, result, envelope.EventId, envelope.CorrelationId);
    }

    public string BookingIdOf(PaymentCommand command) => command.BookingId;

    public async Task<IReadOnlyList<string>> HandleAsync(
        IReadOnlyList<Consumed<PaymentCommand>> batch, CancellationToken ct) =>
        Outcomes.Names(await reservations.ApplyPaymentsAsync(batch, ct));

    /// <summary>Where the event names its booking.</summary>
    protected abstract string BookingIdIn(TEvent data);
}

public sealed class PaymentSucceededHandler(ReservationService reservations)
    : PaymentHandler<PaymentSucceeded>(reservations, PaymentResult.Succeeded)
{
    protected override string BookingIdIn(PaymentSucceeded data) => data.BookingId;
}

public sealed class PaymentFailedHandler(ReservationService reservations)
    : PaymentHandler<PaymentFailed>(reservations, PaymentResult.Failed)
{
    protected override string BookingIdIn(PaymentFailed data) => data.BookingId;
}

/// <summary>A batch's outcomes as the consumer logs and counts them.</summary>
internal static class Outcomes
{
    public static IReadOnlyList<string> Names<TOutcome>(IReadOnlyList<TOutcome> outcomes)
        where TOutcome : struct, Enum =>
        [.. outcomes.Select(o => o.ToString())];
}

public static class ReservationConsumers
{
    /// <summary>The reservation feature's three consumers.</summary>
    public static MessagingBuilder AddReservationConsumers(this MessagingBuilder messaging) => messaging
        .AddConsumer<BookingCreated, ReserveCommand, BookingCreatedHandler>(EventCatalog.BookingCreatedQueue)
        .AddConsumer<PaymentSucceeded, PaymentCommand, PaymentSucceededHandler>(EventCatalog.PaymentSucceededQueue)
        .AddConsumer<PaymentFailed, PaymentCommand, PaymentFailedHandler>(EventCatalog.PaymentFailedQueue);
}
