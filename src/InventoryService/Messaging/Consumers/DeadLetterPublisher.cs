using BookingSystem.Contracts;
using BookingSystem.DeadLetters;
using RabbitMQ.Client;

namespace BookingSystem.InventoryService.Messaging.Consumers;

/// <summary>
/// Puts rejected messages into a consumer queue's DLQ on a channel of its own (with publisher confirms), opened
/// when first needed and again after the broker closed it: a dead-letter publish the broker refuses closes only
/// this channel, never the one deliveries arrive on (which would requeue every message in flight, again and again).
/// </summary>
public sealed class DeadLetterPublisher(IConnection connection, RabbitMqOptions settings) : IAsyncDisposable
{
    /// <summary>Headers longer than this are cut: the reason is for people, not a payload.</summary>
    public const int MaxReasonLength = 1_000;

    private readonly SemaphoreSlim _open = new(1, 1);
    private IChannel? _channel;

    /// <summary>
    /// The body unchanged with the reason, source queue and original routing key in headers, and only the properties
    /// that describe the message. Not copied: <c>user_id</c> (the broker checks it against our own user and would
    /// refuse the publish), <c>expiration</c> (a dead letter must not vanish), reply-to and priority.
    /// </summary>
    public static BasicProperties PropertiesFor(IReadOnlyBasicProperties original, string queue, string routingKey, string reason)
    {
        var headers = original.Headers is { } copied ? new Dictionary<string, object?>(copied) : new Dictionary<string, object?>();
        headers[Topology.RejectReasonHeader] = reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason;
        headers[Topology.SourceQueueHeader] = queue;
        headers[Topology.OriginalRoutingKeyHeader] = routingKey;
        var properties = new BasicProperties
        {
            MessageId = original.MessageId,
            CorrelationId = original.CorrelationId,
            Type = original.Type,
            ContentType = original.ContentType,
            ContentEncoding = original.ContentEncoding,
            AppId = original.AppId,
            DeliveryMode = DeliveryModes.Persistent,
            Headers = headers,
        };
        if (original.IsTimestampPresent())
        {
            properties.Timestamp = original.Timestamp;
        }

        return properties;
    }

    /// <summary>Publishes to <paramref name="queue"/>'s DLQ and waits for the broker's confirm (bounded by the publish timeout).</summary>
    public async Task PublishAsync(string queue, Delivery delivery, string reason)
    {
        var channel = await ChannelAsync();
        using var timeout = new CancellationTokenSource(settings.PublishTimeout);
        await channel.BasicPublishAsync(settings.DeadLetterExchange, DeadLetterQueueNames.DeadLetterQueueOf(queue), mandatory: true,
            PropertiesFor(delivery.Properties, queue, delivery.RoutingKey, reason), delivery.Body, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }

        _open.Dispose();
    }

    private async Task<IChannel> ChannelAsync()
    {
        await _open.WaitAsync();
        try
        {
            if (_channel is not { IsOpen: true })
            {
                if (_channel is not null)
                {
                    await _channel.DisposeAsync();
                }

                using var timeout = new CancellationTokenSource(settings.PublishTimeout);
                _channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), timeout.Token);
            }

            return _channel;
        }
        finally
        {
            _open.Release();
        }
    }
}
