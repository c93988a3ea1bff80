using BookingSystem.Security;
using Microsoft.AspNetCore.Authorization;

namespace BookingSystem.ApiGateway.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// Bearer tokens validated as the service validates them, the inventory policies that routes name in their
    /// <c>AuthorizationPolicy</c>, and a fallback policy that nobody satisfies: a route without a policy, or a
    /// request that matches no route, is refused (401 without a valid token, 403 with one).
    /// </summary>
    public static IHostApplicationBuilder AddGatewaySecurity(this IHostApplicationBuilder builder)
    {
        builder.AddBookingJwtAuthentication();
        builder.Services.AddAuthorizationBuilder()
            .AddInventoryPolicies()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireAssertion(_ => false).Build());
        return builder;
    }
}
