using System.Security.Cryptography;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using BookingSystem.Security;

namespace BookingSystem.ApiGateway.Tests.Observability;

/// <summary>
/// The gateway and an InventoryService with messaging on (its own database and RabbitMQ virtual host) as real
/// processes, both sending logs and traces to a <see cref="FakeSeq"/> with an API key. Holds last two seconds and
/// the sweeper runs twice a second, so a booking's whole story (consumed, reserved, published, expired, published)
/// takes a few seconds. Use <see cref="StartAsync"/> per test class.
/// </summary>
public sealed class ObservedSystem : IAsyncDisposable
{
    public const string ApiKey = "fake-seq-api-key";
    public const string UserSubject = "observed-user";
    private readonly List<IAsyncDisposable> _owned = [];

    private ObservedSystem(string seqUrl)
    {
        SeqUrl = seqUrl;
    }

    public JwtOptions Jwt { get; } = new()
    {
        Issuer = JwtOptions.DevelopmentIssuer,
        Audience = JwtOptions.DevelopmentAudience,
        SigningKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
    };

    /// <summary>Where both processes send logs and traces (a closed port when the test wants Seq away).</summary>
    public string SeqUrl { get; }

    public AppProcess Service { get; private set; } = null!;

    public AppProcess Gateway { get; private set; } = null!;

    public EventProbe Probe { get; private set; } = null!;

    public static async Task<ObservedSystem> StartAsync(string seqUrl)
    {
        var system = new ObservedSystem(seqUrl);
        try
        {
            await system.InitializeAsync();
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    public string UserToken() => BookingTokens.Create(Jwt, UserSubject, [], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(10));

    public string AdminToken() =>
        BookingTokens.Create(Jwt, "observed-admin", [InventoryPolicies.AdminRole], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(10));

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
    }

    private async Task InitializeAsync()
    {
        var database = Own(await TestDatabase.CreateAsync("observability"));
        var vhost = Own(await TestVirtualHost.CreateAsync("observability"));
        Probe = Own(await EventProbe.StartAsync(vhost));
        var telemetry = new Dictionary<string, string>
        {
            ["Jwt__SigningKey"] = Jwt.SigningKey!,
            ["Seq__ServerUrl"] = SeqUrl,
            ["Seq__ApiKey"] = ApiKey,
            // Export spans every 200 ms instead of every 5 s, so the tests need not wait long.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        };
        var service = new Dictionary<string, string>(telemetry)
        {
            ["ConnectionStrings__Inventory"] = database.ConnectionString,
            ["Seed__Enabled"] = "false",
            ["Reservations__DefaultHold"] = "00:00:02",
            ["Reservations__SweepInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in TestEnvironment.RabbitMqSettings(vhost.Name))
        {
            service[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        Service = Own(AppProcess.Start("inventory", "BookingSystem.InventoryService", service, TestEnvironment.FreePort()));
        await Service.WaitUntilOkAsync("/health/ready", TimeSpan.FromSeconds(60));
        Gateway = Own(AppProcess.Start("gateway", "BookingSystem.ApiGateway", new Dictionary<string, string>(telemetry)
        {
            ["ReverseProxy__Clusters__inventory__Destinations__primary__Address"] = Service.BaseAddress.ToString(),
        }, TestEnvironment.FreePort()));
        await Gateway.WaitUntilOkAsync("/health", TimeSpan.FromSeconds(60));
    }

    private T Own<T>(T resource) where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }
}
