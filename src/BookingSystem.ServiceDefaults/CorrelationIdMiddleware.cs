using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Serilog.Context;

namespace BookingSystem.ServiceDefaults;

/// <summary>
/// Decides the request's <c>X-Correlation-ID</c>, the same way in every process: the caller's when it is one
/// well-formed id (1-64 characters, letters, digits and <c>. _ : -</c>, starting with a letter or digit),
/// otherwise a new one. The request carries the decided id on (the gateway forwards it, so the service logs and
/// stores the same id), the response echoes it, and every log event of the request has it as <c>CorrelationId</c>.
/// </summary>
public sealed partial class CorrelationIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Correlation-ID";

    /// <summary>The log event property every event of a request or message has.</summary>
    public const string PropertyName = "CorrelationId";
    private const string ItemKey = "BookingSystem.CorrelationId";

    /// <summary>The request's decided correlation id (the trace identifier outside the middleware).</summary>
    public static string Of(HttpContext http) => http.Items[ItemKey] as string ?? http.TraceIdentifier;

    public async Task InvokeAsync(HttpContext http)
    {
        var correlationId = WellFormed(http.Request.Headers[HeaderName]) ?? Guid.NewGuid().ToString("N");
        http.Items[ItemKey] = correlationId;
        http.Request.Headers[HeaderName] = correlationId;
        // Set when the response starts, so it replaces (not joins) a copy a proxied response brings along.
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[HeaderName] = correlationId;
            return Task.CompletedTask;
        });
        // On Serilog's LogContext (not a Microsoft.Extensions.Logging scope) so that the request-completion event
        // Serilog writes itself, outside any ILogger, carries it too.
        using (LogContext.PushProperty(PropertyName, correlationId))
        {
            await next(http);
        }
    }

    private static string? WellFormed(StringValues supplied) =>
        supplied.Count == 1 && supplied[0] is { } value && CorrelationIdPattern().IsMatch(value) ? value : null;

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._:-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex CorrelationIdPattern();
}
