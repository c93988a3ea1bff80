using Npgsql;

namespace BookingSystem.InventoryService.IntegrationTests.Infrastructure;

/// <summary>
/// A real, permanent failure for one kind of booking: a trigger refuses the reservation rows of bookings whose id
/// starts with <see cref="Prefix"/>, so their handling fails on every delivery until the trigger is dropped. Or a
/// slow one: a trigger makes inserting their reservation row take as long as asked (<see cref="DelayAsync"/>).
/// </summary>
public static class PoisonBookings
{
    public const string Prefix = "poison-";

    public static Task RefuseAsync(TestDatabase database) => ExecuteAsync(database, $$"""
        CREATE OR REPLACE FUNCTION refuse_poison() RETURNS trigger AS $$
        BEGIN
            IF NEW.booking_id LIKE '{{Prefix}}%' THEN RAISE EXCEPTION 'poison booking %', NEW.booking_id; END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql;
        DROP TRIGGER IF EXISTS refuse_poison ON reservations;
        CREATE TRIGGER refuse_poison BEFORE INSERT ON reservations FOR EACH ROW EXECUTE FUNCTION refuse_poison();
        """);

    /// <summary>Inserting the reservation of a booking whose id starts with <paramref name="prefix"/> sleeps that long.</summary>
    public static Task DelayAsync(TestDatabase database, string prefix, TimeSpan delay) => ExecuteAsync(database, $$"""
        CREATE OR REPLACE FUNCTION delay_booking() RETURNS trigger AS $$
        BEGIN
            IF NEW.booking_id LIKE '{{prefix}}%' THEN PERFORM pg_sleep({{delay.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}}); END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql;
        DROP TRIGGER IF EXISTS delay_booking ON reservations;
        CREATE TRIGGER delay_booking BEFORE INSERT ON reservations FOR EACH ROW EXECUTE FUNCTION delay_booking();
        """);

    /// <summary>The fault fixed: the same bookings succeed from now on.</summary>
    public static Task AllowAsync(TestDatabase database) => ExecuteAsync(database, "DROP TRIGGER IF EXISTS refuse_poison ON reservations;");

    private static async Task ExecuteAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
