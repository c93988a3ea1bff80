using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace BookingSystem.InventoryService;

/// <summary>
/// The database and broker passwords of the repository's <c>.env</c> are public. Outside Development the service
/// refuses to start with one of them for a server that is not on this machine's loopback (where only
/// <c>eng/infra.sh</c>'s disposable servers use them): a deployment, such as docker compose, must set its own.
/// </summary>
public static class DevelopmentPasswords
{
    /// <summary>
    /// SHA-256 (hex) of <c>POSTGRES_PASSWORD</c>, <c>RABBITMQ_PASSWORD</c> and <c>RABBITMQ_SERVICE_PASSWORD</c> in
    /// <c>.env</c>; change them together (a test compares them with <c>.env</c>).
    /// </summary>
    public static readonly IReadOnlySet<string> Fingerprints = new HashSet<string>(StringComparer.Ordinal)
    {
        "72e770c8e09d974a350a07272065126b21ecdd342c7d0f1db0a99c8d73526f6b",
        "9671f19d29e4dc49f3bf07c3f1e9bc3684573b605fc2e2ad110560d563ed8e30",
        "25daa2dcf9a65286dc14f7688a898dc18518323305f91ce63878162e0a21d2ba",
    };

    public static bool IsPublic(string? password) =>
        !string.IsNullOrEmpty(password) && Fingerprints.Contains(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password))));

    /// <summary>Throws when, outside Development, <paramref name="password"/> is a public one for a server off loopback.</summary>
    /// <param name="setting">The setting to name in the message, e.g. <c>ConnectionStrings:Inventory</c>.</param>
    public static void EnsureNotPublic(IHostEnvironment environment, string setting, string? host, string? password)
    {
        if (!environment.IsDevelopment() && IsPublic(password) && !IsLoopback(host))
        {
            throw new InvalidOperationException(
                $"{setting} uses a public development password from the repository's .env for the server '{host}'; outside " +
                "Development set a password of your own (for docker compose: POSTGRES_PASSWORD, RABBITMQ_PASSWORD, RABBITMQ_SERVICE_PASSWORD).");
        }
    }

    /// <summary>localhost, 127.0.0.0/8, ::1, or a Unix socket directory.</summary>
    public static bool IsLoopback(string? host) =>
        host is not null && (host.StartsWith('/') || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address)));
}
