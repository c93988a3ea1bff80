namespace BookingSystem.ApiGateway.Security;

/// <summary>
/// Headers for a JSON API that no browser should sniff, frame, or load anything for. Applied as the response
/// starts, so they hold for proxied responses and for the gateway's own errors alike.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            // Do not advertise the server software (the service's Kestrel header arrives with proxied responses).
            headers.Remove("Server");
            return Task.CompletedTask;
        });
        return next(http);
    }
}
