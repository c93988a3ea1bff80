using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace BookingSystem.InventoryService.Observability;

/// <summary>
/// The service's own instruments (meter <see cref="MeterName"/>): read them live with
/// <c>dotnet-counters monitor -n BookingSystem.InventoryService --counters BookingSystem.InventoryService</c>, or
/// have them exported over OTLP (<c>Otlp:MetricsEndpoint</c>). Counts are recorded after the commit they describe.
/// Gauges (outbox backlog, DLQ depth) show the latest sample the messaging monitor took.
/// </summary>
public sealed class InventoryMetrics
{
    public const string MeterName = "BookingSystem.InventoryService";

    private readonly Counter<long> _reservations;
    private readonly Counter<long> _releases;
    private readonly Counter<long> _consumed;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _handlingDuration;
    private readonly Counter<long> _sweeps;
    private readonly Counter<long> _expired;
    private readonly ConcurrentDictionary<string, long> _deadLetters = new(StringComparer.Ordinal);
    private long _outboxBacklog;
    private double _outboxOldestAgeSeconds;

    public InventoryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _reservations = meter.CreateCounter<long>("inventory.reservations", "{reservation}", "Reservation attempts by outcome.");
        _releases = meter.CreateCounter<long>("inventory.releases", "{reservation}", "Holds given back, by reason.");
        _consumed = meter.CreateCounter<long>("inventory.messages.consumed", "{message}", "Messages handled and acked, by queue and outcome.");
        _rejected = meter.CreateCounter<long>("inventory.messages.rejected", "{message}", "Bad messages sent to a dead-letter queue, by queue.");
        _handlingDuration = meter.CreateHistogram<double>("inventory.messages.duration", "ms", "Time to handle one message, by queue.");
        _sweeps = meter.CreateCounter<long>("inventory.sweeper.runs", "{run}", "Expiry sweeps.");
        _expired = meter.CreateCounter<long>("inventory.sweeper.expired", "{reservation}", "Holds the sweeper expired.");
        meter.CreateObservableGauge("inventory.outbox.backlog", () => Interlocked.Read(ref _outboxBacklog), "{message}", "Outbox rows not yet published.");
        meter.CreateObservableGauge("inventory.outbox.oldest_age", () => Volatile.Read(ref _outboxOldestAgeSeconds), "s", "Age of the oldest unpublished outbox row.");
        meter.CreateObservableGauge("inventory.dlq.depth",
            () => _deadLetters.Select(q => new Measurement<long>(q.Value, new KeyValuePair<string, object?>("queue", q.Key))),
            "{message}", "Messages waiting in each dead-letter queue.");
    }

    public void Reservation(string outcome) => _reservations.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Release(string reason) => _releases.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Consumed(string queue, string outcome, TimeSpan duration)
    {
        var queueTag = new KeyValuePair<string, object?>("queue", queue);
        _consumed.Add(1, queueTag, new KeyValuePair<string, object?>("outcome", outcome));
        _handlingDuration.Record(duration.TotalMilliseconds, queueTag);
    }

    public void Rejected(string queue) => _rejected.Add(1, new KeyValuePair<string, object?>("queue", queue));

    public void Swept(int expired)
    {
        _sweeps.Add(1);
        _expired.Add(expired);
    }

    public void OutboxBacklog(long unsent, TimeSpan oldestAge)
    {
        Interlocked.Exchange(ref _outboxBacklog, unsent);
        Volatile.Write(ref _outboxOldestAgeSeconds, Math.Round(oldestAge.TotalSeconds, 1));
    }

    public void DeadLetterDepth(string deadLetterQueue, long depth) => _deadLetters[deadLetterQueue] = depth;
}
