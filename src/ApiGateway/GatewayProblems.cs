using Microsoft.AspNetCore.Mvc;

namespace BookingSystem.ApiGateway;

/// <summary>The gateway's own error responses: RFC 7807 bodies, never exception details.</summary>
public static class GatewayProblems
{
    public static ValueTask WriteAsync(HttpContext http, int statusCode, string title, string detail)
    {
        http.Response.StatusCode = statusCode;
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = statusCode,
                Title = title,
                Detail = detail,
                // The framework's defaults name an RFC section for most codes, not for 429.
                Type = statusCode == StatusCodes.Status429TooManyRequests ? "https://tools.ietf.org/html/rfc6585#section-4" : null,
            },
        });
    }
}
