using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace BookingSystem.ApiGateway.Proxy;

/// <summary>
/// YARP's client per cluster, with the two settings its configuration does not offer: a connect timeout (a
/// destination that does not accept connections fails in seconds, not minutes) and a connection lifetime (DNS is
/// resolved again, so replicas behind one name share the load).
/// </summary>
public sealed class GatewayHttpClientFactory(IOptions<GatewayOptions> options) : ForwarderHttpClientFactory
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectTimeout = options.Value.ConnectTimeout;
        handler.PooledConnectionLifetime = options.Value.PooledConnectionLifetime;
    }
}
