using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.Contracts;

namespace BookingSystem.ApiGateway.Tests.Routing;

/// <summary>The routes the gateway exposes, each with the access it requires and a valid request for it.</summary>
public enum InventoryRoute
{
    ListItems,
    GetItem,
    CheckAvailability,
    Reserve,
    Release,
    GetReservation,
    CreateItem,
    AdjustStock,
    ListAdjustments,
    ListDeadLetters,
    CountDeadLetters,
    ReplayDeadLetters,
    GetCalendar,
    SearchStays,
    ChangeCalendar,
    ListCalendarChanges,
}

public enum Access
{
    Anonymous,
    User,
    Admin,
}

public sealed record RouteCase(Access Access, int SuccessStatus, Func<EndToEndSystem, Task<(HttpMethod Method, string Path, object? Body)>> Build);

public static class InventoryRoutes
{
    public static IReadOnlyDictionary<InventoryRoute, RouteCase> All { get; } = new Dictionary<InventoryRoute, RouteCase>
    {
        [InventoryRoute.ListItems] = new(Access.Anonymous, 200, _ => Ready(HttpMethod.Get, "/api/inventory?pageSize=1")),
        [InventoryRoute.GetItem] = new(Access.Anonymous, 200, system => Ready(HttpMethod.Get, $"/api/inventory/{system.SharedItemId}")),
        [InventoryRoute.CheckAvailability] = new(Access.Anonymous, 200, system =>
            Ready(HttpMethod.Post, "/api/inventory/check-availability", new { itemId = system.SharedItemId, quantity = 1 })),
        [InventoryRoute.Reserve] = new(Access.User, 201, system =>
            Ready(HttpMethod.Post, "/api/inventory/reserve", new { bookingId = UniqueId("reserve"), itemId = system.SharedItemId, quantity = 1 })),
        // The user's own reservation; an admin names whose it is (owner), which a user's request does without effect.
        [InventoryRoute.Release] = new(Access.User, 200, async system =>
            (HttpMethod.Post, "/api/inventory/release", new { bookingId = await system.ReserveAsync("release"), owner = EndToEndSystem.UserSubject })),
        [InventoryRoute.GetReservation] = new(Access.User, 200, async system =>
            (HttpMethod.Get, $"/api/inventory/reservations/{await system.ReserveAsync("read")}?owner={EndToEndSystem.UserSubject}", null)),
        [InventoryRoute.CreateItem] = new(Access.Admin, 201, _ =>
            Ready(HttpMethod.Post, "/api/inventory/items", new { itemId = UniqueId("ITEM"), name = "Created through the gateway", total = 3 })),
        [InventoryRoute.AdjustStock] = new(Access.Admin, 201, system =>
            Ready(HttpMethod.Post, "/api/inventory/adjustments", new { itemId = system.SharedItemId, delta = 1, reasonCode = "Restock" })),
        [InventoryRoute.ListAdjustments] = new(Access.Admin, 200, system =>
            Ready(HttpMethod.Get, $"/api/inventory/adjustments?itemId={system.SharedItemId}&limit=5")),
        [InventoryRoute.ListDeadLetters] = new(Access.Admin, 200, _ =>
            Ready(HttpMethod.Get, $"/api/inventory/admin/dead-letters?queue={Topology.BookingCreatedQueue}&pageSize=5")),
        [InventoryRoute.CountDeadLetters] = new(Access.Admin, 200, _ => Ready(HttpMethod.Get, "/api/inventory/admin/dead-letters/queues")),
        // The matrix's DLQ is empty: an admin's replay succeeds with nothing to move.
        [InventoryRoute.ReplayDeadLetters] = new(Access.Admin, 200, _ =>
            Ready(HttpMethod.Post, "/api/inventory/admin/dead-letters/replay", new { queue = Topology.PaymentFailedQueue })),
        [InventoryRoute.GetCalendar] = new(Access.Anonymous, 200, system =>
            Ready(HttpMethod.Get, $"/api/inventory/{system.SharedNightlyItemId}/calendar")),
        [InventoryRoute.SearchStays] = new(Access.Anonymous, 200, _ =>
            Ready(HttpMethod.Get, $"/api/inventory/availability?checkIn={Night(30)}&checkOut={Night(33)}")),
        [InventoryRoute.ChangeCalendar] = new(Access.Admin, 200, system =>
            Ready(HttpMethod.Put, $"/api/inventory/{system.SharedNightlyItemId}/calendar",
                new { from = Night(40), to = Night(41), minStay = 1, reasonCode = "Correction" })),
        [InventoryRoute.ListCalendarChanges] = new(Access.Admin, 200, system =>
            Ready(HttpMethod.Get, $"/api/inventory/calendar-changes?itemId={system.SharedNightlyItemId}&limit=5")),
    };

    /// <summary>A night <paramref name="days"/> ahead (ISO date, UTC: the shared nightly item's zone).</summary>
    public static string Night(int days) => DateTime.UtcNow.Date.AddDays(days).ToString("yyyy-MM-dd");

    /// <summary>What the gateway (and the service behind it) answers for a route and a credential.</summary>
    public static int ExpectedStatus(RouteCase route, Credential credential) => (route.Access, credential) switch
    {
        (Access.Anonymous, _) => route.SuccessStatus,
        (_, Credential.Admin) => route.SuccessStatus,
        (Access.User, Credential.User) => route.SuccessStatus,
        (Access.Admin, Credential.User) => 403,
        _ => 401,
    };

    public static string UniqueId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..36];

    private static Task<(HttpMethod, string, object?)> Ready(HttpMethod method, string path, object? body = null) =>
        Task.FromResult<(HttpMethod, string, object?)>((method, path, body));
}
