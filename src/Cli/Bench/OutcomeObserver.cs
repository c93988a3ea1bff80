using System.Text.Json;
using BookingSystem.Cli.Messaging.Simulation;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BookingSystem.Cli.Bench;

/// <summary>
/// The bench's view of what comes back: a server-named, exclusive queue bound to <c>inventory.#</c> before anything is
/// sent, consumed with automatic acks (the bench reads; it need not survive a crash), each event parsed as its
/// contract says and handed on.
/// </summary>
public sealed class OutcomeObserver : IAsyncDisposable
{
    public const string Binding = "inventory.#";

    private readonly IChannel _channel;
    private int _unreadable;

    private OutcomeObserver(IChannel channel, string queue)
    {
        _channel = channel;
        Queue = queue;
    }

    public string Queue { get; }

    /// <summary>Messages on the queue that are not a readable outcome event.</summary>
    public int Unreadable => Volatile.Read(ref _unreadable);

    public static async Task<OutcomeObserver> StartAsync(IConnection connection, string exchange, Action<ObservedEvent> onOutcome, CancellationToken ct)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: ct)).QueueName;
            await channel.QueueBindAsync(queue, exchange, Binding, cancellationToken: ct);
            var observer = new OutcomeObserver(channel, queue);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) =>
            {
                observer.Deliver(delivery.RoutingKey, delivery.Body.Span, onOutcome);
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(queue, autoAck: true, consumer, ct);
            return observer;
        }
        catch
        {
            await channel.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _channel.CloseAsync();
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or OperationCanceledException)
        {
            // The connection is gone already: so is the exclusive queue.
        }

        _channel.Dispose();
    }

    private void Deliver(string routingKey, ReadOnlySpan<byte> body, Action<ObservedEvent> onOutcome)
    {
        try
        {
            if (ObservedEvent.Parse(routingKey, body) is { } observed)
            {
                onOutcome(observed);
            }
        }
        catch (JsonException)
        {
            Interlocked.Increment(ref _unreadable);
        }
    }
}
