using System.Text;
using BookingSystem.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace BookingSystem.Cli.Messaging;

public sealed record DeadLetter(ulong DeliveryTag, string? MessageId, string? Reason, string SourceQueue, string? RoutingKey, string Body)
{
    public const int PreviewLength = 200;

    /// <summary>The body's first <see cref="PreviewLength"/> characters on one line.</summary>
    public string Preview => (Body.Length > PreviewLength ? Body[..PreviewLength] + "…" : Body).ReplaceLineEndings(" ");

    public static DeadLetter From(BasicGetResult message, string deadLetterQueue)
    {
        var headers = message.BasicProperties.Headers;
        return new DeadLetter(message.DeliveryTag, message.BasicProperties.MessageId, DeadLetterHeaders.Reason(headers),
            DeadLetterHeaders.SourceQueue(headers, deadLetterQueue), DeadLetterHeaders.ReplayRoutingKey(headers, deadLetterQueue),
            Encoding.UTF8.GetString(message.Body.Span));
    }
}

/// <summary>What a DLQ holds: <see cref="Count"/> ready messages (null: the queue does not exist), the first few of them.</summary>
public sealed record DeadLetterListing(string Queue, uint? Count, IReadOnlyList<DeadLetter> Messages);

/// <summary><see cref="Remaining"/>: of the messages the DLQ held when the replay started, those still in it.</summary>
public sealed record ReplayResult(int Replayed, int Skipped, uint Remaining, string? Error);

/// <summary>
/// Reads and replays the DLQs over AMQP (no management API needed). Reading takes messages with <c>basic.get</c>
/// without acking, keeps them unacked while it reads on (so the same one is not fetched twice), then nacks them all
/// with requeue: the queue keeps every message (their redelivered flag is set). Replay republishes one message at
/// a time to the platform exchange with its original routing key, waits for the broker's confirm, and only then
/// acks it in the DLQ: a crash in between leaves a copy in the DLQ, never a loss (the consumers' inbox drops the copy).
/// </summary>
public sealed class DeadLetterQueues(BrokerClient broker)
{
    public async Task<DeadLetterListing> PeekAsync(string deadLetterQueue, int max, CancellationToken ct)
    {
        await using var channel = await broker.Connection.CreateChannelAsync(cancellationToken: ct);
        if (await CountAsync(deadLetterQueue, ct) is not { } count)
        {
            return new DeadLetterListing(deadLetterQueue, null, []);
        }

        var messages = new List<DeadLetter>();
        try
        {
            while (messages.Count < max && await channel.BasicGetAsync(deadLetterQueue, autoAck: false, ct) is { } message)
            {
                messages.Add(DeadLetter.From(message, deadLetterQueue));
            }
        }
        finally
        {
            if (messages.Count > 0)
            {
                await channel.BasicNackAsync(messages[^1].DeliveryTag, multiple: true, requeue: true, CancellationToken.None);
            }
        }

        return new DeadLetterListing(deadLetterQueue, count, messages);
    }

    /// <summary>
    /// Replays up to <paramref name="max"/> messages (all when null) of those in the queue now, or only those whose
    /// message_id is <paramref name="messageId"/>. Messages skipped (another id, no routing key) stay in the DLQ.
    /// Stops at the first publish that fails; that message stays in the DLQ too.
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(string deadLetterQueue, int? max, string? messageId, Func<DeadLetter, string, Task> onReplayed, CancellationToken ct)
    {
        await using var channel = await broker.Connection.CreateChannelAsync(cancellationToken: ct);
        if (await CountAsync(deadLetterQueue, ct) is not { } count)
        {
            return new ReplayResult(0, 0, 0, $"Queue '{deadLetterQueue}' does not exist on {broker.Settings}.");
        }

        var (replayed, skipped, scanned) = (0, 0, 0u);
        string? error = null;
        var held = new List<ulong>();
        try
        {
            // Bounded by what was there at the start: a message dead-lettered again while we replay is not picked up again.
            while (scanned < count && (max is null || replayed < max) && await channel.BasicGetAsync(deadLetterQueue, autoAck: false, ct) is { } message)
            {
                scanned++;
                var letter = DeadLetter.From(message, deadLetterQueue);
                if (messageId is not null && letter.MessageId != messageId)
                {
                    held.Add(message.DeliveryTag);
                    continue;
                }

                if (letter.RoutingKey is null)
                {
                    skipped++;
                    held.Add(message.DeliveryTag);
                    continue;
                }

                try
                {
                    await broker.PublishAsync(broker.Settings.Exchange, letter.RoutingKey, ReplayProperties(message.BasicProperties, deadLetterQueue), message.Body, ct);
                }
                catch (BrokerException e)
                {
                    error = $"Replaying {letter.MessageId ?? "a message without message_id"} failed: {e.Message}";
                    held.Add(message.DeliveryTag);
                    break;
                }

                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
                replayed++;
                await onReplayed(letter, letter.RoutingKey);
            }
        }
        finally
        {
            foreach (var tag in held)
            {
                await channel.BasicNackAsync(tag, multiple: false, requeue: true, CancellationToken.None);
            }
        }

        if (error is null && messageId is not null && replayed == 0)
        {
            error = $"No message with message_id '{messageId}' among the {count} in {deadLetterQueue}.";
        }

        return new ReplayResult(replayed, skipped, count - (uint)replayed, error);
    }

    /// <summary>
    /// The original properties (message_id, correlation_id, type, ...), persistent, minus what belonged to the DLQ stay:
    /// the rejection headers (the service sets them again if it rejects the message again) and the quorum queue's
    /// delivery count. <c>x-death</c> stays as the message's history.
    /// </summary>
    public static BasicProperties ReplayProperties(IReadOnlyBasicProperties original, string deadLetterQueue)
    {
        var headers = original.Headers is { } h ? new Dictionary<string, object?>(h) : new Dictionary<string, object?>();
        headers.Remove(DeadLetterHeaders.DeliveryCount);
        headers.Remove(DeadLetterHeaders.OriginalRoutingKey);
        headers.Remove(Topology.RejectReasonHeader);
        headers.Remove(Topology.SourceQueueHeader);
        headers[DeadLetterHeaders.ReplayedFrom] = deadLetterQueue;
        return new BasicProperties(original) { Headers = headers, DeliveryMode = DeliveryModes.Persistent };
    }

    /// <summary>Ready messages in the queue, or null if it does not exist (the failed passive declare closes only its own channel).</summary>
    private async Task<uint?> CountAsync(string queue, CancellationToken ct)
    {
        await using var probe = await broker.Connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            return (await probe.QueueDeclarePassiveAsync(queue, ct)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }
}
