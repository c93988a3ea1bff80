using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BookingSystem.ServiceDefaults;

public static class TelemetryExtensions
{
    /// <summary>Every <c>ActivitySource</c> and <c>Meter</c> of our own code is named under this prefix.</summary>
    public const string SourcePrefix = "BookingSystem.";

    /// <summary>Seq's OTLP/HTTP endpoint for traces, relative to its server URL.</summary>
    public const string SeqTracesPath = "ingest/otlp/v1/traces";

    /// <summary>Seq's API key header, for the OTLP exporter as for the log sink.</summary>
    public const string SeqApiKeyHeader = "X-Seq-ApiKey";

    /// <summary>
    /// OpenTelemetry for the process: traces of incoming HTTP requests, outgoing HTTP calls (the gateway's proxied
    /// requests carry the W3C context on) and our own sources (<see cref="SourcePrefix"/>*) to Seq over OTLP when
    /// <c>Seq:ServerUrl</c> is set; metrics of ASP.NET Core, HttpClient and our own meters to <c>Otlp:MetricsEndpoint</c>
    /// when set. Nothing is collected for a destination that is not configured, so a process without either pays nothing.
    /// A service adds its own instrumentation with <c>ConfigureOpenTelemetryTracerProvider</c>.
    /// </summary>
    public static IHostApplicationBuilder AddBookingTelemetry(this IHostApplicationBuilder builder, string processName)
    {
        var seq = builder.Configuration.GetSection(SeqOptions.SectionName).Get<SeqOptions>() ?? new SeqOptions();
        var otlp = builder.Configuration.GetSection(OtlpOptions.SectionName).Get<OtlpOptions>() ?? new OtlpOptions();
        var exportTraces = !string.IsNullOrWhiteSpace(seq.ServerUrl);
        var exportMetrics = !string.IsNullOrWhiteSpace(otlp.MetricsEndpoint);
        if (!exportTraces && !exportMetrics)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(processName));
        if (exportTraces)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(SourcePrefix + "*")
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(o =>
                {
                    o.Protocol = OtlpExportProtocol.HttpProtobuf;
                    o.Endpoint = new Uri(new Uri(seq.ServerUrl!.TrimEnd('/') + "/"), SeqTracesPath);
                    o.Headers = string.IsNullOrEmpty(seq.ApiKey) ? null : $"{SeqApiKeyHeader}={seq.ApiKey}";
                }));
        }

        if (exportMetrics)
        {
            telemetry.WithMetrics(metrics => metrics
                .AddMeter(SourcePrefix + "*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(o =>
                {
                    o.Protocol = OtlpExportProtocol.HttpProtobuf;
                    o.Endpoint = new Uri(otlp.MetricsEndpoint!);
                }));
        }

        return builder;
    }
}
