using System.Globalization;
using System.Net;
using System.Text.Json;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BookingSystem.Cli.Tests.Infrastructure;

/// <summary>What the fake does wrong, to prove that <c>booking simulate</c> notices.</summary>
public enum FakeServiceFault
{
    None,

    /// <summary>Publishes InventoryConfirmed twice (two eventIds) for every paid booking.</summary>
    ConfirmsTwice,

    /// <summary>Publishes InventoryReleased but keeps the stock counted as reserved.</summary>
    LeaksReleasedStock,
}

/// <summary>
/// A stand-in for the InventoryService, small enough to read at a glance: the three consumer queues, all-or-nothing
/// holds on in-memory stock (a pool item's count, or each night of a nightly item's stay), the four outcome events on
/// the platform exchange, and <c>GET /api/inventory</c> and <c>GET /api/inventory/{itemId}/calendar</c> over HTTP. A
/// booking whose lines do not fit their items' kinds (dates for a pool, none for a nightly item) gets no answer, as
/// the real service dead-letters it. It lets the tests run the real <c>booking simulate</c> in a throwaway vhost in a
/// few seconds, and make it misbehave on purpose.
/// </summary>
public sealed class FakeInventoryService : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _totals;
    private readonly HashSet<string> _nightly;

    /// <summary>Held and confirmed units per pool item (night null) or per night of a nightly item.</summary>
    private readonly Dictionary<(string ItemId, DateOnly? Night), (int Held, int Confirmed)> _counts = [];
    private readonly Dictionary<string, IReadOnlyList<BookingLine>> _holds = new(StringComparer.Ordinal);
    private readonly List<BookingLine> _requested = [];
    private readonly FakeServiceFault _fault;
    private readonly HttpListener _http = new();
    private readonly CancellationTokenSource _stop = new();
    private IConnection _connection = null!;
    private IChannel _channel = null!;
    private Task _serving = Task.CompletedTask;

    private FakeInventoryService(IReadOnlyDictionary<string, int> totals, IReadOnlyDictionary<string, int> nightly,
        FakeServiceFault fault)
    {
        _totals = totals.Concat(nightly).ToDictionary(StringComparer.Ordinal);
        _nightly = nightly.Keys.ToHashSet(StringComparer.Ordinal);
        _fault = fault;
    }

    public Uri Api { get; private set; } = null!;

    /// <summary>Every line of every BookingCreated received, as sent.</summary>
    public IReadOnlyList<BookingLine> RequestedLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _requested];
            }
        }
    }

    /// <param name="totals">The pool items and their stock.</param>
    /// <param name="nightly">The nightly items and the capacity of each of their nights.</param>
    public static async Task<FakeInventoryService> StartAsync(
        ConnectionFactory factory, IReadOnlyDictionary<string, int> totals,
        FakeServiceFault fault = FakeServiceFault.None, IReadOnlyDictionary<string, int>? nightly = null)
    {
        var service = new FakeInventoryService(totals, nightly ?? new Dictionary<string, int>(), fault);
        service._connection = await factory.CreateConnectionAsync();
        service._channel = await service._connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        foreach (var (queue, routingKey) in EventCatalog.ConsumerQueues)
        {
            await ServiceTopology.DeclareAsync(service._channel, queue, routingKey);
            var consumer = new AsyncEventingBasicConsumer(service._channel);
            consumer.ReceivedAsync += (_, delivery) => service.HandleAsync(delivery);
            await service._channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        }

        var port = TestEnvironment.FreePort();
        service.Api = new Uri($"http://127.0.0.1:{port}/");
        service._http.Prefixes.Add(service.Api.ToString());
        service._http.Start();
        service._serving = service.ServeAsync();
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _http.Stop();
        await _serving;
        _http.Close();
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
        _stop.Dispose();
    }

    private async Task HandleAsync(BasicDeliverEventArgs delivery)
    {
        var published = new List<(string RoutingKey, string EventType, object Data)>();
        lock (_gate)
        {
            switch (delivery.RoutingKey)
            {
                case RoutingKeys.BookingCreated:
                    var booking = Read<BookingCreated>(delivery).Data;
                    var lines = booking.Items!;
                    _requested.AddRange(lines);
                    if (!lines.All(l => _nightly.Contains(l.ItemId) == l.CheckIn is not null))
                    {
                        break;
                    }

                    if (lines.All(l => Keys(l).All(key => _totals[l.ItemId] - Units(key) >= l.Quantity)))
                    {
                        Move(lines, held: +1, confirmed: 0);
                        _holds[booking.BookingId] = lines;
                        published.Add((RoutingKeys.InventoryReserved, EventTypes.InventoryReserved, new InventoryReserved(booking.BookingId, OutcomeLine.Of(lines), DateTimeOffset.UtcNow.AddMinutes(15))));
                    }
                    else
                    {
                        published.Add((RoutingKeys.InventoryReservationFailed, EventTypes.InventoryReservationFailed,
                            new InventoryReservationFailed(booking.BookingId, ReservationFailureReasons.InsufficientStock, [])));
                    }

                    break;
                case RoutingKeys.PaymentSucceeded:
                    var paid = Read<PaymentSucceeded>(delivery).Data.BookingId;
                    Move(_holds[paid], held: -1, confirmed: +1);
                    published.Add((RoutingKeys.InventoryConfirmed, EventTypes.InventoryConfirmed, new InventoryConfirmed(paid, OutcomeLine.Of(_holds[paid]))));
                    if (_fault == FakeServiceFault.ConfirmsTwice)
                    {
                        published.Add(published[^1]);
                    }

                    break;
                case RoutingKeys.PaymentFailed:
                    var declined = Read<PaymentFailed>(delivery).Data.BookingId;
                    if (_fault != FakeServiceFault.LeaksReleasedStock)
                    {
                        Move(_holds[declined], held: -1, confirmed: 0);
                    }

                    published.Add((RoutingKeys.InventoryReleased, EventTypes.InventoryReleased, new InventoryReleased(declined, ReleaseReasons.PaymentFailed, OutcomeLine.Of(_holds[declined]))));
                    break;
            }
        }

        foreach (var (routingKey, eventType, data) in published)
        {
            var envelope = new EventEnvelope<object>(Guid.NewGuid().ToString(), eventType, "c", DateTimeOffset.UtcNow, data);
            await _channel.BasicPublishAsync(Topology.Exchange, routingKey, JsonSerializer.SerializeToUtf8Bytes(envelope, ContractJson.Options));
        }
    }

    /// <summary>What a line holds: its pool item, or each night of its stay.</summary>
    private static IEnumerable<(string ItemId, DateOnly? Night)> Keys(BookingLine line)
    {
        if (line is not { CheckIn: { } night, CheckOut: { } end })
        {
            yield return (line.ItemId, null);
            yield break;
        }

        for (; night < end; night = night.AddDays(1))
        {
            yield return (line.ItemId, night);
        }
    }

    private int Units((string ItemId, DateOnly? Night) key)
    {
        var (held, confirmed) = _counts.GetValueOrDefault(key);
        return held + confirmed;
    }

    private void Move(IEnumerable<BookingLine> lines, int held, int confirmed)
    {
        foreach (var line in lines)
        {
            foreach (var key in Keys(line))
            {
                var (h, c) = _counts.GetValueOrDefault(key);
                _counts[key] = (h + (held * line.Quantity), c + (confirmed * line.Quantity));
            }
        }
    }

    /// <summary>
    /// <c>GET /api/inventory</c>: every item on one page, as the real API shapes it (a nightly item's own counters
    /// stay 0); <c>GET /api/inventory/{itemId}/calendar?from=&amp;to=</c>: every night of <c>[from, to)</c>.
    /// </summary>
    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _http.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            object page;
            lock (_gate)
            {
                page = Answer(context.Request.Url!);
            }

            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(page));
            context.Response.Close();
        }
    }

    private object Answer(Uri url)
    {
        var path = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (path is ["api", "inventory", var itemId, "calendar"])
        {
            var query = System.Web.HttpUtility.ParseQueryString(url.Query);
            var (from, to) = (DateOnly.Parse(query["from"]!, CultureInfo.InvariantCulture),
                DateOnly.Parse(query["to"]!, CultureInfo.InvariantCulture));
            var nights = Enumerable.Range(0, to.DayNumber - from.DayNumber).Select(from.AddDays)
                .Select(night => (Night: night, Counts: _counts.GetValueOrDefault((itemId, night))))
                .Select(n => new
                {
                    date = n.Night, capacity = _totals[itemId], held = n.Counts.Held, confirmed = n.Counts.Confirmed,
                });
            return new { itemId, timeZone = "UTC", from, to, nights };
        }

        var items = _totals
            .Select(t => (t.Key, t.Value, Reserved: _nightly.Contains(t.Key) ? 0 : Units((t.Key, null))))
            .Select(t => new
            {
                itemId = t.Key, total = t.Value, reserved = t.Reserved, available = t.Value - t.Reserved,
                kind = _nightly.Contains(t.Key) ? "Nightly" : "Pool",
            })
            .ToList();
        return new { items, page = 1, pageSize = 100, totalCount = items.Count };
    }

    private static EventEnvelope<T> Read<T>(BasicDeliverEventArgs delivery) =>
        JsonSerializer.Deserialize<EventEnvelope<T>>(delivery.Body.Span, ContractJson.Options)!;
}
