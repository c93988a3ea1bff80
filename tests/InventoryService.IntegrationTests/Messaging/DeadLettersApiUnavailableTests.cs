using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>An instance running without RabbitMQ (<c>RabbitMq:Enabled=false</c>) has no DLQs to show: 503, not a 500.</summary>
public sealed class DeadLettersApiWithoutMessagingTests(InventoryApiFactory factory) : IClassFixture<InventoryApiFactory>
{
    [Theory]
    [MemberData(nameof(DeadLetterRequests.Endpoints), MemberType = typeof(DeadLetterRequests))]
    public async Task The_dead_letter_endpoints_answer_503(string endpoint)
    {
        using var response = await DeadLetterRequests.SendAsync(factory.CreateClient(), endpoint);

        await DeadLetterRequests.AssertUnavailableAsync(response, "Messaging disabled");
    }
}

/// <summary>A broker that cannot be reached: the request waits a few seconds for the connection, then answers 503.</summary>
public sealed class DeadLettersApiBrokerUnreachableTests(DeadLettersApiBrokerUnreachableTests.UnreachableBroker factory)
    : IClassFixture<DeadLettersApiBrokerUnreachableTests.UnreachableBroker>
{
    [Theory]
    [MemberData(nameof(DeadLetterRequests.Endpoints), MemberType = typeof(DeadLetterRequests))]
    public async Task The_dead_letter_endpoints_answer_503(string endpoint)
    {
        using var response = await DeadLetterRequests.SendAsync(factory.CreateClient(), endpoint);

        await DeadLetterRequests.AssertUnavailableAsync(response, "Broker unavailable");
    }

    public sealed class UnreachableBroker : InventoryApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("RabbitMq:Enabled", "true"),
            new("RabbitMq:Host", "127.0.0.1"),
            new("RabbitMq:Port", TestEnvironment.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
    }
}
