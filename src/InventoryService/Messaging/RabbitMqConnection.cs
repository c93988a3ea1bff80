using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// One of the process's two AMQP connections (<see cref="ConsumePurpose"/>, <see cref="PublishPurpose"/>): apart,
/// so a broker that blocks publishers (memory or disk alarm) does not also stall the consumers' acks. The first
/// connect is retried with exponential backoff and jitter; after that the client's automatic connection and
/// topology recovery take over, to another node of the cluster when <see cref="RabbitMqOptions.Endpoints"/> lists several.
/// </summary>
public sealed class RabbitMqConnection(string purpose, IOptions<RabbitMqOptions> options, ILogger<RabbitMqConnection> logger) : IAsyncDisposable
{
    public const string ConsumePurpose = "consume";
    public const string PublishPurpose = "publish";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public bool IsOpen => _connection?.IsOpen == true;

    /// <summary>Something asked for this connection (the publish one is unused while the dispatcher is off).</summary>
    public bool IsUsed => _connection is not null;

    public async Task<IConnection> GetAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            return _connection;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _connection ??= await ConnectAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.CloseAsync();
            _connection.Dispose();
        }

        _gate.Dispose();
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var endpoints = settings.BrokerEndpoints();
        var nodes = string.Join(", ", endpoints.Select(e => $"{e.HostName}:{e.Port}"));
        var factory = new ConnectionFactory
        {
            VirtualHost = settings.VirtualHost,
            UserName = settings.UserName,
            Password = settings.Password,
            ClientProvidedName = $"inventory-service {purpose}@{Environment.MachineName}",
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
        };
        var pipeline = ExponentialRetry.Create(
            (e, _) => e is BrokerUnreachableException or System.Net.Sockets.SocketException or OperationInterruptedException,
            settings.ConnectRetryAttempts, settings.ConnectRetryDelay, settings.ConnectRetryMaxDelay,
            (attempt, delay, error) => Log.BrokerUnreachable(logger, nodes, attempt, delay, error?.Message));
        // With several endpoints the client picks one at random and, on recovery, tries them again: another node of
        // the cluster takes over when this one goes away.
        var connection = await pipeline.ExecuteAsync(async ct => await factory.CreateConnectionAsync(endpoints, ct), cancellationToken);
        connection.ConnectionShutdownAsync += (_, args) =>
        {
            if (args.Initiator != ShutdownInitiator.Application)
            {
                Log.ConnectionLost(logger, args.ReplyText);
            }

            return Task.CompletedTask;
        };
        connection.RecoverySucceededAsync += (_, _) =>
        {
            Log.ConnectionRecovered(logger, purpose, connection.Endpoint.HostName, connection.Endpoint.Port);
            return Task.CompletedTask;
        };
        Log.Connected(logger, purpose, connection.Endpoint.HostName, connection.Endpoint.Port, settings.VirtualHost);
        return connection;
    }
}
