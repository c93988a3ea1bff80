using System.ComponentModel.DataAnnotations;

namespace BookingSystem.ApiGateway;

/// <summary>The gateway's own limits and its connections to destinations (the <c>Gateway</c> section).</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Largest request body accepted; larger ones get 413 before anything is forwarded.</summary>
    [Range(1, 100 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How long to wait for a TCP connection to a destination: a dead one fails fast instead of hanging.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Connections are renewed this often, so a destination named by DNS (compose's <c>inventory</c> with several
    /// replicas) is resolved again and new replicas get traffic.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(1);
}
