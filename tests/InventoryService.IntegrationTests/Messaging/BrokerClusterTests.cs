using System.Collections.Concurrent;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>
/// The service on a three-node RabbitMQ cluster (<c>eng/infra.sh cluster up</c>), its quorum queues with a member on
/// every node: the node leading <c>inventory.booking-created</c> is stopped in the middle of a stream of bookings and
/// payments, a follower takes over, the service's connections recover to the nodes left, and every booking ends
/// reserved and confirmed exactly once. Starts and stops three broker nodes, so it runs with the restart tests after
/// the rest (eng/test.sh). Longer with <c>FAULT_SOAK=N</c> (<see cref="Soak"/>).
/// </summary>
[Collection(nameof(BrokerRestartCollection))]
public sealed class BrokerClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ClusterEnvironment _env = new();

    public async Task InitializeAsync()
    {
        await Infra.RunAsync("cluster", "up");
        await _env.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Infra.RunAsync("cluster", "up"); // every node running (if the test stopped short), so the virtual host can be deleted
            await _env.DisposeAsync();
        }
        finally
        {
            await Infra.RunAsync("cluster", "down"); // whatever happened: no broker nodes left behind
        }
    }

    [Fact]
    public async Task Stopping_the_node_that_leads_the_booking_queue_mid_stream_loses_and_doubles_nothing_and_consumption_resumes()
    {
        var before = await QueueAsync(Topology.BookingCreatedQueue);
        Assert.Equal(3, before.Members.Count); // replicated on every node
        var leaderPort = _env.VirtualHost.Broker.AmqpPorts.Single(port => Broker.NodeName(port) == before.Leader);
        var item = await _env.Service.CreateItemAsync(total: 100_000, lowStockThreshold: 0);
        var published = new ConcurrentQueue<string>();
        var stopped = false;
        using var abandon = new CancellationTokenSource(); // a failed test does not leave the stream running
        var stream = Task.Run(async () =>
        {
            // Bookings and payments until the node has stopped, then 150 more (times FAULT_SOAK).
            for (var afterStop = 150 * Soak.Factor; !abandon.IsCancellationRequested && (!Volatile.Read(ref stopped) || afterStop-- > 0);)
            {
                // A publisher with confirms, as the other services are: the same event again until the cluster confirms it.
                var bookingId = $"cl-{published.Count}-{EventProbe.NewId()}";
                var bookingEvent = EventProbe.NewId();
                var paymentEvent = EventProbe.NewId();
                await EventProbe.UntilConfirmedAsync(() => _env.Probe.BookingCreatedAsync(bookingId, item.ItemId, eventId: bookingEvent));
                await EventProbe.UntilConfirmedAsync(() => _env.Probe.PaymentAsync(bookingId, succeeded: true, eventId: paymentEvent));
                published.Enqueue(bookingId);
                await Task.Delay(10);
            }
        });
        int publishedWhenStopBegan, publishedWhenNodeDown;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan stopTook;
        try
        {
            await Eventually.HoldsAsync(() => _env.Probe.Received.Count >= 40, TimeSpan.FromSeconds(30), () => "the stream did not start");
            publishedWhenStopBegan = published.Count;
            clock.Restart();
            await Infra.RunAsync("cluster", "stop", (leaderPort - _env.VirtualHost.Broker.AmqpPorts[0] + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            stopTook = clock.Elapsed;
            publishedWhenNodeDown = published.Count;
            using var readWhileDown = await _env.Service.CreateClient().GetAsync($"/api/inventory/{item.ItemId}");
            Assert.Equal(System.Net.HttpStatusCode.OK, readWhileDown.StatusCode); // HTTP does not depend on the broker
            Volatile.Write(ref stopped, true);
            await stream.WaitAsync(Soak.Scaled(TimeSpan.FromSeconds(120)));
        }
        catch
        {
            await abandon.CancelAsync();
            throw;
        }

        var bookings = published.ToList();
        // Consumption resumes on the two nodes left: every booking is answered while the old leader is still down.
        await Eventually.HoldsAsync(() => bookings.All(b => _env.Probe.Count(b, RoutingKeys.InventoryConfirmed) > 0), Soak.Scaled(TimeSpan.FromSeconds(120)),
            () => $"{bookings.Count(b => _env.Probe.Count(b, RoutingKeys.InventoryConfirmed) == 0)} of {bookings.Count} bookings are not confirmed");
        var allAnswered = clock.Elapsed;
        await EventProbe.SettleAsync();
        output.WriteLine(
            $"{bookings.Count} bookings + {bookings.Count} payments; leader {before.Leader} stopped after {publishedWhenStopBegan} (the stop took {stopTook.TotalSeconds:F1} s, " +
            $"{publishedWhenNodeDown - publishedWhenStopBegan} published meanwhile, {bookings.Count - publishedWhenNodeDown} after); all confirmed {allAnswered.TotalSeconds:F1} s after the stop began; " +
            $"lost {bookings.Count(b => _env.Probe.Count(b, RoutingKeys.InventoryConfirmed) == 0)}, " +
            $"doubled {bookings.Count(b => _env.Probe.Count(b, RoutingKeys.InventoryReserved) > 1 || _env.Probe.Count(b, RoutingKeys.InventoryConfirmed) > 1)}");

        Assert.True(publishedWhenNodeDown > publishedWhenStopBegan, "nothing was published while the node stopped: the stop did not land mid-stream");
        Assert.All(bookings, b => Assert.Equal((1, 1), (_env.Probe.Count(b, RoutingKeys.InventoryReserved), _env.Probe.Count(b, RoutingKeys.InventoryConfirmed))));
        Assert.All(bookings, b => Assert.Equal(0, _env.Probe.Count(b, RoutingKeys.InventoryReleased) + _env.Probe.Count(b, RoutingKeys.InventoryReservationFailed)));
        Assert.Equal((bookings.Count, 100_000, bookings.Count), await _env.Service.CountersAsync(item.ItemId));
        foreach (var queue in EventCatalog.ConsumerQueues.Select(q => q.Queue))
        {
            Assert.Empty(await _env.Probe.DeadLettersAsync(queue));
        }

        await using (var scope = _env.Service.Scope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<InventoryDbContext>().OutboxMessages.CountAsync(m => m.SentAt == null));
        }

        // The stopped node comes back and rejoins; a follower had become the leader and stays it.
        await Infra.RunAsync("cluster", "up");
        var after = await QueueAsync(Topology.BookingCreatedQueue);
        output.WriteLine($"leader of {Topology.BookingCreatedQueue} after the node came back: {after.Leader}; members {string.Join(", ", after.Members)}");
        Assert.NotEqual(before.Leader, after.Leader);
        Assert.Equal(before.Members.Order(), after.Members.Order());
    }

    private async Task<(string Leader, IReadOnlyList<string> Members)> QueueAsync(string queue)
    {
        var info = await _env.VirtualHost.ManagementAsync($"queues/{_env.VirtualHost.Name}/{queue}");
        return (info.GetProperty("leader").GetString()!, [.. info.GetProperty("members").EnumerateArray().Select(m => m.GetString()!)]);
    }

    private sealed class ClusterEnvironment : MessagingEnvironment
    {
        protected override Broker Broker => Broker.Cluster;
    }
}
