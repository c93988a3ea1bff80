using System.Diagnostics;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

public sealed class CrashBeforePublishTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    [Fact]
    public async Task An_event_committed_by_an_instance_that_died_before_publishing_is_published_after_restart()
    {
        // The first instance is stopped; an instance that commits but never publishes stands in for one that
        // crashed between the database commit and the publish.
        await env.StopInstanceAsync(env.Service);
        var crashing = await env.StartInstanceAsync(("Outbox:DispatcherEnabled", "false"));
        var item = await crashing.CreateItemAsync(total: 5, lowStockThreshold: 0);
        var bookingId = "bk-" + EventProbe.NewId();

        await env.Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 2);
        await Eventually.HoldsAsync(() => UnsentFor(crashing, bookingId) == 1, TimeSpan.FromSeconds(15), () => "no outbox row was committed");
        await EventProbe.SettleAsync();
        Assert.Empty(env.Probe.For(bookingId));
        await env.StopInstanceAsync(crashing);

        var restarted = await env.StartInstanceAsync();
        var reserved = await env.Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);

        Assert.Equal(bookingId, reserved.BookingId);
        await Eventually.HoldsAsync(() => UnsentFor(restarted, bookingId) == 0, TimeSpan.FromSeconds(15), () => "the row was not marked sent");
        Assert.Equal((2, 5, 2), await restarted.CountersAsync(item.ItemId));
    }

    private static int UnsentFor(InventoryApiFactory host, string bookingId)
    {
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        return db.OutboxMessages.Count(m => m.SentAt == null && m.Payload.Contains(bookingId));
    }
}

public sealed class TwoInstancesTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    [Fact]
    public async Task Two_instances_on_the_same_queues_never_oversell_and_apply_each_event_once()
    {
        var second = await env.StartInstanceAsync();
        var item = await env.Service.CreateItemAsync(total: 30, lowStockThreshold: 0);
        var bookings = Enumerable.Range(0, 100).Select(i => $"bk-{i}-{EventProbe.NewId()}").ToList();

        foreach (var bookingId in bookings)
        {
            // Every event twice, with the same eventId: one copy may go to each instance.
            var eventId = EventProbe.NewId();
            await env.Probe.BookingCreatedAsync(bookingId, item.ItemId, eventId: eventId);
            await env.Probe.BookingCreatedAsync(bookingId, item.ItemId, eventId: eventId);
        }

        await Eventually.HoldsAsync(() => bookings.All(b => Outcomes(b).Count > 0), TimeSpan.FromSeconds(60),
            () => $"{bookings.Count(b => Outcomes(b).Count == 0)} bookings have no outcome");
        await EventProbe.SettleAsync();

        Assert.All(bookings, b => Assert.Single(Outcomes(b)));
        Assert.Equal(30, bookings.Count(b => Outcomes(b)[0] == RoutingKeys.InventoryReserved));
        Assert.Equal(70, bookings.Count(b => Outcomes(b)[0] == RoutingKeys.InventoryReservationFailed));
        Assert.Equal((30, 30, 30), await second.CountersAsync(item.ItemId));
    }

    private List<string> Outcomes(string bookingId) => env.Probe.Outcomes(bookingId);
}

public sealed class GracefulShutdownTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    [Fact]
    public async Task Stopping_an_instance_mid_stream_finishes_and_acks_what_it_started_and_leaves_the_rest_queued()
    {
        var item = await env.Service.CreateItemAsync(total: 1_000, lowStockThreshold: 0);
        const int Count = 300;
        for (var i = 0; i < Count; i++)
        {
            await env.Probe.BookingCreatedAsync($"bk-{i}-{EventProbe.NewId()}", item.ItemId);
        }

        await Eventually.HoldsAsync(() => Reservations() >= 20, TimeSpan.FromSeconds(30), () => "nothing was processed");
        await env.StopInstanceAsync(env.Service);

        // Every message is either processed (a reservation) and acked, or back in the queue untouched: none is
        // both (processed but unacked would come back as a ready message).
        var processed = Reservations();
        var queued = await env.VirtualHost.ReadyMessagesAsync(Topology.BookingCreatedQueue);
        Assert.Equal(Count, processed + queued);
        Assert.InRange(processed, 20, Count);
    }

    private int Reservations()
    {
        using var connection = new Npgsql.NpgsqlConnection(env.Database.ConnectionString);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM reservations", connection);
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

[CollectionDefinition(nameof(BrokerRestartCollection), DisableParallelization = true)]
public sealed class BrokerRestartCollection;

/// <summary>Restarts the shared broker, so it runs alone (DisableParallelization), after the parallel tests.</summary>
[Collection(nameof(BrokerRestartCollection))]
public sealed class BrokerRestartTests : IAsyncLifetime
{
    private readonly MessagingEnvironment _env = new();

    public Task InitializeAsync() => _env.InitializeAsync();

    public Task DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task A_broker_restart_in_the_middle_of_a_stream_of_bookings_leaves_every_booking_with_exactly_one_outcome()
    {
        var item = await _env.Service.CreateItemAsync(total: 150, lowStockThreshold: 0);
        var httpItem = await _env.Service.CreateItemAsync(total: 5, lowStockThreshold: 0); // the stream may use up the other
        var bookings = Enumerable.Range(0, 200).Select(i => $"bk-{i}-{EventProbe.NewId()}").ToList();
        var eventIds = bookings.ToDictionary(b => b, _ => EventProbe.NewId());

        var publishing = Task.Run(async () =>
        {
            foreach (var bookingId in bookings)
            {
                await EventProbe.UntilConfirmedAsync(() => _env.Probe.BookingCreatedAsync(bookingId, item.ItemId, eventId: eventIds[bookingId]));
            }
        });
        await Eventually.HoldsAsync(() => _env.Probe.Received.Count >= 40, TimeSpan.FromSeconds(30), () => "the stream did not start");

        await RabbitMqCtlAsync("stop_app");
        var health = _env.Service.CreateClient();
        var brokerDown = await WaitForHealthAsync(health, "/health/messaging", System.Net.HttpStatusCode.ServiceUnavailable);
        // The HTTP side does not depend on the broker: still ready, still serving reads and reservations.
        using var readyWhileDown = await health.GetAsync("/health/ready");
        using var readWhileDown = await health.GetAsync($"/api/inventory/{item.ItemId}");
        var httpBooking = "http-" + EventProbe.NewId();
        using var reserveWhileDown = await health.PostJsonAsync("/api/inventory/reserve", new { bookingId = httpBooking, itemId = httpItem.ItemId, quantity = 1 });
        await RabbitMqCtlAsync("start_app");
        await publishing;

        await Eventually.HoldsAsync(() => bookings.All(b => Outcomes(b).Count > 0), TimeSpan.FromSeconds(90),
            () => $"{bookings.Count(b => Outcomes(b).Count == 0)} of {bookings.Count} bookings have no outcome yet");
        await EventProbe.SettleAsync();

        Assert.Contains("\"rabbitmq\":{\"status\":\"Unhealthy\"", brokerDown, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, readyWhileDown.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, readWhileDown.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Created, reserveWhileDown.StatusCode);
        await WaitForHealthAsync(health, "/health/messaging", System.Net.HttpStatusCode.OK);
        await _env.Probe.WaitForAsync(RoutingKeys.InventoryReserved, TestTokens.AdminKey(httpBooking), TimeSpan.FromSeconds(30)); // buffered by the outbox
        Assert.All(bookings, b => Assert.Single(Outcomes(b)));
        Assert.Equal(150, bookings.Count(b => Outcomes(b)[0] == RoutingKeys.InventoryReserved));
        Assert.Equal((1, 5, 1), await _env.Service.CountersAsync(httpItem.ItemId));
        Assert.Equal((150, 150, 150), await _env.Service.CountersAsync(item.ItemId));
        await using var scope = _env.Service.Scope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<InventoryDbContext>().OutboxMessages.CountAsync(m => m.SentAt == null));
    }

    private List<string> Outcomes(string bookingId) => _env.Probe.Outcomes(bookingId);

    private static async Task<string> WaitForHealthAsync(HttpClient client, string path, System.Net.HttpStatusCode expected)
    {
        var body = "";
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await client.GetAsync(path);
            body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == expected;
        }, TimeSpan.FromSeconds(30), () => $"{path} did not become {expected}: {body}");
        return body;
    }

    private static Task RabbitMqCtlAsync(string command) => Infra.RunAsync("rabbitmqctl", command);
}
