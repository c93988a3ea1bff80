using Yarp.ReverseProxy.Forwarder;

namespace BookingSystem.ApiGateway.Proxy;

public static class ProxyExtensions
{
    public const string SectionName = "ReverseProxy";

    /// <summary>
    /// YARP with routes and clusters from the <c>ReverseProxy</c> section: one route per method and path with its
    /// authorization policy, and a cluster per service whose destinations are probed on their readiness endpoint.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection(SectionName));
        builder.Services.AddSingleton<IForwarderHttpClientFactory, GatewayHttpClientFactory>();
        return builder;
    }

    public static IEndpointRouteBuilder MapGatewayProxy(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<ForwarderErrorsMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return endpoints;
    }
}
