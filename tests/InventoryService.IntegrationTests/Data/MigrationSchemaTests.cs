using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace BookingSystem.InventoryService.IntegrationTests.Data;

/// <summary>
/// Applying the migrations gives exactly the schema the EF model creates by itself (same columns, types, defaults,
/// constraints and indexes); the model has no change that no migration covers; and a database made by the first,
/// hand-written migrations upgrades to the latest without losing data.
/// </summary>
public sealed class MigrationSchemaTests
{
    private const string LastHandWrittenMigration = "20261121010000_Messaging";

    private const string SchemaQuery = """
        SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '')
               || ' null=' || is_nullable || ' default=' || coalesce(column_default, '-') || ' generated=' || coalesce(generation_expression, '-')
               || ' identity=' || coalesce(identity_generation, '-')
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__EFMigrationsHistory'
        UNION ALL
        SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '"__EFMigrationsHistory"'
        UNION ALL
        SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '__EFMigrationsHistory'
        ORDER BY 1
        """;

    [Fact]
    public async Task Migrated_schema_equals_the_schema_the_model_creates()
    {
        await using var migrated = await TestDatabase.CreateAsync("migrated");
        await using var fromModel = await TestDatabase.CreateAsync("model");
        await using (var db = CreateContext(migrated))
        {
            await db.Database.MigrateAsync();
        }

        await using (var db = CreateContext(fromModel))
        {
            await db.Database.EnsureCreatedAsync();
        }

        var expected = await DescribeAsync(fromModel);
        var actual = await DescribeAsync(migrated);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Migrating_twice_is_a_no_op()
    {
        await using var database = await TestDatabase.CreateAsync("twice");
        await using var db = CreateContext(database);
        await db.Database.MigrateAsync();
        var before = await DescribeAsync(database);

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(before, await DescribeAsync(database));
    }

    [Fact]
    public void The_model_has_no_change_that_no_migration_covers()
    {
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges(),
            "The model differs from the last migration's snapshot: run `dotnet ef migrations add <Name>` in src/InventoryService.");
    }

    [Fact]
    public async Task A_database_made_by_the_hand_written_migrations_upgrades_to_the_latest_and_keeps_its_rows()
    {
        await using var database = await TestDatabase.CreateAsync("upgrade");
        await using var db = CreateContext(database);
        await db.GetService<IMigrator>().MigrateAsync(LastHandWrittenMigration);
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO inventory_items (item_id, name, total, reserved, low_stock_threshold, created_at, updated_at) " +
            "VALUES ('OLD-1', 'Old room', 7, 2, 1, now(), now())");
        await using var fromModel = await TestDatabase.CreateAsync("upgrade-model");
        await using (var modelDb = CreateContext(fromModel))
        {
            await modelDb.Database.EnsureCreatedAsync();
        }

        await db.Database.MigrateAsync();

        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(await DescribeAsync(fromModel), await DescribeAsync(database));
        var item = await db.Items.AsNoTracking().SingleAsync(i => i.ItemId == "OLD-1");
        Assert.Equal((7, 2, 5), (item.Total, item.Reserved, item.Available));
    }

    private static InventoryDbContext CreateContext(TestDatabase database) =>
        new(new DbContextOptionsBuilder<InventoryDbContext>().UseNpgsql(database.ConnectionString).Options);

    private static async Task<List<string>> DescribeAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(SchemaQuery, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}
