namespace BookingSystem.InventoryService.IntegrationTests.Infrastructure;

/// <summary>
/// Where the PostgreSQL that <c>eng/infra.sh up</c> started listens: the repository's <c>.env</c>, overridden by
/// environment variables of the same names (eng/test.sh exports them).
/// </summary>
public static class TestEnvironment
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> DotEnv = new(LoadDotEnv);

    public static string Get(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value
        : DotEnv.Value.TryGetValue(name, out var fromFile) ? fromFile
        : throw new InvalidOperationException($"{name} is set neither in the environment nor in .env; run ./eng/test.sh.");

    public static string PostgresConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Get("POSTGRES_PORT")};Database={database};Username={Get("POSTGRES_USER")};Password={Get("POSTGRES_PASSWORD")};" +
        "Maximum Pool Size=40;Timeout=30;Command Timeout=60";

    /// <summary>The service's RabbitMq settings for a virtual host on a broker eng/infra.sh started (by default its single node).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> RabbitMqSettings(string virtualHost, Broker? broker = null) =>
    [
        new("RabbitMq:Enabled", "true"),
        new("RabbitMq:Host", "127.0.0.1"),
        new("RabbitMq:Port", (broker ?? Broker.Single).AmqpPorts[0].ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("RabbitMq:Endpoints", broker is { Clustered: true } ? broker.EndpointsSetting : ""),
        new("RabbitMq:VirtualHost", virtualHost),
        // The service's own account (no management tags), as eng/run.sh gives it.
        new("RabbitMq:UserName", Get("RABBITMQ_SERVICE_USER")),
        new("RabbitMq:Password", Get("RABBITMQ_SERVICE_PASSWORD")),
    ];

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BookingSystem.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("BookingSystem.sln not found above " + AppContext.BaseDirectory);
    }

    private static Dictionary<string, string> LoadDotEnv()
    {
        var path = Path.Combine(RepositoryRoot(), ".env");
        return File.ReadAllLines(path)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#') && line.Contains('='))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim().Trim('"'), StringComparer.Ordinal);
    }
}
