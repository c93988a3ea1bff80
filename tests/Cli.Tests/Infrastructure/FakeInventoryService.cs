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
/// holds on in-memory stock, the four outcome events on the platform exchange, and <c>GET /api/inventory</c> over
/// HTTP. It lets the tests run the real <c>booking simulate</c> in a throwaway vhost in a few seconds, and make it
/// misbehave on purpose.
/// </summary>
public sealed class FakeInventoryService : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int Total, int Reserved)> _stock;
    private readonly Dictionary<string, IReadOnlyList<BookingLine>> _holds = new(StringComparer.Ordinal);
    private readonly FakeServiceFault _fault;
    private readonly HttpListener _http = new();
    private readonly CancellationTokenSource _stop = new();
    private IConnection _connection = null!;
    private IChannel _channel = null!;
    private Task _serving = Task.CompletedTask;

    private FakeInventoryService(IReadOnlyDictionary<string, int> totals, FakeServiceFault fault)
    {
        _stock = totals.ToDictionary(t => t.Key, t => (t.Value, 0), StringComparer.Ordinal);
        _fault = fault;
    }

    public Uri Api { get; private set; } = null!;

    public static async Task<FakeInventoryService> StartAsync(ConnectionFactory factory, IReadOnlyDictionary<string, int> totals, FakeServiceFault fault = FakeServiceFault.None)
    {
        var service = new FakeInventoryService(totals, fault);
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
                    if (lines.All(l => _stock[l.ItemId].Total - _stock[l.ItemId].Reserved >= l.Quantity))
                    {
                        Move(lines, +1);
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
                        Move(_holds[declined], -1);
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

    private void Move(IEnumerable<BookingLine> lines, int sign)
    {
        foreach (var line in lines)
        {
            _stock[line.ItemId] = (_stock[line.ItemId].Total, _stock[line.ItemId].Reserved + (sign * line.Quantity));
        }
    }

    /// <summary><c>GET /api/inventory</c>: every item on one page, as the real API shapes it.</summary>
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
                var items = _stock.Select(s => new { itemId = s.Key, total = s.Value.Total, reserved = s.Value.Reserved, available = s.Value.Total - s.Value.Reserved }).ToList();
                page = new { items, page = 1, pageSize = 100, totalCount = items.Count };
            }

            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(page));
            context.Response.Close();
        }
    }

    private static EventEnvelope<T> Read<T>(BasicDeliverEventArgs delivery) =>
        JsonSerializer.Deserialize<EventEnvelope<T>>(delivery.Body.Span, ContractJson.Options)!;
}
