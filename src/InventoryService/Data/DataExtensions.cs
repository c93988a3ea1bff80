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
        // A statement ends by the server's statement_timeout before the client gives up on it, so a slow statement
        // reads as a timeout of this work (retried once, then split), not as a database that is away (held).
        var waits = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>()
            ?? new DatabaseOptions();
        builder.Services.AddDbContextPool<InventoryDbContext>(options =>
            options.UseNpgsql(connectionString, npgsql => npgsql.CommandTimeout(waits.CommandTimeoutSeconds)));
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.LockTimeout < o.StatementTimeout,
                "Database:LockTimeout must be shorter than Database:StatementTimeout"
                + " (a lock wait is part of a statement).")
            .ValidateOnStart();
        builder.Services.AddSingleton<DatabaseRetry>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthTags.Ready]);
        return builder;
    }

    /// <summary>Applies pending migrations, waiting for the database to come up.</summary>
    public static async Task InitializeDatabaseAsync(this IHost app, CancellationToken cancellationToken = default)
    {
        var logger = app.Services.GetRequiredService<ILogger<InventoryDbContext>>();
        var untilReachable = ExponentialRetry.Create(
            (e, _) => e is NpgsqlException npgsql && (npgsql.IsTransient || npgsql.InnerException is System.Net.Sockets.SocketException),
            attempts: 8, delay: TimeSpan.FromMilliseconds(500), maxDelay: TimeSpan.FromSeconds(10),
            (attempt, _, error) => Log.DatabaseNotReachable(logger, attempt, error?.Message ?? "unknown error"));

        await untilReachable.ExecuteAsync(async ct =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
            // EF Core reads the history table before creating it and logs that failure as an error on every empty
            // database (dotnet/efcore#35690, npgsql/efcore.pg#3407); created first, a first start logs none (the
            // provider tolerates another instance creating it at the same moment).
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
            await db.Database.MigrateAsync(ct);
            Log.Migrated(logger, (await db.Database.GetAppliedMigrationsAsync(ct)).LastOrDefault() ?? "none");
        }, cancellationToken);
    }
}
