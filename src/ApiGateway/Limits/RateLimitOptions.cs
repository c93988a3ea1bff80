using System.ComponentModel.DataAnnotations;

namespace BookingSystem.ApiGateway.Limits;

public enum RateLimitAlgorithm
{
    /// <summary><see cref="RateLimitOptions.PermitLimit"/> requests per <see cref="RateLimitOptions.Window"/>.</summary>
    FixedWindow,

    /// <summary>
    /// Bursts up to <see cref="RateLimitOptions.PermitLimit"/>, refilled by <see cref="RateLimitOptions.TokensPerPeriod"/>
    /// every <see cref="RateLimitOptions.Window"/>.
    /// </summary>
    TokenBucket,
}

/// <summary>Requests each client may make (the <c>RateLimiting</c> section). A client is its token's subject, else its IP address.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimiting";

    public RateLimitAlgorithm Algorithm { get; set; } = RateLimitAlgorithm.FixedWindow;

    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    [Range(1, 1_000_000)]
    public int TokensPerPeriod { get; set; } = 100;

    /// <summary>Requests that wait for a permit instead of getting 429 at once.</summary>
    [Range(0, 10_000)]
    public int QueueLimit { get; set; }
}
