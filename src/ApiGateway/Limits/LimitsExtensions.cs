using System.Globalization;
using System.Threading.RateLimiting;
using BookingSystem.ApiGateway.Observability;
using BookingSystem.Security;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace BookingSystem.ApiGateway.Limits;

public static class LimitsExtensions
{
    /// <summary>One rate limiter per client for all routes; a client over its limit gets 429 with <c>Retry-After</c>.</summary>
    public static IHostApplicationBuilder AddGatewayLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, limits) =>
        {
            var options = limits.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(ClientOf(http), options));
            limiter.OnRejected = (context, _) => RejectAsync(context, options);
        });
        return builder;
    }

    /// <summary>Authenticated callers are limited by subject (wherever they come from), anonymous ones by address.</summary>
    public static string ClientOf(HttpContext http) =>
        BookingTokens.Subject(http.User) is { } subject ? "sub:" + subject : "ip:" + http.Connection.RemoteIpAddress;

    private static RateLimitPartition<string> Partition(string client, RateLimitOptions options) =>
        options.Algorithm == RateLimitAlgorithm.TokenBucket
            ? RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.PermitLimit,
                TokensPerPeriod = options.TokensPerPeriod,
                ReplenishmentPeriod = options.Window,
                QueueLimit = options.QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.PermitLimit,
                Window = options.Window,
                QueueLimit = options.QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });

    private static async ValueTask RejectAsync(OnRejectedContext context, RateLimitOptions options)
    {
        var http = context.HttpContext;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : options.Window;
        var seconds = (int)Math.Max(1, Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        Log.RateLimited(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LimitsExtensions)),
            ClientOf(http), http.Request.Method, http.Request.Path, seconds);
        await GatewayProblems.WriteAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"The rate limit for this client is reached; retry after {seconds} s.");
    }
}
