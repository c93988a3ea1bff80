using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace BookingSystem.ServiceDefaults;

public static class LoggingExtensions
{
    /// <summary>The console format: <c>text</c> (default, for people) or <c>json</c> (compact JSON, one event per line).</summary>
    public const string ConsoleFormatKey = "Logging:Console:Format";

    private const string TextTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {Application} {CorrelationId} {SourceContext}: {Message:lj}{ExceptionSummary}{NewLine}";

    /// <summary>
    /// Serilog is the logging pipeline of every process: levels and overrides from the "Serilog" section; the
    /// process name (<c>Application</c>) and the correlation id on every event; exceptions on the console as a
    /// one-line summary (<see cref="ExceptionSummaryEnricher"/>); and every event to Seq when <c>Seq:ServerUrl</c>
    /// is set. The Seq sink batches in the background with a bounded queue: Seq slow or down never blocks or fails
    /// the process, and events beyond the queue are dropped.
    /// </summary>
    public static IHostApplicationBuilder AddBookingLogging(this IHostApplicationBuilder builder, string processName)
    {
        var seq = builder.Configuration.GetSection(SeqOptions.SectionName).Get<SeqOptions>() ?? new SeqOptions();
        var json = string.Equals(builder.Configuration[ConsoleFormatKey], "json", StringComparison.OrdinalIgnoreCase);
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(serilog =>
        {
            serilog
                .ReadFrom.Configuration(builder.Configuration)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Application", processName)
                .Enrich.With<ExceptionSummaryEnricher>();
            if (json)
            {
                serilog.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                serilog.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }

            if (!string.IsNullOrWhiteSpace(seq.ServerUrl))
            {
                serilog.WriteTo.Seq(seq.ServerUrl, apiKey: string.IsNullOrEmpty(seq.ApiKey) ? null : seq.ApiKey, queueSizeLimit: seq.QueueSizeLimit);
            }
        });
        return builder;
    }

    /// <summary>
    /// One event per request (method, path, status, duration) with the request's correlation id. Health probes log
    /// at Debug, so the gateway's active checks do not drown the requests people make.
    /// </summary>
    public static IApplicationBuilder UseBookingRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options => options.GetLevel = (http, _, error) =>
            error is not null || http.Response.StatusCode >= StatusCodes.Status500InternalServerError ? LogEventLevel.Error
            : http.Request.Path.StartsWithSegments("/health") ? LogEventLevel.Debug
            : LogEventLevel.Information);
}
