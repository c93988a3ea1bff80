using System.Security.Cryptography;
using System.Text.RegularExpressions;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.Observability;

/// <summary>
/// The first start on an empty database (migrations, seeding, broker topology) logs no error: operators alert on
/// errors, and a false one at every fresh start teaches them to ignore the real ones.
/// </summary>
public sealed partial class CleanStartTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private TestVirtualHost _vhost = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(nameof(CleanStartTests));
        _vhost = await TestVirtualHost.CreateAsync("cleanstart");
    }

    public async Task DisposeAsync()
    {
        await _vhost.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_first_start_on_an_empty_database_migrates_seeds_consumes_and_logs_no_error()
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Inventory"] = _database.ConnectionString,
            ["Jwt__SigningKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            ["Seed__Enabled"] = "true",
        };
        foreach (var (key, value) in TestEnvironment.RabbitMqSettings(_vhost.Name))
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        await using var service = AppProcess.Start("inventory", "BookingSystem.InventoryService", settings, TestEnvironment.FreePort());
        // Waiting on /health/messaging would log the test's own early polls: it answers 503 (an error, by design)
        // until the consumers are up. So: ready (migrated), every consumer consuming, then healthy once.
        await service.WaitUntilOkAsync("/health/ready", TimeSpan.FromSeconds(60));
        foreach (var (queue, _) in EventCatalog.ConsumerQueues)
        {
            Assert.True(await service.WaitForOutputAsync("Consuming " + queue, TimeSpan.FromSeconds(60)), "not consuming " + queue);
        }

        await service.WaitUntilOkAsync("/health/messaging", TimeSpan.FromSeconds(10));
        await service.TerminateAsync(TimeSpan.FromSeconds(15));

        Assert.Contains("Database schema is at migration", service.Output, StringComparison.Ordinal);
        var errors = ErrorLine().Matches(service.Output).Select(m => service.Output[m.Index..].Split('\n', 2)[0]).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    /// <summary>A console line at error or fatal level (<c>[12:00:00 ERR] ...</c>).</summary>
    [GeneratedRegex(@"^\[\d\d:\d\d:\d\d (ERR|FTL)\]", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();
}
