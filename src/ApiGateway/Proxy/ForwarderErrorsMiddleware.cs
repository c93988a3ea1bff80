using BookingSystem.ApiGateway.Observability;
using Microsoft.AspNetCore.Diagnostics;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace BookingSystem.ApiGateway.Proxy;

/// <summary>
/// First step of the proxy pipeline. Responses from a destination pass through unchanged (status code pages are
/// off for them); when forwarding itself fails, the empty 502/503/504 YARP leaves becomes a ProblemDetails body
/// that says what happened without exception details, and the failure is logged.
/// </summary>
public sealed class ForwarderErrorsMiddleware(RequestDelegate next, ILogger<ForwarderErrorsMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }

        await next(http);

        if (http.GetForwarderErrorFeature() is not { } failure || http.Response.HasStarted)
        {
            return;
        }

        // A body that outgrew the limit while streaming (no Content-Length) surfaces here as a client body error.
        var status = IsBodyTooLarge(failure.Exception) ? StatusCodes.Status413PayloadTooLarge : http.Response.StatusCode;
        var clusterId = http.Features.Get<IReverseProxyFeature>()?.Cluster.Config.ClusterId;
        Log.ForwardingFailed(logger, http.Request.Method, http.Request.Path, clusterId, failure.Error,
            failure.Exception?.GetBaseException().GetType().Name ?? "no exception", status);
        var (title, detail) = Describe(failure.Error, status);
        await GatewayProblems.WriteAsync(http, status, title, detail);
    }

    private static bool IsBodyTooLarge(Exception? exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsBodyTooLarge),
        { InnerException: var inner } => IsBodyTooLarge(inner),
        _ => false,
    };

    private static (string Title, string Detail) Describe(ForwarderError error, int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => ("Request body too large", "The request body exceeds the gateway's limit."),
        StatusCodes.Status503ServiceUnavailable => ("Service unavailable", "No healthy instance of the upstream service is available; try again shortly."),
        StatusCodes.Status504GatewayTimeout => ("Gateway timeout", "The upstream service did not answer in time."),
        StatusCodes.Status400BadRequest => ("Bad request", "The request body could not be read."),
        _ when error is ForwarderError.Request => ("Bad gateway", "The upstream service could not be reached."),
        _ => ("Bad gateway", "The upstream service failed to answer properly."),
    };
}
