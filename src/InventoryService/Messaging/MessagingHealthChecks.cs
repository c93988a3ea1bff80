using BookingSystem.InventoryService.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Messaging;

public sealed class BrokerHealthCheck(
    [FromKeyedServices(RabbitMqConnection.ConsumePurpose)] RabbitMqConnection consuming,
    [FromKeyedServices(RabbitMqConnection.PublishPurpose)] RabbitMqConnection publishing) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(consuming.IsOpen && (publishing.IsOpen || !publishing.IsUsed)
            ? HealthCheckResult.Healthy("RabbitMQ connections open.")
            : HealthCheckResult.Unhealthy(
                $"RabbitMQ connection not open (connecting or recovering): consume {(consuming.IsOpen ? "open" : "closed")}, publish {(publishing.IsOpen ? "open" : "closed")}."));
}

/// <summary>Unsent outbox rows: healthy when few, degraded above the threshold (the broker may be away).</summary>
public sealed class OutboxBacklogHealthCheck(InventoryDbContext db, TimeProvider time, IOptions<OutboxOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var backlog = await OutboxBacklog.QueryAsync(db, cancellationToken);
        var count = backlog.Unsent;
        var data = new Dictionary<string, object>
        {
            ["unsent"] = count,
            ["oldestAgeSeconds"] = Math.Round(backlog.OldestAge(time.GetUtcNow()).TotalSeconds, 1),
        };
        return count > options.Value.BacklogWarningThreshold
            ? HealthCheckResult.Degraded($"{count} outbox messages wait to be published.", data: data)
            : HealthCheckResult.Healthy($"{count} outbox messages wait to be published.", data);
    }
}
