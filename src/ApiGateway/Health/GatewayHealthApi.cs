using BookingSystem.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace BookingSystem.ApiGateway.Health;

public sealed record DestinationHealthReport(string DestinationId, string Active, string Passive);

public sealed record ClusterHealthReport(string ClusterId, string Status, int AvailableDestinations, IReadOnlyList<DestinationHealthReport> Destinations);

public sealed record GatewayHealthReport(string Status, IReadOnlyList<ClusterHealthReport> Clusters);

public static class GatewayHealthApi
{
    public const string Healthy = "Healthy";
    public const string Degraded = "Degraded";
    public const string Unhealthy = "Unhealthy";

    /// <summary>
    /// <c>/health/live</c>: the gateway process answers. <c>/health</c>: the gateway and what it knows of each
    /// destination (YARP's active probes of <c>/health/ready</c> and passive observation of real traffic); 503 when
    /// a cluster has no destination left to send to. Destination addresses are not shown.
    /// </summary>
    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapLivenessEndpoint().DisableRateLimiting();
        endpoints.MapGet("/health", GetHealth).WithName("GatewayHealth").AllowAnonymous().DisableRateLimiting();
        return endpoints;
    }

    public static JsonHttpResult<GatewayHealthReport> GetHealth(IProxyStateLookup proxy)
    {
        var clusters = proxy.GetClusters().OrderBy(c => c.ClusterId, StringComparer.Ordinal).Select(Report).ToList();
        var status = clusters.Any(c => c.Status == Unhealthy) ? Unhealthy
            : clusters.Any(c => c.Status == Degraded) ? Degraded
            : Healthy;
        return TypedResults.Json(new GatewayHealthReport(status, clusters),
            statusCode: status == Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    private static ClusterHealthReport Report(ClusterState cluster)
    {
        var destinations = cluster.Destinations.Values
            .OrderBy(d => d.DestinationId, StringComparer.Ordinal)
            .Select(d => new DestinationHealthReport(d.DestinationId, d.Health.Active.ToString(), d.Health.Passive.ToString()))
            .ToList();
        var available = cluster.Destinations.Values.Count(d =>
            d.Health.Active != DestinationHealth.Unhealthy && d.Health.Passive != DestinationHealth.Unhealthy);
        var status = available == 0 ? Unhealthy : available < destinations.Count ? Degraded : Healthy;
        return new ClusterHealthReport(cluster.ClusterId, status, available, destinations);
    }
}
