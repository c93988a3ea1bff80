using System.ComponentModel.DataAnnotations;
using BookingSystem.Contracts;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace BookingSystem.InventoryService.Messaging;

public sealed class RabbitMqOptions
{
    public const string SectionName = "RabbitMq";

    /// <summary>Off: no consumers and no dispatcher (outbox rows wait). For HTTP-only tests and tools.</summary>
    public bool Enabled { get; set; } = true;

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    /// <summary>
    /// The nodes of a RabbitMQ cluster as <c>host:port</c> separated by commas, e.g.
    /// <c>10.0.0.1:5672,10.0.0.2:5672,10.0.0.3:5672</c>: each connection goes to one of them (the client tries them in
    /// random order) and, when that node goes away, recovers to another. Empty: the one node <see cref="Host"/>:<see cref="Port"/>.
    /// </summary>
    public string Endpoints { get; set; } = "";

    [Required]
    public string VirtualHost { get; set; } = "/";

    [Required]
    public string UserName { get; set; } = "guest";

    [Required]
    public string Password { get; set; } = "guest";

    [Required]
    public string Exchange { get; set; } = Topology.Exchange;

    [Required]
    public string DeadLetterExchange { get; set; } = Topology.DeadLetterExchange;

    /// <summary>
    /// Unacked messages the broker may push to one consumer: the bound of its buffer. Twice the batch size lets the
    /// next batch fill while one is applied.
    /// </summary>
    [Range(1, 10_000)]
    public ushort Prefetch { get; set; } = 1_000;

    /// <summary>Most messages a consumer applies in one transaction (capped at <see cref="Prefetch"/>).</summary>
    [Range(1, 5_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// How long a consumer waits for more messages while its batch is short of <see cref="BatchSize"/>. Under load
    /// batches fill while the previous one is applied; this only groups a trickle, so it stays small.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan BatchLinger { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Larger message bodies go to the DLQ without being parsed.</summary>
    [Range(1_024, 16 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Deliveries of one message before the broker dead-letters it (quorum queue <c>x-delivery-limit</c>).</summary>
    [Range(1, 100)]
    public int DeliveryLimit { get; set; } = 5;

    [Range(1, 1_000)]
    public int ConnectRetryAttempts { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ConnectRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ConnectRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a publish may wait for the broker's confirm before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The nodes to connect to: <see cref="Endpoints"/> when set, else <see cref="Host"/>:<see cref="Port"/>.</summary>
    public IReadOnlyList<AmqpTcpEndpoint> BrokerEndpoints()
    {
        if (string.IsNullOrWhiteSpace(Endpoints))
        {
            return [new AmqpTcpEndpoint(Host, Port)];
        }

        var entries = Endpoints.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return entries.Length > 0
            ? [.. entries.Select(ParseEndpoint)]
            : throw new FormatException($"RabbitMq:Endpoints '{Endpoints}' lists no host:port; leave it empty to use RabbitMq:Host and RabbitMq:Port.");
    }

    /// <summary>Throws at start (the options are read when the messaging services are registered) on an entry that is not host:port.</summary>
    private static AmqpTcpEndpoint ParseEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0
            && int.TryParse(endpoint[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is >= 1 and <= 65535
                ? new AmqpTcpEndpoint(endpoint[..colon], port)
                : throw new FormatException($"RabbitMq:Endpoints must be host:port entries (port 1-65535) separated by commas; '{endpoint}' is not.");
    }
}

public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>Off: rows are written but not published (another instance, or a later start, publishes them).</summary>
    public bool DispatcherEnabled { get; set; } = true;

    [Range(1, 5_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// How long a dispatcher's claim on a batch lasts: longer than a publish may take (the publish timeout), so a
    /// live dispatcher never loses its rows; a dead or hung one delays them by this much.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Safety-net polling when no commit woke the dispatcher.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the outbox backlog and the dead-letter queue depths are sampled for the metrics.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan MonitorInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Unsent rows above which /health/messaging reports Degraded.</summary>
    [Range(1, int.MaxValue)]
    public int BacklogWarningThreshold { get; set; } = 1_000;
}

/// <summary>
/// A claim must outlast the publish it covers, else a slow but live dispatcher loses its rows to another one and the
/// events go out twice: <see cref="OutboxOptions.ClaimLease"/> must be longer than <see cref="RabbitMqOptions.PublishTimeout"/>.
/// </summary>
public sealed class OutboxLeaseValidation(IOptions<RabbitMqOptions> rabbitMq) : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options) =>
        options.ClaimLease > rabbitMq.Value.PublishTimeout
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Outbox:ClaimLease ({options.ClaimLease}) must be longer than RabbitMq:PublishTimeout ({rabbitMq.Value.PublishTimeout}).");
}
