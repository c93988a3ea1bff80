using Npgsql;

namespace BookingSystem.Cli.Bench;

/// <summary>Statements with positional parameters (<c>$1</c>, <c>$2</c>, ...), as the bench's SQL is written.</summary>
public static class BenchSql
{
    /// <param name="parameters">The values of <c>$1</c>, <c>$2</c>, ... in order (<see cref="DBNull"/> for a null).</param>
    public static NpgsqlBatchCommand Statement(string sql, params IEnumerable<object> parameters)
    {
        var statement = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            statement.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return statement;
    }
}
