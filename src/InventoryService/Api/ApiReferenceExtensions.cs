using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace BookingSystem.InventoryService.Api;

public static class ApiReferenceExtensions
{
    /// <summary>The OpenAPI document, with the bearer scheme described on the operations that need a token.</summary>
    public static IServiceCollection AddApiReference(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                // The generated server is the address the request reached, which behind the gateway is the service's
                // own (YARP sends the destination's Host). "/" means "where this document came from", so a reference
                // opened through the gateway sends its requests through the gateway too.
                document.Servers = [new OpenApiServer { Url = "/" }];
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<BearerSecurityTransformer>();
        });

    /// <summary>
    /// <c>/openapi/v1.json</c> everywhere; in Development also the Scalar reference page at <c>/scalar/</c>. Both
    /// anonymous: they describe the API, the endpoints they describe still check their tokens.
    /// </summary>
    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi().AllowAnonymous();
        if (!endpoints.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            return endpoints;
        }

        // The page's scripts come from the package itself (embedded scalar.js). Fonts, telemetry, the AI agent and
        // the developer tools (SDK generation, sharing) would talk to Scalar's servers, which an offline developer
        // machine cannot reach and which need not see our API: all off.
        endpoints.MapScalarApiReference(options => options
                .WithTitle("InventoryService API")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .HideDeveloperTools()
                .AddPreferredSecuritySchemes([BearerSecurityTransformer.SchemeName]))
            .AllowAnonymous();
        return endpoints;
    }
}
