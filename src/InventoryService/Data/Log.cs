namespace BookingSystem.InventoryService.Data;

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Transient database error, attempt {Attempt} follows: {ErrorType} {ErrorMessage}")]
    public static partial void TransientDatabaseError(ILogger logger, int attempt, string? errorType, string? errorMessage);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Database schema is at migration {Migration}")]
    public static partial void Migrated(ILogger logger, string migration);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Database not reachable yet, attempt {Attempt}: {ErrorMessage}")]
    public static partial void DatabaseNotReachable(ILogger logger, int attempt, string errorMessage);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Seeded {Count} inventory items")]
    public static partial void Seeded(ILogger logger, int count);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Seeding skipped: {Count} items already present")]
    public static partial void SeedSkipped(ILogger logger, int count);
}
