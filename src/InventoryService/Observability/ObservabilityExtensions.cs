using Npgsql;
using OpenTelemetry.Trace;

namespace BookingSystem.InventoryService.Observability;

public static class ObservabilityExtensions
{
    /// <summary>
    /// The service's own metrics, and its database commands as spans of the traces ServiceDefaults exports (only
    /// when tracing is on: <c>Seq:ServerUrl</c>).
    /// </summary>
    public static IHostApplicationBuilder AddInventoryObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<InventoryMetrics>();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddNpgsql());
        return builder;
    }
}
