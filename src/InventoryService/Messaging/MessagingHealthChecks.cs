using BookingSystem.InventoryService.Data;
using Microsoft.EntityFrameworkCore;
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
        var backlog = await db.OutboxMessages
            .Where(m => m.SentAt == null)
            .GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Oldest = g.Min(m => m.OccurredAt) })
            .SingleOrDefaultAsync(cancellationToken);
        var count = backlog?.Count ?? 0;
        DateTimeOffset? oldest = backlog?.Oldest;
        var data = new Dictionary<string, object>
        {
            ["unsent"] = count,
            ["oldestAgeSeconds"] = oldest is null ? 0 : Math.Round((time.GetUtcNow() - oldest.Value).TotalSeconds, 1),
        };
        return count > options.Value.BacklogWarningThreshold
            ? HealthCheckResult.Degraded($"{count} outbox messages wait to be published.", data: data)
            : HealthCheckResult.Healthy($"{count} outbox messages wait to be published.", data);
    }
}
