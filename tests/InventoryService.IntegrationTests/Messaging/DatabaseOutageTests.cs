using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Npgsql;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>A service instance whose database connections go through a <see cref="TcpProxy"/> the test can cut.</summary>
public sealed class ProxiedDatabaseEnvironment : MessagingEnvironment
{
    public TcpProxy Proxy { get; } = new(int.Parse(TestEnvironment.Get("POSTGRES_PORT"), System.Globalization.CultureInfo.InvariantCulture));

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        // One redelivery: without holding, an outage of some seconds would already dead-letter good bookings.
        new("RabbitMq:DeliveryLimit", "1"),
        new("ConnectionStrings:Inventory", new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Port = Proxy.Port }.ConnectionString),
    ];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}

/// <summary>
/// While the database is away, deliveries are held (not returned to the queue, so their delivery limit is not used
/// up); when it answers again, every booking is applied once and none is in the DLQ.
/// </summary>
public sealed class DatabaseOutageTests(ProxiedDatabaseEnvironment env) : IClassFixture<ProxiedDatabaseEnvironment>
{
    [Fact]
    public async Task Bookings_that_arrive_during_a_database_outage_are_applied_when_it_returns_and_none_reaches_the_dlq()
    {
        var item = await env.Service.CreateItemAsync(total: 50, lowStockThreshold: 0);
        var bookings = Enumerable.Range(0, 10).Select(_ => "outage-" + EventProbe.NewId()).ToList();

        await env.Proxy.CutAsync();
        foreach (var bookingId in bookings)
        {
            await env.Probe.BookingCreatedAsync(bookingId, item.ItemId);
        }

        // Long enough for two deliveries' worth of retries (what used to send them to the DLQ).
        await Task.Delay(TimeSpan.FromSeconds(15));
        var reservedDuringOutage = bookings.Count(b => env.Probe.For(b).Count > 0);
        env.Proxy.Restore();

        foreach (var bookingId in bookings)
        {
            await env.Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId, TimeSpan.FromSeconds(60));
        }

        Assert.Equal(0, reservedDuringOutage);
        Assert.Empty(await env.Probe.DeadLettersAsync(Topology.BookingCreatedQueue));
        Assert.Equal((10, 50, 10), await env.Service.CountersAsync(item.ItemId));
        Assert.All(bookings, b => Assert.Single(env.Probe.For(b)));
    }
}
