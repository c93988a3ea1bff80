using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BookingSystem.InventoryService.IntegrationTests.Data;

/// <summary>
/// Key locks (rows inserted and deleted in the unlogged <c>key_locks</c>) behave as transaction-scoped locks: a second
/// transaction taking the same key waits until the first ends, by commit or rollback; other keys do not wait; a wait
/// ends at <c>lock_timeout</c> as a timeout; nothing stays in the table.
/// </summary>
public sealed class KeyLocksTests(InventoryApiFactory factory) : IClassFixture<InventoryApiFactory>
{
    private static readonly TimeSpan Waiting = TimeSpan.FromMilliseconds(500);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_second_transaction_on_the_same_key_waits_until_the_first_ends(bool commit)
    {
        var key = "booking-" + EventProbe.NewId();
        await using var first = await TransactionAsync();
        await KeyLocks.LockAsync(first.Db, [key, "other-" + key], CancellationToken.None);

        await using var second = await TransactionAsync();
        var waiting = KeyLocks.LockAsync(second.Db, [key], CancellationToken.None);
        await Task.Delay(Waiting);
        Assert.False(waiting.IsCompleted);

        await (commit ? first.Transaction.CommitAsync() : first.Transaction.RollbackAsync());
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        await second.Transaction.CommitAsync();
    }

    [Fact]
    public async Task Other_keys_do_not_wait()
    {
        await using var first = await TransactionAsync();
        await KeyLocks.LockAsync(first.Db, ["booking-" + EventProbe.NewId()], CancellationToken.None);

        await using var second = await TransactionAsync();
        await KeyLocks.LockAsync(second.Db, ["booking-" + EventProbe.NewId()], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_wait_on_a_key_ends_at_the_lock_timeout_as_a_timeout()
    {
        var key = "booking-" + EventProbe.NewId();
        await using var first = await TransactionAsync();
        await KeyLocks.LockAsync(first.Db, [key], CancellationToken.None);

        await using var second = await TransactionAsync();
        await second.Db.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '200ms'");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => KeyLocks.LockAsync(second.Db, [key], CancellationToken.None));

        Assert.True(DatabaseRetry.IsTimeout(error), error.ToString());
    }

    [Fact]
    public async Task No_row_outlives_the_transaction_that_held_the_keys()
    {
        await using (var holder = await TransactionAsync())
        {
            await KeyLocks.LockAsync(holder.Db, [.. Enumerable.Range(0, 50).Select(i => $"booking-{i}-{EventProbe.NewId()}")], CancellationToken.None);
            await holder.Transaction.CommitAsync();
        }

        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        Assert.Equal(0, await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM key_locks").SingleAsync());
    }

    private async Task<OpenTransaction> TransactionAsync()
    {
        var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        var transaction = await db.Database.BeginTransactionAsync();
        return new OpenTransaction(scope, db, transaction);
    }

    private sealed record OpenTransaction(
        AsyncServiceScope Scope, InventoryDbContext Db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction Transaction)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Scope.DisposeAsync();
        }
    }
}
