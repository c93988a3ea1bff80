using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace BookingSystem.ServiceDefaults;

/// <summary>Tags that decide which health endpoint runs a check.</summary>
public static class HealthTags
{
    /// <summary>The process answers: <c>/health/live</c>.</summary>
    public const string Live = "live";

    /// <summary>The process can serve its traffic: <c>/health/ready</c> (what a load balancer or the gateway probes).</summary>
    public const string Ready = "ready";
}

/// <summary>
/// The cross-process concerns every process of the system shares, wired once: the clock, logging (console and
/// Seq), traces and metrics (OpenTelemetry), ProblemDetails, health endpoints and the correlation id.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <param name="processName">Shown on every console line (gateway, inventory).</param>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string processName)
    {
        builder.AddBookingLogging(processName);
        builder.AddBookingTelemetry(processName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks().AddCheck("process", () => HealthCheckResult.Healthy("The process answers."), [HealthTags.Live]);
        return builder;
    }

    /// <summary>
    /// Errors as ProblemDetails, then the correlation id (every response, errors too, carries one), then one log
    /// event per request, which therefore has the correlation id.
    /// </summary>
    public static IApplicationBuilder UseServiceDefaults(this IApplicationBuilder app) => app
        .UseExceptionHandler()
        .UseStatusCodePages()
        .UseMiddleware<CorrelationIdMiddleware>()
        .UseBookingRequestLogging();

    /// <summary><c>/health/live</c> and <c>/health/ready</c>, anonymous, as JSON reports.</summary>
    public static IEndpointRouteBuilder MapDefaultEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapLivenessEndpoint();
        endpoints.MapHealthChecks("/health/ready", Report(HealthTags.Ready)).AllowAnonymous();
        return endpoints;
    }

    /// <summary><c>/health/live</c> alone, for a process whose readiness is a report of its own (the gateway's <c>/health</c>).</summary>
    public static IEndpointConventionBuilder MapLivenessEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHealthChecks("/health/live", Report(HealthTags.Live)).AllowAnonymous();

    private static HealthCheckOptions Report(string tag) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResponseWriter = HealthReportWriter.WriteAsync,
    };
}
