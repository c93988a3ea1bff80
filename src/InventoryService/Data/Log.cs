namespace BookingSystem.InventoryService.Data;

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Transient database error, attempt {Attempt} follows: {ErrorType} {ErrorMessage}")]
    public static partial void TransientDatabaseError(ILogger logger, int attempt, string? errorType, string? errorMessage);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Database schema is at migration {Migration}")]
    public static partial void Migrated(ILogger logger, string migration);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Database not reachable yet, attempt {Attempt}: {ErrorMessage}")]
    public static partial void DatabaseNotReachable(ILogger logger, int attempt, string errorMessage);
}
