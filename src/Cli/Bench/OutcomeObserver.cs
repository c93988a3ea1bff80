using System.Text.Json;
using BookingSystem.Cli.Messaging;
using BookingSystem.Cli.Messaging.Simulation;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace BookingSystem.Cli.Bench;

/// <summary>
/// The bench's view of what comes back: a server-named, exclusive queue bound to <c>inventory.#</c> before anything is
/// sent, consumed with automatic acks (the bench reads; it need not survive a crash), each event stamped on arrival,
/// then parsed as its contract says and handed on.
/// </summary>
/// <remarks>
/// On a connection of its own, not the publisher's: one connection has one socket reader, and on the publisher's it
/// also reads the confirms of thousands of publishes in flight, which delayed the outcomes behind them. The stamp is
/// taken before the JSON is parsed, so parsing and the ledger's lock are not counted as the service's latency.
/// </remarks>
public sealed class OutcomeObserver : IAsyncDisposable
{
    public const string Binding = "inventory.#";

    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private int _unreadable;

    private OutcomeObserver(IConnection connection, IChannel channel, string queue)
    {
        _connection = connection;
        _channel = channel;
        Queue = queue;
    }

    public string Queue { get; }

    /// <summary>Messages on the queue that are not a readable outcome event.</summary>
    public int Unreadable => Volatile.Read(ref _unreadable);

    /// <param name="onOutcome">Each outcome with the <see cref="TimeProvider.GetTimestamp"/> of its arrival.</param>
    public static async Task<OutcomeObserver> StartAsync(
        BrokerSettings broker, Action<ObservedEvent, long> onOutcome, TimeProvider time, CancellationToken ct)
    {
        var factory = broker.CreateConnectionFactory();
        factory.ClientProvidedName += " (bench observer)";
        IConnection connection;
        try
        {
            connection = await factory.CreateConnectionAsync(ct);
        }
        catch (RabbitMQ.Client.Exceptions.BrokerUnreachableException e)
        {
            throw new BrokerException($"Cannot connect to {broker}: {e.InnerException?.Message ?? e.Message}", e);
        }

        try
        {
            var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            var declared = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true,
                cancellationToken: ct);
            var queue = declared.QueueName;
            await channel.QueueBindAsync(queue, broker.Exchange, Binding, cancellationToken: ct);
            var observer = new OutcomeObserver(connection, channel, queue);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) =>
            {
                observer.Deliver(delivery.RoutingKey, delivery.Body.Span, time.GetTimestamp(), onOutcome);
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(queue, autoAck: true, consumer, ct);
            return observer;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _channel.CloseAsync();
            await _connection.CloseAsync();
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationCanceledException or IOException)
        {
            // The connection is gone already: so is the exclusive queue.
        }

        _channel.Dispose();
        _connection.Dispose();
    }

    private void Deliver(
        string routingKey, ReadOnlySpan<byte> body, long arrived, Action<ObservedEvent, long> onOutcome)
    {
        try
        {
            if (ObservedEvent.Parse(routingKey, body) is { } observed)
            {
                onOutcome(observed, arrived);
            }
        }
        catch (JsonException)
        {
            Interlocked.Increment(ref _unreadable);
        }
    }
}
