using System.Globalization;
using System.Text;
using BookingSystem.Contracts;

namespace BookingSystem.DeadLetters;

/// <summary>
/// Reads what a dead-lettered message says about itself. Two kinds reach a DLQ: rejected by the service
/// (<c>x-reject-reason</c>, <c>x-source-queue</c>, <c>x-original-routing-key</c>), and dead-lettered by the broker at
/// the delivery limit (<c>x-death</c>: queue, reason, count, original routing keys).
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>Set by the InventoryService on the messages it rejects: the routing key they arrived with.</summary>
    public const string OriginalRoutingKey = Topology.OriginalRoutingKeyHeader;

    /// <summary>The broker's record of each dead-lettering, most recent first.</summary>
    public const string Death = "x-death";

    /// <summary>Counted by quorum queues per delivery; meaningless once the message leaves the queue.</summary>
    public const string DeliveryCount = "x-delivery-count";

    /// <summary>Set on what a replay (<c>booking dlq replay</c>, the admin API) republishes: the DLQ the message came from.</summary>
    public const string ReplayedFrom = "x-replayed-from";

    /// <summary>
    /// The routing key to replay with: <c>x-original-routing-key</c>; else the first routing key the broker recorded
    /// in <c>x-death</c>; else the key the source queue is bound to (<c>inventory.booking-created</c> → <c>booking.created</c>),
    /// the source queue being <c>x-source-queue</c>, the <c>x-death</c> queue, or the DLQ's name without <c>.dlq</c>.
    /// </summary>
    public static string? ReplayRoutingKey(IDictionary<string, object?>? headers, string deadLetterQueue)
    {
        if (Text(headers, OriginalRoutingKey) is { Length: > 0 } original)
        {
            return original;
        }

        if (FirstDeath(headers) is { } death && death.TryGetValue("routing-keys", out var keys) && keys is IEnumerable<object> list
            && list.Select(AsText).FirstOrDefault(k => !string.IsNullOrEmpty(k)) is { } recorded)
        {
            return recorded;
        }

        return DeadLetterQueueNames.RoutingKeyOfQueue(SourceQueue(headers, deadLetterQueue));
    }

    public static string SourceQueue(IDictionary<string, object?>? headers, string deadLetterQueue) =>
        Text(headers, Topology.SourceQueueHeader)
        ?? (FirstDeath(headers) is { } death && death.TryGetValue("queue", out var queue) ? AsText(queue) : null)
        ?? DeadLetterQueueNames.SourceQueueOf(deadLetterQueue);

    /// <summary><c>x-reject-reason</c>, else the broker's reason and count from <c>x-death</c> (e.g. "delivery_limit (broker, 1x)").</summary>
    public static string? Reason(IDictionary<string, object?>? headers)
    {
        if (Text(headers, Topology.RejectReasonHeader) is { } reason)
        {
            return reason;
        }

        if (FirstDeath(headers) is not { } death)
        {
            return null;
        }

        var why = death.TryGetValue("reason", out var value) ? AsText(value) : null;
        var count = death.TryGetValue("count", out var n) && n is not null ? Convert.ToInt64(n, CultureInfo.InvariantCulture) : 1;
        return $"{why ?? "dead-lettered"} (broker, {count}x)";
    }

    public static string? Text(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value) ? AsText(value) : null;

    /// <summary>AMQP strings arrive as bytes; other values (numbers, timestamps) are shown as they are.</summary>
    public static string? AsText(object? value) => value switch
    {
        null => null,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static IDictionary<string, object?>? FirstDeath(IDictionary<string, object?>? headers) =>
        headers is not null && headers.TryGetValue(Death, out var deaths) && deaths is IEnumerable<object> list
            ? list.OfType<IDictionary<string, object?>>().FirstOrDefault()
            : null;
}
