using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingSystem.InventoryService.Validation;

public static class Problems
{
    /// <summary>An RFC 7807 response (application/problem+json) with optional extension members.</summary>
    public static ProblemHttpResult Create(int status, string title, string detail, params (string Key, object? Value)[] extensions) =>
        TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: extensions.Length == 0 ? null : extensions.ToDictionary(e => e.Key, e => e.Value));
}
