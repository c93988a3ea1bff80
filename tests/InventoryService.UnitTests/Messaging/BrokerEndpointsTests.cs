using BookingSystem.InventoryService.Messaging;

namespace BookingSystem.InventoryService.UnitTests.Messaging;

public sealed class BrokerEndpointsTests
{
    private static List<string> Endpoints(RabbitMqOptions options) =>
        [.. options.BrokerEndpoints().Select(e => $"{e.HostName}:{e.Port}")];

    [Fact]
    public void Without_endpoints_the_one_node_is_host_and_port() =>
        Assert.Equal(["broker.internal:5673"], Endpoints(new RabbitMqOptions { Host = "broker.internal", Port = 5673 }));

    [Fact]
    public void The_nodes_of_a_cluster_come_from_endpoints_in_their_order_and_host_and_port_are_not_added() =>
        Assert.Equal(["10.0.0.1:5672", "rabbit-2:5673", "::1:5674"],
            Endpoints(new RabbitMqOptions { Host = "unused", Port = 1, Endpoints = " 10.0.0.1:5672, rabbit-2:5673,,::1:5674 " }));

    [Theory]
    [InlineData(",")]
    [InlineData(" , ")]
    public void Endpoints_that_list_no_node_are_refused_not_taken_for_empty(string endpoints) =>
        Assert.Contains("lists no host:port", Assert.Throws<FormatException>(() => new RabbitMqOptions { Endpoints = endpoints }.BrokerEndpoints()).Message,
            StringComparison.Ordinal);

    [Theory]
    [InlineData("rabbit-1")]
    [InlineData("rabbit-1:")]
    [InlineData(":5672")]
    [InlineData("rabbit-1:0")]
    [InlineData("rabbit-1:65536")]
    [InlineData("rabbit-1:+5672")]
    [InlineData("rabbit-1:5672,rabbit-2")]
    public void An_entry_that_is_not_host_and_port_is_refused_with_the_entry_in_the_message(string endpoints)
    {
        var error = Assert.Throws<FormatException>(() => new RabbitMqOptions { Endpoints = endpoints }.BrokerEndpoints());

        Assert.Contains("RabbitMq:Endpoints", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{endpoints.Split(',')[^1]}'", error.Message, StringComparison.Ordinal);
    }
}
