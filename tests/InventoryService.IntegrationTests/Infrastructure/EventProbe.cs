using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using BookingSystem.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BookingSystem.InventoryService.IntegrationTests.Infrastructure;

public sealed record ReceivedEvent(
    string RoutingKey, string? MessageId, string? CorrelationId, string? Type, bool Persistent, JsonElement Envelope, string? TraceParent = null)
{
    public string EventId => Envelope.GetProperty("eventId").GetString()!;

    public string? CausationId => Envelope.GetProperty("causationId").GetString();

    public JsonElement Data => Envelope.GetProperty("data");

    public string BookingId => Data.GetProperty("bookingId").GetString()!;
}

public sealed record DeadLetter(
    string Body, string? Reason, string? SourceQueue, IDictionary<string, object?> Headers, string? MessageId = null, string? UserId = null, string? Expiration = null);

/// <summary>
/// Plays the other services: publishes envelopes on the platform exchange with publisher confirms, and records
/// every <c>inventory.#</c> event the service publishes (a durable queue, acked after each event is recorded, so nothing
/// is missed across a broker restart; on a cluster a quorum queue, so nothing is missed when a node stops).
/// </summary>
public sealed class EventProbe : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedEvent> _received = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ReceivedEvent>> _byBooking = new(StringComparer.Ordinal);
    private IConnection _connection = null!;
    private IChannel _publisher = null!;
    private IChannel _consumer = null!;

    public IReadOnlyCollection<ReceivedEvent> Received => _received;

    public static async Task<EventProbe> StartAsync(TestVirtualHost vhost)
    {
        var probe = new EventProbe();
        probe._connection = await vhost.ConnectAsync();
        probe._publisher = await probe._connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        probe._consumer = await probe._connection.CreateChannelAsync();
        await probe._consumer.ExchangeDeclareAsync(Topology.Exchange, ExchangeType.Topic, durable: true, autoDelete: false);
        var queue = (await probe._consumer.QueueDeclareAsync("probe", durable: true, exclusive: false, autoDelete: false,
            arguments: vhost.Broker.Clustered ? new Dictionary<string, object?> { ["x-queue-type"] = "quorum" } : null)).QueueName;
        await probe._consumer.QueueBindAsync(queue, Topology.Exchange, "inventory.#");
        var consumer = new AsyncEventingBasicConsumer(probe._consumer);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var received = new ReceivedEvent(
                delivery.RoutingKey, delivery.BasicProperties.MessageId, delivery.BasicProperties.CorrelationId, delivery.BasicProperties.Type,
                delivery.BasicProperties.Persistent, JsonDocument.Parse(delivery.Body).RootElement.Clone(),
                delivery.BasicProperties.Headers?.TryGetValue(Topology.TraceParentHeader, out var trace) == true && trace is byte[] bytes
                    ? Encoding.UTF8.GetString(bytes)
                    : null);
            // By booking as well: the tests ask per booking, thousands of times over thousands of events.
            if (received.Data.TryGetProperty("bookingId", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { } bookingId)
            {
                probe._byBooking.GetOrAdd(bookingId, _ => new ConcurrentQueue<ReceivedEvent>()).Enqueue(received);
            }

            probe._received.Enqueue(received);
            return probe._consumer.BasicAckAsync(delivery.DeliveryTag, multiple: false).AsTask();
        };
        await probe._consumer.BasicConsumeAsync(queue, autoAck: false, consumer);
        return probe;
    }

    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Publishes <paramref name="data"/> in an envelope; returns the eventId.</summary>
    /// <param name="traceParent">A W3C trace context for the <c>traceparent</c> header (the publisher's span).</param>
    public async Task<string> PublishAsync(
        string routingKey, string eventType, object data, string? correlationId = null, string? eventId = null, string? traceParent = null)
    {
        eventId ??= NewId();
        await PublishRawAsync(routingKey, Envelope(eventType, data, eventId, correlationId), eventId, traceParent);
        return eventId;
    }

    /// <summary>The wire bytes of an envelope around <paramref name="data"/>, as the other services publish it.</summary>
    public static byte[] Envelope(string eventType, object data, string eventId, string? correlationId = null) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new { eventId, eventType, correlationId = correlationId ?? "corr-" + eventId, causationId = (string?)null, occurredAt = DateTimeOffset.UtcNow, data },
            ContractJson.Options);

    /// <summary>Puts a message into a consumer queue's DLQ as the service puts one it rejects: with reason, source queue and routing key.</summary>
    public async Task DeadLetterAsync(string queue, string routingKey, byte[] body, string messageId, string reason)
    {
        var properties = new BasicProperties
        {
            MessageId = messageId,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Headers = new Dictionary<string, object?>
            {
                [Topology.RejectReasonHeader] = reason,
                [Topology.SourceQueueHeader] = queue,
                [Topology.OriginalRoutingKeyHeader] = routingKey,
            },
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _publisher.BasicPublishAsync(Topology.DeadLetterExchange, queue + Topology.DeadLetterSuffix, mandatory: true, properties, body, timeout.Token);
    }

    public async Task PublishRawAsync(
        string routingKey, byte[] body, string? messageId = null, string? traceParent = null, string? contentType = "application/json")
    {
        var properties = new BasicProperties
        {
            MessageId = messageId,
            ContentType = contentType,
            DeliveryMode = DeliveryModes.Persistent,
            Headers = traceParent is null ? null : new Dictionary<string, object?> { [Topology.TraceParentHeader] = traceParent },
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _publisher.BasicPublishAsync(Topology.Exchange, routingKey, mandatory: false, properties, body, timeout.Token);
    }

    /// <summary>Like a real publisher with confirms: runs the publish again (same eventId) until the broker confirms it.</summary>
    public static async Task UntilConfirmedAsync(Func<Task> publish)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await publish();
                return;
            }
            catch (Exception) when (attempt < 120)
            {
                await Task.Delay(500);
            }
        }
    }

    public Task<string> BookingCreatedAsync(string bookingId, string itemId, int quantity = 1, string? correlationId = null, string? eventId = null, int? holdMinutes = null) =>
        PublishAsync(RoutingKeys.BookingCreated, EventTypes.BookingCreated, BookingCreatedData(bookingId, itemId, quantity, holdMinutes), correlationId, eventId);

    public static object BookingCreatedData(string bookingId, string itemId, int quantity = 1, int? holdMinutes = null) =>
        new { bookingId, userId = "user-1", itemId, quantity, amount = 99.5m, currency = "EUR", holdMinutes };

    public Task<string> PaymentAsync(string bookingId, bool succeeded, string? correlationId = null, string? eventId = null) =>
        succeeded
            ? PublishAsync(RoutingKeys.PaymentSucceeded, EventTypes.PaymentSucceeded, new { bookingId, paymentId = "pay-" + bookingId, amount = 99.5m, currency = "EUR" }, correlationId, eventId)
            : PublishAsync(RoutingKeys.PaymentFailed, EventTypes.PaymentFailed, new { bookingId, paymentId = "pay-" + bookingId, reason = "card declined" }, correlationId, eventId);

    public IReadOnlyList<ReceivedEvent> For(string bookingId) =>
        _byBooking.TryGetValue(bookingId, out var events) ? [.. events] : [];

    /// <summary>The routing keys of a booking's events, one per event id (a re-published copy counts once), in arrival order.</summary>
    public List<string> Outcomes(string bookingId) =>
        For(bookingId).DistinctBy(e => e.EventId).Select(e => e.RoutingKey).ToList();

    /// <summary>Events of one kind for a booking, one per event id (a re-published copy counts once).</summary>
    public int Count(string bookingId, string routingKey) => Outcomes(bookingId).Count(key => key == routingKey);

    public async Task<ReceivedEvent> WaitForAsync(string routingKey, string bookingId, TimeSpan? timeout = null)
    {
        await Eventually.HoldsAsync(() => For(bookingId).Any(e => e.RoutingKey == routingKey), timeout ?? TimeSpan.FromSeconds(15),
            () => $"no {routingKey} for {bookingId}; got: {string.Join(", ", For(bookingId).Select(e => e.RoutingKey))}");
        return For(bookingId).First(e => e.RoutingKey == routingKey);
    }

    /// <summary>Waits a little for anything else to arrive, to assert that nothing more does.</summary>
    public static Task SettleAsync() => Task.Delay(TimeSpan.FromMilliseconds(1_500));

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string queue)
    {
        var letters = new List<DeadLetter>();
        while (await _consumer.BasicGetAsync(queue + Topology.DeadLetterSuffix, autoAck: true) is { } message)
        {
            var headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
            letters.Add(new DeadLetter(Encoding.UTF8.GetString(message.Body.Span), Text(headers, Topology.RejectReasonHeader), Text(headers, Topology.SourceQueueHeader),
                headers, message.BasicProperties.MessageId, message.BasicProperties.UserId, message.BasicProperties.Expiration));
        }

        return letters;
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.CloseAsync();
        _connection.Dispose();
    }

    private static string? Text(IDictionary<string, object?> headers, string key) =>
        headers.TryGetValue(key, out var value) && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null;
}
