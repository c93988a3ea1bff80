using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Messaging;
using Microsoft.EntityFrameworkCore;

namespace BookingSystem.InventoryService.Stock;

public sealed record AdjustStockCommand(string ItemId, int Delta, AdjustmentReason ReasonCode, string? Note, string PerformedBy, string CorrelationId);

/// <summary>The item after the attempt (null: unknown item) and the audit row (null: refused, nothing changed).</summary>
public sealed record AdjustStockResult(InventoryItem? Item, StockAdjustment? Adjustment);

/// <summary>Stock changes made by admins, each one <see cref="UnitOfWork"/> like the reservation rules.</summary>
public sealed class StockService(InventoryDbContext db, UnitOfWork unitOfWork, Outbox outbox, TimeProvider time)
{
    /// <summary>
    /// Changes an item's total by a signed delta and writes the audit row in the same transaction. One conditional
    /// UPDATE decides, under the row lock it takes: the total never falls below what is reserved.
    /// </summary>
    public Task<AdjustStockResult> AdjustAsync(AdjustStockCommand command, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteAsync(async ct =>
        {
            var now = time.GetUtcNow();
            var updated = await db.Items
                .Where(i => i.ItemId == command.ItemId && i.Kind == ItemKind.Pool
                    && i.Total + command.Delta >= i.Reserved && i.Total + command.Delta <= StockApi.MaxTotal)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Total, i => i.Total + command.Delta).SetProperty(i => i.UpdatedAt, now), ct);
            var item = await db.Items.SingleOrDefaultAsync(i => i.ItemId == command.ItemId, ct);
            if (item is null || updated == 0)
            {
                return new AdjustStockResult(item, null);
            }

            var adjustment = new StockAdjustment
            {
                ItemId = command.ItemId,
                Delta = command.Delta,
                ReasonCode = command.ReasonCode,
                Note = command.Note,
                PerformedBy = command.PerformedBy,
                OccurredAt = now,
                TotalAfter = item.Total,
            };
            db.StockAdjustments.Add(adjustment);
            outbox.LowStockIfCrossed(item, command.CorrelationId);
            return new AdjustStockResult(item, adjustment);
        }, cancellationToken, idempotent: false); // a second run would add the delta again
}
