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
/// Publishes committed outbox rows with publisher confirms and marks them sent. Every row is published under a claim
/// for a lease (<c>claimed_until</c>), so several instances share the work without publishing a row twice at once
/// and no row lock outlives the claim: the rows this process's commits wrote come claimed already and straight from
/// memory (<see cref="OutboxSignal"/>); the others (another instance's after a crash, a claim that ran out, rows of a
/// process without a dispatcher) are claimed from the table with <c>FOR UPDATE SKIP LOCKED</c> in a short transaction.
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
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        signal.DispatcherRunning = true;
        try
        {
            await RestartLoop.RunAsync(DispatchUntilStoppedAsync, TimeSpan.FromMilliseconds(250), (e, delay) => Log.DispatcherFailed(logger, e, delay), stoppingToken);
        }
        finally
        {
            signal.DispatcherRunning = false;
            await ReleaseUnpublishedAsync();
        }
    }

    /// <summary>
    /// At the stop, the claims of committed rows not published yet are given up, so the next dispatcher (another
    /// instance, or this one restarted) publishes them at once instead of after the lease.
    /// </summary>
    private async Task ReleaseUnpublishedAsync()
    {
        var left = signal.TakeCommitted(int.MaxValue, DateTimeOffset.MinValue);
        if (left.Count == 0)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
            await db.Database.ExecuteSqlAsync($"""
                UPDATE outbox_messages AS o SET claimed_until = NULL
                FROM unnest({left.Select(r => r.Message.Id).ToArray()}, {left.Select(r => r.Until).ToArray()}) AS c(id, until)
                WHERE o.id = c.id AND o.claimed_until = c.until
                """, CancellationToken.None);
        }
        catch (Exception e) when (DatabaseRetry.IsTransient(e))
        {
            Log.ClaimsNotReleased(logger, e, left.Count, outboxOptions.Value.ClaimLease);
        }
    }

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
    /// Takes a batch of claimed rows (those this process just committed, else claimed from the table in one short
    /// transaction), publishes them concurrently with confirms outside any transaction, and marks the confirmed ones
    /// sent set-wise (another short transaction). No row lock is held across the broker round trip, so a hung
    /// publish pins nothing: its rows wait out the claim and go again.
    /// </summary>
    private async Task<(int Claimed, int Published)> DispatchBatchAsync(IChannel channel, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        var now = time.GetUtcNow();
        var batch = signal.TakeCommitted(outboxOptions.Value.BatchSize, now + rabbitOptions.Value.PublishTimeout);
        if (batch.Count == 0)
        {
            var until = now + outboxOptions.Value.ClaimLease;
            batch = [.. (await ClaimAsync(db, now, until, stoppingToken)).Select(message => new ClaimedRow(message, until))];
        }

        if (batch.Count == 0)
        {
            return (0, 0);
        }

        var results = await Task.WhenAll(batch.Select(row => PublishAsync(channel, row.Message)));
        var sent = batch.Where((_, i) => results[i] is null).ToList();
        crashPoints.Reached(CrashPoint.AfterPublish);
        // Marking is not cancelled by shutdown: what the broker confirmed must be recorded as sent. Only rows still
        // under this claim: not one another dispatcher took over after the lease.
        if (sent.Count > 0)
        {
            await db.Database.ExecuteSqlAsync($"""
                UPDATE outbox_messages AS o SET sent_at = {time.GetUtcNow()}, attempts = o.attempts + 1, last_error = NULL, claimed_until = NULL
                FROM unnest({sent.Select(r => r.Message.Id).ToArray()}, {sent.Select(r => r.Until).ToArray()}) AS c(id, until)
                WHERE o.id = c.id AND o.claimed_until = c.until
                """, CancellationToken.None);
        }

        // The failed ones give up their claim at once (and go again with the next batch), set-wise as well.
        var failed = batch.Zip(results).Where(r => r.Second is not null).ToList();
        if (failed.Count > 0)
        {
            await db.Database.ExecuteSqlAsync($"""
                UPDATE outbox_messages AS o SET attempts = o.attempts + 1, last_error = c.error, claimed_until = NULL
                FROM unnest({failed.Select(f => f.First.Message.Id).ToArray()}, {failed.Select(f => f.First.Until).ToArray()},
                            {failed.Select(f => f.Second!.Length > 1_000 ? f.Second[..1_000] : f.Second).ToArray()}) AS c(id, until, error)
                WHERE o.id = c.id AND o.claimed_until = c.until
                """, CancellationToken.None);
        }

        Log.Dispatched(logger, sent.Count);
        return (batch.Count, sent.Count);
    }

    /// <summary>Takes up to a batch of unsent rows nobody holds a live claim on, in id order, and claims them.</summary>
    /// <remarks>The marks that follow only touch rows still claimed with <paramref name="until"/>: not one another dispatcher took over after the lease.</remarks>
    private async Task<List<OutboxMessage>> ClaimAsync(InventoryDbContext db, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
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
