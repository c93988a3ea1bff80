using BookingSystem.Contracts;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Validation;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>Reserves stock for a new booking; out of stock and unknown items are outcomes (acked), not errors.</summary>
public sealed class BookingCreatedConsumer(
    ConsumerDependencies dependencies, IOptions<ReservationOptions> reservationOptions, ILogger<BookingCreatedConsumer> logger)
    : EventConsumer<BookingCreated>(dependencies, logger)
{
    protected override string Queue => Settings.BookingCreatedQueue;

    protected override string RoutingKey => RoutingKeys.BookingCreated;

    protected override string EventType => EventTypes.BookingCreated;

    protected override void Validate(BookingCreated data, ValidationErrors errors) => ToCommand(data, "-", errors);

    protected override async Task<string> HandleAsync(IServiceProvider services, EventEnvelope<BookingCreated> envelope, MessageOrigin origin, CancellationToken ct)
    {
        var command = ToCommand(envelope.Data, envelope.CorrelationId, new ValidationErrors());
        var result = await services.GetRequiredService<ReservationService>().ReserveAsync(command, origin, ct);
        return result.Outcome.ToString();
    }

    private ReserveCommand ToCommand(BookingCreated data, string correlationId, ValidationErrors errors)
    {
        errors.RequireIdentifier("bookingId", data.BookingId);
        errors.CheckText("userId", data.UserId, Identifiers.MaxLength);

        if (data.HoldMinutes is not null)
        {
            errors.RequireRange("holdMinutes", data.HoldMinutes, 1, (int)reservationOptions.Value.MaxHold.TotalMinutes);
        }

        var lines = ReservationLines.Normalize(
            data.Items?.Select(l => l is null ? null : new LineInput(l.ItemId, l.Quantity)).ToList(), data.ItemId, data.RoomId, data.Quantity, errors);
        var hold = data.HoldMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
        return new ReserveCommand(data.BookingId, lines, hold, correlationId, data.UserId);
    }
}
