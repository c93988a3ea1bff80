using System.Threading.Channels;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Observability;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BookingSystem.InventoryService.Messaging.Consumers;

/// <summary>What every consumer host needs from the container; one object so the hosts stay thin.</summary>
public sealed record ConsumerDependencies(
    [FromKeyedServices(RabbitMqConnection.ConsumePurpose)] RabbitMqConnection Connection,
    [FromKeyedServices(RabbitMqConnection.PublishPurpose)] RabbitMqConnection Publishing,
    BrokerTopology Topology,
    ConsumerStatus Status,
    IServiceScopeFactory Scopes,
    InventoryMetrics Metrics,
    CrashPoints CrashPoints,
    IOptions<RabbitMqOptions> Options);

/// <summary>
/// The host loop of one queue's consumer: declares the queue, consumes with manual acks and the prefetch as the
/// bound of a buffer, and hands what is buffered, batch by batch (<see cref="BatchReader"/>), to
/// <see cref="Triage{TEvent, TCommand}"/> and <see cref="BatchApplier{TCommand}"/>, one batch at a time. The
/// feature's <typeparamref name="THandler"/> is resolved from each batch's scope. A channel the broker closes ends the
/// run and it starts over (<see cref="RestartLoop"/>). A graceful stop stops consuming, then lets the buffered
/// messages finish and be acked, bounded by the host's shutdown timeout.
/// </summary>
public sealed class ConsumerHost<TEvent, TCommand, THandler> : BackgroundService
    where TEvent : class
    where THandler : class, IEventHandler<TEvent, TCommand>
{
    private static readonly TimeSpan HoldBase = TimeSpan.FromSeconds(1);

    private readonly ConsumerQueue<TEvent> _queue;
    private readonly ConsumerDependencies _dependencies;
    private readonly ILogger _logger;
    private CancellationToken _shutdownDeadline;

    public ConsumerHost(ConsumerQueue<TEvent> queue, ConsumerDependencies dependencies, ILoggerFactory loggers)
    {
        _queue = queue;
        _dependencies = dependencies;
        _logger = loggers.CreateLogger($"{typeof(ConsumerHost<,,>).Namespace}.Consumer.{queue.Queue}");
        // Known from the start, so readiness reports this queue as down until the consumer is up.
        _dependencies.Status.Report(queue.Queue, consuming: false);
    }

    private RabbitMqOptions Settings => _dependencies.Options.Value;

    private string Queue => _queue.Queue;

    private int BatchSize => Math.Min(Settings.BatchSize, Settings.Prefetch);

    /// <param name="cancellationToken">Fires when the host's shutdown timeout is up: the drain stops waiting
    /// then.</param>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _shutdownDeadline = cancellationToken;
        return base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RestartLoop.RunAsync(
            ConsumeAsync, TimeSpan.FromMilliseconds(500), (e, delay) => Log.ConsumerFailed(_logger, e, Queue, delay),
            stoppingToken);

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var amqp = await _dependencies.Connection.GetAsync(stoppingToken);
        // One dispatch at a time: deliveries reach the buffer, and then the batches, in delivery-tag order, which is
        // what makes one ack with `multiple` per batch safe.
        await using var channel = await amqp.CreateChannelAsync(
            new CreateChannelOptions(
                publisherConfirmationsEnabled: false,
                publisherConfirmationTrackingEnabled: false,
                consumerDispatchConcurrency: 1),
            stoppingToken);
        // Dead letters are publishes: on the publishing connection, so a broker that blocks publishers (memory or
        // disk alarm) never blocks the connection the acks of every consumer travel on.
        var publishing = await _dependencies.Publishing.GetAsync(stoppingToken);
        await using var deadLetters = new DeadLetterPublisher(publishing, Settings);
        await _dependencies.Topology.DeclareConsumerQueueAsync(channel, Queue, _queue.Event.RoutingKey, stoppingToken);
        await channel.BasicQosAsync(0, Settings.Prefetch, global: false, stoppingToken);

        // Not SingleReader: that channel kind cannot count, and the drain at shutdown reports what it handled.
        var buffer = Channel.CreateUnbounded<Delivery>(new() { SingleWriter = true });
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            buffer.Writer.TryWrite(Delivery.Copy(delivery));
            return Task.CompletedTask;
        };
        var channelLost = WatchForLoss(amqp, channel, consumer);
        var settlement = new ChannelSettlement(channel, deadLetters, Queue, _logger);
        var reader = new BatchReader(buffer.Reader, BatchSize, Settings.BatchLinger);
        var batches = Task.Run(() => ProcessAsync(reader, settlement, stoppingToken), CancellationToken.None);
        var consumerTag = await channel.BasicConsumeAsync(Queue, autoAck: false, consumer, stoppingToken);
        _dependencies.Status.Report(Queue, consuming: true);
        Log.Consuming(_logger, Queue, Settings.Prefetch, BatchSize);
        try
        {
            if (await Task.WhenAny(Task.Delay(Timeout.Infinite, stoppingToken), channelLost) == channelLost)
            {
                // What is buffered came on the lost channel: the broker has it again, and it is not handled here.
                buffer.Writer.TryComplete();
                await batches;
                throw new InvalidOperationException($"Stopped consuming {Queue}: {channelLost.Result}");
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

    /// <summary>
    /// Completes with the reason when the broker closes the channel on its own (consumer timeout, a deleted queue, a
    /// cancelled consumer). Automatic recovery restores channels lost with their connection, but not those.
    /// </summary>
    private static Task<string> WatchForLoss(IConnection amqp, IChannel channel, AsyncEventingBasicConsumer consumer)
    {
        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.ChannelShutdownAsync += (_, args) =>
        {
            if (args.Initiator == ShutdownInitiator.Application || amqp.IsOpen)
            {
                lost.TrySetResult($"channel closed: {args.ReplyCode} {args.ReplyText}");
            }

            return Task.CompletedTask; // else the connection went: recovery brings the channel back
        };
        consumer.UnregisteredAsync += (_, _) =>
        {
            lost.TrySetResult("the broker cancelled the consumer");
            return Task.CompletedTask;
        };
        return lost.Task;
    }

    /// <summary>
    /// Triages and applies the buffered deliveries, one batch at a time, until the buffer is completed and empty.
    /// </summary>
    private async Task ProcessAsync(BatchReader reader, ChannelSettlement settlement, CancellationToken stopping)
    {
        var applier = new BatchApplier<TCommand>(Queue, _queue.Event.EventType, settlement, ApplyAsync,
            _dependencies.Metrics, _dependencies.CrashPoints, _logger, HoldBase);
        for (var batch = await reader.NextAsync(); batch.Count > 0; batch = await reader.NextAsync())
        {
            if (!settlement.IsOpen || _shutdownDeadline.IsCancellationRequested)
            {
                continue; // the broker redelivers them
            }

            try
            {
                await applier.SettleAsync(await TriageAsync(batch, settlement, stopping), stopping);
            }
            catch (Exception e)
            {
                // Settling failed (the channel is gone: the broker redelivers, the inbox absorbs the repeats), or
                // something failed while deliveries of this batch are unsettled: close the channel, so that no later
                // ack with `multiple` covers them; the broker redelivers them and this consumer starts over.
                Log.DeliveryFailed(_logger, e, LogText.Clean(batch[0].Properties.MessageId), Queue);
                await settlement.AbandonAsync();
            }
        }
    }

    /// <summary>
    /// Sorts a batch for the applier. The feature's field checks may read the database (which items are sold by the
    /// night): while it is away the batch is held, unacked, like one the applier holds, and checked again with backoff.
    /// </summary>
    private async Task<Triaged<TCommand>> TriageAsync(
        IReadOnlyList<Delivery> batch, ChannelSettlement settlement, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = _dependencies.Scopes.CreateAsyncScope();
                var handler = scope.ServiceProvider.GetRequiredService<THandler>();
                var triage = new Triage<TEvent, TCommand>(_queue, Settings.MaxMessageBytes, handler.ToCommand,
                    handler.BookingIdOf, _logger, handler.PrepareAsync);
                return await triage.SortAsync(batch);
            }
            catch (Exception e) when (DatabaseRetry.IsUnavailable(e) && settlement.IsOpen
                && !stopping.IsCancellationRequested)
            {
                var delay = Backoff.Exponential(attempt, HoldBase, BatchApplier<TCommand>.HoldMax);
                Log.TriageHeldForDatabase(_logger, e, Queue, batch.Count, attempt, delay);
                await Task.Delay(delay, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// One attempt at a batch: a scope of its own, the feature's handler from it. Not cancelled by shutdown.
    /// </summary>
    private async Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<Consumed<TCommand>> batch)
    {
        await using var scope = _dependencies.Scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(batch, CancellationToken.None);
    }
}
