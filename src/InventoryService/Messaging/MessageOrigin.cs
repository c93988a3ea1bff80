namespace BookingSystem.InventoryService.Messaging;

/// <summary>The consumed event a change comes from: its inbox key, and the causation id of what we publish.</summary>
public sealed record MessageOrigin(string Consumer, string EventId, string CorrelationId);
