using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BookingSystem.InventoryService.Data;

public sealed class DatabaseHealthCheck(InventoryDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy("PostgreSQL answers.")
                : HealthCheckResult.Unhealthy("PostgreSQL does not answer.");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL check failed.", e);
        }
    }
}
