using System.ComponentModel.DataAnnotations;
using BookingSystem.InventoryService.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Messaging;

public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Published outbox rows are kept this long (for inspection), then deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan SentOutbox { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Inbox rows are kept this long. It must be longer than any publisher could republish or the broker redeliver
    /// an event, or a late copy would be applied again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan Inbox { get; set; } = TimeSpan.FromDays(30);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 5_000;
}

/// <summary>Deletes old sent outbox rows and old inbox rows in small batches, so neither table grows without end.</summary>
public sealed class MessageRetention(
    IServiceScopeFactory scopes, TimeProvider time, IOptions<RetentionOptions> options, ILogger<MessageRetention> logger) : BackgroundService
{
    // The first pass waits one interval: nothing is urgent at start-up.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicJob.RunAsync(options.Value.Interval, time, runAtStart: false, async ct =>
        {
            var (outbox, inbox) = await PurgeAsync(ct);
            if (outbox + inbox > 0)
            {
                Log.Purged(logger, outbox, inbox);
            }
        }, e => Log.PurgeFailed(logger, e), stoppingToken);

    /// <summary>One pass: deletes everything past retention, a batch per statement. Returns the rows deleted.</summary>
    public async Task<(int Outbox, int Inbox)> PurgeAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var sentBefore = now - settings.SentOutbox;
        var processedBefore = now - settings.Inbox;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        var outbox = await DeleteInBatchesAsync(() => db.OutboxMessages
            .Where(m => m.SentAt != null && m.SentAt < sentBefore).OrderBy(m => m.Id).Take(settings.BatchSize)
            .ExecuteDeleteAsync(cancellationToken));
        var inbox = await DeleteInBatchesAsync(() => db.InboxMessages
            .Where(m => m.ProcessedAt < processedBefore).OrderBy(m => m.ProcessedAt).Take(settings.BatchSize)
            .ExecuteDeleteAsync(cancellationToken));
        return (outbox, inbox);

        async Task<int> DeleteInBatchesAsync(Func<Task<int>> deleteBatch)
        {
            var total = 0;
            int deleted;
            do
            {
                deleted = await deleteBatch();
                total += deleted;
            }
            while (deleted == settings.BatchSize && !cancellationToken.IsCancellationRequested);

            return total;
        }
    }
}
