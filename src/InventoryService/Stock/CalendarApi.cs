using System.Security.Claims;
using System.Text.Json;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Validation;
using BookingSystem.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Stock;

/// <summary>The calendar of nightly items: per-night reads, the stay search, and admin changes (audited).</summary>
public static class CalendarApi
{
    private const int DefaultPageSize = 20;

    public static RouteGroupBuilder MapCalendarPublicApi(this RouteGroupBuilder group)
    {
        group.MapGet("/{itemId}/calendar", GetCalendar).WithName("GetCalendar")
            .WithSummary("Read a nightly item's nights in [from, to): capacity, held, confirmed, available, rules.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/availability", SearchStays).WithName("SearchStays")
            .WithSummary("Find the nightly items that can take a whole stay, with their lowest availability, paged.");
        return group;
    }

    public static RouteGroupBuilder MapCalendarAdminApi(this RouteGroupBuilder group)
    {
        group.MapPut("/{itemId}/calendar", ChangeCalendar).WithName("ChangeCalendar")
            .WithSummary(
                "Set capacity, stop-sell, minimum stay or overbooking allowance over a date range (admin, audited).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/calendar-changes", ListCalendarChanges).WithName("ListCalendarChanges")
            .WithSummary("Read the audit trail of calendar changes, newest first (admin).");
        return group;
    }

    public static async Task<Results<Ok<CalendarResponse>, ValidationProblem, ProblemHttpResult>> GetCalendar(
        Calendar calendar, string itemId, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var read = Identifiers.IsValid(itemId)
            ? await calendar.ReadAsync(itemId, from, to, errors, cancellationToken)
            : null;
        if (read is null)
        {
            return NoCalendar(itemId);
        }

        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var today = calendar.Today(read.Item);
        return TypedResults.Ok(new CalendarResponse(read.Item.ItemId, read.Item.TimeZone!, read.From, read.To,
            [.. read.Nights.Select(n => NightResponse.From(n, today))]));
    }

    public static async Task<Results<Ok<StayOfferPage>, ValidationProblem>> SearchStays(
        Calendar calendar, IOptions<NightlyOptions> options, DateOnly? checkIn, DateOnly? checkOut, int? quantity,
        string? location, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (checkIn is null)
        {
            errors.Add("checkIn", "checkIn is required (ISO date).");
        }

        if (checkOut is null)
        {
            errors.Add("checkOut", "checkOut is required (ISO date; the stay is [checkIn, checkOut)).");
        }
        else if (checkIn is { } first && (checkOut.Value.DayNumber - first.DayNumber) is var nights
            && (nights < 1 || nights > options.Value.MaxStayNights))
        {
            errors.Add("checkOut", $"checkOut must be 1-{options.Value.MaxStayNights} nights after checkIn.");
        }

        errors.RequireRange("quantity", quantity ?? 1, 1, RequestedLines.MaxQuantityPerLine);
        errors.CheckText("location", string.IsNullOrEmpty(location) ? null : location, maxLength: 100);
        errors.RequireRange("page", page ?? 1, 1, 1_000_000);
        errors.RequireRange("pageSize", pageSize ?? DefaultPageSize, 1, StockApi.MaxPageSize);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await calendar.SearchAsync(new Stay(checkIn!.Value, checkOut!.Value), quantity ?? 1,
            string.IsNullOrEmpty(location) ? null : location, page ?? 1, pageSize ?? DefaultPageSize,
            cancellationToken));
    }

    public static async Task<Results<Ok<CalendarChangeResponse>, ValidationProblem, ProblemHttpResult>> ChangeCalendar(
        Calendar calendar, InventoryDbContext db, HttpContext http, string itemId, CalendarChangeRequest request,
        CancellationToken cancellationToken)
    {
        var item = Identifiers.IsValid(itemId)
            ? await db.Items.AsNoTracking().SingleOrDefaultAsync(i => i.ItemId == itemId, cancellationToken)
            : null;
        if (item is not { Kind: ItemKind.Nightly })
        {
            return NoCalendar(itemId);
        }

        var errors = new ValidationErrors();
        if (request.From is null)
        {
            errors.Add("from", "from is required (ISO date).");
        }

        var (from, to) = calendar.Range(item, request.From, request.To, defaultNights: null, errors);
        Check(request, errors);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var command = new CalendarChangeCommand(item, request,
            http.User.FindFirstValue("sub") ?? http.User.Identity?.Name ?? "anonymous",
            CorrelationIdMiddleware.Of(http));
        CalendarChangeResult result;
        try
        {
            result = await calendar.ChangeAsync(command, from, to, cancellationToken);
        }
        catch (CommitOutcomeUnknownException)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Calendar change outcome unknown",
                "The database did not confirm the commit, so the change may or may not have been applied. Check " +
                $"GET /api/inventory/{itemId}/calendar before sending it again.");
        }

        if (result.Conflicts.Count > 0)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "Calendar change refused",
                "These nights hold and sell more than the new capacity plus overbooking allowance; nothing changed.",
                ("nights", result.Conflicts));
        }

        return TypedResults.Ok(ToResponse(result.Change!, result.Nights));
    }

    public static async Task<Results<Ok<IReadOnlyList<CalendarChangeResponse>>, ValidationProblem>> ListCalendarChanges(
        InventoryDbContext db, string? itemId, int? limit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (itemId is not null)
        {
            errors.RequireIdentifier("itemId", itemId);
        }

        errors.RequireRange("limit", limit ?? StockApi.MaxPageSize, 1, 1_000);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var query = db.CalendarChanges.AsNoTracking();
        if (itemId is not null)
        {
            query = query.Where(c => c.ItemId == itemId);
        }

        var rows = await query.OrderByDescending(c => c.OccurredAt).ThenByDescending(c => c.Id)
            .Take(limit ?? StockApi.MaxPageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<CalendarChangeResponse>>([.. rows.Select(r => ToResponse(
            r, JsonSerializer.Deserialize<List<NightChange>>(r.Nights, ContractJson.Options) ?? []))]);
    }

    private static void Check(CalendarChangeRequest request, ValidationErrors errors)
    {
        if (request is { Capacity: null, Closed: null, MinStay: null, OverbookingAllowance: null })
        {
            errors.Add("capacity", "Send at least one of capacity, closed, minStay, overbookingAllowance.");
        }

        if (request.Capacity is not null)
        {
            errors.RequireRange("capacity", request.Capacity, 0, StockApi.MaxTotal);
        }

        if (request.MinStay is not null)
        {
            errors.RequireRange("minStay", request.MinStay, 1, NightlyOptions.MaxCalendarNights);
        }

        if (request.OverbookingAllowance is not null)
        {
            errors.RequireRange("overbookingAllowance", request.OverbookingAllowance, 0, StockApi.MaxTotal);
        }

        if (request.Weekdays?.Any(d => !Enum.IsDefined(d)) == true)
        {
            errors.Add("weekdays", "weekdays are day names: Monday, Tuesday, ... Sunday.");
        }

        if (request.ReasonCode is not { } reasonCode || !Enum.IsDefined(reasonCode))
        {
            errors.Add("reasonCode",
                $"reasonCode is required: one of {string.Join(", ", Enum.GetNames<AdjustmentReason>())}.");
        }

        errors.CheckText("note", request.Note, maxLength: 500);
    }

    private static CalendarChangeResponse ToResponse(CalendarChange change, IReadOnlyList<NightChange> nights) => new(
        change.Id, change.ItemId, change.From, change.To, change.ReasonCode, change.Note, change.PerformedBy,
        change.OccurredAt, nights);

    private static ProblemHttpResult NoCalendar(string itemId) =>
        Problems.Create(StatusCodes.Status404NotFound, "No calendar",
            $"No nightly item '{itemId}' (a pool item has no calendar; GET /api/inventory/{itemId} reads it).");
}
