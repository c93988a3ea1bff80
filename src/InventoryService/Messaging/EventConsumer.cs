using System.Diagnostics;
using System.Text;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Validation;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// A hand-written consumer of one queue. Per message: parse and validate (a bad message goes straight to the
/// DLQ with the reason in a header and is acked, never retried); open a DI scope; handle (one database
/// transaction, transient errors retried inside); ack after the commit. A handler that throws nacks with requeue,
/// so a message that keeps failing reaches the DLQ through the queue's delivery limit. Shutdown stops consuming,
/// then waits for the messages in flight to finish and be acked.
/// </summary>
public abstract class EventConsumer<TEvent>(
    RabbitMqConnection connection,
    BrokerTopology topology,
    IServiceScopeFactory scopes,
    IOptions<RabbitMqOptions> options,
    ILogger logger) : BackgroundService where TEvent : class
{
    private static readonly ActivitySource Activities = new("BookingSystem.InventoryService.Messaging");
    private CancellationToken _shutdownDeadline;
    private int _inFlight;

    protected RabbitMqOptions Settings { get; } = options.Value;

    protected abstract string Queue { get; }

    protected abstract string RoutingKey { get; }

    protected abstract string EventType { get; }

    /// <summary>Field checks beyond the JSON shape; the errors make the DLQ reason.</summary>
    protected abstract void Validate(TEvent data, ValidationErrors errors);

    /// <summary>Applies the event in one transaction; returns a short outcome for the log.</summary>
    protected abstract Task<string> HandleAsync(IServiceProvider services, EventEnvelope<TEvent> envelope, MessageOrigin origin, CancellationToken ct);

    /// <param name="cancellationToken">Fires when the host's shutdown timeout is up: the drain stops waiting then.</param>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _shutdownDeadline = cancellationToken;
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeAsync(stoppingToken);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 500 * Math.Pow(2, Math.Min(failures++, 6))));
                Log.ConsumerFailed(logger, e, Queue, delay);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var settings = Settings;
        var amqp = await connection.GetAsync(stoppingToken);
        await using var channel = await amqp.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, consumerDispatchConcurrency: settings.ConsumerConcurrency),
            stoppingToken);
        await topology.DeclareConsumerQueueAsync(channel, Queue, RoutingKey, stoppingToken);
        await channel.BasicQosAsync(0, settings.Prefetch, global: false, stoppingToken);

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => OnReceivedAsync(channel, delivery);
        var consumerTag = await channel.BasicConsumeAsync(Queue, autoAck: false, consumer, stoppingToken);
        Log.Consuming(logger, Queue, settings.Prefetch, settings.ConsumerConcurrency);

        await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);

        // Graceful stop: no new deliveries, let the ones in flight finish and ack (bounded by the host's shutdown timeout).
        await channel.BasicCancelAsync(consumerTag, noWait: false, CancellationToken.None);
        var waitedFor = Volatile.Read(ref _inFlight);
        while (Volatile.Read(ref _inFlight) > 0 && !_shutdownDeadline.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        await channel.CloseAsync(CancellationToken.None);
        Log.StoppedConsuming(logger, Queue, waitedFor);
    }

    private async Task OnReceivedAsync(IChannel channel, BasicDeliverEventArgs delivery)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            // In-flight work is not cancelled by shutdown: it finishes and is acked (see StopAsync).
            var ct = CancellationToken.None;
            if (!TryRead(delivery.Body.Span, out var envelope, out var reason))
            {
                await DeadLetterAsync(channel, delivery, reason, ct);
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, ct);
                return;
            }

            using var activity = StartActivity(delivery.BasicProperties);
            using var logScope = logger.BeginScope(new Dictionary<string, object>
            {
                ["CorrelationId"] = envelope.CorrelationId,
                ["EventId"] = envelope.EventId,
                ["EventType"] = envelope.EventType,
            });
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var outcome = await HandleAsync(scope.ServiceProvider, envelope, new MessageOrigin(Queue, envelope.EventId, envelope.CorrelationId), ct);
                Log.Handled(logger, envelope.EventType, envelope.EventId, outcome);
            }
            catch (Exception e)
            {
                Log.HandlingFailed(logger, e, envelope.EventType, envelope.EventId, Queue, DeliveryCount(delivery.BasicProperties));
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
                return;
            }

            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private bool TryRead(ReadOnlySpan<byte> body, out EventEnvelope<TEvent> envelope, out string reason)
    {
        envelope = null!;
        if (!EventMessage.TryParse<TEvent>(body, EventType, out var parsed, out var parseError))
        {
            reason = parseError!;
            return false;
        }

        var errors = new ValidationErrors();
        Validate(parsed!.Data, errors);
        if (!errors.IsEmpty)
        {
            reason = "Invalid data: " + errors.Summarize();
            return false;
        }

        envelope = parsed;
        reason = string.Empty;
        return true;
    }

    /// <summary>Publishes the message unchanged to this queue's DLQ with the reason, and waits for the broker's confirm.</summary>
    private async Task DeadLetterAsync(IChannel channel, BasicDeliverEventArgs delivery, string reason, CancellationToken ct)
    {
        Log.Rejected(logger, delivery.BasicProperties.MessageId, Queue, reason);
        var headers = delivery.BasicProperties.Headers is { } original
            ? new Dictionary<string, object?>(original)
            : new Dictionary<string, object?>();
        headers[Topology.RejectReasonHeader] = reason.Length > 1_000 ? reason[..1_000] : reason;
        headers[Topology.SourceQueueHeader] = Queue;
        headers["x-original-routing-key"] = delivery.RoutingKey;
        var properties = new BasicProperties(delivery.BasicProperties) { Headers = headers, DeliveryMode = DeliveryModes.Persistent };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Settings.PublishTimeout);
        await channel.BasicPublishAsync(Settings.DeadLetterExchange, BrokerTopology.DeadLetterQueueOf(Queue), mandatory: true,
            properties, delivery.Body, timeout.Token);
    }

    private static Activity? StartActivity(IReadOnlyBasicProperties properties)
    {
        var traceParent = properties.Headers?.TryGetValue(Topology.TraceParentHeader, out var value) == true && value is byte[] bytes
            ? Encoding.UTF8.GetString(bytes)
            : null;
        ActivityContext.TryParse(traceParent, null, out var parent);
        return Activities.StartActivity(ActivityKind.Consumer, parent, name: "consume");
    }

    private static long DeliveryCount(IReadOnlyBasicProperties properties) =>
        properties.Headers?.TryGetValue("x-delivery-count", out var value) == true ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) + 1 : 1;
}
