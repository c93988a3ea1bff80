using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using BookingSystem.InventoryService.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>A small retention batch, so one pass has to loop.</summary>
public sealed class RetentionFactory : InventoryApiFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Retention:BatchSize", "2"),
        new("Retention:Interval", "1.00:00:00"),
    ];
}

public sealed class MessageRetentionTests(RetentionFactory factory) : IClassFixture<RetentionFactory>
{
    [Fact]
    public async Task A_pass_deletes_sent_outbox_rows_and_inbox_rows_past_retention_and_keeps_the_rest()
    {
        var now = factory.Time.GetUtcNow();
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
            db.OutboxMessages.AddRange(
                Outbox("old-sent-1", occurred: now.AddDays(-9), sent: now.AddDays(-8)),
                Outbox("old-sent-2", occurred: now.AddDays(-9), sent: now.AddDays(-8)),
                Outbox("old-sent-3", occurred: now.AddDays(-9), sent: now.AddDays(-7).AddSeconds(-1)),
                Outbox("old-unsent", occurred: now.AddDays(-9), sent: null),
                Outbox("new-sent", occurred: now.AddDays(-1), sent: now.AddDays(-1)));
            db.InboxMessages.AddRange(
                new InboxMessage { Consumer = "q", EventId = "old-1", ProcessedAt = now.AddDays(-31) },
                new InboxMessage { Consumer = "q", EventId = "old-2", ProcessedAt = now.AddDays(-40) },
                new InboxMessage { Consumer = "q", EventId = "new-1", ProcessedAt = now.AddDays(-29) });
            await db.SaveChangesAsync();
        }

        var retention = ActivatorUtilities.CreateInstance<MessageRetention>(factory.Services);
        var deleted = await retention.PurgeAsync(CancellationToken.None);

        Assert.Equal((3, 2), deleted);
        await using var check = factory.Scope();
        var left = check.ServiceProvider.GetRequiredService<InventoryDbContext>();
        Assert.Equal(["new-sent", "old-unsent"], await left.OutboxMessages.Select(m => m.EventId).OrderBy(id => id).ToListAsync());
        Assert.Equal(["new-1"], await left.InboxMessages.Select(m => m.EventId).ToListAsync());
    }

    private static OutboxMessage Outbox(string eventId, DateTimeOffset occurred, DateTimeOffset? sent) => new()
    {
        EventId = eventId,
        EventType = "Test",
        RoutingKey = "test",
        CorrelationId = "c",
        Payload = "{}",
        OccurredAt = occurred,
        SentAt = sent,
    };
}
