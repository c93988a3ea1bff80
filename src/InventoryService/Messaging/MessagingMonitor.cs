using BookingSystem.DeadLetters;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Messaging.Consumers;
using BookingSystem.InventoryService.Observability;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>Unsent outbox rows: how many, and when the oldest was written.</summary>
public sealed record OutboxBacklog(int Unsent, DateTimeOffset? Oldest)
{
    public static async Task<OutboxBacklog> QueryAsync(InventoryDbContext db, CancellationToken cancellationToken)
    {
        var backlog = await db.OutboxMessages
            .Where(m => m.SentAt == null)
            .GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Oldest = g.Min(m => m.OccurredAt) })
            .SingleOrDefaultAsync(cancellationToken);
        return new OutboxBacklog(backlog?.Count ?? 0, backlog?.Oldest);
    }

    public TimeSpan OldestAge(DateTimeOffset now) => Oldest is { } oldest ? now - oldest : TimeSpan.Zero;
}

/// <summary>
/// Samples what the gauges of <see cref="InventoryMetrics"/> show: the outbox backlog (database) and the depth of
/// each consumer's dead-letter queue (broker; skipped while the broker is away). Every
/// <see cref="OutboxOptions.MonitorInterval"/>; a failed sample is logged and the next one tries again.
/// </summary>
public sealed class MessagingMonitor(
    IServiceScopeFactory scopes,
    [FromKeyedServices(RabbitMqConnection.ConsumePurpose)] RabbitMqConnection connection,
    ConsumerStatus consumers,
    InventoryMetrics metrics,
    TimeProvider time,
    IOptions<OutboxOptions> options,
    ILogger<MessagingMonitor> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicJob.RunAsync(options.Value.MonitorInterval, time, runAtStart: false, SampleAsync, e => Log.MonitorFailed(logger, e), stoppingToken);

    private async Task SampleAsync(CancellationToken ct)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var backlog = await OutboxBacklog.QueryAsync(scope.ServiceProvider.GetRequiredService<InventoryDbContext>(), ct);
            metrics.OutboxBacklog(backlog.Unsent, backlog.OldestAge(time.GetUtcNow()));
        }

        if (!connection.IsOpen)
        {
            return;
        }

        var amqp = await connection.GetAsync(ct);
        foreach (var queue in consumers.Snapshot().Keys)
        {
            // A channel per queue: a DLQ not declared yet closes the channel that asked, and must not cost the others.
            var deadLetterQueue = DeadLetterQueueNames.DeadLetterQueueOf(queue);
            try
            {
                await using var channel = await amqp.CreateChannelAsync(cancellationToken: ct);
                metrics.DeadLetterDepth(deadLetterQueue, (await channel.QueueDeclarePassiveAsync(deadLetterQueue, ct)).MessageCount);
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // not declared yet: the next sample sees it
            }
        }
    }
}
