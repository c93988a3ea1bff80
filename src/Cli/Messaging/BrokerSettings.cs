using System.Globalization;
using BookingSystem.Contracts;
using RabbitMQ.Client;

namespace BookingSystem.Cli.Messaging;

/// <summary>
/// Where the broker is, read like every other tool setting: the service's own configuration names first
/// (<c>RabbitMq__Host</c>, ...), then the <c>.env</c> names (<c>RABBITMQ_PORT</c>, ...), then the development defaults.
/// </summary>
public sealed record BrokerSettings(string Host, int Port, string VirtualHost, string UserName, string Password, string Exchange)
{
    /// <summary>How long one publish may wait for the broker's confirm (RabbitMQ.Client 7 can hang without one).</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public static BrokerSettings From(DevelopmentSettings settings)
    {
        var port = settings.Get("RabbitMq__Port", "RABBITMQ_PORT") ?? "5672";
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber) || portNumber is < 1 or > 65535)
        {
            throw new BrokerException($"RABBITMQ_PORT must be a TCP port number, not '{port}'.");
        }

        return new BrokerSettings(
            settings.Get("RabbitMq__Host", "RABBITMQ_HOST") ?? "127.0.0.1",
            portNumber,
            settings.Get("RabbitMq__VirtualHost", "RABBITMQ_VHOST") ?? "/",
            settings.Get("RabbitMq__UserName", "RABBITMQ_USER") ?? "guest",
            settings.Get("RabbitMq__Password", "RABBITMQ_PASSWORD") ?? "guest",
            settings.Get("RabbitMq__Exchange", "RABBITMQ_EXCHANGE") ?? Topology.Exchange);
    }

    /// <summary>For messages: never includes the password.</summary>
    public override string ToString() => $"amqp://{UserName}@{Host}:{Port}/{Uri.EscapeDataString(VirtualHost)}";

    /// <param name="automaticRecovery">
    /// Reconnect and redeclare after a connection loss (long runs such as <c>simulate</c>); one-shot commands fail fast
    /// instead and the operator reruns them.
    /// </param>
    public ConnectionFactory CreateConnectionFactory(bool automaticRecovery = false) => new()
    {
        HostName = Host,
        Port = Port,
        VirtualHost = VirtualHost,
        UserName = UserName,
        Password = Password,
        ClientProvidedName = $"booking-cli@{Environment.MachineName}",
        AutomaticRecoveryEnabled = automaticRecovery,
        TopologyRecoveryEnabled = automaticRecovery,
        NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
        RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
    };
}
