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

    /// <summary>
    /// The event side: broker connections, consumers, outbox backlog. Reported at <c>/health/messaging</c> and
    /// alerted on, but not part of readiness: the HTTP API works while the broker is away (the outbox buffers).
    /// </summary>
    public const string Messaging = "messaging";
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
    /// The correlation id (every response, errors too, carries one), then one log event per request (which therefore
    /// has the correlation id), then errors as ProblemDetails: the request's log event sees the status the client
    /// gets (a body that fails binding is a 400 there, not the 500 of an exception passing by), while a real fault is
    /// logged with its stack trace by the exception handler and as a 500 by the request log.
    /// </summary>
    public static IApplicationBuilder UseServiceDefaults(this IApplicationBuilder app) => app
        .UseMiddleware<CorrelationIdMiddleware>()
        .UseBookingRequestLogging()
        .UseExceptionHandler()
        .UseStatusCodePages();

    /// <summary><c>/health/live</c> and <c>/health/ready</c>, anonymous, as JSON reports.</summary>
    public static IEndpointRouteBuilder MapDefaultEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapLivenessEndpoint();
        endpoints.MapHealthReport("/health/ready", HealthTags.Ready);
        return endpoints;
    }

    /// <summary><c>/health/live</c> alone, for a process whose readiness is a report of its own (the gateway's <c>/health</c>).</summary>
    public static IEndpointConventionBuilder MapLivenessEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHealthReport("/health/live", HealthTags.Live);

    /// <summary>An anonymous JSON report of the checks tagged <paramref name="tag"/>: 200 when healthy or degraded, 503 when unhealthy.</summary>
    public static IEndpointConventionBuilder MapHealthReport(this IEndpointRouteBuilder endpoints, string path, string tag) =>
        endpoints.MapHealthChecks(path, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(tag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();
}
