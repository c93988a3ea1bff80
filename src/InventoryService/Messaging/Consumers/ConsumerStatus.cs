using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BookingSystem.InventoryService.Messaging.Consumers;

/// <summary>Which queues have a live consumer right now (every registered consumer reports here); readiness fails while one is down.</summary>
public sealed class ConsumerStatus
{
    private readonly ConcurrentDictionary<string, bool> _consuming = new(StringComparer.Ordinal);

    public void Report(string queue, bool consuming) => _consuming[queue] = consuming;

    public IReadOnlyDictionary<string, bool> Snapshot() => new Dictionary<string, bool>(_consuming, StringComparer.Ordinal);
}

public sealed class ConsumersHealthCheck(ConsumerStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = status.Snapshot();
        var down = snapshot.Where(q => !q.Value).Select(q => q.Key).Order(StringComparer.Ordinal).ToList();
        var data = snapshot.ToDictionary(q => q.Key, q => (object)(q.Value ? "consuming" : "down"));
        return Task.FromResult(down.Count == 0
            ? HealthCheckResult.Healthy("All consumers are consuming.", data)
            : HealthCheckResult.Unhealthy($"Not consuming: {string.Join(", ", down)}.", data: data));
    }
}
