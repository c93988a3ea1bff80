using System.Security.Claims;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.ServiceDefaults;
using BookingSystem.InventoryService.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace BookingSystem.InventoryService.Stock;

public static class StockApi
{
    public const int MaxPageSize = 100;
    public const int MaxTotal = 1_000_000;
    private const int DefaultPageSize = 20;
    private static readonly string[] StockFilters = ["all", "available", "low", "out"];

    public static RouteGroupBuilder MapStockPublicApi(this RouteGroupBuilder group)
    {
        group.MapGet("/", ListItems).WithName("ListItems").WithSummary("List items with optional location and stock filters, paged.");
        group.MapGet("/{itemId}", GetItem).WithName("GetItem").WithSummary("Read one item and its stock.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/check-availability", CheckAvailability).WithName("CheckAvailability")
            .WithSummary("Check whether the requested quantities are available now.");
        return group;
    }

    public static RouteGroupBuilder MapStockAdminApi(this RouteGroupBuilder group)
    {
        group.MapPost("/items", CreateItem).WithName("CreateItem").WithSummary("Create an item (admin).")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/adjustments", AdjustStock).WithName("AdjustStock")
            .WithSummary("Adjust an item's stock with a reason code (admin, audited).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/adjustments", ListAdjustments).WithName("ListAdjustments")
            .WithSummary("Read the audit trail of stock adjustments, newest first (admin).");
        return group;
    }

    public static async Task<Results<Ok<ItemPage>, ValidationProblem>> ListItems(
        InventoryDbContext db, string? location, string? stock, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.CheckText("location", string.IsNullOrEmpty(location) ? null : location, maxLength: 100);
        errors.RequireRange("page", page ?? 1, 1, 1_000_000);
        errors.RequireRange("pageSize", pageSize ?? DefaultPageSize, 1, MaxPageSize);
        var filter = (stock ?? "all").ToLowerInvariant();
        if (!StockFilters.Contains(filter))
        {
            errors.Add("stock", $"stock must be one of: {string.Join(", ", StockFilters)}.");
        }

        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var query = db.Items.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(location))
        {
            query = query.Where(i => i.Location == location);
        }

        query = filter switch
        {
            "available" => query.Where(i => i.Available > 0),
            "low" => query.Where(i => i.Available > 0 && i.Available <= i.LowStockThreshold),
            "out" => query.Where(i => i.Available <= 0),
            _ => query,
        };

        var size = pageSize ?? DefaultPageSize;
        var number = page ?? 1;
        var totalCount = await query.CountAsync(cancellationToken);
        var items = await query.OrderBy(i => i.ItemId).Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new ItemPage(items.Select(ItemResponse.From).ToList(), number, size, totalCount));
    }

    public static async Task<Results<Ok<ItemResponse>, ProblemHttpResult>> GetItem(
        InventoryDbContext db, string itemId, CancellationToken cancellationToken)
    {
        var item = Identifiers.IsValid(itemId)
            ? await db.Items.AsNoTracking().SingleOrDefaultAsync(i => i.ItemId == itemId, cancellationToken)
            : null;
        return item is null ? ItemNotFound(itemId) : TypedResults.Ok(ItemResponse.From(item));
    }

    public static async Task<Results<Ok<AvailabilityResponse>, ValidationProblem>> CheckAvailability(
        InventoryDbContext db, StayRules stays, AvailabilityRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        await stays.LoadAsync(RequestedLines.ItemIds(request.Items, request.Shorthand), cancellationToken);
        var lines = RequestedLines.Normalize(request.Items, request.Shorthand, stays, errors);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var ids = lines.Select(l => l.ItemId).ToList();
        var items = await db.Items.AsNoTracking().Where(i => ids.Contains(i.ItemId)).ToDictionaryAsync(i => i.ItemId, StringComparer.Ordinal, cancellationToken);
        var nights = await Calendar.ReadNightsAsync(db, lines, cancellationToken);
        var result = Availability.Evaluate(lines, items, (item, night) => nights.GetValueOrDefault((item, night)));
        return TypedResults.Ok(new AvailabilityResponse(result.All(l => l.IsAvailable), result));
    }

    public static async Task<Results<Created<ItemResponse>, ValidationProblem, ProblemHttpResult>> CreateItem(
        InventoryDbContext db, Calendar calendar, TimeProvider time, CreateItemRequest request,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("itemId", request.ItemId);
        errors.CheckText("name", request.Name, maxLength: 200, required: true);
        errors.CheckText("location", request.Location, maxLength: 100);
        var kind = request.Kind ?? ItemKind.Pool;
        if (!Enum.IsDefined(kind))
        {
            errors.Add("kind", "kind must be Pool or Nightly.");
        }

        var zone = calendar.CheckTimeZone(kind, request.TimeZone, errors);

        errors.RequireRange("total", request.Total, 0, MaxTotal);
        errors.RequireRange("lowStockThreshold", request.LowStockThreshold ?? InventoryItem.DefaultLowStockThreshold, 0, MaxTotal);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        var item = new InventoryItem
        {
            ItemId = request.ItemId!,
            Name = request.Name!.Trim(),
            Location = request.Location?.Trim() ?? InventoryItem.DefaultLocation,
            Total = request.Total!.Value,
            LowStockThreshold = request.LowStockThreshold ?? InventoryItem.DefaultLowStockThreshold,
            Kind = kind,
            TimeZone = zone?.Id,
            CreatedAt = now,
            UpdatedAt = now,
        };
        // An existing item id is an answer (409), not an error for the logs (see Calendar.CreateAsync).
        if (!await calendar.CreateAsync(item, cancellationToken))
        {
            return Problems.Create(StatusCodes.Status409Conflict, "Item already exists", $"An item '{item.ItemId}' already exists.");
        }

        return TypedResults.Created($"/api/inventory/{item.ItemId}", ItemResponse.From(item));
    }

    /// <summary>Changes an item's total by a signed delta with a reason code (audited); see <see cref="StockService.AdjustAsync"/>.</summary>
    public static async Task<Results<Created<AdjustmentResult>, ValidationProblem, ProblemHttpResult>> AdjustStock(
        StockService stock, HttpContext http, AdjustmentRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.RequireIdentifier("itemId", request.ItemId);
        errors.RequireRange("delta", request.Delta, -MaxTotal, MaxTotal);
        if (request.Delta == 0)
        {
            errors.Add("delta", "delta must not be 0.");
        }

        if (request.ReasonCode is not { } reasonCode || !Enum.IsDefined(reasonCode))
        {
            errors.Add("reasonCode", $"reasonCode is required: one of {string.Join(", ", Enum.GetNames<AdjustmentReason>())}.");
        }

        errors.CheckText("note", request.Note, maxLength: 500);

        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var command = new AdjustStockCommand(request.ItemId!, request.Delta!.Value, request.ReasonCode!.Value, request.Note,
            http.User.FindFirstValue("sub") ?? http.User.Identity?.Name ?? "anonymous", CorrelationIdMiddleware.Of(http));
        AdjustStockResult result;
        try
        {
            result = await stock.AdjustAsync(command, cancellationToken);
        }
        catch (CommitOutcomeUnknownException)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Adjustment outcome unknown",
                "The database did not confirm the commit, so the adjustment may or may not have been applied. Check " +
                $"GET /api/inventory/adjustments?itemId={command.ItemId} before sending it again.");
        }

        return result switch
        {
            { Item: null } => ItemNotFound(command.ItemId),
            { Item.Kind: ItemKind.Nightly } => Problems.Create(StatusCodes.Status409Conflict, "Nightly item",
                $"'{command.ItemId}' is sold by the night: change its nights with " +
                $"PUT /api/inventory/{command.ItemId}/calendar."),
            { Adjustment: null } => Problems.Create(StatusCodes.Status409Conflict, "Adjustment refused",
                $"Total {result.Item.Total} {command.Delta:+#;-#} would fall below the {result.Item.Reserved} units reserved (or exceed {MaxTotal}).",
                ("total", result.Item.Total), ("reserved", result.Item.Reserved)),
            _ => TypedResults.Created($"/api/inventory/adjustments?itemId={command.ItemId}",
                new AdjustmentResult(AdjustmentResponse.From(result.Adjustment), ItemResponse.From(result.Item))),
        };
    }

    public static async Task<Results<Ok<IReadOnlyList<AdjustmentResponse>>, ValidationProblem>> ListAdjustments(
        InventoryDbContext db, string? itemId, int? limit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (itemId is not null)
        {
            errors.RequireIdentifier("itemId", itemId);
        }

        errors.RequireRange("limit", limit ?? MaxPageSize, 1, 1_000);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var query = db.StockAdjustments.AsNoTracking();
        if (itemId is not null)
        {
            query = query.Where(a => a.ItemId == itemId);
        }

        var rows = await query.OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id).Take(limit ?? MaxPageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AdjustmentResponse>>(rows.Select(AdjustmentResponse.From).ToList());
    }

    public static ProblemHttpResult ItemNotFound(string itemId) =>
        Problems.Create(StatusCodes.Status404NotFound, "Item not found", $"No inventory item '{itemId}'.");
}
