using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Reservations;
using BookingSystem.InventoryService.Stock;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BookingSystem.InventoryService.IntegrationTests.Infrastructure;

/// <summary>
/// The real InventoryService (Program) in-process against its own fresh PostgreSQL database, migrated by the
/// service's own start-up code. Time is a <see cref="FakeTimeProvider"/>. Use one per test class (IClassFixture).
/// </summary>
public class InventoryApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly bool _ownsDatabase;
    private readonly IReadOnlyList<KeyValuePair<string, string?>> _extraSettings = [];
    private TestDatabase? _database;

    public InventoryApiFactory()
    {
        _ownsDatabase = true;
    }

    /// <summary>A host on a database someone else owns (several hosts = several service instances).</summary>
    internal InventoryApiFactory(TestDatabase database, FakeTimeProvider time, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        _database = database;
        Time = time;
        _extraSettings = settings.ToList();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    public TestDatabase Database => _database ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Overrides for the service's configuration (section:key), applied on top of appsettings.json.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    public async Task InitializeAsync()
    {
        _database ??= await TestDatabase.CreateAsync(GetType().Name);
        _ = Server; // starts the host, which migrates the database
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase && _database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    public async Task<InventoryItem> CreateItemAsync(int total, string? prefix = null, string location = InventoryItem.DefaultLocation, int lowStockThreshold = 2)
    {
        await using var scope = Scope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        var now = Time.GetUtcNow();
        var item = new InventoryItem
        {
            ItemId = $"{prefix ?? "ITEM"}-{Guid.NewGuid():N}"[..32],
            Name = "Test item",
            Location = location,
            Total = total,
            LowStockThreshold = lowStockThreshold,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Items.Add(item);
        await db.SaveChangesAsync();
        return item;
    }

    /// <summary>An item's counters next to the sum of its lines in reservations that hold stock (the two must agree).</summary>
    public async Task<(int Reserved, int Total, int ActiveLines)> CountersAsync(string itemId)
    {
        await using var scope = Scope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        var item = await db.Items.AsNoTracking().SingleAsync(i => i.ItemId == itemId);
        var active = await db.Reservations
            .Where(r => r.Status == ReservationStatus.Reserved || r.Status == ReservationStatus.Confirmed)
            .SelectMany(r => r.Lines)
            .Where(l => l.ItemId == itemId)
            .SumAsync(l => l.Quantity);
        return (item.Reserved, item.Total, active);
    }

    /// <summary>A client with a plain user's token for <paramref name="subject"/> (no role), for the rules about whose reservation is whose.</summary>
    public HttpClient CreateUserClient(string subject)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.User(subject));
        return client;
    }

    /// <summary>Clients act as an admin, so they reach every endpoint; authorization itself is tested end to end (ApiGateway.Tests).</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.Admin());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Inventory", Database.ConnectionString);
        builder.UseSetting("Seed:Enabled", "false");
        builder.UseSetting("Jwt:SigningKey", TestTokens.SigningKey);
        // HTTP-only fixtures run without a broker; MessagingFactory turns it on with a virtual host of its own.
        builder.UseSetting("RabbitMq:Enabled", "false");
        foreach (var (key, value) in Settings.Concat(_extraSettings))
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time)));
    }
}
