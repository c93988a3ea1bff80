using BookingSystem.ApiGateway.Limits;
using BookingSystem.ApiGateway.Security;
using BookingSystem.ServiceDefaults;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace BookingSystem.ApiGateway;

public static class GatewayExtensions
{
    public const int DefaultPort = 5000;

    /// <summary>
    /// Listens where the host is told (ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS as in the container images, --urls),
    /// otherwise on localhost at GATEWAY_PORT, the port the repository's .env gives the gateway. Errors are
    /// ProblemDetails (AddServiceDefaults); Kestrel enforces the body limit on bodies without a Content-Length and names no server.
    /// </summary>
    public static WebApplicationBuilder AddGatewayHosting(this WebApplicationBuilder builder)
    {
        string[] hostSettings = ["urls", "http_ports", "https_ports"];
        if (hostSettings.All(key => string.IsNullOrEmpty(builder.Configuration[key])))
        {
            builder.WebHost.UseUrls($"http://localhost:{builder.Configuration.GetValue("GATEWAY_PORT", DefaultPort)}");
        }

        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayOptions>>((kestrel, gateway) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = gateway.Value.MaxRequestBodyBytes;
        });
        return builder;
    }

    /// <summary>
    /// The order matters: every response (errors included) gets a correlation id and the security headers; bodies
    /// too large are refused before anything reads them; the rate limiter sees who the caller is (authentication)
    /// and runs before authorization, so floods of bad tokens are limited too.
    /// </summary>
    public static WebApplication UseGatewayPipeline(this WebApplication app)
    {
        app.UseServiceDefaults();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }
}
