using BookingSystem.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using System.Globalization;
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
            options.UseNpgsql(WithWaitBounds(connectionString, waits),
                npgsql => npgsql.CommandTimeout(waits.CommandTimeoutSeconds)));
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

    /// <summary>
    /// The bounds of <see cref="DatabaseOptions"/> as startup options of every session (<c>-c lock_timeout=...</c>):
    /// they
    /// cost no statement per transaction, hold for reads as for writes, and survive the reset of a pooled connection.
    /// </summary>
    private static string WithWaitBounds(string connectionString, DatabaseOptions waits)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var bounds = string.Create(CultureInfo.InvariantCulture,
            $"-c lock_timeout={(long)waits.LockTimeout.TotalMilliseconds} " +
            $"-c statement_timeout={(long)waits.StatementTimeout.TotalMilliseconds}");
        settings.Options = string.IsNullOrWhiteSpace(settings.Options) ? bounds : settings.Options + " " + bounds;
        return settings.ConnectionString;
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
            // A migration may rewrite a large table or wait for a lock longer than the service's work ever should:
            // on the connection it runs on, neither bound applies.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("SET lock_timeout = 0; SET statement_timeout = 0", ct);
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
            await db.Database.MigrateAsync(ct);
            await db.Database.CloseConnectionAsync();
            Log.Migrated(logger, (await db.Database.GetAppliedMigrationsAsync(ct)).LastOrDefault() ?? "none");
        }, cancellationToken);
    }
}
