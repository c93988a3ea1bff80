using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using BookingSystem.Security;
using Microsoft.Extensions.Hosting;

namespace BookingSystem.ApiGateway.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndSystem>
{
    public const string Name = "end-to-end";
}

[CollectionDefinition(Name)]
public sealed class DevelopmentEndToEndCollection : ICollectionFixture<DevelopmentEndToEndSystem>
{
    public const string Name = "end-to-end (Development)";
}

/// <summary>The same system with every process in the Development environment, as eng/run.sh starts them.</summary>
public sealed class DevelopmentEndToEndSystem : EndToEndSystem
{
    public DevelopmentEndToEndSystem()
        : base(Environments.Development)
    {
    }
}

/// <summary>
/// The real programs as separate processes on free loopback ports: one InventoryService on its own throwaway
/// PostgreSQL database and RabbitMQ virtual host (the admin dead-letter routes need a broker), and three gateways
/// in front of it:
/// <see cref="Gateway"/> (generous rate limit), <see cref="LimitedGateway"/> (3 requests a minute per client) and
/// <see cref="OrphanGateway"/> (its only destination is a port nothing listens on). Tokens are signed with a key
/// made for this run. The processes run in the Production environment unless a subclass names another.
/// </summary>
public class EndToEndSystem : IAsyncLifetime
{
    public const string UserSubject = "e2e-user";
    public const string AdminSubject = "e2e-admin";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<AppProcess> _processes = [];
    private readonly string _environment;
    private TestDatabase? _database;
    private TestVirtualHost? _virtualHost;

    public EndToEndSystem()
        : this(Environments.Production)
    {
    }

    /// <summary>xunit builds a fixture through its only public constructor; other environments come from subclasses.</summary>
    protected EndToEndSystem(string environment) => _environment = environment;

    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>What the programs validate against: this run's key, the development issuer and audience.</summary>
    public JwtOptions Jwt { get; } = new()
    {
        Issuer = JwtOptions.DevelopmentIssuer,
        Audience = JwtOptions.DevelopmentAudience,
        SigningKey = NewKey(),
    };

    public AppProcess Service { get; private set; } = null!;

    public AppProcess Gateway { get; private set; } = null!;

    public AppProcess LimitedGateway { get; private set; } = null!;

    public AppProcess OrphanGateway { get; private set; } = null!;

    /// <summary>An item with plenty of stock that tests reserve single units of.</summary>
    public string SharedItemId { get; } = "E2E-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A nightly item (a room type) whose calendar tests read and change.</summary>
    public string SharedNightlyItemId { get; } = "E2E-NIGHT-" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("gateway_e2e");
        _virtualHost = await TestVirtualHost.CreateAsync("gateway-e2e");
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = _environment,
            ["ConnectionStrings__Inventory"] = _database.ConnectionString,
            ["Jwt__SigningKey"] = Jwt.SigningKey!,
            ["Seed__Enabled"] = "false",
            // One user makes every test's reservations here; the per-user hold cap has tests of its own (HoldCapTests).
            ["Reservations__MaxActiveHoldsPerUser"] = "100000",
        };
        foreach (var (key, value) in TestEnvironment.RabbitMqSettings(_virtualHost.Name))
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        Service = Track(AppProcess.Start("inventory", "BookingSystem.InventoryService", settings, TestEnvironment.FreePort()));
        OrphanGateway = Track(StartGateway("orphan gateway", $"http://127.0.0.1:{TestEnvironment.FreePort()}/", new()
        {
            ["ReverseProxy__Clusters__inventory__HealthCheck__Active__Interval"] = "00:00:01",
            ["ReverseProxy__Clusters__inventory__HealthCheck__Active__Timeout"] = "00:00:01",
        }));
        await Service.WaitUntilOkAsync("/health/ready", StartTimeout);

        var destination = Service.BaseAddress.ToString();
        Gateway = Track(StartGateway("gateway", destination, new() { ["RateLimiting__PermitLimit"] = "100000" }));
        LimitedGateway = Track(StartGateway("limited gateway", destination, new()
        {
            ["RateLimiting__PermitLimit"] = "3",
            ["RateLimiting__Window"] = "00:01:00",
        }));
        await Task.WhenAll(
            Gateway.WaitUntilOkAsync("/health", StartTimeout),
            LimitedGateway.WaitUntilOkAsync("/health", StartTimeout),
            OrphanGateway.WaitUntilOkAsync("/health/live", StartTimeout));

        using var created = await SendAsync(Service, HttpMethod.Post, "/api/inventory/items", Credential.Admin,
            new { itemId = SharedItemId, name = "End-to-end room", total = 100_000 });
        created.EnsureSuccessStatusCode();
        using var nightly = await SendAsync(Service, HttpMethod.Post, "/api/inventory/items", Credential.Admin,
            new { itemId = SharedNightlyItemId, name = "End-to-end room type", total = 10_000, kind = "Nightly" });
        nightly.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        Client.Dispose();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (_virtualHost is not null)
        {
            await _virtualHost.DisposeAsync();
        }
    }

    /// <summary>A token of the given kind, or null for <see cref="Credential.None"/>.</summary>
    public string? TokenFor(Credential credential)
    {
        var now = DateTimeOffset.UtcNow;
        string[] admin = [InventoryPolicies.AdminRole];
        return credential switch
        {
            Credential.None => null,
            Credential.Expired => BookingTokens.Create(Jwt, UserSubject, [], now.AddHours(-1), now.AddMinutes(-5)),
            Credential.WrongSignature => BookingTokens.Create(Variant(signingKey: NewKey()), AdminSubject, admin, now, now.AddMinutes(10)),
            Credential.WrongAudience => BookingTokens.Create(Variant(audience: "some-other-api"), AdminSubject, admin, now, now.AddMinutes(10)),
            Credential.WrongIssuer => BookingTokens.Create(Variant(issuer: "https://issuer.invalid"), AdminSubject, admin, now, now.AddMinutes(10)),
            Credential.User => BookingTokens.Create(Jwt, UserSubject, [], now, now.AddMinutes(10)),
            Credential.Admin => BookingTokens.Create(Jwt, AdminSubject, admin, now, now.AddMinutes(10)),
            _ => throw new ArgumentOutOfRangeException(nameof(credential)),
        };
    }

    public JwtOptions Variant(string? signingKey = null, string? audience = null, string? issuer = null) => new()
    {
        Issuer = issuer ?? Jwt.Issuer,
        Audience = audience ?? Jwt.Audience,
        SigningKey = signingKey ?? Jwt.SigningKey,
    };

    public static HttpRequestMessage Request(AppProcess target, HttpMethod method, string path, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(target.BaseAddress, path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Http.Json);
        }

        return request;
    }

    public async Task<HttpResponseMessage> SendAsync(AppProcess target, HttpMethod method, string path, Credential credential, object? body = null)
    {
        using var request = Request(target, method, path, TokenFor(credential), body);
        return await Client.SendAsync(request);
    }

    /// <summary>A reservation of one unit of the shared item, made directly at the service.</summary>
    public async Task<string> ReserveAsync(string prefix)
    {
        var bookingId = Routing.InventoryRoutes.UniqueId(prefix);
        using var response = await SendAsync(Service, HttpMethod.Post, "/api/inventory/reserve", Credential.User,
            new { bookingId, itemId = SharedItemId, quantity = 1 });
        response.EnsureSuccessStatusCode();
        return bookingId;
    }

    private AppProcess StartGateway(string name, string destination, Dictionary<string, string> settings)
    {
        settings["ASPNETCORE_ENVIRONMENT"] = _environment;
        settings["Jwt__SigningKey"] = Jwt.SigningKey!;
        settings["ReverseProxy__Clusters__inventory__Destinations__primary__Address"] = destination;
        return AppProcess.Start(name, "BookingSystem.ApiGateway", settings, TestEnvironment.FreePort());
    }

    private AppProcess Track(AppProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private static string NewKey() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
}
