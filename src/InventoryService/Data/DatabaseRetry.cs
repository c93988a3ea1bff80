using Microsoft.EntityFrameworkCore;
using Npgsql;
using Polly;

namespace BookingSystem.InventoryService.Data;

/// <summary>
/// Retries a whole unit of work (its own transaction) on transient PostgreSQL failures: deadlocks, serialization
/// failures, unique-key races and dropped connections; a lock or statement timeout once. The unit must be safe to
/// run again from the start. Also says which failures mean "the database is away" (wait for it) and which are
/// timeouts (a stuck lock holder: give up on this work after one more try).
/// </summary>
public sealed class DatabaseRetry
{
    private readonly ResiliencePipeline _pipeline;

    public DatabaseRetry(ILogger<DatabaseRetry> logger)
    {
        _pipeline = ExponentialRetry.Create(
            (error, attempt) => IsTransient(error) || (IsTimeout(error) && attempt == 0),
            attempts: 6, delay: TimeSpan.FromMilliseconds(20), maxDelay: TimeSpan.FromSeconds(2),
            (attempt, _, error) => Log.TransientDatabaseError(logger, attempt, error?.GetType().Name, error?.Message));
    }

    public ValueTask<T> ExecuteAsync<T>(
        Func<CancellationToken, ValueTask<T>> unitOfWork, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(unitOfWork, cancellationToken);

    /// <summary>Worth running the work again at once. Not a timeout: that already waited its full time.</summary>
    public static bool IsTransient(Exception exception) => !IsTimeout(exception) && Unwrap(exception) switch
    {
        PostgresException pg =>
            pg.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            || pg.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException or TransientConflictException => true,
        _ => false,
    };

    /// <summary>
    /// The database cannot do any work now: it cannot be reached or does not answer (no connection, connection lost,
    /// a command without an answer), is shutting down or starting up, or lacks resources (class 53: no connection
    /// slot, disk full, out of memory; class 58: I/O errors). Work that must not be lost waits for it instead of
    /// failing. Not: what the server answered about this work itself (a lock or statement timeout, a constraint).
    /// </summary>
    public static bool IsUnavailable(Exception exception) => Unwrap(exception) switch
    {
        PostgresException pg => pg.SqlState[..2] is "08" or "53" or "58"
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// <c>lock_timeout</c> or <c>statement_timeout</c> (<see cref="DatabaseOptions"/>) ended a statement.
    /// </summary>
    public static bool IsTimeout(Exception exception) =>
        Unwrap(exception) is PostgresException
        {
            SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled,
        };

    /// <summary>
    /// A unique-key violation of <paramref name="constraintName"/>, from a change-tracker save or a statement of our
    /// own.
    /// </summary>
    public static bool IsUniqueViolation(Exception exception, string constraintName) =>
        Unwrap(exception) is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg
        && string.Equals(pg.ConstraintName, constraintName, StringComparison.Ordinal);

    /// <summary>The database's own error inside EF Core's wrappers.</summary>
    private static Exception Unwrap(Exception exception) => exception switch
    {
        DbUpdateException { InnerException: { } inner } => Unwrap(inner),
        InvalidOperationException { InnerException: { } inner } => Unwrap(inner),
        _ => exception,
    };
}

/// <summary>A unique-key race another transaction won; running the unit of work again sees the winner's row.</summary>
public sealed class TransientConflictException(Exception innerException)
    : Exception("A concurrent transaction inserted the same key; retrying.", innerException);
