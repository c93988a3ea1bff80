using Yarp.ReverseProxy.Model;

namespace BookingSystem.ApiGateway.Security;

/// <summary>
/// Headers for a JSON API that no browser should sniff, frame, or load anything for. Applied as the response
/// starts, so they hold for proxied responses and for the gateway's own errors alike. A route that serves a page
/// (the API reference) names the sources that page needs in its <see cref="ContentSecurityPolicyMetadata"/>.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>Route metadata key (<c>ReverseProxy:Routes:NAME:Metadata</c>) whose value replaces the default policy.</summary>
    public const string ContentSecurityPolicyMetadata = "ContentSecurityPolicy";

    public const string DefaultContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = ContentSecurityPolicy(http);
            // Do not advertise the server software (the service's Kestrel header arrives with proxied responses).
            headers.Remove("Server");
            return Task.CompletedTask;
        });
        return next(http);
    }

    private static string ContentSecurityPolicy(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.Metadata?.GetValueOrDefault(ContentSecurityPolicyMetadata)
        ?? DefaultContentSecurityPolicy;
}
