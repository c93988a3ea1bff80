using System.Text;
using System.Text.Json;
using BookingSystem.Contracts;
using RabbitMQ.Client;

namespace BookingSystem.Cli.Messaging;

/// <summary>
/// One message as the CLI sends it: the body bytes exactly as they go on the wire, the routing key, and what the
/// AMQP properties are made of. <see cref="EventId"/> is null only for a file that is not an envelope.
/// </summary>
public sealed record OutgoingMessage(string RoutingKey, string? EventId, string? EventType, string? CorrelationId, DateTimeOffset? OccurredAt, byte[] Body)
{
    public const string AppId = "booking-cli";

    /// <summary>The envelope <c>{ eventId, eventType, correlationId, causationId, occurredAt, data }</c> in the wire format.</summary>
    public static OutgoingMessage ForEvent<TData>(
        EventKind<TData> kind, TData data, string correlationId, string eventId, string? causationId, DateTimeOffset occurredAt)
        where TData : class
    {
        var envelope = new EventEnvelope<TData>(eventId, kind.EventType, correlationId, occurredAt, data, causationId);
        return new OutgoingMessage(kind.RoutingKey, eventId, kind.EventType, correlationId, occurredAt,
            JsonSerializer.SerializeToUtf8Bytes(envelope, ContractJson.Options));
    }

    /// <summary>
    /// A file's bytes, sent unchanged. The properties come from the envelope's fields when the file is one; the
    /// routing key is <paramref name="routingKey"/>, else the one of the envelope's <c>eventType</c>. A file that is
    /// not JSON is still sent (to see what the consumers make of it), but then needs an explicit routing key.
    /// </summary>
    public static OutgoingMessage FromFile(byte[] body, string? routingKey)
    {
        string? eventId = null, eventType = null, correlationId = null;
        DateTimeOffset? occurredAt = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                eventId = Text(json.RootElement, "eventId");
                eventType = Text(json.RootElement, "eventType");
                correlationId = Text(json.RootElement, "correlationId");
                occurredAt = json.RootElement.TryGetProperty("occurredAt", out var at) && at.ValueKind == JsonValueKind.String && at.TryGetDateTimeOffset(out var parsed)
                    ? parsed
                    : null;
            }
        }
        catch (JsonException)
        {
            // Not JSON: sent as is; only the routing key must be given.
        }

        var key = routingKey ?? EventRouting.RoutingKeyOf(eventType)
            ?? throw new ArgumentException(eventType is null
                ? "The file has no eventType to take the routing key from: pass --routing-key."
                : $"No routing key is known for eventType '{eventType}': pass --routing-key.");
        return new OutgoingMessage(key, eventId, eventType, correlationId, occurredAt, body);
    }

    /// <summary>The properties the contract asks publishers for: message_id = eventId, persistent, and the rest when known.</summary>
    public BasicProperties CreateProperties() => new()
    {
        MessageId = EventId,
        CorrelationId = CorrelationId,
        Type = EventType,
        ContentType = "application/json",
        ContentEncoding = "utf-8",
        DeliveryMode = DeliveryModes.Persistent,
        Timestamp = new AmqpTimestamp((OccurredAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds()),
        AppId = AppId,
    };

    public string BodyText => Encoding.UTF8.GetString(Body);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
