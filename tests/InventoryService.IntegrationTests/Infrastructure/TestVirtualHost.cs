using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using RabbitMQ.Client;

namespace BookingSystem.InventoryService.IntegrationTests.Infrastructure;

/// <summary>A throwaway RabbitMQ virtual host (via the management API), deleted on dispose: fixtures never share queues.</summary>
public sealed class TestVirtualHost : IAsyncDisposable
{
    private readonly HttpClient _management;
    private readonly List<string> _users = [];

    private TestVirtualHost(string name, Broker broker, HttpClient management)
    {
        Name = name;
        Broker = broker;
        _management = management;
    }

    public string Name { get; }

    /// <summary>The broker (single node or cluster) the virtual host lives on.</summary>
    public Broker Broker { get; }

    public static async Task<TestVirtualHost> CreateAsync(string purpose, Broker? broker = null)
    {
        broker ??= Broker.Single;
        var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{broker.ManagementPort}/api/") };
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestEnvironment.Get("RABBITMQ_USER")}:{TestEnvironment.Get("RABBITMQ_PASSWORD")}"));
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        var vhost = new TestVirtualHost($"test-{purpose}-{Guid.NewGuid():N}", broker, management);
        (await management.PutAsJsonAsync($"vhosts/{vhost.Name}", new { })).EnsureSuccessStatusCode();
        foreach (var user in new[] { TestEnvironment.Get("RABBITMQ_USER"), TestEnvironment.Get("RABBITMQ_SERVICE_USER") })
        {
            (await management.PutAsJsonAsync($"permissions/{vhost.Name}/{user}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        }
        return vhost;
    }

    /// <summary>A factory for the first node (<see cref="ConnectAsync"/> connects to any node of a cluster).</summary>
    public ConnectionFactory ConnectionFactory() => new()
    {
        HostName = "127.0.0.1",
        Port = Broker.AmqpPorts[0],
        VirtualHost = Name,
        UserName = TestEnvironment.Get("RABBITMQ_USER"),
        Password = TestEnvironment.Get("RABBITMQ_PASSWORD"),
        AutomaticRecoveryEnabled = true,
        TopologyRecoveryEnabled = true,
        NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
    };

    /// <summary>A connection to one of the broker's nodes, recovering to another when that node goes away.</summary>
    public Task<IConnection> ConnectAsync() => ConnectionFactory().CreateConnectionAsync(Broker.Endpoints);

    /// <summary>Waits until each queue exists and is bound to the exchange, so a publish cannot go unrouted.</summary>
    public async Task WaitForBindingsAsync(string exchange, params string[] queues)
    {
        foreach (var queue in queues)
        {
            await Eventually.HoldsAsync(async () =>
            {
                using var response = await _management.GetAsync($"bindings/{Name}/e/{exchange}/q/{queue}");
                return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetArrayLength() > 0;
            }, TimeSpan.FromSeconds(30), () => $"queue {queue} was not bound to {exchange}");
        }
    }

    /// <summary>
    /// Another broker user with full rights on this virtual host only (deleted with it): a publisher whose
    /// messages carry a <c>user_id</c> the broker validates against that user, not ours.
    /// </summary>
    public async Task<ConnectionFactory> CreateOtherUserAsync()
    {
        var user = $"{Name}-other";
        var password = Guid.NewGuid().ToString("N");
        (await _management.PutAsJsonAsync($"users/{user}", new { password, tags = "" })).EnsureSuccessStatusCode();
        (await _management.PutAsJsonAsync($"permissions/{Name}/{user}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        _users.Add(user);
        var factory = ConnectionFactory();
        factory.UserName = user;
        factory.Password = password;
        return factory;
    }

    /// <summary>A GET of the management API (relative to <c>/api/</c>), as JSON.</summary>
    public async Task<System.Text.Json.JsonElement> ManagementAsync(string path) =>
        await _management.GetFromJsonAsync<System.Text.Json.JsonElement>(path);

    public async Task DeleteQueueAsync(string queue) =>
        (await _management.DeleteAsync($"queues/{Name}/{queue}")).EnsureSuccessStatusCode();

    /// <summary>Messages ready in a queue, asked of the broker itself (not the management statistics, which lag).</summary>
    public async Task<int> ReadyMessagesAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (int)(await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var user in _users)
        {
            await _management.DeleteAsync($"users/{user}");
        }

        await _management.DeleteAsync($"vhosts/{Name}");
        _management.Dispose();
    }
}
