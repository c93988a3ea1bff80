using BookingSystem.ApiGateway.Observability;
using Microsoft.Extensions.Options;

namespace BookingSystem.ApiGateway.Limits;

/// <summary>
/// Refuses a declared body larger than <see cref="GatewayOptions.MaxRequestBodyBytes"/> with 413 before anything
/// is read or forwarded. A body without a Content-Length is cut off at the same size by Kestrel while it streams
/// (the proxy then answers 413 too, see <c>ForwarderErrorsMiddleware</c>).
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<GatewayOptions> options, ILogger<RequestBodyLimitMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (http.Request.ContentLength is { } length && length > limit)
        {
            Log.BodyTooLarge(logger, http.Request.Method, http.Request.Path, length, limit);
            await GatewayProblems.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"The request body may be at most {limit} bytes.");
            return;
        }

        await next(http);
    }
}
