using BookingSystem.DeadLetters;

namespace BookingSystem.InventoryService.Messaging;

/// <param name="Count">Every ready message in the DLQ, not only this page's.</param>
public sealed record DeadLetterPage(string Queue, uint Count, int Page, int PageSize, IReadOnlyList<DeadLetterMessage> Messages);

/// <param name="OriginalRoutingKey">What a replay republishes it with; null when no header or queue name gives one.</param>
public sealed record DeadLetterMessage(string? MessageId, string? Reason, string SourceQueue, string? OriginalRoutingKey, string Body)
{
    public static DeadLetterMessage From(DeadLetter letter) =>
        new(letter.MessageId, letter.Reason, letter.SourceQueue, letter.RoutingKey, letter.Body);
}

/// <summary>Every consumer queue's DLQ with its count (null: not declared yet).</summary>
public sealed record DeadLetterOverview(IReadOnlyList<DeadLetterQueueCount> Queues);

public sealed record DeadLetterQueueCount(string Queue, uint? Count);

/// <param name="Queue">A consumer queue or its <c>.dlq</c>.</param>
/// <param name="MessageId">Only the message(s) with this message_id; the others stay.</param>
/// <param name="Max">At most this many; default every message the DLQ holds now.</param>
public sealed record ReplayRequest(string? Queue, string? MessageId, int? Max);

/// <param name="Skipped">Left in the DLQ because no routing key could be found for them.</param>
/// <param name="Remaining">Of the messages the DLQ held when the replay started, those still in it.</param>
public sealed record ReplayResponse(string Queue, int Replayed, int Skipped, uint Remaining);
