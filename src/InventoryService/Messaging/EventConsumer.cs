using System.Diagnostics;
using System.Threading.Channels;
using BookingSystem.Contracts;
using BookingSystem.DeadLetters;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Observability;
using BookingSystem.InventoryService.Validation;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// What a feature tells Messaging about one of its consumers: the queue and the routing key it is bound to, the
/// event type it accepts, how a message becomes the feature's command (field checks beyond the JSON shape; the
/// errors make the DLQ reason), the booking a command is about (a property of its logs and span), and how a batch of
/// commands is applied: one transaction, one short outcome per message (for the log, the span and the metrics).
/// </summary>
public sealed record ConsumerDefinition<TEvent, TCommand>(
    string Queue,
    string RoutingKey,
    string EventType,
    Func<EventEnvelope<TEvent>, ValidationErrors, TCommand> ToCommand,
    Func<TCommand, string> BookingIdOf,
    Func<IServiceProvider, IReadOnlyList<Consumed<TCommand>>, CancellationToken, Task<IReadOnlyList<string>>> HandleAsync)
    where TEvent : class;

/// <summary>
/// A hand-written consumer of one queue, composed from a <see cref="ConsumerDefinition{TEvent, TCommand}"/>, that
/// applies what is ready as one batch. Deliveries go into a buffer (bounded by the prefetch); one loop takes what is
/// there, up to <see cref="RabbitMqOptions.BatchSize"/>, waiting at most <see cref="RabbitMqOptions.BatchLinger"/> for
/// more, so a lone message is not held back. Per batch: every message is parsed and validated into its command (a bad
/// one goes straight to the DLQ with the reason in a header and is acked, never retried); the valid ones are handled
/// in one scope and one database transaction (transient errors retried inside; the database away: the batch is held,
/// see <see cref="ApplyAsync"/>); then one ack covers them. A batch that fails otherwise is retried message by message,
/// so one bad message cannot fail its neighbours or use up their delivery limit: a message that fails on its own is
/// nacked with requeue and reaches the DLQ through the queue's delivery limit. Shutdown stops consuming, then lets
/// the buffered messages finish and be acked.
/// </summary>
public sealed class EventConsumer<TEvent, TCommand> : BackgroundService where TEvent : class
{
    private readonly ConsumerDefinition<TEvent, TCommand> _definition;
    private readonly ConsumerDependencies _dependencies;
    private readonly ILogger _logger;
    private static readonly TimeSpan TransientHoldBase = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TransientHoldMax = TimeSpan.FromSeconds(30);
    private CancellationToken _shutdownDeadline;
    private CancellationToken _stopping;

    public EventConsumer(ConsumerDefinition<TEvent, TCommand> definition, ConsumerDependencies dependencies, ILoggerFactory loggers)
    {
        _definition = definition;
        _dependencies = dependencies;
        _logger = loggers.CreateLogger($"{typeof(EventConsumer<,>).Namespace}.Consumer.{definition.Queue}");
        // Known from the start, so readiness reports this queue as down until the consumer is up.
        _dependencies.Status.Report(Queue, consuming: false);
    }

    private RabbitMqOptions Settings => _dependencies.Options.Value;

    private string Queue => _definition.Queue;

    /// <param name="cancellationToken">Fires when the host's shutdown timeout is up: the drain stops waiting then.</param>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _shutdownDeadline = cancellationToken;
        return base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RestartLoop.RunAsync(ConsumeAsync, TimeSpan.FromMilliseconds(500), (e, delay) => Log.ConsumerFailed(_logger, e, Queue, delay), stoppingToken);

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var settings = Settings;
        var amqp = await _dependencies.Connection.GetAsync(stoppingToken);
        // One dispatch at a time: deliveries reach the buffer, and then the batches, in delivery-tag order, which is
        // what makes one ack with `multiple` per batch safe.
        await using var channel = await amqp.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: 1),
            stoppingToken);
        // Dead letters are publishes: on the publishing connection, so a broker that blocks publishers (memory or
        // disk alarm) never blocks the connection the acks of every consumer travel on.
        await using var deadLetters = new DeadLetterPublisher(await _dependencies.Publishing.GetAsync(stoppingToken), Settings);
        await _dependencies.Topology.DeclareConsumerQueueAsync(channel, Queue, _definition.RoutingKey, stoppingToken);
        await channel.BasicQosAsync(0, settings.Prefetch, global: false, stoppingToken);

        // Not SingleReader: that channel kind cannot count, and the drain at shutdown reports what it handled.
        var buffer = System.Threading.Channels.Channel.CreateUnbounded<Delivery>(new() { SingleWriter = true });
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            buffer.Writer.TryWrite(Delivery.Copy(delivery));
            return Task.CompletedTask;
        };
        // Automatic recovery restores channels lost with their connection, but not a channel the broker closed on
        // its own (consumer timeout, a deleted queue, a cancelled consumer): that ends this run and we start over.
        var channelLost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.ChannelShutdownAsync += (_, args) =>
        {
            if (args.Initiator != ShutdownInitiator.Application && !amqp.IsOpen)
            {
                return Task.CompletedTask; // the connection went: recovery brings the channel back
            }

            channelLost.TrySetResult($"channel closed: {args.ReplyCode} {args.ReplyText}");
            return Task.CompletedTask;
        };
        consumer.UnregisteredAsync += (_, _) =>
        {
            channelLost.TrySetResult("the broker cancelled the consumer");
            return Task.CompletedTask;
        };
        var batches = Task.Run(() => ProcessAsync(channel, deadLetters, buffer.Reader), CancellationToken.None);
        var consumerTag = await channel.BasicConsumeAsync(Queue, autoAck: false, consumer, stoppingToken);
        _dependencies.Status.Report(Queue, consuming: true);
        Log.Consuming(_logger, Queue, settings.Prefetch, BatchSize);
        try
        {
            var stopping = Task.Delay(Timeout.Infinite, stoppingToken);
            if (await Task.WhenAny(stopping, channelLost.Task) == channelLost.Task)
            {
                // What is buffered came on the lost channel: the broker has it again, and it is not handled here.
                buffer.Writer.TryComplete();
                await batches;
                throw new InvalidOperationException($"Stopped consuming {Queue}: {channelLost.Task.Result}");
            }
        }
        finally
        {
            _dependencies.Status.Report(Queue, consuming: false);
        }

        // Graceful stop: no new deliveries; the buffered ones are handled and acked (bounded by the host's shutdown
        // timeout; what is left then goes back to the queue when the channel closes).
        await channel.BasicCancelAsync(consumerTag, noWait: false, CancellationToken.None);
        var buffered = buffer.Reader.Count;
        buffer.Writer.TryComplete();
        await Task.WhenAny(batches, Task.Delay(Timeout.Infinite, _shutdownDeadline));
        await channel.CloseAsync(CancellationToken.None);
        Log.StoppedConsuming(_logger, Queue, buffered);
    }

    private int BatchSize => Math.Min(Settings.BatchSize, Settings.Prefetch);

    /// <summary>Takes the buffered deliveries as batches, one at a time, until the buffer is completed and empty.</summary>
    private async Task ProcessAsync(IChannel channel, DeadLetterPublisher deadLetters, ChannelReader<Delivery> buffer)
    {
        var batch = new List<Delivery>(BatchSize);
        while (await buffer.WaitToReadAsync(CancellationToken.None))
        {
            await FillAsync(buffer, batch);
            if (!channel.IsOpen || _shutdownDeadline.IsCancellationRequested)
            {
                batch.Clear(); // the broker redelivers them
                continue;
            }

            try
            {
                await HandleBatchAsync(channel, deadLetters, batch);
            }
            catch (Exception e)
            {
                // An ack/nack that cannot be sent (channel gone): the broker redelivers, the inbox absorbs the repeats.
                Log.DeliveryFailed(_logger, e, LogText.Clean(batch[0].Properties.MessageId), Queue);
            }

            batch.Clear();
        }
    }

    /// <summary>What is ready, up to the batch size; while short of it, up to the linger for more.</summary>
    private async Task FillAsync(ChannelReader<Delivery> buffer, List<Delivery> batch)
    {
        var size = BatchSize;
        var linger = Settings.BatchLinger;
        var deadline = Stopwatch.GetTimestamp();
        while (batch.Count < size)
        {
            if (buffer.TryRead(out var delivery))
            {
                batch.Add(delivery);
                continue;
            }

            var left = linger - Stopwatch.GetElapsedTime(deadline);
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            using var wait = new CancellationTokenSource(left);
            try
            {
                if (!await buffer.WaitToReadAsync(wait.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Bad messages to the DLQ; the rest applied together; then one ack for those applied. The ack uses
    /// <c>multiple</c> up to the highest applied tag: every delivery below it on this channel is settled by then
    /// (earlier batches finished before this one started, and in this one the others were rejected or nacked first).
    /// </summary>
    private async Task HandleBatchAsync(IChannel channel, DeadLetterPublisher deadLetters, List<Delivery> batch)
    {
        var accepted = new List<Accepted>(batch.Count);
        foreach (var delivery in batch)
        {
            if (Check(delivery) is { } problem)
            {
                await RejectAsync(channel, deadLetters, delivery, problem);
                continue;
            }

            if (!TryRead(delivery.Body.Span, out var envelope, out var command, out var reason))
            {
                await RejectAsync(channel, deadLetters, delivery, reason);
                continue;
            }

            accepted.Add(Accept(delivery, envelope, command));
        }

        if (accepted.Count == 0)
        {
            return;
        }

        var applied = new List<ulong>(accepted.Count);
        await ApplyAsync(channel, accepted, applied);
        if (applied.Count > 0)
        {
            _dependencies.CrashPoints.Reached(CrashPoint.AfterCommit);
            await channel.BasicAckAsync(applied.Max(), multiple: applied.Count > 1, CancellationToken.None);
        }
    }

    private string? Check(Delivery delivery)
    {
        if (delivery.Body.Length > Settings.MaxMessageBytes)
        {
            // Before parsing: a huge body must not cost the memory and time of deserializing it.
            return $"Body of {delivery.Body.Length} bytes exceeds the limit of {Settings.MaxMessageBytes} bytes.";
        }

        return delivery.Properties.ContentType is { } contentType && !IsJson(contentType)
            ? $"Content type '{LogText.Clean(contentType)}' is not application/json."
            : null;
    }

    /// <summary>A valid message with its span (started, not current: the batch's work runs outside any one message) and log properties.</summary>
    private Accepted Accept(Delivery delivery, EventEnvelope<TEvent> envelope, TCommand command)
    {
        var bookingId = _definition.BookingIdOf(command);
        var outer = Activity.Current;
        var activity = MessagingActivities.StartProcess(Queue, delivery.Properties);
        Activity.Current = outer;
        activity?.SetTag("messaging.message.conversation_id", envelope.CorrelationId)
            .SetTag("booking.id", bookingId)
            .SetTag("booking.event_type", envelope.EventType);
        var properties = new Dictionary<string, object>
        {
            [LogProperties.CorrelationId] = envelope.CorrelationId,
            [LogProperties.BookingId] = bookingId,
            [LogProperties.MessageEventId] = envelope.EventId,
            [LogProperties.MessageEventType] = envelope.EventType,
            [LogProperties.MessageQueue] = Queue,
        };
        var origin = new MessageOrigin(Queue, envelope.EventId, envelope.CorrelationId);
        return new Accepted(delivery, envelope, new Consumed<TCommand>(command, origin, activity, () => _logger.BeginScope(properties)));
    }

    /// <remarks>
    /// In-flight work is not cancelled by shutdown: it finishes and is acked (see StopAsync). While the database is
    /// away the batch is held (unacked, so the broker sends no more than the prefetch) and retried with backoff
    /// until the database answers: an outage must not use up the delivery limit and send good messages to the DLQ.
    /// </remarks>
    private async Task ApplyAsync(IChannel channel, IReadOnlyList<Accepted> batch, List<ulong> applied)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = _dependencies.Scopes.CreateAsyncScope();
                var outcomes = await _definition.HandleAsync(scope.ServiceProvider, batch.Select(m => m.Message).ToList(), CancellationToken.None);
                for (var i = 0; i < batch.Count; i++)
                {
                    Completed(batch[i], outcomes[i]);
                    applied.Add(batch[i].Delivery.Tag);
                }

                return;
            }
            catch (Exception e) when (DatabaseRetry.IsTransient(e) && channel.IsOpen
                && !_shutdownDeadline.IsCancellationRequested && !_stopping.IsCancellationRequested)
            {
                var delay = Backoff.Exponential(attempt, TransientHoldBase, TransientHoldMax);
                var first = batch[0].Envelope;
                Log.HeldForDatabase(_logger, e, first.EventType, first.EventId, Queue, batch.Count, attempt, delay);
                await Task.Delay(delay, _stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (Exception e) when (batch.Count > 1)
            {
                // Not the database being away: find the message it was about by applying each on its own.
                Log.BatchFailed(_logger, e, Queue, batch.Count);
                foreach (var message in batch)
                {
                    await ApplyAsync(channel, [message], applied);
                }

                return;
            }
            catch (Exception e)
            {
                // A failure that is not the database being away (or shutdown while it is, or the channel it came on
                // is gone, so the broker has it again): back to the queue; one that keeps failing reaches the DLQ
                // through the delivery limit.
                var (delivery, envelope, message) = batch[0];
                using (message.Enter())
                {
                    message.Activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
                    Log.HandlingFailed(_logger, e, envelope.EventType, envelope.EventId, Queue, DeliveryCount(delivery.Properties));
                }

                message.Activity?.Stop();
                await channel.BasicNackAsync(delivery.Tag, multiple: false, requeue: true, CancellationToken.None);
                return;
            }
        }
    }

    private void Completed(Accepted accepted, string outcome)
    {
        var (delivery, envelope, message) = accepted;
        using (message.Enter())
        {
            message.Activity?.SetTag("booking.outcome", outcome);
            _dependencies.Metrics.Consumed(Queue, outcome, Stopwatch.GetElapsedTime(delivery.ReceivedAt));
            Log.Handled(_logger, envelope.EventType, envelope.EventId, outcome);
        }

        message.Activity?.Stop();
    }

    /// <summary>
    /// A bad message: to the DLQ with the reason (then acked). If that publish fails, the broker dead-letters it
    /// through the queue's own DLX instead (reject without requeue): the reason is then only in our log. The DLQ
    /// publish has a channel of its own, so its failure never closes the channel the deliveries come on.
    /// </summary>
    private async Task RejectAsync(IChannel channel, DeadLetterPublisher deadLetters, Delivery delivery, string reason)
    {
        var messageId = LogText.Clean(delivery.Properties.MessageId);
        _dependencies.Metrics.Rejected(Queue);
        Log.Rejected(_logger, messageId, Queue, reason);
        try
        {
            await deadLetters.PublishAsync(Queue, delivery, reason);
        }
        catch (Exception e)
        {
            Log.DeadLetterPublishFailed(_logger, e, messageId, Queue);
            await channel.BasicRejectAsync(delivery.Tag, requeue: false, CancellationToken.None);
            return;
        }

        await channel.BasicAckAsync(delivery.Tag, multiple: false, CancellationToken.None);
    }

    private bool TryRead(ReadOnlySpan<byte> body, out EventEnvelope<TEvent> envelope, out TCommand command, out string reason)
    {
        envelope = null!;
        command = default!;
        if (!EventMessage.TryParse<TEvent>(body, _definition.EventType, out var parsed, out var parseError))
        {
            reason = parseError!;
            return false;
        }

        var errors = new ValidationErrors();
        command = _definition.ToCommand(parsed!, errors);
        if (!errors.IsEmpty)
        {
            reason = "Invalid data: " + errors.Summarize();
            return false;
        }

        envelope = parsed!;
        reason = string.Empty;
        return true;
    }

    /// <summary>JSON, with or without parameters (<c>application/json; charset=utf-8</c>); a missing content type is taken as JSON.</summary>
    private static bool IsJson(string contentType) =>
        contentType.Split(';', 2)[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>This delivery's number (1 = first), from the quorum queue's count of earlier ones.</summary>
    private static long DeliveryCount(IReadOnlyBasicProperties properties) =>
        properties.Headers?.TryGetValue("x-delivery-count", out var value) == true && value is long or int ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) + 1 : 1;

    private sealed record Accepted(Delivery Delivery, EventEnvelope<TEvent> Envelope, Consumed<TCommand> Message);
}
