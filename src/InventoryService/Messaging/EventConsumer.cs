using System.Diagnostics;
using System.Text;
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
/// errors make the DLQ reason), the booking a command is about (a property of its logs and span), and how the
/// command is applied (one transaction; a short outcome for the log, the span and the metrics).
/// </summary>
public sealed record ConsumerDefinition<TEvent, TCommand>(
    string Queue,
    string RoutingKey,
    string EventType,
    Func<EventEnvelope<TEvent>, ValidationErrors, TCommand> ToCommand,
    Func<TCommand, string> BookingIdOf,
    Func<IServiceProvider, TCommand, MessageOrigin, CancellationToken, Task<string>> HandleAsync)
    where TEvent : class;

/// <summary>
/// A hand-written consumer of one queue, composed from a <see cref="ConsumerDefinition{TEvent, TCommand}"/>. Per
/// message: parse and validate into the command (a bad message goes straight to the DLQ with the reason in a
/// header and is acked, never retried); open a DI scope; handle (one database transaction, transient errors retried
/// inside); ack after the commit. A handler that throws nacks with requeue, so a message that keeps failing reaches
/// the DLQ through the queue's delivery limit. Shutdown stops consuming, then waits for the messages in flight to
/// finish and be acked.
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
    private int _inFlight;

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
        await using var channel = await amqp.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: settings.ConsumerConcurrency),
            stoppingToken);
        // Dead letters are publishes: on the publishing connection, so a broker that blocks publishers (memory or
        // disk alarm) never blocks the connection the acks of every consumer travel on.
        await using var deadLetters = new DeadLetterPublisher(await _dependencies.Publishing.GetAsync(stoppingToken), Settings);
        await _dependencies.Topology.DeclareConsumerQueueAsync(channel, Queue, _definition.RoutingKey, stoppingToken);
        await channel.BasicQosAsync(0, settings.Prefetch, global: false, stoppingToken);

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => OnReceivedAsync(channel, deadLetters, delivery);
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
        var consumerTag = await channel.BasicConsumeAsync(Queue, autoAck: false, consumer, stoppingToken);
        _dependencies.Status.Report(Queue, consuming: true);
        Log.Consuming(_logger, Queue, settings.Prefetch, settings.ConsumerConcurrency);
        try
        {
            var stopping = Task.Delay(Timeout.Infinite, stoppingToken);
            if (await Task.WhenAny(stopping, channelLost.Task) == channelLost.Task)
            {
                throw new InvalidOperationException($"Stopped consuming {Queue}: {channelLost.Task.Result}");
            }
        }
        finally
        {
            _dependencies.Status.Report(Queue, consuming: false);
        }

        // Graceful stop: no new deliveries, let the ones in flight finish and ack (bounded by the host's shutdown timeout).
        await channel.BasicCancelAsync(consumerTag, noWait: false, CancellationToken.None);
        var waitedFor = Volatile.Read(ref _inFlight);
        while (Volatile.Read(ref _inFlight) > 0 && !_shutdownDeadline.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        await channel.CloseAsync(CancellationToken.None);
        Log.StoppedConsuming(_logger, Queue, waitedFor);
    }

    private async Task OnReceivedAsync(IChannel channel, DeadLetterPublisher deadLetters, BasicDeliverEventArgs delivery)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await HandleDeliveryAsync(channel, deadLetters, delivery);
        }
        catch (Exception e)
        {
            // An ack/nack that cannot be sent (channel gone): the broker redelivers, the inbox absorbs the repeat.
            Log.DeliveryFailed(_logger, e, LogText.Clean(delivery.BasicProperties.MessageId), Queue);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <remarks>
    /// In-flight work is not cancelled by shutdown: it finishes and is acked (see StopAsync). While the database is
    /// away the message is held (unacked, so the broker sends no more than the prefetch) and retried with backoff
    /// until the database answers: an outage must not use up its delivery limit and send a good message to the DLQ.
    /// </remarks>
    private async Task HandleDeliveryAsync(IChannel channel, DeadLetterPublisher deadLetters, BasicDeliverEventArgs delivery)
    {
        if (delivery.Body.Length > Settings.MaxMessageBytes)
        {
            // Before parsing: a huge body must not cost the memory and time of deserializing it.
            await RejectAsync(channel, deadLetters, delivery, $"Body of {delivery.Body.Length} bytes exceeds the limit of {Settings.MaxMessageBytes} bytes.");
            return;
        }

        if (delivery.BasicProperties.ContentType is { } contentType && !IsJson(contentType))
        {
            await RejectAsync(channel, deadLetters, delivery, $"Content type '{LogText.Clean(contentType)}' is not application/json.");
            return;
        }

        if (!TryRead(delivery.Body.Span, out var envelope, out var command, out var reason))
        {
            await RejectAsync(channel, deadLetters, delivery, reason);
            return;
        }

        var bookingId = _definition.BookingIdOf(command);
        using var activity = MessagingActivities.StartProcess(Queue, delivery.BasicProperties);
        activity?.SetTag("messaging.message.conversation_id", envelope.CorrelationId)
            .SetTag("booking.id", bookingId)
            .SetTag("booking.event_type", envelope.EventType);
        using var logScope = _logger.BeginScope(new Dictionary<string, object>
        {
            [LogProperties.CorrelationId] = envelope.CorrelationId,
            [LogProperties.BookingId] = bookingId,
            [LogProperties.MessageEventId] = envelope.EventId,
            [LogProperties.MessageEventType] = envelope.EventType,
            [LogProperties.MessageQueue] = Queue,
        });
        var started = Stopwatch.GetTimestamp();
        var origin = new MessageOrigin(Queue, envelope.EventId, envelope.CorrelationId);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = _dependencies.Scopes.CreateAsyncScope();
                var outcome = await _definition.HandleAsync(scope.ServiceProvider, command, origin, CancellationToken.None);
                activity?.SetTag("booking.outcome", outcome);
                _dependencies.Metrics.Consumed(Queue, outcome, Stopwatch.GetElapsedTime(started));
                Log.Handled(_logger, envelope.EventType, envelope.EventId, outcome);
                break;
            }
            catch (Exception e) when (DatabaseRetry.IsTransient(e) && channel.IsOpen
                && !_shutdownDeadline.IsCancellationRequested && !_stopping.IsCancellationRequested)
            {
                var delay = Backoff.Exponential(attempt, TransientHoldBase, TransientHoldMax);
                Log.HeldForDatabase(_logger, e, envelope.EventType, envelope.EventId, Queue, attempt, delay);
                await Task.Delay(delay, _stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (Exception e)
            {
                // A failure that is not the database being away (or shutdown while it is, or the channel it came on
                // is gone, so the broker has it again): back to the queue; one that keeps failing reaches the DLQ
                // through the delivery limit.
                activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
                Log.HandlingFailed(_logger, e, envelope.EventType, envelope.EventId, Queue, DeliveryCount(delivery.BasicProperties));
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
                return;
            }
        }

        await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
    }

    /// <summary>
    /// A bad message: to the DLQ with the reason (then acked). If that publish fails, the broker dead-letters it
    /// through the queue's own DLX instead (reject without requeue): the reason is then only in our log. The DLQ
    /// publish has a channel of its own, so its failure never closes the channel the deliveries come on.
    /// </summary>
    private async Task RejectAsync(IChannel channel, DeadLetterPublisher deadLetters, BasicDeliverEventArgs delivery, string reason)
    {
        var messageId = LogText.Clean(delivery.BasicProperties.MessageId);
        _dependencies.Metrics.Rejected(Queue);
        Log.Rejected(_logger, messageId, Queue, reason);
        try
        {
            await deadLetters.PublishAsync(Queue, delivery, reason);
        }
        catch (Exception e)
        {
            Log.DeadLetterPublishFailed(_logger, e, messageId, Queue);
            await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false, CancellationToken.None);
            return;
        }

        await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
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
}
