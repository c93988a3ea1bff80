using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BookingSystem.Cli.Messaging;
using Npgsql;

namespace BookingSystem.Cli.Bench;

/// <summary>
/// The PostgreSQL and RabbitMQ that <c>eng/infra.sh up</c> started, as the bench uses them: a database and a
/// virtual host of its own per scenario (never the developer's), made with the <c>.env</c> credentials and removed
/// afterwards. Nothing server-wide is changed.
/// </summary>
public sealed class BenchInfrastructure : IDisposable
{
    private readonly DevelopmentSettings _settings;
    private readonly HttpClient _management;

    public BenchInfrastructure(DevelopmentSettings settings)
    {
        _settings = settings;
        Broker = BrokerSettings.From(settings);
        var port = settings.Get("RABBITMQ_MANAGEMENT_PORT") ?? "15672";
        _management = new HttpClient { BaseAddress = new Uri($"http://{Broker.Host}:{port}/api/"), Timeout = TimeSpan.FromSeconds(30) };
        _management.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Broker.UserName}:{Broker.Password}")));
    }

    /// <summary>
    /// RabbitMQ's management API (<c>http://host:port/api/</c>), for the tap's count of what the broker routed.
    /// </summary>
    public Uri ManagementApi => _management.BaseAddress!;

    /// <summary>The broker of <c>.env</c>; a scenario uses it with its own virtual host.</summary>
    public BrokerSettings Broker { get; }

    /// <summary>
    /// The connection string <c>eng/run.sh</c> gives the service (Npgsql's defaults for everything else), for a
    /// database.
    /// </summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = _settings.Get("POSTGRES_HOST") ?? "127.0.0.1",
        Port = int.Parse(_settings.Get("POSTGRES_PORT") ?? "5432", CultureInfo.InvariantCulture),
        Database = database,
        Username = _settings.Get("POSTGRES_USER") ?? "postgres",
        Password = _settings.Get("POSTGRES_PASSWORD"),
    }.ConnectionString;

    /// <param name="synchronousCommit">Set on the database (<c>ALTER DATABASE ... SET</c>), so every session of the
    /// service and of the ceiling has it.</param>
    public async Task<BenchDatabase> CreateDatabaseAsync(string name, string synchronousCommit, CancellationToken ct)
    {
        try
        {
            await ExecuteOnServerAsync($"CREATE DATABASE \"{name}\"", ct);
            await ExecuteOnServerAsync($"ALTER DATABASE \"{name}\" SET synchronous_commit = '{synchronousCommit}'", ct);
        }
        catch (NpgsqlException e)
        {
            throw new BenchException($"Cannot create database {name} on PostgreSQL: {e.Message} (is ./eng/infra.sh up running?)", e);
        }

        return new BenchDatabase(name, ConnectionString(name), this);
    }

    /// <summary>
    /// Drops the database and the sessions in it. An autovacuum worker busy in it (the service's churn of
    /// <c>key_locks</c> calls one) is not ours to terminate (42501): it is waited for, up to 30 s.
    /// </summary>
    public async Task DropDatabaseAsync(string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None);
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege
                or PostgresErrorCodes.ObjectInUse && attempt < 60)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    /// <summary>A virtual host with all permissions for the <c>.env</c> user, through the management API.</summary>
    public async Task<string> CreateVirtualHostAsync(string name, CancellationToken ct)
    {
        try
        {
            (await _management.PutAsJsonAsync($"vhosts/{Uri.EscapeDataString(name)}", new { }, ct)).EnsureSuccessStatusCode();
            (await _management.PutAsJsonAsync($"permissions/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(Broker.UserName)}",
                new { configure = ".*", write = ".*", read = ".*" }, ct)).EnsureSuccessStatusCode();
        }
        catch (HttpRequestException e)
        {
            throw new BenchException($"Cannot create RabbitMQ virtual host {name} through {_management.BaseAddress}: {e.Message}", e);
        }

        return name;
    }

    public async Task DeleteVirtualHostAsync(string name)
    {
        using var response = await _management.DeleteAsync($"vhosts/{Uri.EscapeDataString(name)}", CancellationToken.None);
    }

    /// <summary>The broker's version from the management API, or null if it does not say.</summary>
    public async Task<string?> RabbitMqVersionAsync(CancellationToken ct)
    {
        try
        {
            var overview = await _management.GetFromJsonAsync<JsonElement>("overview", ct);
            return overview.TryGetProperty("rabbitmq_version", out var version) ? version.GetString() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    public void Dispose() => _management.Dispose();

    private async Task ExecuteOnServerAsync(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(_settings.Get("POSTGRES_DB") ?? "postgres"));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>The settings the service's sessions run with, read through the same connection string.</summary>
public sealed record DatabaseSettings(string ServerVersion, string Fsync, string SynchronousCommit, string FullPageWrites);

/// <summary>One scenario's database: seeding, and the read-outs the invariant checks need.</summary>
public sealed class BenchDatabase(string name, string connectionString, BenchInfrastructure infrastructure) : IAsyncDisposable
{
    /// <summary>The nightly items' time zone: the bench's dates are UTC dates.</summary>
    public const string NightlyTimeZone = "UTC";

    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(connectionString);

    /// <summary>
    /// Item ids as <see cref="SeedItemsAsync"/> makes them: the prefix and a six-digit number from 1.
    /// </summary>
    public static IReadOnlyList<string> ItemIds(string prefix, int count) =>
        Enumerable.Range(1, count).Select(n => prefix + n.ToString("D6", CultureInfo.InvariantCulture)).ToList();

    /// <summary>
    /// Inserts items straight into the service's table (migrated by the service at start-up); no low-stock threshold.
    /// With <paramref name="calendar"/> they are nightly items (time zone UTC) with <paramref name="stock"/> as the
    /// capacity of each of their nights, which are inserted too (open, minimum stay 1, no overbooking allowance), as
    /// the service creates them; all in one implicit transaction, so its horizon job never sees an item without
    /// nights.
    /// </summary>
    public async Task SeedItemsAsync(
        string prefix, int count, int stock, (DateOnly First, int Nights)? calendar, CancellationToken ct)
    {
        await using var batch = DataSource.CreateBatch();
        batch.BatchCommands.Add(BenchSql.Statement("""
            INSERT INTO inventory_items (item_id, name, location, total, reserved, low_stock_threshold,
                                         low_stock_alerted, kind, time_zone, created_at, updated_at)
            SELECT $1 || lpad(n::text, 6, '0'), 'Bench item ' || n, 'Bench', $2, 0, 0, false, $4, $5, now(), now()
            FROM generate_series(1, $3) AS n
            """, prefix, stock, count, calendar is null ? "Pool" : "Nightly",
            calendar is null ? DBNull.Value : NightlyTimeZone));
        if (calendar is { } days)
        {
            batch.BatchCommands.Add(BenchSql.Statement("""
                INSERT INTO item_nights (item_id, night, capacity, held, confirmed, closed, min_stay,
                                         overbooking_allowance, low_stock_alerted, updated_at)
                SELECT i.item_id, $2::date + k, i.total, 0, 0, false, 1, 0, false, now()
                FROM inventory_items i CROSS JOIN generate_series(0, $3 - 1) AS k
                WHERE starts_with(i.item_id, $1)
                """, prefix, days.First, days.Nights));
        }

        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task<DatabaseSettings> SettingsAsync(CancellationToken ct)
    {
        await using var command = DataSource.CreateCommand(
            "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes')");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new DatabaseSettings(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
    }

    public async Task<int> UnsentOutboxAsync(CancellationToken ct)
    {
        await using var command = DataSource.CreateCommand("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL");
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>Reservation rows of the bookings whose ids start with <paramref name="bookingPrefix"/>.</summary>
    public async Task<int> ReservationsAsync(string bookingPrefix, CancellationToken ct)
    {
        await using var command = DataSource.CreateCommand("SELECT count(*) FROM reservations WHERE starts_with(booking_id, $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = bookingPrefix });
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Counters of the items whose ids start with <paramref name="itemPrefix"/>, with the units their holding
    /// reservations' lines add up to.
    /// </summary>
    public async Task<IReadOnlyList<ItemState>> ItemStatesAsync(string itemPrefix, CancellationToken ct)
    {
        await using var command = DataSource.CreateCommand("""
            WITH held AS (
                SELECT l.item_id, sum(l.quantity)::int AS units
                FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id
                WHERE r.status IN ('Reserved', 'Confirmed')
                GROUP BY l.item_id)
            SELECT i.item_id, i.total, i.reserved, i.available, coalesce(h.units, 0)
            FROM inventory_items i LEFT JOIN held h ON h.item_id = i.item_id
            WHERE starts_with(i.item_id, $1)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = itemPrefix });
        var items = new List<ItemState>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(new ItemState(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4)));
        }

        return items;
    }

    /// <summary>
    /// The nights of the nightly items whose ids start with <paramref name="itemPrefix"/>, with the units the Reserved
    /// and Confirmed reservations' lines whose stays cover each night add up to (a line on a night that does not exist
    /// shows as a night of capacity 0).
    /// </summary>
    public async Task<IReadOnlyList<NightState>> NightStatesAsync(string itemPrefix, CancellationToken ct)
    {
        await using var command = DataSource.CreateCommand("""
            WITH covered AS (
                SELECT l.item_id, l.check_in + k AS night,
                       coalesce(sum(l.quantity) FILTER (WHERE r.status = 'Reserved'), 0)::int AS held,
                       coalesce(sum(l.quantity) FILTER (WHERE r.status = 'Confirmed'), 0)::int AS confirmed
                FROM reservation_lines l
                JOIN reservations r ON r.id = l.reservation_id
                CROSS JOIN generate_series(0, l.check_out - l.check_in - 1) AS k
                WHERE r.status IN ('Reserved', 'Confirmed') AND l.check_in IS NOT NULL AND starts_with(l.item_id, $1)
                GROUP BY 1, 2),
            nights AS (SELECT * FROM item_nights WHERE starts_with(item_id, $1))
            SELECT coalesce(n.item_id, c.item_id), coalesce(n.night, c.night), coalesce(n.capacity, 0),
                   coalesce(n.overbooking_allowance, 0), coalesce(n.held, 0), coalesce(n.confirmed, 0),
                   coalesce(c.held, 0), coalesce(c.confirmed, 0)
            FROM nights n FULL JOIN covered c ON c.item_id = n.item_id AND c.night = n.night
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = itemPrefix });
        var nights = new List<NightState>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            nights.Add(new NightState(reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetInt32(2),
                reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7)));
        }

        return nights;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await infrastructure.DropDatabaseAsync(Name);
    }
}
