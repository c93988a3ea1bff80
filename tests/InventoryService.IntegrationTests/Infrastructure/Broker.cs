using System.Globalization;
using RabbitMQ.Client;

namespace BookingSystem.InventoryService.IntegrationTests.Infrastructure;

/// <summary>
/// Where a test's RabbitMQ listens: the single node of <c>eng/infra.sh up</c>, or the three nodes of
/// <c>eng/infra.sh cluster up</c> (AMQP ports <c>RABBITMQ_CLUSTER_PORT</c>..+2, management API of node 1).
/// </summary>
public sealed record Broker(IReadOnlyList<int> AmqpPorts, int ManagementPort)
{
    public static Broker Single => new([Port("RABBITMQ_PORT")], Port("RABBITMQ_MANAGEMENT_PORT"));

    public static Broker Cluster => new([.. Enumerable.Range(Port("RABBITMQ_CLUSTER_PORT"), 3)], Port("RABBITMQ_CLUSTER_MANAGEMENT_PORT"));

    public bool Clustered => AmqpPorts.Count > 1;

    /// <summary>Every node: a client connects to one of them and recovers to another.</summary>
    public IList<AmqpTcpEndpoint> Endpoints => [.. AmqpPorts.Select(port => new AmqpTcpEndpoint("127.0.0.1", port))];

    /// <summary>The service's <c>RabbitMq:Endpoints</c> setting for these nodes.</summary>
    public string EndpointsSetting => string.Join(',', AmqpPorts.Select(port => $"127.0.0.1:{port}"));

    /// <summary>The Erlang node name eng/infra.sh gives the node with this AMQP port.</summary>
    public static string NodeName(int amqpPort) => $"booking-{amqpPort}@localhost";

    private static int Port(string name) => int.Parse(TestEnvironment.Get(name), CultureInfo.InvariantCulture);
}
