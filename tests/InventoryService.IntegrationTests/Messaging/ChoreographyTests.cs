using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using BookingSystem.InventoryService.Reservations;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>The three flows end to end over the real broker: what goes in, what comes out, and the stock in between.</summary>
public sealed class ChoreographyTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    private EventProbe Probe => env.Probe;

    [Fact]
    public async Task BookingCreated_reserves_and_publishes_InventoryReserved_with_the_bookings_correlation_id()
    {
        var item = await env.Service.CreateItemAsync(total: 10, lowStockThreshold: 0);
        var bookingId = "bk-" + EventProbe.NewId();

        var eventId = await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 3, correlationId: "corr-" + bookingId, holdMinutes: 20);
        var reserved = await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);

        Assert.Equal(EventTypes.InventoryReserved, reserved.Type);
        Assert.Equal("corr-" + bookingId, reserved.CorrelationId);
        Assert.Equal("corr-" + bookingId, reserved.Envelope.GetProperty("correlationId").GetString());
        Assert.Equal(eventId, reserved.CausationId);
        Assert.Equal(reserved.EventId, reserved.MessageId);
        Assert.True(reserved.Persistent);
        var line = Assert.Single(reserved.Data.GetProperty("items").EnumerateArray());
        Assert.Equal((item.ItemId, 3), (line.GetProperty("itemId").GetString(), line.GetProperty("quantity").GetInt32()));
        Assert.Equal(env.Time.GetUtcNow().AddMinutes(20), reserved.Data.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal((3, 10, 3), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task PaymentSucceeded_confirms_and_publishes_InventoryConfirmed()
    {
        var item = await env.Service.CreateItemAsync(total: 10, lowStockThreshold: 0);
        var bookingId = "bk-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 2);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);

        var paymentId = await Probe.PaymentAsync(bookingId, succeeded: true, correlationId: "corr-pay-" + bookingId);
        var confirmed = await Probe.WaitForAsync(RoutingKeys.InventoryConfirmed, bookingId);

        Assert.Equal(paymentId, confirmed.CausationId);
        Assert.Equal(ReservationStatus.Confirmed, (await ReservationAsync(bookingId)).Status);
        Assert.Equal((2, 10, 2), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task PaymentFailed_releases_the_stock_and_publishes_InventoryReleased()
    {
        var item = await env.Service.CreateItemAsync(total: 10, lowStockThreshold: 0);
        var bookingId = "bk-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 4);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);

        await Probe.PaymentAsync(bookingId, succeeded: false);
        var released = await Probe.WaitForAsync(RoutingKeys.InventoryReleased, bookingId);

        Assert.Equal(ReleaseReasons.PaymentFailed, released.Data.GetProperty("reason").GetString());
        Assert.Equal((0, 10, 0), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task Out_of_stock_and_unknown_items_are_published_as_failures_and_acked()
    {
        var item = await env.Service.CreateItemAsync(total: 1, lowStockThreshold: 0);
        var tooMany = "bk-" + EventProbe.NewId();
        var unknown = "bk-" + EventProbe.NewId();

        await Probe.BookingCreatedAsync(tooMany, item.ItemId, quantity: 2);
        await Probe.BookingCreatedAsync(unknown, "NO-SUCH-" + tooMany[3..20]);
        var shortfall = await Probe.WaitForAsync(RoutingKeys.InventoryReservationFailed, tooMany);
        var missing = await Probe.WaitForAsync(RoutingKeys.InventoryReservationFailed, unknown);

        Assert.Equal(ReservationFailureReasons.InsufficientStock, shortfall.Data.GetProperty("reason").GetString());
        var line = shortfall.Data.GetProperty("lines")[0];
        Assert.Equal((2, 1), (line.GetProperty("requested").GetInt32(), line.GetProperty("available").GetInt32()));
        Assert.Equal(ReservationFailureReasons.UnknownItem, missing.Data.GetProperty("reason").GetString());
        Assert.Empty(await Probe.DeadLettersAsync(Topology.BookingCreatedQueue));
        Assert.Equal((0, 1, 0), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task An_expired_hold_is_released_by_the_sweeper_with_reason_Expired()
    {
        var item = await env.Service.CreateItemAsync(total: 5, lowStockThreshold: 0);
        var bookingId = "bk-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, holdMinutes: 5);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);

        env.Time.Advance(TimeSpan.FromMinutes(5));
        var released = await Probe.WaitForAsync(RoutingKeys.InventoryReleased, bookingId);

        Assert.Equal(ReleaseReasons.Expired, released.Data.GetProperty("reason").GetString());
        Assert.Equal(ReservationStatus.Expired, (await ReservationAsync(bookingId)).Status);
        Assert.Equal((0, 5, 0), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task Low_stock_alert_fires_once_when_crossing_the_threshold_and_re_arms_above_it()
    {
        var item = await env.Service.CreateItemAsync(total: 10, lowStockThreshold: 5);
        var first = "bk-" + EventProbe.NewId();
        var second = "bk-" + EventProbe.NewId();
        var third = "bk-" + EventProbe.NewId();

        await Probe.BookingCreatedAsync(first, item.ItemId, quantity: 5);   // available 5: crosses
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, first);
        await Probe.BookingCreatedAsync(second, item.ItemId, quantity: 1);  // available 4: still low, no new alert
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, second);
        await Probe.PaymentAsync(first, succeeded: false);                   // available 9: re-arms
        await Probe.WaitForAsync(RoutingKeys.InventoryReleased, first);
        await Probe.BookingCreatedAsync(third, item.ItemId, quantity: 6);   // available 3: crosses again
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, third);
        await EventProbe.SettleAsync();

        var alerts = Probe.Received.Where(e => e.RoutingKey == RoutingKeys.LowStockAlert && e.Data.GetProperty("itemId").GetString() == item.ItemId).ToList();
        Assert.Equal([5, 3], alerts.Select(a => a.Data.GetProperty("available").GetInt32()));
        Assert.All(alerts, a => Assert.Equal(5, a.Data.GetProperty("threshold").GetInt32()));
    }

    [Fact]
    public async Task The_service_uses_its_own_broker_account_which_is_not_an_administrator()
    {
        var serviceUser = TestEnvironment.Get("RABBITMQ_SERVICE_USER");

        var user = await env.VirtualHost.ManagementAsync($"users/{Uri.EscapeDataString(serviceUser)}");
        List<string?> connections = [];
        // The management API lists connections from statistics that lag behind the broker by a few seconds.
        await Eventually.HoldsAsync(async () =>
        {
            connections = (await env.VirtualHost.ManagementAsync($"vhosts/{Uri.EscapeDataString(env.VirtualHost.Name)}/connections"))
                .EnumerateArray().Select(c => c.GetProperty("user").GetString()).ToList();
            return connections.Contains(serviceUser);
        }, TimeSpan.FromSeconds(20), () => $"no connection of {serviceUser} listed yet: {string.Join(", ", connections)}");

        var tags = user.GetProperty("tags");
        Assert.True(tags.ValueKind == System.Text.Json.JsonValueKind.Array ? tags.GetArrayLength() == 0 : tags.GetString() == "",
            $"the service account has tags {tags}");
        Assert.Contains(serviceUser, connections);
        Assert.NotEqual(TestEnvironment.Get("RABBITMQ_USER"), serviceUser);
    }

    [Fact]
    public async Task Readiness_is_the_database_and_the_messaging_report_has_broker_consumers_and_outbox_backlog()
    {
        using var ready = await env.Service.CreateClient().GetAsync("/health/ready");
        using var messaging = await env.Service.CreateClient().GetAsync("/health/messaging");

        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        var readiness = (await ready.ReadJsonAsync()).GetProperty("checks");
        Assert.Equal("Healthy", readiness.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(["database"], readiness.EnumerateObject().Select(c => c.Name));
        Assert.Equal(System.Net.HttpStatusCode.OK, messaging.StatusCode);
        var checks = (await messaging.ReadJsonAsync()).GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("rabbitmq").GetProperty("status").GetString());
        Assert.Equal("consuming", checks.GetProperty("consumers").GetProperty("data").GetProperty(Topology.BookingCreatedQueue).GetString());
        Assert.True(checks.GetProperty("outbox").GetProperty("data").TryGetProperty("unsent", out _));
    }

    private async Task<Reservation> ReservationAsync(string bookingId)
    {
        await using var scope = env.Service.Scope();
        var reservation = await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<ReservationService>(scope.ServiceProvider).FindAsync(bookingId, CancellationToken.None);
        return reservation!;
    }
}
