using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Npgsql;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>
/// Instances whose consumers gather a queued backlog into one batch (up to 500, waiting 500 ms for more).
/// </summary>
public sealed class LargeBatchEnvironment : MessagingEnvironment
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [.. base.Settings, new("RabbitMq:BatchSize", "500"), new("RabbitMq:BatchLinger", "00:00:00.500")];
}

/// <summary>
/// What one transaction of a consumer may hold and wait for is bounded: a batch holds no more lock-table entries
/// for 400 bookings than for one, and a lock or a statement that does not end (another session holding a row, a
/// stuck statement) delays only the messages that need it, not the queue behind them.
/// </summary>
public sealed class BoundedWaitTests : IAsyncLifetime
{
    private readonly LargeBatchEnvironment _env = new();

    private EventProbe Probe => _env.Probe;

    public Task InitializeAsync() => _env.InitializeAsync();

    public Task DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task A_batch_of_400_bookings_holds_fewer_lock_table_entries_than_one_transactions_share()
    {
        var item = await _env.Service.CreateItemAsync(total: 1_000, lowStockThreshold: 0);
        var sleepy = "sleepy-" + EventProbe.NewId();
        // The last reservation row of the batch takes 3 s to insert: the batch's transaction holds all its locks then.
        await PoisonBookings.DelayAsync(_env.Database, "sleepy-", TimeSpan.FromSeconds(3));
        await _env.StopInstanceAsync(_env.Service);
        var bookings = Enumerable.Range(0, 399).Select(i => $"bk-{i}-{EventProbe.NewId()}").Append(sleepy).ToList();
        foreach (var bookingId in bookings)
        {
            await Probe.BookingCreatedAsync(bookingId, item.ItemId);
        }

        var instance = await _env.StartInstanceAsync();
        var (locks, share) = await LocksHeldWhileSleepingAsync();
        foreach (var bookingId in bookings)
        {
            await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId, TimeSpan.FromSeconds(30));
        }

        Assert.InRange(locks, 1, share - 1);
        Assert.Equal((400, 1_000, 400), await instance.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task A_row_lock_held_elsewhere_delays_only_the_booking_that_needs_it_which_is_applied_once_it_is_free()
    {
        var blocked = await _env.Service.CreateItemAsync(total: 10, lowStockThreshold: 0);
        var free = await _env.Service.CreateItemAsync(total: 100, lowStockThreshold: 0);
        await _env.StopInstanceAsync(_env.Service);
        var waiting = "bk-waiting-" + EventProbe.NewId();
        var others = Enumerable.Range(0, 20).Select(i => $"bk-{i}-{EventProbe.NewId()}").ToList();
        foreach (var bookingId in others.Take(10))
        {
            await Probe.BookingCreatedAsync(bookingId, free.ItemId);
        }

        await Probe.BookingCreatedAsync(waiting, blocked.ItemId);
        foreach (var bookingId in others.Skip(10))
        {
            await Probe.BookingCreatedAsync(bookingId, free.ItemId);
        }

        await using (var holder = await HoldRowLockAsync(blocked.ItemId))
        {
            await _env.StartInstanceAsync(("Database:LockTimeout", "00:00:01"));
            foreach (var bookingId in others)
            {
                await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId, TimeSpan.FromSeconds(20));
            }

            Assert.Empty(Probe.For(waiting));
        }

        // Back in the queue (not in the DLQ: its delivery limit of 3 is not used up yet), it is applied once the row is
        // free.
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, waiting, TimeSpan.FromSeconds(30));
        await EventProbe.SettleAsync();
        Assert.Equal([RoutingKeys.InventoryReserved], Probe.Outcomes(waiting));
        Assert.All(others, bookingId => Assert.Equal([RoutingKeys.InventoryReserved], Probe.Outcomes(bookingId)));
        Assert.Empty(await Probe.DeadLettersAsync(Topology.BookingCreatedQueue));
    }

    [Fact]
    public async Task A_statement_that_does_not_end_is_cut_off_and_its_message_dead_lettered_while_the_rest_of_the_batch_is_applied()
    {
        var item = await _env.Service.CreateItemAsync(total: 100, lowStockThreshold: 0);
        await PoisonBookings.DelayAsync(_env.Database, "stuck-", TimeSpan.FromMinutes(10));
        await _env.StopInstanceAsync(_env.Service);
        var stuck = "stuck-" + EventProbe.NewId();
        var others = Enumerable.Range(0, 20).Select(i => $"bk-{i}-{EventProbe.NewId()}").ToList();
        var stuckEventId = await Probe.BookingCreatedAsync(stuck, item.ItemId);
        foreach (var bookingId in others)
        {
            await Probe.BookingCreatedAsync(bookingId, item.ItemId);
        }

        var instance = await _env.StartInstanceAsync(
            ("Database:StatementTimeout", "00:00:01"), ("Database:LockTimeout", "00:00:00.500"));
        foreach (var bookingId in others)
        {
            await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId, TimeSpan.FromSeconds(20));
        }

        IReadOnlyList<DeadLetter> letters = [];
        await Eventually.HoldsAsync(async () => (letters = await Probe.DeadLettersAsync(Topology.BookingCreatedQueue)).Count > 0,
            TimeSpan.FromSeconds(60), () => "the stuck booking did not reach the DLQ through the delivery limit");
        Assert.Equal(stuckEventId, Assert.Single(letters).MessageId);
        Assert.Empty(Probe.For(stuck));
        Assert.Equal((others.Count, 100, others.Count), await instance.CountersAsync(item.ItemId));
    }

    /// <summary>
    /// While the batch's transaction sleeps in the trigger: the most entries of PostgreSQL's lock table one backend of
    /// this database holds, and one transaction's share of that table (<c>max_locks_per_transaction</c>).
    /// </summary>
    private async Task<(int Locks, int Share)> LocksHeldWhileSleepingAsync()
    {
        await using var connection = new NpgsqlConnection(_env.Database.ConnectionString);
        await connection.OpenAsync();
        await using var share = new NpgsqlCommand("SELECT current_setting('max_locks_per_transaction')::int", connection);
        var perTransaction = (int)(await share.ExecuteScalarAsync())!;
        await using var sample = new NpgsqlCommand("""
            SELECT count(*)::int FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE a.datname = current_database() AND a.wait_event = 'PgSleep'
            """, connection);
        var most = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (most == 0 && DateTime.UtcNow < deadline)
        {
            most = (int)(await sample.ExecuteScalarAsync())!;
            await Task.Delay(100);
        }

        Assert.True(most > 0, "the batch never reached the slow insert");
        return (most, perTransaction);
    }

    /// <summary>Another session's transaction holding the item's row lock until disposed (then committed).</summary>
    private async Task<AsyncDisposableTransaction> HoldRowLockAsync(string itemId)
    {
        var connection = new NpgsqlConnection(_env.Database.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("SELECT 1 FROM inventory_items WHERE item_id = @id FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue("id", itemId);
        await command.ExecuteScalarAsync();
        return new AsyncDisposableTransaction(connection, transaction);
    }

    private sealed class AsyncDisposableTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.CommitAsync();
            await connection.DisposeAsync();
        }
    }
}
