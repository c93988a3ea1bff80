namespace BookingSystem.InventoryService.Stock;

internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Seeded {Count} inventory items")]
    public static partial void Seeded(ILogger logger, int count);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Seeding skipped: {Count} items already present")]
    public static partial void SeedSkipped(ILogger logger, int count);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Added {Count} nights to the booking horizon")]
    public static partial void HorizonExtended(ILogger logger, int count);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "Extending the booking horizon failed; trying again on the next tick")]
    public static partial void HorizonFailed(ILogger logger, Exception exception);
}
