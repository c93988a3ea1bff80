using System.Text.Json;
using Npgsql;

namespace BookingSystem.InventoryService.IntegrationTests.Nights;

/// <summary>A night's row in <c>item_nights</c>.</summary>
public sealed record NightRow(DateOnly Night, int Capacity, int Held, int Confirmed, int OverbookingAllowance);

/// <summary>What the reservations that hold stock add up to on a night: held by holds, sold by confirmed.</summary>
public sealed record LineSum(DateOnly Night, int Held, int Confirmed);

/// <summary>An event as the service wrote it to its outbox (ids in write order).</summary>
public sealed record OutboxEvent(long Id, string RoutingKey, JsonElement Envelope)
{
    public JsonElement Data => Envelope.GetProperty("data");

    public string BookingId => Data.GetProperty("bookingId").GetString()!;
}

/// <summary>A stored reservation: its status, release reason, and its lines.</summary>
public sealed record StoredReservation(
    string Key, string Status, string? ReleaseReason, IReadOnlyList<StoredLine> Lines);

public sealed record StoredLine(
    string ItemId, int Quantity, DateOnly? CheckIn, DateOnly? CheckOut, IReadOnlyList<DateOnly> OverbookedNights);

/// <summary>
/// Reads the service's tables directly (the tests' view behind the API): nights, the reservations whose lines must
/// add up to them, the inbox (was a message processed?) and the outbox (what it caused, in what order).
/// </summary>
public sealed class NightsDatabase(string connectionString)
{
    /// <summary>The outcome events of a booking (low-stock alerts left out).</summary>
    public static readonly string[] OutcomeKeys =
    [
        Contracts.RoutingKeys.InventoryReserved, Contracts.RoutingKeys.InventoryReservationFailed,
        Contracts.RoutingKeys.InventoryConfirmed, Contracts.RoutingKeys.InventoryReleased,
    ];

    public async Task<IReadOnlyList<NightRow>> NightsAsync(string itemId, DateOnly from, DateOnly to)
    {
        const string sql = """
            SELECT night, capacity, held, confirmed, overbooking_allowance FROM item_nights
            WHERE item_id = @item AND night >= @from AND night < @to ORDER BY night
            """;
        return await QueryAsync(sql, r => new NightRow(
                r.GetFieldValue<DateOnly>(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4)),
            ("item", itemId), ("from", from), ("to", to));
    }

    /// <summary>Per night of <c>[from, to)</c>: the quantities of the item's lines in Reserved and in Confirmed
    /// reservations whose stay covers it.</summary>
    public async Task<IReadOnlyList<LineSum>> ActiveLineSumsAsync(string itemId, DateOnly from, DateOnly to)
    {
        const string sql = """
            SELECT d::date,
                   coalesce(sum(l.quantity) FILTER (WHERE r.status = 'Reserved'), 0)::int,
                   coalesce(sum(l.quantity) FILTER (WHERE r.status = 'Confirmed'), 0)::int
            FROM generate_series(@from::date, @to::date - 1, interval '1 day') d
            LEFT JOIN reservation_lines l ON l.item_id = @item AND l.check_in <= d::date AND l.check_out > d::date
            LEFT JOIN reservations r ON r.id = l.reservation_id
            GROUP BY d ORDER BY d
            """;
        return await QueryAsync(sql, r => new LineSum(r.GetFieldValue<DateOnly>(0), r.GetInt32(1), r.GetInt32(2)),
            ("item", itemId), ("from", from), ("to", to));
    }

    /// <summary>Whether the service has processed (committed) the consumed event.</summary>
    public async Task<bool> ProcessedAsync(string eventId) =>
        await ScalarAsync("SELECT count(*) FROM inbox_messages WHERE event_id = @id", ("id", eventId)) > 0;

    /// <summary>The outcome events the consumed event caused, in the order they were written.</summary>
    public Task<IReadOnlyList<OutboxEvent>> CausedByAsync(string eventId) =>
        OutboxAsync("causation_id = @cause", ("cause", eventId));

    /// <summary>Every outcome event the service wrote, in id order.</summary>
    public Task<IReadOnlyList<OutboxEvent>> OutcomesAsync() => OutboxAsync("true");

    public async Task<IReadOnlyDictionary<string, StoredReservation>> ReservationsAsync(
        IReadOnlyCollection<string> keys)
    {
        const string sql = """
            SELECT r.booking_key, r.status, r.release_reason, l.item_id, l.quantity, l.check_in, l.check_out,
                   l.overbooked_nights
            FROM reservations r JOIN reservation_lines l ON l.reservation_id = r.id
            WHERE r.booking_key = ANY(@keys)
            ORDER BY r.booking_key, l.id
            """;
        var rows = await QueryAsync(sql, r => (Key: r.GetString(0), Status: r.GetString(1),
                Reason: r.IsDBNull(2) ? null : r.GetString(2),
                Line: new StoredLine(r.GetString(3), r.GetInt32(4),
                    r.IsDBNull(5) ? null : r.GetFieldValue<DateOnly>(5),
                    r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6),
                    r.IsDBNull(7) ? [] : r.GetFieldValue<DateOnly[]>(7))),
            ("keys", keys.ToArray()));
        return rows.GroupBy(r => r.Key, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => new StoredReservation(g.Key, g.First().Status, g.First().Reason, [.. g.Select(r => r.Line)]),
            StringComparer.Ordinal);
    }

    /// <summary>The data of the LowStockAlert events written about the items, in write order.</summary>
    public async Task<IReadOnlyList<JsonElement>> LowStockAlertsAsync(IReadOnlyCollection<string> itemIds)
    {
        const string sql = """
            SELECT payload FROM outbox_messages
            WHERE routing_key = @key AND (payload::jsonb -> 'data' ->> 'itemId') = ANY(@items) ORDER BY id
            """;
        return await QueryAsync(sql, r => JsonDocument.Parse(r.GetString(0)).RootElement.GetProperty("data").Clone(),
            ("key", Contracts.RoutingKeys.LowStockAlert), ("items", itemIds.ToArray()));
    }

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = Command(connection, sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<IReadOnlyList<OutboxEvent>> OutboxAsync(
        string where, params (string Name, object Value)[] parameters)
    {
        var sql = $"""
            SELECT id, routing_key, payload FROM outbox_messages
            WHERE {where} AND routing_key = ANY(@outcomes) ORDER BY id
            """;
        return await QueryAsync(sql, r => new OutboxEvent(r.GetInt64(0), r.GetString(1),
                JsonDocument.Parse(r.GetString(2)).RootElement.Clone()),
            [.. parameters, ("outcomes", OutcomeKeys)]);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(
        string sql, Func<NpgsqlDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static NpgsqlCommand Command(
        NpgsqlConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
