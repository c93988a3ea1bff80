using BookingSystem.Contracts;

namespace BookingSystem.DeadLetters;

/// <summary>How a consumer queue, its dead-letter queue and the routing key it is bound to name each other.</summary>
public static class DeadLetterQueueNames
{
    private static readonly Dictionary<string, string> ByConsumerQueue =
        EventCatalog.ConsumerQueues.ToDictionary(q => q.Queue, q => q.RoutingKey, StringComparer.Ordinal);

    /// <summary>The InventoryService's consumer queues, in the order the tools show them.</summary>
    public static IReadOnlyList<string> ConsumerQueues { get; } = EventCatalog.ConsumerQueues.Select(q => q.Queue).ToList();

    /// <summary><c>inventory.booking-created</c> and <c>inventory.booking-created.dlq</c> both name the same DLQ.</summary>
    public static string DeadLetterQueueOf(string queue) =>
        queue.EndsWith(Topology.DeadLetterSuffix, StringComparison.Ordinal) ? queue : queue + Topology.DeadLetterSuffix;

    /// <summary>The queue a DLQ belongs to: its name without <c>.dlq</c> (a name without the suffix is returned as it is).</summary>
    public static string SourceQueueOf(string queue) =>
        queue.EndsWith(Topology.DeadLetterSuffix, StringComparison.Ordinal) ? queue[..^Topology.DeadLetterSuffix.Length] : queue;

    /// <summary>One of the InventoryService's consumer queues, or the DLQ of one.</summary>
    public static bool IsConsumerQueue(string queue) => ByConsumerQueue.ContainsKey(SourceQueueOf(queue));

    /// <summary>
    /// The routing key a consumer queue is bound to: the known ones from the contract, else by the naming
    /// convention <c>&lt;service&gt;.&lt;entity&gt;-&lt;verb&gt;</c> → <c>&lt;entity&gt;.&lt;verb&gt;</c>
    /// (<c>inventory.booking-created</c> → <c>booking.created</c>).
    /// </summary>
    public static string? RoutingKeyOfQueue(string? queue)
    {
        if (string.IsNullOrEmpty(queue))
        {
            return null;
        }

        queue = SourceQueueOf(queue);
        if (ByConsumerQueue.TryGetValue(queue, out var key))
        {
            return key;
        }

        var name = queue[(queue.LastIndexOf('.') + 1)..];
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && dash < name.Length - 1 ? $"{name[..dash]}.{name[(dash + 1)..]}" : null;
    }
}
