using BookingSystem.InventoryService.Data;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Stock;

public static class StockExtensions
{
    public static IHostApplicationBuilder AddStock(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<StockService>();
        builder.Services.AddOptions<NightlyOptions>().BindConfiguration(NightlyOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ItemCatalogue>();
        builder.Services.AddSingleton<StayRules>();
        builder.Services.AddScoped<Calendar>();
        builder.Services.AddHostedService<CalendarHorizonJob>();
        return builder;
    }

    /// <summary>
    /// Seeds the demo rooms and room types when <see cref="SeedOptions.Enabled"/> (Development); run after the
    /// migrations.
    /// </summary>
    public static async Task SeedStockAsync(this IHost app, CancellationToken cancellationToken = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var seed = scope.ServiceProvider.GetRequiredService<IOptions<SeedOptions>>().Value;
        if (!seed.Enabled)
        {
            return;
        }

        var logger = scope.ServiceProvider.GetRequiredService<ILogger<SeedOptions>>();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var added = await DevelopmentSeeder.SeedAsync(db, seed.ItemCount, time, cancellationToken);
        added += await DevelopmentSeeder.SeedRoomTypesAsync(scope.ServiceProvider.GetRequiredService<Calendar>(),
            scope.ServiceProvider.GetRequiredService<IOptions<NightlyOptions>>().Value.DefaultTimeZone, time,
            cancellationToken);
        if (added > 0)
        {
            Log.Seeded(logger, added);
        }
        else
        {
            Log.SeedSkipped(logger, seed.ItemCount);
        }
    }
}
