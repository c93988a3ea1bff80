using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Npgsql;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>
/// The dispatcher claims outbox rows for a lease instead of holding row locks across broker round trips: a row
/// another dispatcher claimed and then hung on waits out the lease and is published then, and no row stays locked.
/// </summary>
public sealed class OutboxClaimTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    [Fact]
    public async Task A_row_claimed_by_a_hung_dispatcher_is_published_after_the_lease_and_is_never_locked_meanwhile()
    {
        var writer = await env.StartInstanceAsync(("Outbox:DispatcherEnabled", "false"));
        var item = await writer.CreateItemAsync(total: 5, lowStockThreshold: 0);
        var bookingId = "claimed-" + EventProbe.NewId();
        await env.StopInstanceAsync(env.Service); // the only dispatcher, until the claim is in place
        using (var reserve = await writer.CreateClient().PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, reserve.StatusCode);
        }

        var claimedUntil = env.Time.GetUtcNow() + TimeSpan.FromSeconds(30);
        await ExecuteAsync($"UPDATE outbox_messages SET claimed_until = @until WHERE sent_at IS NULL AND payload LIKE '%{bookingId}%'", claimedUntil);
        await env.StartInstanceAsync();
        await EventProbe.SettleAsync();
        var publishedDuringClaim = env.Probe.For(TestTokens.AdminKey(bookingId)).Count;
        // Nobody holds the row: a claim is a column, not a lock.
        await ExecuteAsync($"SELECT id FROM outbox_messages WHERE payload LIKE '%{bookingId}%' FOR UPDATE NOWAIT", null);

        env.Time.Advance(TimeSpan.FromSeconds(31));
        var reserved = await env.Probe.WaitForAsync(RoutingKeys.InventoryReserved, TestTokens.AdminKey(bookingId), TimeSpan.FromSeconds(20));
        await EventProbe.SettleAsync();

        Assert.Equal(0, publishedDuringClaim);
        Assert.Single(env.Probe.For(TestTokens.AdminKey(bookingId)));
        Assert.NotNull(reserved.MessageId);
    }

    private async Task ExecuteAsync(string sql, DateTimeOffset? until)
    {
        await using var connection = new NpgsqlConnection(env.Database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        if (until is { } value)
        {
            command.Parameters.AddWithValue("until", value);
        }

        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}
