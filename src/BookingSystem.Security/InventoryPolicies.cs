using Microsoft.AspNetCore.Authorization;

namespace BookingSystem.Security;

/// <summary>Authorization policies of the inventory API, enforced by the gateway per route and by the service per group.</summary>
public static class InventoryPolicies
{
    /// <summary>Any authenticated caller: reserve, release, read a reservation.</summary>
    public const string User = "inventory-user";

    /// <summary>Callers with the <see cref="AdminRole"/> role: create items, adjust stock, read the audit trail.</summary>
    public const string Admin = "inventory-admin";

    public const string AdminRole = "inventory-admin";

    public static AuthorizationBuilder AddInventoryPolicies(this AuthorizationBuilder authorization) =>
        authorization
            .AddPolicy(User, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(Admin, policy => policy.RequireAuthenticatedUser().RequireRole(AdminRole));
}
