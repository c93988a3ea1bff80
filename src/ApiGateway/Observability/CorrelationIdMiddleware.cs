using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace BookingSystem.ApiGateway.Observability;

/// <summary>
/// Decides the request's <c>X-Correlation-ID</c>: the caller's when it is one well-formed id (1-64 characters,
/// letters, digits and <c>. _ : -</c>, starting with a letter or digit, the rule the service applies too),
/// otherwise a new one. The forwarded request carries it, so the service logs and stores the same id; the
/// response echoes it, and every gateway log line of the request has it.
/// </summary>
public sealed partial class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public const string HeaderName = "X-Correlation-ID";

    public async Task InvokeAsync(HttpContext http)
    {
        var correlationId = WellFormed(http.Request.Headers[HeaderName]) ?? Guid.NewGuid().ToString("N");
        http.Request.Headers[HeaderName] = correlationId;
        // Set when the response starts, so it replaces (not joins) the copy the proxied response brings along.
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[HeaderName] = correlationId;
            return Task.CompletedTask;
        });
        using (logger.BeginScope(new KeyValuePair<string, object>[] { new("CorrelationId", correlationId) }))
        {
            await next(http);
        }
    }

    private static string? WellFormed(StringValues supplied) =>
        supplied.Count == 1 && supplied[0] is { } value && CorrelationIdPattern().IsMatch(value) ? value : null;

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._:-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex CorrelationIdPattern();
}
