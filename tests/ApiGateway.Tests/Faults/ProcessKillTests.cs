using System.Security.Cryptography;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Npgsql;

namespace BookingSystem.ApiGateway.Tests.Faults;

/// <summary>
/// The service as a real process, killed with SIGKILL at random moments while bookings and payments stream in,
/// and started again each time: every booking ends with exactly one reservation and one confirmation (by event
/// id: a re-published copy is the same event), the counters match the lines, and the outbox drains.
/// </summary>
public sealed class ProcessKillTests : IAsyncLifetime
{
    private const int Bookings = 300;
    private const int Kills = 3;
    private TestDatabase _database = null!;
    private TestVirtualHost _vhost = null!;
    private EventProbe _probe = null!;
    private AppProcess? _service;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("kill");
        _vhost = await TestVirtualHost.CreateAsync("kill");
        _probe = await EventProbe.StartAsync(_vhost);
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        await _probe.DisposeAsync();
        await _vhost.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Killing_the_service_three_times_mid_stream_loses_and_doubles_nothing()
    {
        _service = await StartServiceAsync();
        const string ItemId = "KILL-ROOM";
        await ExecuteAsync($"INSERT INTO inventory_items (item_id, name, total, reserved, low_stock_threshold, created_at, updated_at) " +
            $"VALUES ('{ItemId}', 'Kill room', {Bookings * 2}, 0, 0, now(), now())");
        var bookings = Enumerable.Range(0, Bookings).Select(i => $"kill-{i}-{EventProbe.NewId()}").ToList();

        var stream = Task.Run(async () =>
        {
            foreach (var bookingId in bookings)
            {
                await _probe.BookingCreatedAsync(bookingId, ItemId);
                await _probe.PaymentAsync(bookingId, succeeded: true);
            }
        });
        for (var kill = 0; kill < Kills; kill++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(300, 1_500)));
            await _service.DisposeAsync(); // SIGKILL: no drain, no ack, no flush
            _service = await StartServiceAsync();
        }

        await stream;
        await Eventually.HoldsAsync(() => bookings.All(b => Distinct(b, RoutingKeys.InventoryConfirmed) > 0), TimeSpan.FromSeconds(90),
            () => $"{bookings.Count(b => Distinct(b, RoutingKeys.InventoryConfirmed) == 0)} of {Bookings} bookings are not confirmed");
        await Eventually.HoldsAsync(async () => await ScalarAsync("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL") == 0,
            TimeSpan.FromSeconds(30), () => "the outbox did not drain");
        await EventProbe.SettleAsync();

        Assert.All(bookings, b => Assert.Equal((1, 1), (Distinct(b, RoutingKeys.InventoryReserved), Distinct(b, RoutingKeys.InventoryConfirmed))));
        Assert.All(bookings, b => Assert.Equal(0, Distinct(b, RoutingKeys.InventoryReleased) + Distinct(b, RoutingKeys.InventoryReservationFailed)));
        Assert.Equal(Bookings, await ScalarAsync("SELECT count(*) FROM reservations WHERE status = 'Confirmed'"));
        Assert.Equal(Bookings, await ScalarAsync($"SELECT reserved FROM inventory_items WHERE item_id = '{ItemId}'"));
        Assert.Equal(Bookings, await ScalarAsync(
            "SELECT coalesce(sum(l.quantity), 0) FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id WHERE r.status IN ('Reserved', 'Confirmed')"));
    }

    private int Distinct(string bookingId, string routingKey) =>
        _probe.For(bookingId).Where(e => e.RoutingKey == routingKey).Select(e => e.EventId).Distinct().Count();

    private async Task<AppProcess> StartServiceAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Inventory"] = _database.ConnectionString,
            ["Jwt__SigningKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            ["Seed__Enabled"] = "false",
            ["Outbox__PollInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in TestEnvironment.RabbitMqSettings(_vhost.Name))
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        var service = AppProcess.Start("inventory", "BookingSystem.InventoryService", settings, TestEnvironment.FreePort());
        await service.WaitUntilOkAsync("/health/messaging", TimeSpan.FromSeconds(60));
        return service;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
