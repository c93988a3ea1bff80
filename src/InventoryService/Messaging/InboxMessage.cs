namespace BookingSystem.InventoryService.Messaging;

/// <summary>A consumed event, recorded in the same transaction as its effect so a redelivered copy has none.</summary>
public sealed class InboxMessage
{
    public required string Consumer { get; init; }

    public required string EventId { get; init; }

    public DateTimeOffset ProcessedAt { get; init; }
}
