using System.Security.Claims;
using BookingSystem.ServiceDefaults;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Stock;
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
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/release", Release).WithName("Release").WithSummary("Release a booking's reservation.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/reservations/{bookingId}", GetReservation).WithName("GetReservation")
            .WithSummary("Read a reservation: your own, or any with the admin role.").ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>
    /// Reserves in the caller's own namespace (<see cref="BookingKey"/>): another user's booking id, or a booking of
    /// the booking service with the same id, neither blocks this nor is touched by it, and the answer is the same
    /// whether or not they exist.
    /// </summary>
    public static async Task<Results<Created<ReservationResponse>, Ok<ReservationResponse>, ValidationProblem, ProblemHttpResult>> Reserve(
        ReservationService reservations, StayRules stays, IOptions<ReservationOptions> options, HttpContext http,
        ReserveRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        await stays.LoadAsync(RequestedLines.ItemIds(request.Items, request.Shorthand), cancellationToken);
        var command = ReserveCommand.From(request, ReservationOrigin.Http,
            ("token sub", http.User.FindFirstValue("sub")), CorrelationIdMiddleware.Of(http), options.Value, stays,
            errors) with
        {
            // One user cannot lock up the stock; admins (operators) are not capped.
            HoldCap = http.User.IsInRole(InventoryPolicies.AdminRole) ? null : options.Value.MaxActiveHoldsPerUser,
        };
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var result = await reservations.ReserveAsync(command, cancellationToken);
        return result.Outcome switch
        {
            ReserveOutcome.Created => TypedResults.Created($"/api/inventory/reservations/{command.BookingId}", ReservationResponse.From(result.Reservation!)),
            ReserveOutcome.Existing => TypedResults.Ok(ReservationResponse.From(result.Reservation!)),
            ReserveOutcome.DifferentRequest => Problems.Create(StatusCodes.Status422UnprocessableEntity, "Booking id already used",
                $"Booking '{command.BookingId}' already has a reservation with other lines; nothing changed. A booking id names " +
                "one request: use a new booking id for another one.", ("reservation", ReservationResponse.From(result.Reservation!))),
            ReserveOutcome.Ended => Problems.Create(StatusCodes.Status409Conflict, "Reservation ended",
                $"The reservation of booking '{command.BookingId}' is {result.Reservation!.Status}; nothing is held and nothing " +
                "was reserved. Use a new booking id.", ("reservation", ReservationResponse.From(result.Reservation!))),
            ReserveOutcome.TooManyHolds => Problems.Create(StatusCodes.Status409Conflict, "Too many holds",
                $"You already hold {options.Value.MaxActiveHoldsPerUser} reservations; confirm or release one first."),
            ReserveOutcome.UnknownItems => Problems.Create(StatusCodes.Status404NotFound, "Unknown item",
                "At least one line names an item that does not exist; nothing was reserved.", ("lines", result.Lines)),
            _ when Availability.FailureReason(result.Lines) is var reason
                && reason != ReservationFailureReasons.InsufficientStock =>
                Problems.Create(StatusCodes.Status409Conflict, "Nights not for sale",
                    $"At least one night of a stay cannot be sold ({reason}; each such night is listed under its " +
                    "line); nothing was reserved.", ("reason", reason), ("lines", result.Lines)),
            _ => Problems.Create(StatusCodes.Status409Conflict, "Insufficient stock",
                "At least one line asks for more than is available; nothing was reserved.", ("lines", result.Lines)),
        };
    }

    /// <summary>Releases the caller's own reservation (admins: see <see cref="KeysFor"/>).</summary>
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

        if (request.Owner is not null)
        {
            errors.CheckText("owner", request.Owner, maxLength: Identifiers.MaxLength);
        }

        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        foreach (var key in KeysFor(user, request.BookingId!, request.Owner))
        {
            var result = await reservations.ReleaseAsync(key, reason, cancellationToken);
            if (result.Outcome != TransitionOutcome.NotFound)
            {
                return ToResponse(request.BookingId!, result);
            }
        }

        return ReservationNotFound(request.BookingId!);
    }

    /// <summary>The caller's own reservation (admins: see <see cref="KeysFor"/>); anything else is a 404, not a hint.</summary>
    public static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> GetReservation(
        ReservationService reservations, ClaimsPrincipal user, string bookingId, string? owner, CancellationToken cancellationToken)
    {
        if (Identifiers.IsValid(bookingId) && (owner is null || Identifiers.IsValid(owner)))
        {
            foreach (var key in KeysFor(user, bookingId, owner))
            {
                if (await reservations.FindAsync(key, cancellationToken) is { } reservation)
                {
                    return TypedResults.Ok(ReservationResponse.From(reservation));
                }
            }
        }

        return ReservationNotFound(bookingId);
    }

    /// <summary>
    /// Where to look for a booking id, in order. A user: only their own HTTP reservation. An admin: the HTTP
    /// reservation of <paramref name="owner"/> when given, else their own, then the booking that came by message.
    /// </summary>
    private static IEnumerable<string> KeysFor(ClaimsPrincipal user, string bookingId, string? owner)
    {
        var subject = user.FindFirstValue("sub")!;
        if (!user.IsInRole(InventoryPolicies.AdminRole))
        {
            yield return BookingKey.Http(subject, bookingId);
            yield break;
        }

        yield return BookingKey.Http(owner ?? subject, bookingId);
        if (owner is null)
        {
            yield return BookingKey.Of(ReservationOrigin.Message, bookingId, subject: null);
        }
    }

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
