using BookingSystem.InventoryService.Validation;

namespace BookingSystem.InventoryService.Observability;

/// <summary>
/// Takes the caller's <c>X-Correlation-ID</c> when it is a valid identifier, or makes one; echoes it on the
/// response and puts it on every log line of the request.
/// </summary>
public sealed class CorrelationId(RequestDelegate next, ILogger<CorrelationId> logger)
{
    public const string HeaderName = "X-Correlation-ID";
    private const string ItemKey = nameof(CorrelationId);

    public static string Of(HttpContext http) => http.Items[ItemKey] as string ?? http.TraceIdentifier;

    public async Task InvokeAsync(HttpContext http)
    {
        var supplied = http.Request.Headers[HeaderName].ToString();
        var correlationId = Identifiers.IsValid(supplied) ? supplied : Guid.NewGuid().ToString("N");
        http.Items[ItemKey] = correlationId;
        http.Response.Headers[HeaderName] = correlationId;
        using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = correlationId }))
        {
            await next(http);
        }
    }
}
