using System.Diagnostics;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.Deployment;

/// <summary>
/// docker-compose.yml is checked with Debian's docker-compose (1.29), which validates a file without a Docker
/// engine. It reads the repository's .env like `docker compose up` does.
/// </summary>
public sealed class DockerComposeTests
{
    [Fact]
    public async Task The_compose_file_is_valid_with_the_repository_env()
    {
        var (exitCode, output) = await DockerComposeAsync("config", "-q");

        Assert.True(exitCode == 0, $"docker-compose config -q failed:{Environment.NewLine}{output}");
    }

    [Fact]
    public async Task The_compose_file_runs_the_whole_system_with_named_volumes()
    {
        var (servicesExit, services) = await DockerComposeAsync("config", "--services");
        var (volumesExit, volumes) = await DockerComposeAsync("config", "--volumes");

        Assert.Equal((0, 0), (servicesExit, volumesExit));
        Assert.Equal(["gateway", "inventory", "postgres", "preflight", "rabbitmq", "rabbitmq-accounts", "seq"], Lines(services).Order(StringComparer.Ordinal));
        Assert.Equal(["postgres-data", "rabbitmq-data", "seq-data"], Lines(volumes).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_inventory_service_can_be_scaled_no_fixed_name_or_host_port()
    {
        var (exitCode, config) = await DockerComposeAsync("config");

        Assert.Equal(0, exitCode);
        var inventory = ServiceBlock(config, "inventory");
        Assert.DoesNotContain("container_name:", inventory, StringComparison.Ordinal);
        Assert.DoesNotContain("ports:", inventory, StringComparison.Ordinal);
        Assert.Contains("condition: service_healthy", inventory, StringComparison.Ordinal);
        Assert.Contains("http://inventory:8080/", ServiceBlock(config, "gateway"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_service_uses_its_own_broker_account_not_the_administrator()
    {
        var (exitCode, config) = await DockerComposeAsync("config");
        var env = DotEnv();

        Assert.Equal(0, exitCode);
        var inventory = ServiceBlock(config, "inventory");
        Assert.Contains($"RabbitMq__UserName: {env["RABBITMQ_SERVICE_USER"]}", inventory, StringComparison.Ordinal);
        Assert.DoesNotContain($"RabbitMq__UserName: {env["RABBITMQ_USER"]}", inventory, StringComparison.Ordinal);
        Assert.Contains("condition: service_completed_successfully", inventory, StringComparison.Ordinal);
        var accounts = ServiceBlock(config, "rabbitmq-accounts");
        Assert.Contains(@"\""tags\"": \""\""", accounts, StringComparison.Ordinal); // no management tags
        Assert.Contains("api/permissions/", accounts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_starts_before_the_preflight_has_passed()
    {
        var (exitCode, config) = await DockerComposeAsync("config");

        Assert.Equal(0, exitCode);
        Assert.Contains("/preflight.sh", ServiceBlock(config, "preflight"), StringComparison.Ordinal);
        foreach (var service in new[] { "postgres", "rabbitmq", "seq" }) // the others wait for these
        {
            Assert.Matches(@"depends_on:\n(\s+\S+:\n\s+condition: \S+\n)*\s+preflight:\n\s+condition: service_completed_successfully", ServiceBlock(config, service) + "\n");
        }
    }

    /// <summary>
    /// In busybox's sh with only busybox's applets on the PATH, as in the curl image the preflight runs in (Debian's
    /// busybox package; eng/test.sh installs it).
    /// </summary>
    [Fact]
    public async Task The_preflight_refuses_every_public_development_secret_of_env_by_name_and_passes_values_of_ones_own()
    {
        string[] secrets = ["POSTGRES_PASSWORD", "RABBITMQ_PASSWORD", "RABBITMQ_SERVICE_PASSWORD", "SEQ_ADMIN_PASSWORD", "JWT_SIGNING_KEY"];
        var script = Path.Combine(TestEnvironment.RepositoryRoot(), "eng", "compose-preflight.sh");
        var busybox = FindOnPath("busybox") ?? throw new InvalidOperationException("busybox is not installed: apt-get install -y busybox (eng/test.sh installs it).");
        var applets = Directory.CreateTempSubdirectory("busybox-applets-");
        try
        {
            var (installExit, installOutput) = await RunAsync(busybox, ["--install", "-s", applets.FullName]);
            Assert.True(installExit == 0, installOutput);
            Task<(int ExitCode, string Output)> Preflight(Func<string, string> value) =>
                RunAsync(busybox, ["sh", script], secrets.ToDictionary(s => s, s => (string?)value(s)).Append(new("PATH", applets.FullName)).ToDictionary());

            var (publicExit, publicOutput) = await Preflight(s => DotEnv()[s]);
            var (mixedExit, mixedOutput) = await Preflight(s => s == "SEQ_ADMIN_PASSWORD" ? DotEnv()[s] : Guid.NewGuid().ToString("N"));
            var (ownExit, ownOutput) = await Preflight(_ => Guid.NewGuid().ToString("N"));

            Assert.Equal(1, publicExit);
            Assert.All(secrets, secret => Assert.Contains(secret, publicOutput, StringComparison.Ordinal));
            Assert.Equal(1, mixedExit);
            Assert.Contains("from .env: SEQ_ADMIN_PASSWORD.", mixedOutput, StringComparison.Ordinal);
            Assert.True(ownExit == 0, ownOutput);
            Assert.All(secrets, secret => Assert.DoesNotContain(DotEnv()[secret], publicOutput, StringComparison.Ordinal)); // names, never values
        }
        finally
        {
            applets.Delete(recursive: true);
        }
    }

    private static readonly Lazy<Dictionary<string, string>> DotEnvValues = new(() =>
        File.ReadAllLines(Path.Combine(TestEnvironment.RepositoryRoot(), ".env"))
            .Where(line => line.Contains('=', StringComparison.Ordinal) && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim(), StringComparer.Ordinal));

    private static Dictionary<string, string> DotEnv() => DotEnvValues.Value;

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The lines of one service in `docker-compose config` output (two-space indented YAML).</summary>
    private static string ServiceBlock(string config, string service)
    {
        var lines = config.Split('\n');
        var start = Array.IndexOf(lines, $"  {service}:");
        Assert.True(start >= 0, $"service {service} not found in:{Environment.NewLine}{config}");
        var block = lines.Skip(start + 1).TakeWhile(line => line.StartsWith("    ", StringComparison.Ordinal) || line.Length == 0);
        return string.Join('\n', block);
    }

    private static Task<(int ExitCode, string Output)> DockerComposeAsync(params string[] arguments) =>
        RunAsync(FindOnPath("docker-compose")
            ?? throw new InvalidOperationException(
                "docker-compose is not installed. It validates docker-compose.yml without a Docker engine: " +
                "apt-get install -y docker-compose (Debian package 'docker-compose'; eng/test.sh installs it)."),
            arguments);

    private static async Task<(int ExitCode, string Output)> RunAsync(
        string executable, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = TestEnvironment.RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
