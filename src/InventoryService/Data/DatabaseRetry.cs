using Microsoft.EntityFrameworkCore;
using Npgsql;
using Polly;

namespace BookingSystem.InventoryService.Data;

/// <summary>
/// Retries a whole unit of work (its own transaction) on transient PostgreSQL failures: deadlocks,
/// serialization failures and dropped connections. The unit must be safe to run again from the start.
/// </summary>
public sealed class DatabaseRetry
{
    private readonly ResiliencePipeline _pipeline;

    public DatabaseRetry(ILogger<DatabaseRetry> logger)
    {
        _pipeline = ExponentialRetry.Create(
            IsTransient, attempts: 6, delay: TimeSpan.FromMilliseconds(20), maxDelay: TimeSpan.FromSeconds(2),
            (attempt, _, error) => Log.TransientDatabaseError(logger, attempt, error?.GetType().Name, error?.Message));
    }

    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> unitOfWork, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(unitOfWork, cancellationToken);

    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            || pg.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient,
        DbUpdateException { InnerException: { } inner } => IsTransient(inner),
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner),
        TimeoutException or TransientConflictException => true,
        _ => false,
    };

    /// <summary>A unique-key violation of <paramref name="constraintName"/>, from a change-tracker save or a statement of our own.</summary>
    public static bool IsUniqueViolation(Exception exception, string constraintName) =>
        (exception as PostgresException ?? exception.InnerException as PostgresException) is { SqlState: PostgresErrorCodes.UniqueViolation } pg
        && string.Equals(pg.ConstraintName, constraintName, StringComparison.Ordinal);
}

/// <summary>A unique-key race another transaction won; running the unit of work again sees the winner's row.</summary>
public sealed class TransientConflictException(Exception innerException)
    : Exception("A concurrent transaction inserted the same key; retrying.", innerException);
