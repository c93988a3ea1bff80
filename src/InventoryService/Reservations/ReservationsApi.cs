using System.Security.Claims;
using BookingSystem.ServiceDefaults;
using BookingSystem.InventoryService.Validation;
using BookingSystem.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Reservations;

public static class ReservationsApi
{
    public static RouteGroupBuilder MapReservationsApi(this RouteGroupBuilder group)
    {
        group.MapPost("/reserve", Reserve).WithName("Reserve")
            .WithSummary("Reserve stock for a booking: every line or none.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/release", Release).WithName("Release").WithSummary("Release a booking's reservation.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/reservations/{bookingId}", GetReservation).WithName("GetReservation")
            .WithSummary("Read a reservation: your own, or any with the admin role.").ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Created<ReservationResponse>, Ok<ReservationResponse>, ValidationProblem, ProblemHttpResult>> Reserve(
        ReservationService reservations, IOptions<ReservationOptions> options, HttpContext http, ReserveRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var command = ReserveCommand.From(request, ("token sub", http.User.FindFirstValue("sub")), CorrelationIdMiddleware.Of(http), options.Value, errors);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var result = await reservations.ReserveAsync(command, cancellationToken);
        if (result.Outcome == ReserveOutcome.Existing && !MayAccess(http.User, result.Reservation!))
        {
            return Problems.Create(StatusCodes.Status409Conflict, "Booking id taken", $"Booking '{command.BookingId}' belongs to another user.");
        }

        return result.Outcome switch
        {
            ReserveOutcome.Created => TypedResults.Created($"/api/inventory/reservations/{command.BookingId}", ReservationResponse.From(result.Reservation!)),
            ReserveOutcome.Existing => TypedResults.Ok(ReservationResponse.From(result.Reservation!)),
            ReserveOutcome.UnknownItems => Problems.Create(StatusCodes.Status404NotFound, "Unknown item",
                "At least one line names an item that does not exist; nothing was reserved.", ("lines", result.Lines)),
            _ => Problems.Create(StatusCodes.Status409Conflict, "Insufficient stock",
                "At least one line asks for more than is available; nothing was reserved.", ("lines", result.Lines)),
        };
    }

    public static async Task<Results<Ok<ReservationResponse>, ValidationProblem, ProblemHttpResult>> Release(
        ReservationService reservations, ClaimsPrincipal user, ReleaseRequest request, CancellationToken cancellationToken)
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

        var result = await reservations.ReleaseAsync(request.BookingId!, reason, cancellationToken, r => MayAccess(user, r));
        return ToResponse(request.BookingId!, result);
    }

    public static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> GetReservation(
        ReservationService reservations, ClaimsPrincipal user, string bookingId, CancellationToken cancellationToken)
    {
        var reservation = Identifiers.IsValid(bookingId) ? await reservations.FindAsync(bookingId, cancellationToken) : null;
        return reservation is null || !MayAccess(user, reservation)
            ? ReservationNotFound(bookingId)
            : TypedResults.Ok(ReservationResponse.From(reservation));
    }

    /// <summary>A reservation is its booker's (the token subject it was made with); admins see all. Others get a 404, not a hint.</summary>
    private static bool MayAccess(ClaimsPrincipal user, Reservation reservation) =>
        user.IsInRole(InventoryPolicies.AdminRole)
        || string.Equals(reservation.UserId, user.FindFirstValue("sub"), StringComparison.Ordinal);

    private static Results<Ok<ReservationResponse>, ValidationProblem, ProblemHttpResult> ToResponse(string bookingId, TransitionResult result) =>
        result.Outcome switch
        {
            TransitionOutcome.NotFound => ReservationNotFound(bookingId),
            TransitionOutcome.Refused => Problems.Create(StatusCodes.Status409Conflict, "Transition refused", result.Error!,
                ("status", result.Reservation!.Status)),
            _ => TypedResults.Ok(ReservationResponse.From(result.Reservation!)),
        };

    private static ProblemHttpResult ReservationNotFound(string bookingId) =>
        Problems.Create(StatusCodes.Status404NotFound, "Reservation not found", $"No reservation for booking '{bookingId}'.");
}
