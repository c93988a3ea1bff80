using BookingSystem.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace BookingSystem.InventoryService.Data;

public static class DataExtensions
{
    public const string ConnectionStringName = "Inventory";

    public static IHostApplicationBuilder AddInventoryData(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not configured (environment variable ConnectionStrings__{ConnectionStringName}).");
        }

        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        DevelopmentPasswords.EnsureNotPublic(builder.Environment, $"ConnectionStrings:{ConnectionStringName}", settings.Host, settings.Password);
        builder.Services.AddDbContextPool<InventoryDbContext>(options => options.UseNpgsql(connectionString));
        builder.Services.AddSingleton<DatabaseRetry>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthTags.Ready]);
        return builder;
    }

    /// <summary>Applies pending migrations, waiting for the database to come up.</summary>
    public static async Task InitializeDatabaseAsync(this IHost app, CancellationToken cancellationToken = default)
    {
        var logger = app.Services.GetRequiredService<ILogger<InventoryDbContext>>();
        var untilReachable = ExponentialRetry.Create(
            e => e is NpgsqlException npgsql && (npgsql.IsTransient || npgsql.InnerException is System.Net.Sockets.SocketException),
            attempts: 8, delay: TimeSpan.FromMilliseconds(500), maxDelay: TimeSpan.FromSeconds(10),
            (attempt, _, error) => Log.DatabaseNotReachable(logger, attempt, error?.Message ?? "unknown error"));

        await untilReachable.ExecuteAsync(async ct =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
            await CreateMigrationHistoryAsync(db, ct);
            await db.Database.MigrateAsync(ct);
            Log.Migrated(logger, (await db.Database.GetAppliedMigrationsAsync(ct)).LastOrDefault() ?? "none");
        }, cancellationToken);
    }

    /// <summary>
    /// EF Core reads the migration history table before it creates it and logs that failure as an error on every empty
    /// database (dotnet/efcore#35690, npgsql/efcore.pg#3407): operators would learn to ignore errors at start. The table is
    /// created first (idempotent), so a first start logs none.
    /// </summary>
    private static async Task CreateMigrationHistoryAsync(InventoryDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
        {
            // Another instance created it at the same moment (concurrent CREATE TABLE IF NOT EXISTS): it is there.
        }
    }
}
