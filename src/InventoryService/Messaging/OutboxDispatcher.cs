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
/// Publishes committed outbox rows with publisher confirms and marks them sent. Rows are claimed for a lease
/// (<c>claimed_until</c>, taken with <c>FOR UPDATE SKIP LOCKED</c> in a short transaction), so several instances
/// share the work without publishing a row twice at once and no row lock outlives the claim.
/// A crash between publish and marking means a second publish of the same eventId: harmless, consumers dedupe.
/// Woken after commits by <see cref="OutboxSignal"/>; polls as a safety net; backs off while the broker is down.
/// </summary>
public sealed class OutboxDispatcher(
    [FromKeyedServices(RabbitMqConnection.PublishPurpose)] RabbitMqConnection connection,
    BrokerTopology topology,
    OutboxSignal signal,
    CrashPoints crashPoints,
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

    /// <summary>
    /// Claims a batch of unsent rows (one short transaction), publishes them concurrently with confirms outside
    /// any transaction, and marks the confirmed ones sent set-wise (another short transaction). No row lock is held
    /// across the broker round trip, so a hung publish pins nothing: its rows wait out the claim and go again.
    /// </summary>
    private async Task<(int Claimed, int Published)> DispatchBatchAsync(IChannel channel, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        var until = time.GetUtcNow() + outboxOptions.Value.ClaimLease;
        var batch = await ClaimAsync(db, until, stoppingToken);
        if (batch.Count == 0)
        {
            return (0, 0);
        }

        var results = await Task.WhenAll(batch.Select(message => PublishAsync(channel, message)));
        var sent = batch.Where((_, i) => results[i] is null).Select(m => m.Id).ToArray();
        crashPoints.Reached(CrashPoint.AfterPublish);
        // Marking is not cancelled by shutdown: what the broker confirmed must be recorded as sent.
        await db.Database.ExecuteSqlAsync($"""
            UPDATE outbox_messages SET sent_at = {time.GetUtcNow()}, attempts = attempts + 1, last_error = NULL, claimed_until = NULL
            WHERE id = ANY({sent}) AND claimed_until = {until}
            """, CancellationToken.None);
        foreach (var (message, error) in batch.Zip(results).Where(r => r.Second is not null))
        {
            var lastError = error!.Length > 1_000 ? error[..1_000] : error;
            await db.Database.ExecuteSqlAsync(
                $"UPDATE outbox_messages SET attempts = attempts + 1, last_error = {lastError}, claimed_until = NULL WHERE id = {message.Id} AND claimed_until = {until}",
                CancellationToken.None);
        }

        Log.Dispatched(logger, sent.Length);
        return (batch.Count, sent.Length);
    }

    /// <summary>Takes up to a batch of unsent rows nobody holds a live claim on, in id order, and claims them.</summary>
    /// <remarks>The marks that follow only touch rows still claimed with <paramref name="until"/>: not one another dispatcher took over after the lease.</remarks>
    private async Task<List<OutboxMessage>> ClaimAsync(InventoryDbContext db, DateTimeOffset until, CancellationToken ct)
    {
        var now = until - outboxOptions.Value.ClaimLease;
        var claimed = await db.OutboxMessages
            .FromSql($"""
                UPDATE outbox_messages SET claimed_until = {until}
                WHERE id IN (
                    SELECT id FROM outbox_messages
                    WHERE sent_at IS NULL AND (claimed_until IS NULL OR claimed_until <= {now})
                    ORDER BY id
                    LIMIT {outboxOptions.Value.BatchSize}
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """)
            .AsNoTracking()
            .ToListAsync(ct);
        return claimed.OrderBy(m => m.Id).ToList(); // RETURNING keeps no order; publishes go out oldest first
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
