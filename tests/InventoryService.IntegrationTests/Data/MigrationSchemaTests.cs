using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace BookingSystem.InventoryService.IntegrationTests.Data;

/// <summary>
/// The migrations are written by hand (no EF Design package here). This proves that applying them gives exactly
/// the schema the EF model creates by itself: same columns, types, defaults, constraints and indexes.
/// </summary>
public sealed class MigrationSchemaTests
{
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

    private static InventoryDbContext CreateContext(TestDatabase database) =>
        new(new DbContextOptionsBuilder<InventoryDbContext>()
            .UseNpgsql(database.ConnectionString)
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning))
            .Options);

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
