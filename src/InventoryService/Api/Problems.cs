using Microsoft.AspNetCore.Mvc;

namespace BookingSystem.InventoryService.Api;

public static class Problems
{
    public static ProblemDetails Create(int status, string title, string detail, params (string Key, object? Value)[] extensions)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        foreach (var (key, value) in extensions)
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }
}
