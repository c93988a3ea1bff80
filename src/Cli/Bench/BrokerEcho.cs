using System.Text.Json;
using BookingSystem.Cli.Messaging;
using BookingSystem.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BookingSystem.Cli.Bench;

/// <summary>
/// The broker ceiling's stand-in for the service: the same round trip (a durable quorum queue, manual acks after
/// the reply is confirmed, a persistent reply published with confirms to the platform exchange) with no database
/// work. Each BookingCreated is answered InventoryReserved, PaymentSucceeded InventoryConfirmed, PaymentFailed
/// InventoryReleased(PaymentFailed). It runs in the bench process on a connection of its own, as the service would.
/// </summary>
public sealed class BrokerEcho(BrokerSettings settings, int prefetch, int concurrency, TimeProvider time) : IWorkHandler
{
    public const string Prefix = "bench.ceiling.";

    private readonly string _queue = $"bench.ceiling.{Guid.NewGuid():N}";
    private BrokerClient? _replies;
    private IChannel? _consumer;
    private string? _failure;

    public string RoutingPrefix => Prefix;

    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>None: the echo runs in the bench process.</summary>
    public int? ProcessId => null;

    public async Task PrepareAsync(bool drain, CancellationToken ct)
    {
        _replies = await BrokerClient.ConnectAsync(settings, prefetch, ct);
        _consumer = await _replies.Connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: (ushort)concurrency), ct);
        await _consumer.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: ct);
        await _consumer.QueueBindAsync(_queue, settings.Exchange, Prefix + "#", cancellationToken: ct);
        await _consumer.BasicQosAsync(0, (ushort)prefetch, global: false, ct);
    }

    public async Task StartAsync(CancellationToken ct)
    {
        var channel = _consumer ?? throw new InvalidOperationException("PrepareAsync first.");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => ReplyAsync(channel, delivery);
        await channel.BasicConsumeAsync(_queue, autoAck: false, consumer, ct);
    }

    public TargetStats Stats() => TargetStats.None;

    public async ValueTask DisposeAsync()
    {
        if (_consumer is not null)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _consumer.QueueDeleteAsync(_queue, ifUnused: false, ifEmpty: false, cancellationToken: timeout.Token);
                await _consumer.CloseAsync(timeout.Token);
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.OperationInterruptedException or OperationCanceledException)
            {
                // The vhost is deleted after the scenario, and the queue with it.
            }

            _consumer.Dispose();
        }

        if (_replies is not null)
        {
            await _replies.DisposeAsync();
        }
    }

    /// <summary>The reply to one request, or null for one it does not know (acked and dropped).</summary>
    public static OutgoingMessage? ReplyTo(string routingKey, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var eventId = Guid.CreateVersion7(now).ToString();
        switch (routingKey.StartsWith(Prefix, StringComparison.Ordinal) ? routingKey[Prefix.Length..] : routingKey)
        {
            case RoutingKeys.BookingCreated:
                var booking = Read<BookingCreated>(body);
                return OutgoingMessage.ForEvent(EventCatalog.InventoryReserved,
                    new InventoryReserved(booking.Data.BookingId, OutcomeLine.Of(booking.Data.Items ?? []), now.AddMinutes(BrokerTarget.HoldMinutes)),
                    booking.CorrelationId, eventId, booking.EventId, now);
            case RoutingKeys.PaymentSucceeded:
                var paid = Read<PaymentSucceeded>(body);
                return OutgoingMessage.ForEvent(EventCatalog.InventoryConfirmed,
                    new InventoryConfirmed(paid.Data.BookingId, []), paid.CorrelationId, eventId, paid.EventId, now);
            case RoutingKeys.PaymentFailed:
                var failed = Read<PaymentFailed>(body);
                return OutgoingMessage.ForEvent(EventCatalog.InventoryReleased,
                    new InventoryReleased(failed.Data.BookingId, ReleaseReasons.PaymentFailed, []), failed.CorrelationId, eventId, failed.EventId, now);
            default:
                return null;
        }
    }

    private static EventEnvelope<T> Read<T>(ReadOnlySpan<byte> body) where T : class =>
        JsonSerializer.Deserialize<EventEnvelope<T>>(body, ContractJson.Options) ?? throw new JsonException("The body is JSON null.");

    private async Task ReplyAsync(IChannel channel, BasicDeliverEventArgs delivery)
    {
        try
        {
            if (ReplyTo(delivery.RoutingKey, delivery.Body.Span, time.GetUtcNow()) is { } reply)
            {
                await _replies!.PublishAsync(reply, CancellationToken.None);
            }

            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
        }
        catch (Exception e) when (e is BrokerException or JsonException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            Interlocked.CompareExchange(ref _failure, $"broker echo: {e.Message}", null);
        }
    }
}
