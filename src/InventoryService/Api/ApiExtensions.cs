using System.Text.Json.Serialization;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Reservations;
using BookingSystem.InventoryService.Stock;
using BookingSystem.Security;
using BookingSystem.ServiceDefaults;
using Microsoft.AspNetCore.Http.Json;

namespace BookingSystem.InventoryService.Api;

public static class ApiExtensions
{
    /// <summary>The largest request body the service reads; reservations and adjustments are small.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static IHostApplicationBuilder AddInventoryApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures throw so BadRequestExceptionHandler can name the field (the default is a bare 400).
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.AddApiReference();
        return builder;
    }

    public static WebApplication UseInventoryApi(this WebApplication app)
    {
        app.UseServiceDefaults();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder endpoints)
    {
        var inventory = endpoints.MapGroup("/api/inventory").WithTags("Inventory");
        // Three audiences, kept apart so authorization policies can be attached per group.
        inventory.MapGroup("").MapStockPublicApi().MapCalendarPublicApi().AllowAnonymous();
        inventory.MapGroup("").MapReservationsApi().RequireAuthorization(InventoryPolicies.User);
        var admin = inventory.MapGroup("").RequireAuthorization(InventoryPolicies.Admin);
        admin.MapStockAdminApi().MapCalendarAdminApi();
        admin.MapGroup("/admin/dead-letters").MapDeadLettersApi().WithTags("Dead letters");

        endpoints.MapApiReference();
        endpoints.MapDefaultEndpoints();
        endpoints.MapMessagingHealth();
        return endpoints;
    }
}
