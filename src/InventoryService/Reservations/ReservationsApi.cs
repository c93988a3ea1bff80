using System.Security.Claims;
using BookingSystem.InventoryService.Api;
using BookingSystem.InventoryService.Observability;
using BookingSystem.InventoryService.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Reservations;

public static class ReservationsApi
{
    public static RouteGroupBuilder MapReservationsApi(this RouteGroupBuilder group)
    {
        group.MapPost("/reserve", Reserve).WithName("Reserve");
        group.MapPost("/release", Release).WithName("Release");
        group.MapGet("/reservations/{bookingId}", GetReservation).WithName("GetReservation");
        return group;
    }

    public static async Task<Results<Created<ReservationResponse>, Ok<ReservationResponse>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> Reserve(
        ReservationService reservations, IOptions<ReservationOptions> options, HttpContext http, ReserveRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("bookingId", request.BookingId);
        var maxHoldMinutes = (int)options.Value.MaxHold.TotalMinutes;
        if (request.HoldMinutes is not null)
        {
            errors.RequireRange("holdMinutes", request.HoldMinutes, 1, maxHoldMinutes);
        }

        var lines = ReservationLines.Normalize(request.Items, request.ItemId, request.RoomId, request.Quantity, errors);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var command = new ReserveCommand(
            request.BookingId!,
            lines,
            request.HoldMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
            CorrelationId.Of(http),
            http.User.FindFirstValue("sub"));
        var result = await reservations.ReserveAsync(command, cancellationToken);
        return result.Outcome switch
        {
            ReserveOutcome.Created => TypedResults.Created($"/api/inventory/reservations/{command.BookingId}", ReservationResponse.From(result.Reservation!)),
            ReserveOutcome.Existing => TypedResults.Ok(ReservationResponse.From(result.Reservation!)),
            ReserveOutcome.UnknownItems => TypedResults.NotFound(Problems.Create(StatusCodes.Status404NotFound, "Unknown item",
                "At least one line names an item that does not exist; nothing was reserved.", ("lines", result.Lines))),
            _ => TypedResults.Conflict(Problems.Create(StatusCodes.Status409Conflict, "Insufficient stock",
                "At least one line asks for more than is available; nothing was reserved.", ("lines", result.Lines))),
        };
    }

    public static async Task<Results<Ok<ReservationResponse>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> Release(
        ReservationService reservations, ReleaseRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("bookingId", request.BookingId);
        var reason = request.Reason ?? ReleaseReason.Cancelled;
        if (reason is not (ReleaseReason.Cancelled or ReleaseReason.Manual))
        {
            errors.Add("reason", "reason must be Cancelled or Manual; PaymentFailed and Expired are set by the service itself.");
        }

        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var result = await reservations.ReleaseAsync(request.BookingId!, reason, cancellationToken);
        return ToResponse(request.BookingId!, result);
    }

    public static async Task<Results<Ok<ReservationResponse>, NotFound<ProblemDetails>>> GetReservation(
        ReservationService reservations, string bookingId, CancellationToken cancellationToken)
    {
        var reservation = await reservations.FindAsync(bookingId, cancellationToken);
        return reservation is null ? ReservationNotFound(bookingId) : TypedResults.Ok(ReservationResponse.From(reservation));
    }

    private static Results<Ok<ReservationResponse>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>> ToResponse(string bookingId, TransitionResult result) =>
        result.Outcome switch
        {
            TransitionOutcome.NotFound => ReservationNotFound(bookingId),
            TransitionOutcome.Refused => TypedResults.Conflict(Problems.Create(StatusCodes.Status409Conflict, "Transition refused", result.Error!,
                ("status", result.Reservation!.Status))),
            _ => TypedResults.Ok(ReservationResponse.From(result.Reservation!)),
        };

    private static NotFound<ProblemDetails> ReservationNotFound(string bookingId) =>
        TypedResults.NotFound(Problems.Create(StatusCodes.Status404NotFound, "Reservation not found", $"No reservation for booking '{bookingId}'."));
}
