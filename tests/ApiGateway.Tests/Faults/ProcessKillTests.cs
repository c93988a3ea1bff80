using System.Security.Cryptography;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Npgsql;

namespace BookingSystem.ApiGateway.Tests.Faults;

/// <summary>
/// The service as a real process, killed with SIGKILL while bookings and payments stream in, and started again each
/// time: at random moments, and at each risky point (the process kills itself there through the
/// <c>Faults:CrashAt</c> test hook). Every booking ends with exactly one reservation and one confirmation (by event
/// id: a re-published copy is the same event), the counters match the lines, and the outbox drains. Longer with
/// <c>FAULT_SOAK=N</c> (<see cref="Soak"/>).
/// </summary>
public sealed class ProcessKillTests : IAsyncLifetime
{
    private static readonly int Bookings = 300 * Soak.Factor;
    private static readonly int Kills = 3 * Soak.Factor;
    private static readonly int MaxStream = 3_000 * Soak.Factor;
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
        var (bookings, stream) = await StartStreamAsync("kill", Bookings);
        for (var kill = 0; kill < Kills; kill++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(300, 1_500)));
            await _service!.DisposeAsync(); // SIGKILL: no drain, no ack, no flush
            _service = await StartServiceAsync();
        }

        await stream;
        await AssertEveryBookingOnceAsync(bookings);
    }

    /// <param name="point">Where the service kills itself: changes written but not committed; a batch committed but not
    /// acked; outcome events published and confirmed but not marked sent.</param>
    [Theory]
    [InlineData("BeforeCommit")]
    [InlineData("AfterCommit")]
    [InlineData("AfterPublish")]
    public async Task A_kill_at_a_risky_point_loses_and_doubles_nothing(string point)
    {
        // The stream goes on until the service is dead (however large its batches grow on a busy machine), then a
        // little longer, so the restarted one has new work next to what the crash left.
        var (bookings, stream) = await StartStreamAsync(point.ToLowerInvariant(), Bookings / 2, untilKilled: true,
            ("Faults__CrashAt", point), ("Faults__CrashAfter", RandomNumberGenerator.GetInt32(2, 6).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var killed = _service!;
        await Eventually.HoldsAsync(() => killed.HasExited, TimeSpan.FromSeconds(60),
            () => $"the service did not reach {point}; its last output: {killed.Output[Math.Max(0, killed.Output.Length - 3_000)..]}");
        Assert.True(await killed.WaitForOutputAsync($"Crash point {point} reached", TimeSpan.FromSeconds(5)),
            $"the service died elsewhere: {killed.Output[Math.Max(0, killed.Output.Length - 3_000)..]}");
        await killed.DisposeAsync();
        _service = await StartServiceAsync();

        await stream;
        await AssertEveryBookingOnceAsync(bookings);
    }

    [Fact]
    public async Task SIGTERM_under_load_drains_so_nothing_applied_comes_back_after_the_restart()
    {
        var (bookings, stream) = await StartStreamAsync("term", Bookings);
        await Eventually.HoldsAsync(() => _probe.Received.Count >= 40, TimeSpan.FromSeconds(30), () => "the stream did not start");
        var stopped = _service!;
        Assert.Equal(0, await stopped.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await stopped.WaitForOutputAsync("Stopped consuming inventory.booking-created", TimeSpan.FromSeconds(5)),
            $"no drain in the log: {stopped.Output[Math.Max(0, stopped.Output.Length - 3_000)..]}");
        await stopped.DisposeAsync();
        _service = await StartServiceAsync();

        await stream;
        await AssertEveryBookingOnceAsync(bookings);
        // Graceful: every message applied before the stop was acked, every event published was marked sent, so the
        // new process neither skips a redelivered message nor publishes an outcome a second time.
        Assert.DoesNotContain("was already processed", _service.Output, StringComparison.Ordinal);
        Assert.All(bookings, b => Assert.Equal(2, _probe.For(b).Count));
    }

    /// <summary>Starts the service and a stream of bookings, each followed by its successful payment, on one item.</summary>
    /// <param name="untilKilled">Past <paramref name="count"/>, go on while the service started here is alive, and 20 more (at most <see cref="MaxStream"/>).</param>
    /// <returns>The bookings published (complete once the stream has ended).</returns>
    private async Task<(List<string> Bookings, Task Stream)> StartStreamAsync(string name, int count, bool untilKilled = false, params (string Key, string Value)[] settings)
    {
        var service = _service = await StartServiceAsync(settings);
        var itemId = $"KILL-{name.ToUpperInvariant()}";
        await ExecuteAsync($"INSERT INTO inventory_items (item_id, name, total, reserved, low_stock_threshold, created_at, updated_at) " +
            $"VALUES ('{itemId}', 'Kill room', {Math.Max(count, MaxStream) * 2}, 0, 0, now(), now())");
        var bookings = new List<string>();
        var stream = Task.Run(async () =>
        {
            var afterDeath = 20;
            for (var i = 0; i < count || (untilKilled && i < MaxStream && (!service.HasExited || afterDeath-- > 0)); i++)
            {
                var bookingId = $"{name}-{i}-{EventProbe.NewId()}";
                bookings.Add(bookingId);
                await _probe.BookingCreatedAsync(bookingId, itemId);
                await _probe.PaymentAsync(bookingId, succeeded: true);
            }
        });
        return (bookings, stream);
    }

    /// <summary>Lost none, doubled none: one reservation and one confirmation each, counters equal to the lines.</summary>
    private async Task AssertEveryBookingOnceAsync(List<string> bookings)
    {
        await Eventually.HoldsAsync(() => bookings.All(b => _probe.Count(b, RoutingKeys.InventoryConfirmed) > 0), Soak.Scaled(TimeSpan.FromSeconds(90)),
            () => $"{bookings.Count(b => _probe.Count(b, RoutingKeys.InventoryConfirmed) == 0)} of {bookings.Count} bookings are not confirmed");
        await Eventually.HoldsAsync(async () => await ScalarAsync("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL") == 0,
            TimeSpan.FromSeconds(30), () => "the outbox did not drain");
        await EventProbe.SettleAsync();

        Assert.All(bookings, b => Assert.Equal((1, 1), (_probe.Count(b, RoutingKeys.InventoryReserved), _probe.Count(b, RoutingKeys.InventoryConfirmed))));
        Assert.All(bookings, b => Assert.Equal(0, _probe.Count(b, RoutingKeys.InventoryReleased) + _probe.Count(b, RoutingKeys.InventoryReservationFailed)));
        Assert.Equal(bookings.Count, await ScalarAsync("SELECT count(*) FROM reservations WHERE status = 'Confirmed'"));
        Assert.Equal(bookings.Count, await ScalarAsync("SELECT sum(reserved) FROM inventory_items"));
        Assert.Equal(bookings.Count, await ScalarAsync(
            "SELECT coalesce(sum(l.quantity), 0) FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id WHERE r.status IN ('Reserved', 'Confirmed')"));
    }

    private async Task<AppProcess> StartServiceAsync(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Inventory"] = _database.ConnectionString,
            ["Jwt__SigningKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            ["Seed__Enabled"] = "false",
            ["Outbox__PollInterval"] = "00:00:00.200",
            // Rows a killed dispatcher had claimed go again after the lease: short here, longer than a publish may take.
            ["Outbox__ClaimLease"] = "00:00:03",
            ["RabbitMq__PublishTimeout"] = "00:00:02",
        };
        foreach (var (key, value) in TestEnvironment.RabbitMqSettings(_vhost.Name))
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        foreach (var (key, value) in extra)
        {
            settings[key] = value;
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
