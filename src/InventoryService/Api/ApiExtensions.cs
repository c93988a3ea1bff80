using System.Text.Json.Serialization;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Observability;
using BookingSystem.InventoryService.Reservations;
using BookingSystem.InventoryService.Stock;
using BookingSystem.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;

namespace BookingSystem.InventoryService.Api;

public static class ApiExtensions
{
    /// <summary>The largest request body the service reads; reservations and adjustments are small.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static IHostApplicationBuilder AddInventoryApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures throw so BadRequestExceptionHandler can name the field (the default is a bare 400).
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication UseInventoryApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<CorrelationId>();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder endpoints)
    {
        var inventory = endpoints.MapGroup("/api/inventory").WithTags("Inventory");
        // Three audiences, kept apart so authorization policies can be attached per group.
        inventory.MapGroup("").MapStockPublicApi().AllowAnonymous();
        inventory.MapGroup("").MapReservationsApi().RequireAuthorization(InventoryPolicies.User);
        inventory.MapGroup("").MapStockAdminApi().RequireAuthorization(InventoryPolicies.Admin);

        endpoints.MapOpenApi().AllowAnonymous();
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(DatabaseHealthCheck.ReadyTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();
        return endpoints;
    }
}
