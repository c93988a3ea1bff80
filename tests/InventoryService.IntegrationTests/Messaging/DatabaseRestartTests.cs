using System.Diagnostics;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Npgsql;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>
/// The shared PostgreSQL stopped as a crash would (<c>pg_ctl stop -m immediate</c>) in the middle of a stream of
/// bookings, and started again: the messages in flight are held and applied after recovery (not acked before, not
/// dead-lettered because of the outage), every booking ends with exactly one reservation, the counters match the
/// lines. Stops the database every test uses, so it runs alone (eng/test.sh runs it after the rest). Longer with
/// <c>FAULT_SOAK=N</c> (<see cref="Soak"/>).
/// </summary>
[Collection(nameof(BrokerRestartCollection))]
public sealed class DatabaseRestartTests : IAsyncLifetime
{
    private readonly MessagingEnvironment _env = new();

    public Task InitializeAsync() => _env.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Infra.RunAsync("postgres", "start"); // whatever happened, leave the database running
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task A_PostgreSQL_crash_mid_stream_loses_doubles_and_dead_letters_nothing()
    {
        // eng/infra.sh runs the tests' server with synchronous_commit off, and a crash then loses the last commits,
        // outcomes already published included (seen: 5 of 300). A crash-safe database is what the guarantee is about.
        await DurableCommitsAsync();
        var stock = 400 * Soak.Factor; // more than the bookings: each must be reserved
        var item = await _env.Service.CreateItemAsync(total: stock, lowStockThreshold: 0);
        var bookings = Enumerable.Range(0, 300 * Soak.Factor).Select(i => $"pg-{i}-{EventProbe.NewId()}").ToList();
        var stream = Task.Run(async () =>
        {
            foreach (var bookingId in bookings)
            {
                await _env.Probe.BookingCreatedAsync(bookingId, item.ItemId);
                await Task.Delay(10); // a stream of some seconds, so the crash lands in the middle of it
            }
        });
        await Eventually.HoldsAsync(() => _env.Probe.Received.Count >= 40, TimeSpan.FromSeconds(30), () => "the stream did not start");

        await Infra.RunAsync("postgres", "crash");
        var down = Stopwatch.StartNew();
        await stream; // the broker takes the rest while the database is away
        await Task.Delay(TimeSpan.FromSeconds(3) - down.Elapsed is { Ticks: > 0 } left ? left : TimeSpan.Zero);
        var answeredWhileDown = _env.Probe.Received.Count;
        await Infra.RunAsync("postgres", "start");

        await Eventually.HoldsAsync(() => bookings.All(b => _env.Probe.Outcomes(b).Count > 0), Soak.Scaled(TimeSpan.FromSeconds(90)),
            () => $"{bookings.Count(b => _env.Probe.Outcomes(b).Count == 0)} of {bookings.Count} bookings have no outcome");
        await EventProbe.SettleAsync();

        Assert.All(bookings, b => Assert.Equal([RoutingKeys.InventoryReserved], _env.Probe.Outcomes(b)));
        Assert.Empty(await _env.Probe.DeadLettersAsync(Topology.BookingCreatedQueue));
        Assert.Equal((bookings.Count, stock, bookings.Count), await _env.Service.CountersAsync(item.ItemId));
        Assert.True(answeredWhileDown < bookings.Count, "every booking was answered before the crash: the test proved nothing");
    }

    /// <summary>
    /// synchronous_commit on for this test's database, for every connection from now on (the pools are emptied). With
    /// the server's fsync off the WAL still reaches the OS before a commit returns, and a crash of PostgreSQL alone
    /// (not of the machine) keeps it.
    /// </summary>
    private async Task DurableCommitsAsync()
    {
        await using (var connection = new NpgsqlConnection(_env.Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var alter = new NpgsqlCommand($"ALTER DATABASE \"{_env.Database.Name}\" SET synchronous_commit = on", connection);
            await alter.ExecuteNonQueryAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await using var check = new NpgsqlConnection(_env.Database.ConnectionString);
        await check.OpenAsync();
        await using var show = new NpgsqlCommand("SHOW synchronous_commit", check);
        Assert.Equal("on", await show.ExecuteScalarAsync());
    }
}
