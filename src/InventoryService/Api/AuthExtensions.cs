using BookingSystem.Security;

namespace BookingSystem.InventoryService.Api;

public static class AuthExtensions
{
    /// <summary>
    /// Validates the same bearer tokens as the gateway (same <c>Jwt</c> section) and defines the same policies, so a
    /// request that reaches the service without the gateway meets the same rules (defence in depth).
    /// </summary>
    public static IHostApplicationBuilder AddInventoryAuth(this IHostApplicationBuilder builder)
    {
        builder.AddBookingJwtAuthentication();
        builder.Services.AddAuthorizationBuilder()
            .AddInventoryPolicies()
            // An endpoint nobody marked public or attached a policy to needs a caller at least.
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }
}
