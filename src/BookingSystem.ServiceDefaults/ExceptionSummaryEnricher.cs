using Serilog.Core;
using Serilog.Events;

namespace BookingSystem.ServiceDefaults;

/// <summary>
/// Gives each event with an exception an <c>ExceptionSummary</c>: the type and message of the exception and of
/// its inner exceptions, without stack traces. The console shows that instead of the full exception, so logs say
/// what failed (connection refused, a timeout) without dumping the code's internals.
/// </summary>
public sealed class ExceptionSummaryEnricher : ILogEventEnricher
{
    public const string PropertyName = "ExceptionSummary";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Exception is { } exception)
        {
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(PropertyName, " (" + Summarize(exception) + ")"));
        }
    }

    public static string Summarize(Exception exception)
    {
        var parts = new List<string>();
        for (var current = exception; current is not null && parts.Count < 5; current = current.InnerException)
        {
            parts.Add($"{current.GetType().Name}: {current.Message}");
        }

        return string.Join(" --> ", parts);
    }
}
