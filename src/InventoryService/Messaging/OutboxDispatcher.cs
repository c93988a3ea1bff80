using System.Diagnostics;
using System.Text;
using System.Threading.RateLimiting;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Observability;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// Publishes committed outbox rows with publisher confirms and marks them sent. Rows are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c>, so several instances share the work without publishing a row twice at once.
/// A crash between publish and marking means a second publish of the same eventId: harmless, consumers dedupe.
/// Woken after commits by <see cref="OutboxSignal"/>; polls as a safety net; backs off while the broker is down.
/// </summary>
public sealed class OutboxDispatcher(
    [FromKeyedServices(RabbitMqConnection.PublishPurpose)] RabbitMqConnection connection,
    BrokerTopology topology,
    OutboxSignal signal,
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<RabbitMqOptions> rabbitOptions,
    IOptions<OutboxOptions> outboxOptions,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RestartLoop.RunAsync(DispatchUntilStoppedAsync, TimeSpan.FromMilliseconds(250), (e, delay) => Log.DispatcherFailed(logger, e, delay), stoppingToken);

    private async Task DispatchUntilStoppedAsync(CancellationToken stoppingToken)
    {
        var settings = outboxOptions.Value;
        var amqp = await connection.GetAsync(stoppingToken);
        await using var channel = await amqp.CreateChannelAsync(
            new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: new ConcurrencyLimiter(new ConcurrencyLimiterOptions
                {
                    PermitLimit = settings.BatchSize,
                    QueueLimit = settings.BatchSize,
                })),
            stoppingToken);
        await topology.DeclareExchangeAsync(channel, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var (claimed, published) = await DispatchBatchAsync(channel, stoppingToken);
            if (published < claimed)
            {
                throw new InvalidOperationException($"{claimed - published} of {claimed} outbox messages were not confirmed by the broker.");
            }

            if (claimed < settings.BatchSize)
            {
                await signal.WaitAsync(settings.PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>Claims a batch of unsent rows, publishes them concurrently, and marks the confirmed ones sent.</summary>
    private async Task<(int Claimed, int Published)> DispatchBatchAsync(IChannel channel, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(stoppingToken);
        var batch = await db.OutboxMessages
            .FromSql($"SELECT * FROM outbox_messages WHERE sent_at IS NULL ORDER BY id LIMIT {outboxOptions.Value.BatchSize} FOR UPDATE SKIP LOCKED")
            .ToListAsync(stoppingToken);
        if (batch.Count == 0)
        {
            return (0, 0);
        }

        var results = await Task.WhenAll(batch.Select(message => PublishAsync(channel, message)));
        var now = time.GetUtcNow();
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Attempts++;
            if (results[i] is null)
            {
                batch[i].SentAt = now;
                batch[i].LastError = null;
            }
            else
            {
                batch[i].LastError = results[i]!.Length > 1_000 ? results[i]![..1_000] : results[i];
            }
        }

        // Marking is not cancelled by shutdown: what the broker confirmed must be recorded as sent.
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        var published = results.Count(r => r is null);
        Log.Dispatched(logger, published);
        return (batch.Count, published);
    }

    /// <summary>
    /// Publishes one row and waits for the confirm; returns null on success, else the error. Its span is a child of
    /// the work that wrote the row, and the message carries the span on, so the consumer's span is its child.
    /// </summary>
    private async Task<string?> PublishAsync(IChannel channel, OutboxMessage message)
    {
        var exchange = rabbitOptions.Value.Exchange;
        using var activity = MessagingActivities.StartPublish(exchange, message.RoutingKey, message.EventId, message.EventType,
            message.CorrelationId, message.TraceParent);
        using var logScope = logger.BeginScope(new Dictionary<string, object>
        {
            [LogProperties.CorrelationId] = message.CorrelationId,
            [LogProperties.MessageEventId] = message.EventId,
            [LogProperties.MessageEventType] = message.EventType,
        });
        var traceParent = activity?.Id ?? message.TraceParent;
        var properties = new BasicProperties
        {
            MessageId = message.EventId,
            CorrelationId = message.CorrelationId,
            Type = message.EventType,
            ContentType = "application/json",
            ContentEncoding = "utf-8",
            DeliveryMode = DeliveryModes.Persistent,
            Timestamp = new AmqpTimestamp(message.OccurredAt.ToUnixTimeSeconds()),
            AppId = "inventory-service",
            Headers = traceParent is null ? null : new Dictionary<string, object?> { [Topology.TraceParentHeader] = traceParent },
        };
        // Only the publish timeout cancels a publish, not shutdown: what the broker confirms must get marked sent.
        using var timeout = new CancellationTokenSource(rabbitOptions.Value.PublishTimeout);
        try
        {
            await channel.BasicPublishAsync(exchange, message.RoutingKey, mandatory: false, properties,
                Encoding.UTF8.GetBytes(message.Payload), timeout.Token);
            Log.Published(logger, message.EventType, message.EventId, message.RoutingKey);
            return null;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            Log.PublishFailed(logger, message.EventId, e.Message);
            return e.Message;
        }
    }
}
