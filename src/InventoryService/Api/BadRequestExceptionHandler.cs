using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace BookingSystem.InventoryService.Api;

/// <summary>
/// Turns request-binding failures (malformed JSON, a string where a number belongs, a missing body, a body too
/// large) into a 400/413 ProblemDetails naming the offending field, instead of an empty response or a 500.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var problem = new ValidationProblemDetails
        {
            Status = badRequest.StatusCode,
            Title = badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "The request is malformed",
            Detail = badRequest.InnerException is JsonException ? "The body is not valid JSON for this endpoint." : badRequest.Message,
        };
        if (badRequest.InnerException is JsonException json)
        {
            problem.Errors[FieldName(json.Path)] = [Describe(json)];
        }

        http.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>"$.items[0].quantity" becomes "items[0].quantity"; a broken document as a whole is "$".</summary>
    private static string FieldName(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    // System.Text.Json messages name CLR types; keep the position but phrase it for API clients.
    private static string Describe(JsonException json) =>
        json.LineNumber is { } line
            ? $"Invalid JSON value or syntax at line {line + 1}, position {json.BytePositionInLine + 1}."
            : "Invalid JSON value or syntax.";
}
