using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace BookingSystem.BenchTap;

/// <summary>
/// Listens on two exclusive, server-named queues of its own, one bound to the bookings' routing key and one to the
/// outcomes', each on a connection of its own (one socket reader each: a burst of bookings cannot delay the
/// timestamps of outcomes). Each delivery is stamped before anything else is done with it.
/// </summary>
public sealed class Tap : IAsyncDisposable
{
    /// <summary>How long the broker's statistics may take to catch up with what the tap received.</summary>
    public static readonly TimeSpan BrokerCountWait = TimeSpan.FromSeconds(8);

    private readonly TapOptions _options;
    private readonly Arrivals _arrivals;
    private readonly List<IConnection> _connections = [];
    private readonly List<string> _queues = [];

    private Tap(TapOptions options)
    {
        _options = options;
        _arrivals = new Arrivals(options.BookingPrefix, Stopwatch.GetTimestamp());
    }

    public static async Task<Tap> StartAsync(TapOptions options, CancellationToken ct)
    {
        var tap = new Tap(options);
        try
        {
            await tap.ListenAsync(options.BookingKey, tap._arrivals.Booking, ct);
            await tap.ListenAsync(options.OutcomeKey, tap._arrivals.Outcome, ct);
            return tap;
        }
        catch
        {
            await tap.DisposeAsync();
            throw;
        }
    }

    /// <summary>Per booking its two arrival times, for a look at where the tap and the bench differ.</summary>
    public async Task WriteTimesAsync(string path)
    {
        await using var csv = new StreamWriter(path);
        _arrivals.WriteTimes(csv);
    }

    /// <summary>The figures so far, and the broker's own count of what it routed to the tap's two queues.</summary>
    public async Task<TapReport> ReportAsync(CancellationToken ct)
    {
        var summary = _arrivals.Summarize();
        var routed = await BrokerCountsAsync(summary, ct);
        return new TapReport(summary, routed, Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            try
            {
                await connection.CloseAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is AlreadyClosedException or OperationCanceledException or IOException)
            {
                // Gone already: so are the exclusive queues.
            }

            connection.Dispose();
        }
    }

    private delegate void Recorder(ReadOnlySpan<byte> body, long at);

    private async Task ListenAsync(string routingKey, Recorder record, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = _options.Amqp, ClientProvidedName = "booking-tap " + routingKey };
        var connection = await factory.CreateConnectionAsync(ct);
        _connections.Add(connection);
        var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var declared = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true,
            cancellationToken: ct);
        var queue = declared.QueueName;
        await channel.QueueBindAsync(queue, _options.Exchange, routingKey, cancellationToken: ct);
        _queues.Add(queue);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            record(delivery.Body.Span, Stopwatch.GetTimestamp());
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer, ct);
    }

    /// <summary>
    /// The management API's <c>message_stats.publish</c> of the two queues: the broker's own count of the messages it
    /// routed to them. Its statistics are refreshed every few seconds, so it is read until it reaches what the tap
    /// received, for at most <see cref="BrokerCountWait"/>; null without a management URL or when it does not answer.
    /// </summary>
    private async Task<BrokerCounts?> BrokerCountsAsync(TapSummary summary, CancellationToken ct)
    {
        if (_options.Management is not { } api)
        {
            return null;
        }

        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(5) };
        var credentials = Uri.UnescapeDataString(_options.Amqp.UserInfo);
        http.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        var vhost = Uri.EscapeDataString(VirtualHost());
        var deadline = Stopwatch.GetTimestamp() + (long)(BrokerCountWait.TotalSeconds * Stopwatch.Frequency);
        BrokerCounts? counts = null;
        try
        {
            while (true)
            {
                counts = new BrokerCounts(
                    await PublishedAsync(http, $"queues/{vhost}/{Uri.EscapeDataString(_queues[0])}", ct),
                    await PublishedAsync(http, $"queues/{vhost}/{Uri.EscapeDataString(_queues[1])}", ct));
                if ((counts.Bookings >= summary.BookingMessages && counts.Outcomes >= summary.OutcomeMessages)
                    || Stopwatch.GetTimestamp() > deadline)
                {
                    return counts;
                }

                await Task.Delay(500, ct);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return counts;
        }
    }

    private static async Task<long> PublishedAsync(HttpClient http, string path, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(path, ct));
        return document.RootElement.TryGetProperty("message_stats", out var stats)
            && stats.TryGetProperty("publish", out var publish)
            ? publish.GetInt64()
            : 0;
    }

    /// <summary>The URI's path without its slash, "/" when empty (RabbitMQ's default virtual host).</summary>
    private string VirtualHost()
    {
        var path = Uri.UnescapeDataString(_options.Amqp.AbsolutePath.TrimStart('/'));
        return path.Length == 0 ? "/" : path;
    }
}

/// <summary>What RabbitMQ itself counted as routed to the tap's booking and outcome queues.</summary>
public sealed record BrokerCounts(long Bookings, long Outcomes);

/// <summary>The tap's result file: its figures, the broker's counts, and its own CPU time over its life.</summary>
public sealed record TapReport(TapSummary Summary, BrokerCounts? Broker, double CpuMs)
{
    public void WriteTo(Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var s = Summary;
        json.WriteStartObject();
        json.WriteNumber("bookings", s.Bookings);
        json.WriteNumber("completed", s.Completed);
        json.WriteNumber("outcomesWithoutBooking", s.OutcomesWithoutBooking);
        json.WriteNumber("outcomeBeforeBooking", s.OutcomeBeforeBooking);
        json.WriteNumber("bookingMessages", s.BookingMessages);
        json.WriteNumber("outcomeMessages", s.OutcomeMessages);
        json.WriteNumber("withoutBookingId", s.WithoutBookingId);
        WriteOptional(json, "firstBookingMs", s.FirstBookingMs);
        WriteOptional(json, "lastBookingMs", s.LastBookingMs);
        WriteOptional(json, "firstOutcomeMs", s.FirstOutcomeMs);
        WriteOptional(json, "lastOutcomeMs", s.LastOutcomeMs);
        json.WriteNumber("seconds", s.Seconds);
        json.WriteNumber("bookingsPerSecond", s.BookingsPerSecond);
        json.WriteStartObject("latencyMs");
        json.WriteNumber("count", s.Latency.Count);
        json.WriteNumber("p50", s.Latency.P50);
        json.WriteNumber("p95", s.Latency.P95);
        json.WriteNumber("p99", s.Latency.P99);
        json.WriteNumber("max", s.Latency.Max);
        json.WriteNumber("mean", s.Latency.Mean);
        json.WriteEndObject();
        if (Broker is { } broker)
        {
            json.WriteStartObject("brokerRouted");
            json.WriteNumber("bookings", broker.Bookings);
            json.WriteNumber("outcomes", broker.Outcomes);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("brokerRouted");
        }

        json.WriteNumber("cpuMs", CpuMs);
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
