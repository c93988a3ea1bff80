using Serilog;

namespace BookingSystem.ApiGateway.Observability;

public static class LoggingExtensions
{
    private const string ConsoleTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] gateway {CorrelationId} {SourceContext}: {Message:lj}{ExceptionSummary}{NewLine}";

    /// <summary>
    /// Serilog renders the console, as in the InventoryService; levels come from the "Serilog" section. Exceptions
    /// appear as a one-line summary (<see cref="ExceptionSummaryEnricher"/>), never as stack traces.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayLogging(this IHostApplicationBuilder builder)
    {
        var serilog = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .Enrich.With<ExceptionSummaryEnricher>()
            .WriteTo.Console(outputTemplate: ConsoleTemplate);
        builder.Logging.ClearProviders().AddSerilog(serilog.CreateLogger(), dispose: true);
        return builder;
    }
}
