using System.Net.Sockets;
using BookingSystem.InventoryService.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BookingSystem.InventoryService.UnitTests.Data;

/// <summary>
/// Which database failures are retried at once, which mean "the database is away" (a consumer holds its batch) and
/// which are timeouts of this work (retried once, then a consumer splits its batch): the table the consumers act on.
/// </summary>
public sealed class DatabaseRetryTests
{
    public static TheoryData<string, string> Failures() => new()
    {
        { "40P01 deadlock", "transient" },
        { "40001 serialization failure", "transient" },
        { "55P03 lock timeout", "timeout" },
        { "57014 statement timeout", "timeout" },
        { "57P01 admin shutdown", "transient, unavailable" },
        { "57P03 cannot connect now", "transient, unavailable" },
        { "08006 connection failure", "transient, unavailable" },
        { "53300 too many connections", "transient, unavailable" },
        { "53200 out of memory", "transient, unavailable" },
        { "53100 disk full", "transient, unavailable" },
        { "58030 io error", "transient, unavailable" },
        { "23505 unique violation", "none" },
        { "P0001 raised by a trigger", "none" },
        { "socket: connection refused", "transient, unavailable" },
        { "command timeout", "transient, unavailable" },
        { "wrapped by EF: 55P03 lock timeout", "timeout" },
        { "wrapped by EF: 08006 connection failure", "transient, unavailable" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Each_failure_is_classified_as_the_table_says(string failure, string expected)
    {
        var error = Error(failure);

        var kinds = new[]
        {
            DatabaseRetry.IsTransient(error) ? "transient" : null,
            DatabaseRetry.IsUnavailable(error) ? "unavailable" : null,
            DatabaseRetry.IsTimeout(error) ? "timeout" : null,
        }.OfType<string>().ToList();

        Assert.Equal(expected, kinds.Count == 0 ? "none" : string.Join(", ", kinds));
    }

    private static Exception Error(string failure) => failure switch
    {
        "socket: connection refused" => new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)),
        "command timeout" => new NpgsqlException("Exception while reading from stream", new TimeoutException()),
        _ when failure.StartsWith("wrapped by EF: ", StringComparison.Ordinal) =>
            new DbUpdateException("An error occurred while saving the entity changes.", Error(failure["wrapped by EF: ".Length..])),
        _ => new PostgresException(failure, "ERROR", "ERROR", failure[..5]),
    };
}
