using Yarp.ReverseProxy.Forwarder;

namespace BookingSystem.ApiGateway.Observability;

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Forwarding {Method} {Path} to cluster {ClusterId} failed ({Error}: {Reason}); answered {StatusCode}")]
    public static partial void ForwardingFailed(ILogger logger, string method, string path, string? clusterId, ForwarderError error, string reason, int statusCode);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Rate limit reached for {Client} on {Method} {Path}; retry after {RetryAfterSeconds} s")]
    public static partial void RateLimited(ILogger logger, string client, string method, string path, int retryAfterSeconds);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Refused {Method} {Path}: body of {ContentLength} bytes exceeds {Limit}")]
    public static partial void BodyTooLarge(ILogger logger, string method, string path, long contentLength, long limit);
}
