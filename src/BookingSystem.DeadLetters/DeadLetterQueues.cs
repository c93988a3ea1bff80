using System.Text;
using BookingSystem.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace BookingSystem.DeadLetters;

/// <param name="RoutingKey">The routing key a replay republishes it with (see <see cref="DeadLetterHeaders.ReplayRoutingKey"/>).</param>
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

/// <summary>
/// What a DLQ holds: <see cref="Count"/> ready messages (null: the queue does not exist), and the messages read
/// after skipping the first few.
/// </summary>
public sealed record DeadLetterListing(string Queue, uint? Count, IReadOnlyList<DeadLetter> Messages);

public enum ReplayFailure
{
    None,

    /// <summary>A message id was asked for and none of the messages has it.</summary>
    MessageNotFound,

    /// <summary>A republish was returned, nacked, unconfirmed in time or hit a closed channel: the broker's side.</summary>
    PublishFailed,
}

/// <summary><see cref="Remaining"/>: of the messages the DLQ held when the replay started, those still in it.</summary>
public sealed record ReplayResult(int Replayed, int Skipped, uint Remaining, ReplayFailure Failure = ReplayFailure.None, string? Error = null);

/// <summary>
/// Reads and replays the DLQs over AMQP (no management API needed), for the CLI and the service's admin API alike.
/// Reading takes messages with <c>basic.get</c> without acking, keeps them unacked while it reads on (so the same
/// one is not fetched twice), then nacks them all with requeue: the queue keeps every message (their redelivered
/// flag is set). While a read holds them, a concurrent read or replay of the same DLQ does not see them.
/// Replay republishes one message at a time to <paramref name="exchange"/> with its original routing key, waits for
/// the broker's confirm, and only then acks it in the DLQ: a crash in between leaves a copy in the DLQ, never a
/// loss (the consumers' inbox drops the copy).
/// </summary>
/// <param name="publishTimeout">How long one republish may wait for its confirm (RabbitMQ.Client 7 can hang without one).</param>
public sealed class DeadLetterQueues(IConnection connection, string exchange, TimeSpan publishTimeout)
{
    /// <summary>The most messages a listing reads to put them back in their order (see <see cref="PeekAsync"/>).</summary>
    public const int MaxRead = 10_000;

    private static readonly TimeSpan ReturnWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Reads up to <paramref name="take"/> messages after the first <paramref name="skip"/>, consuming none. A quorum
    /// queue puts a returned message behind the others, so only a listing that returns every message leaves the order
    /// as it was (and the same page shows the same messages again): a DLQ of up to <see cref="MaxRead"/> messages is
    /// read to its end; of a larger one only what the page needs is read, and that moves to the back.
    /// </summary>
    public async Task<DeadLetterListing> PeekAsync(string deadLetterQueue, int skip, int take, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        if (await CountAsync(deadLetterQueue, ct) is not { } count)
        {
            return new DeadLetterListing(deadLetterQueue, null, []);
        }

        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var messages = new List<DeadLetter>();
        var toRead = count <= MaxRead ? count : (long)skip + take;
        ulong? lastTag = null;
        try
        {
            for (var read = 0L; read < toRead && await channel.BasicGetAsync(deadLetterQueue, autoAck: false, ct) is { } message; read++)
            {
                lastTag = message.DeliveryTag;
                if (read >= skip && messages.Count < take)
                {
                    messages.Add(DeadLetter.From(message, deadLetterQueue));
                }
            }
        }
        finally
        {
            if (lastTag is { } tag && channel.IsOpen)
            {
                await channel.BasicNackAsync(tag, multiple: true, requeue: true, CancellationToken.None);
            }
        }

        await WaitUntilReturnedAsync(deadLetterQueue, count, ct);
        return new DeadLetterListing(deadLetterQueue, count, messages);
    }

    /// <summary>
    /// Replays up to <paramref name="max"/> messages (all when null) of those in the queue now, or only those whose
    /// message_id is <paramref name="messageId"/>; null if the queue does not exist. Messages skipped (another id, no
    /// routing key) stay in the DLQ. Stops at the first republish that fails; that message stays in the DLQ too.
    /// </summary>
    public async Task<ReplayResult?> ReplayAsync(
        string deadLetterQueue, int? max, string? messageId, CancellationToken ct, Func<DeadLetter, Task>? onReplayed = null)
    {
        if (await CountAsync(deadLetterQueue, ct) is not { } count)
        {
            return null;
        }

        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await using var publisher = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
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

                if (await RepublishAsync(publisher, letter.RoutingKey, ReplayProperties(message.BasicProperties, deadLetterQueue), message.Body, ct)
                    is { } failure)
                {
                    error = $"Replaying {letter.MessageId ?? "a message without message_id"} failed: {failure}";
                    held.Add(message.DeliveryTag);
                    break;
                }

                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
                replayed++;
                if (onReplayed is not null)
                {
                    await onReplayed(letter);
                }
            }
        }
        finally
        {
            // A closed channel has returned its unacked messages to the queue already.
            if (channel.IsOpen)
            {
                foreach (var tag in held)
                {
                    await channel.BasicNackAsync(tag, multiple: false, requeue: true, CancellationToken.None);
                }
            }
        }

        var remaining = count - (uint)replayed;
        if (held.Count > 0)
        {
            await WaitUntilReturnedAsync(deadLetterQueue, remaining, ct);
        }

        if (error is not null)
        {
            return new ReplayResult(replayed, skipped, remaining, ReplayFailure.PublishFailed, error);
        }

        return messageId is not null && replayed == 0
            ? new ReplayResult(replayed, skipped, remaining, ReplayFailure.MessageNotFound,
                $"No message with message_id '{messageId}' among the {count} in {deadLetterQueue}.")
            : new ReplayResult(replayed, skipped, remaining);
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

    /// <summary>A mandatory publish awaiting its confirm; why it failed, or null once the broker confirmed it.</summary>
    private async Task<string?> RepublishAsync(IChannel publisher, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(publishTimeout);
        try
        {
            await publisher.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body, timeout.Token);
            return null;
        }
        catch (PublishException e) when (e.IsReturn)
        {
            return $"no queue is bound to exchange '{exchange}' with routing key '{routingKey}' (the broker returned it).";
        }
        catch (PublishException)
        {
            return $"the broker refused (nacked) it for '{routingKey}'.";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no publisher confirm for '{routingKey}' within {publishTimeout.TotalSeconds:0.#} s.";
        }
        catch (OperationInterruptedException e)
        {
            return $"the channel is closed: {e.ShutdownReason?.ReplyText ?? e.Message}";
        }
    }

    /// <summary>
    /// The broker puts nacked messages back asynchronously (a quorum queue's count lags the nack): waits, briefly, until
    /// the queue holds <paramref name="expected"/> again, so that what the caller does next (another page, a replay)
    /// sees them. Gives up quietly after <see cref="ReturnWait"/> (a concurrent replay may have taken some).
    /// </summary>
    private async Task WaitUntilReturnedAsync(string queue, uint expected, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(ReturnWait);
        try
        {
            while (await CountAsync(queue, wait.Token) < expected)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), wait.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Not all back yet: they are on their way; the listing or replay itself is complete.
        }
    }

    /// <summary>Ready messages in the queue, or null if it does not exist (the failed passive declare closes only its own channel).</summary>
    public async Task<uint?> CountAsync(string queue, CancellationToken ct)
    {
        await using var probe = await connection.CreateChannelAsync(cancellationToken: ct);
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
