namespace BookingSystem.ServiceDefaults;

/// <summary>Where logs and traces go besides the console: a Seq server (empty: nowhere).</summary>
public sealed class SeqOptions
{
    public const string SectionName = "Seq";

    /// <summary>Base URL of Seq, e.g. http://localhost:5341. Logs go to its CLEF ingestion, traces to its OTLP endpoint.</summary>
    public string? ServerUrl { get; set; }

    /// <summary>Sent as <c>X-Seq-ApiKey</c> with logs and traces.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Log events held in memory while Seq is slow or away; beyond that the oldest are dropped, nothing blocks.</summary>
    public int QueueSizeLimit { get; set; } = 100_000;
}

/// <summary>An OTLP/HTTP receiver (an OpenTelemetry Collector, Prometheus, ...) for metrics; Seq takes logs and traces only.</summary>
public sealed class OtlpOptions
{
    public const string SectionName = "Otlp";

    /// <summary>Full URL of the metrics endpoint, e.g. http://localhost:4318/v1/metrics (empty: metrics are not exported).</summary>
    public string? MetricsEndpoint { get; set; }
}
