using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace BookingSystem.ServiceDefaults;

public static class ConsoleLoggingExtensions
{
    /// <summary>
    /// Serilog renders the console for every process of the system: levels and overrides from the "Serilog"
    /// section, the process name and the correlation id on every line, and exceptions as a one-line summary
    /// (<see cref="ExceptionSummaryEnricher"/>), never as stack traces.
    /// </summary>
    public static IHostApplicationBuilder AddBookingConsoleLogging(this IHostApplicationBuilder builder, string processName)
    {
        var serilog = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .Enrich.With<ExceptionSummaryEnricher>()
            .WriteTo.Console(outputTemplate:
                "[{Timestamp:HH:mm:ss} {Level:u3}] " + processName + " {CorrelationId} {SourceContext}: {Message:lj}{ExceptionSummary}{NewLine}");
        builder.Logging.ClearProviders().AddSerilog(serilog.CreateLogger(), dispose: true);
        return builder;
    }
}
