using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BookingSystem.InventoryService.IntegrationTests.Infrastructure;

/// <summary>
/// One PostgreSQL database, one RabbitMQ virtual host and a probe, shared by every service instance a test class
/// starts (so two hosts are two instances of the same deployment). Instances are stopped on dispose.
/// </summary>
public class MessagingEnvironment : IAsyncLifetime
{
    private readonly List<InventoryApiFactory> _hosts = [];

    public TestDatabase Database { get; private set; } = null!;

    public TestVirtualHost VirtualHost { get; private set; } = null!;

    public EventProbe Probe { get; private set; } = null!;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The first instance, started with the environment.</summary>
    public InventoryApiFactory Service { get; private set; } = null!;

    /// <summary>Settings every instance gets (small delivery limit and quick polling keep the tests fast).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("RabbitMq:DeliveryLimit", "3"),
        new("Outbox:PollInterval", "00:00:00.200"),
        new("Reservations:SweepInterval", "00:01:00"), // ticks when a test advances the fake clock
    ];

    /// <summary>The broker the virtual host is made on: eng/infra.sh's single node unless a subclass says otherwise.</summary>
    protected virtual Broker Broker => Broker.Single;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(GetType().Name);
        VirtualHost = await TestVirtualHost.CreateAsync(GetType().Name.ToLowerInvariant(), Broker);
        Probe = await EventProbe.StartAsync(VirtualHost);
        Service = await StartInstanceAsync();
    }

    /// <summary>Starts another instance against the same database and virtual host, waiting until it consumes.</summary>
    public async Task<InventoryApiFactory> StartInstanceAsync(params (string Key, string? Value)[] settings)
    {
        var host = new InventoryApiFactory(Database, Time,
            TestEnvironment.RabbitMqSettings(VirtualHost.Name, VirtualHost.Broker).Concat(Settings).Concat(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))));
        await host.InitializeAsync();
        _hosts.Add(host);
        await WaitUntilReadyAsync(host);
        await VirtualHost.WaitForBindingsAsync(Contracts.Topology.Exchange, [.. Contracts.EventCatalog.ConsumerQueues.Select(q => q.Queue)]);
        return host;
    }

    /// <summary>Waits until a payment outcome for the booking is recorded (it came before its booking).</summary>
    public Task WaitForPaymentRecordAsync(string bookingId) =>
        Eventually.HoldsAsync(async () =>
        {
            await using var scope = Service.Scope();
            return await scope.ServiceProvider.GetRequiredService<InventoryService.Data.InventoryDbContext>().PaymentOutcomes
                .AnyAsync(p => p.BookingId == bookingId);
        }, TimeSpan.FromSeconds(15), () => $"the payment outcome for {bookingId} was not recorded");

    public async Task StopInstanceAsync(InventoryApiFactory host)
    {
        _hosts.Remove(host);
        await ((IAsyncLifetime)host).DisposeAsync();
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var host in _hosts.ToList())
        {
            await ((IAsyncLifetime)host).DisposeAsync();
        }

        // Null-safe: a fixture whose start failed half-way still gives back what it made.
        await (Probe?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (VirtualHost?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (Database?.DisposeAsync() ?? ValueTask.CompletedTask);
    }

    private static Task WaitUntilReadyAsync(InventoryApiFactory host)
    {
        var client = host.CreateClient();
        return Eventually.HoldsAsync(
            async () => (await client.GetAsync("/health/ready")).StatusCode == System.Net.HttpStatusCode.OK
                && (await client.GetAsync("/health/messaging")).StatusCode == System.Net.HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), () => "the service did not become ready (database) and consuming (broker, consumers, outbox)");
    }
}
