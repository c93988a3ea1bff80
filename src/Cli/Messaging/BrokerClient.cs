using System.Threading.RateLimiting;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace BookingSystem.Cli.Messaging;

/// <summary>
/// One AMQP connection and one publisher channel with confirms and confirmation tracking: every publish is
/// mandatory, waits for the broker's confirm, and is bounded by <see cref="BrokerSettings.PublishTimeout"/>.
/// Many publishes may run concurrently, each awaited by its caller; at most <c>maxInFlight</c> are outstanding.
/// </summary>
public sealed class BrokerClient : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _publisher;

    private BrokerClient(BrokerSettings settings, IConnection connection, IChannel publisher)
    {
        Settings = settings;
        _connection = connection;
        _publisher = publisher;
    }

    public BrokerSettings Settings { get; }

    public IConnection Connection => _connection;

    public static async Task<BrokerClient> ConnectAsync(BrokerSettings settings, int maxInFlight, CancellationToken cancellationToken, bool automaticRecovery = false)
    {
        IConnection connection;
        try
        {
            connection = await settings.CreateConnectionFactory(automaticRecovery).CreateConnectionAsync(cancellationToken);
        }
        catch (BrokerUnreachableException e)
        {
            throw new BrokerException($"Cannot connect to {settings}: {e.InnerException?.Message ?? e.Message} (is ./eng/infra.sh up running?)", e);
        }

        try
        {
            var publisher = await connection.CreateChannelAsync(
                new CreateChannelOptions(
                    publisherConfirmationsEnabled: true,
                    publisherConfirmationTrackingEnabled: true,
                    // A concurrency limiter, not the default throttling one: the latter caps throughput at its limit per second.
                    outstandingPublisherConfirmationsRateLimiter: new ConcurrencyLimiter(new ConcurrencyLimiterOptions
                    {
                        PermitLimit = maxInFlight,
                        QueueLimit = maxInFlight,
                    })),
                cancellationToken);
            return new BrokerClient(settings, connection, publisher);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Declares the platform exchange as the InventoryService does (durable topic): idempotent.</summary>
    public Task DeclareExchangeAsync(CancellationToken cancellationToken) =>
        _publisher.ExchangeDeclareAsync(Settings.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);

    public Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        PublishAsync(Settings.Exchange, message.RoutingKey, message.CreateProperties(), message.Body, cancellationToken);

    /// <summary>Publishes and waits for the confirm; throws <see cref="BrokerException"/> if it is nacked, unroutable or late.</summary>
    public async Task PublishAsync(string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Settings.PublishTimeout);
        try
        {
            await _publisher.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body, timeout.Token);
        }
        catch (PublishException e) when (e.IsReturn)
        {
            throw new BrokerException(
                $"No queue is bound to exchange '{exchange}' with routing key '{routingKey}' on {Settings}: the message was returned, not delivered. " +
                "Is the InventoryService running (it declares its queues at start-up)?", e);
        }
        catch (PublishException e)
        {
            throw new BrokerException($"The broker refused (nacked) the message for '{routingKey}'.", e, retriable: true);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BrokerException($"No publisher confirm for '{routingKey}' within {Settings.PublishTimeout.TotalSeconds:0.#} s.", e, retriable: true);
        }
        catch (OperationInterruptedException e)
        {
            throw new BrokerException($"The channel is closed: {e.ShutdownReason?.ReplyText ?? e.Message}", e, retriable: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _publisher.CloseAsync();
            await _connection.CloseAsync();
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException)
        {
            // Closing what is already gone.
        }

        _publisher.Dispose();
        _connection.Dispose();
    }
}

/// <summary>A broker failure worth one line to the operator (the cause is in <see cref="Exception.InnerException"/>).</summary>
/// <param name="retriable">The same publish may succeed later (connection lost, no confirm, nack); not for an unroutable message.</param>
public sealed class BrokerException(string message, Exception? inner = null, bool retriable = false) : Exception(message, inner)
{
    public bool IsRetriable { get; } = retriable;
}
